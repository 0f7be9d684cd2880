"""Data-key wrapping: round trip, binding to profile and KEK version, retired KEKs."""

from dataclasses import replace

import pytest

from privacy.crypto import (
    DecryptionError,
    KeyRing,
    UnknownKeyError,
    new_data_key,
    parse_wrap_header,
    rewrap_data_key,
    unwrap_data_key,
    wrap_data_key,
)


def test_wrap_round_trip_and_header(key_ring: KeyRing) -> None:
    dk = new_data_key(version=3)
    wrapped = wrap_data_key(key_ring.active(), "profile-a", dk)
    header = parse_wrap_header(wrapped.blob)
    assert (header.kek_id, header.kek_version) == (key_ring.active().id, 1)
    assert dk.key not in wrapped.blob
    assert unwrap_data_key(key_ring, "profile-a", 3, wrapped.blob).key == dk.key


def test_wrapped_key_of_another_profile_or_version_fails(key_ring: KeyRing) -> None:
    wrapped = wrap_data_key(key_ring.active(), "profile-a", new_data_key())
    with pytest.raises(DecryptionError):
        unwrap_data_key(key_ring, "profile-b", 1, wrapped.blob)
    with pytest.raises(DecryptionError):
        unwrap_data_key(key_ring, "profile-a", 2, wrapped.blob)


def test_flipped_byte_in_wrapped_key_fails(key_ring: KeyRing) -> None:
    blob = bytearray(wrap_data_key(key_ring.active(), "p", new_data_key()).blob)
    blob[-5] ^= 0x80
    with pytest.raises(DecryptionError):
        unwrap_data_key(key_ring, "p", 1, bytes(blob))


def test_wrong_kek_version_in_header_fails(key_ring: KeyRing) -> None:
    blob = bytearray(wrap_data_key(key_ring.active(), "p", new_data_key()).blob)
    blob[1:5] = (2).to_bytes(4, "big")
    with pytest.raises(DecryptionError, match="version 2"):
        unwrap_data_key(key_ring, "p", 1, bytes(blob))


def test_same_kek_id_with_other_bytes_fails(key_ring: KeyRing) -> None:
    wrapped = wrap_data_key(key_ring.active(), "p", new_data_key())
    impostor = KeyRing(
        [replace(KeyRing.generate().active(), id=key_ring.active().id)], key_ring.active().id
    )
    with pytest.raises(DecryptionError):
        unwrap_data_key(impostor, "p", 1, wrapped.blob)


def test_rotation_rewraps_and_retired_kek_is_unknown(key_ring: KeyRing) -> None:
    dk = new_data_key()
    old = wrap_data_key(key_ring.active(), "p", dk)
    rotated = key_ring.with_new_active()
    assert rotated.active().version == 2
    new = rewrap_data_key(rotated, "p", 1, old.blob, rotated.active())
    assert new.kek_id == rotated.active().id
    retired = rotated.without(key_ring.active().id)
    assert unwrap_data_key(retired, "p", 1, new.blob).key == dk.key
    with pytest.raises(UnknownKeyError):
        unwrap_data_key(retired, "p", 1, old.blob)


def test_repr_hides_key_bytes(key_ring: KeyRing) -> None:
    dk = new_data_key()
    assert repr(dk.key) not in repr(dk) and dk.key.hex() not in repr(dk)
    assert repr(key_ring.active().key) not in repr(key_ring.active())
