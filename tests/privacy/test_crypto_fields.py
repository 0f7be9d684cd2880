"""Field encryption: round trips, binding to the field's place, tampering, nonces."""

from dataclasses import replace

import pytest

from privacy.crypto import (
    CiphertextFormatError,
    DecryptionError,
    FieldContext,
    new_data_key,
    seal,
    unseal,
)
from privacy.crypto.envelope import NONCE_BYTES
from privacy.crypto.fields import HEADER_BYTES, OVERHEAD_BYTES

CTX = FieldContext(
    table="transcript_entries", column="text_ciphertext", row_id="row-1", profile_id="p1"
)


@pytest.mark.parametrize(
    "plaintext", ["", "hej", "Jeg hedder Søren og bor på Åboulevarden 12, 3. th.", "💀" * 500]
)
def test_round_trip(plaintext: str) -> None:
    key = new_data_key()
    sealed = seal(key, CTX, plaintext)
    assert len(sealed.blob) == OVERHEAD_BYTES + len(plaintext.encode())
    assert unseal(key, CTX, sealed) == plaintext
    assert unseal(key, CTX, sealed.blob) == plaintext


def test_ciphertext_does_not_contain_plaintext_and_differs_each_time() -> None:
    key = new_data_key()
    a, b = seal(key, CTX, "canary-4711"), seal(key, CTX, "canary-4711")
    assert b"canary" not in a.blob
    assert a.blob != b.blob


def test_format_header_is_version_and_data_key_version() -> None:
    key = new_data_key(version=7)
    blob = seal(key, CTX, "x").blob
    assert blob[0] == 0x01
    assert int.from_bytes(blob[1:5], "big") == 7


@pytest.mark.parametrize("position", [0, 1, 4, 5, 16, 17, -1])
def test_any_flipped_byte_fails(position: int) -> None:
    key = new_data_key()
    blob = bytearray(seal(key, CTX, "en besked").blob)
    blob[position] ^= 0x01
    with pytest.raises(DecryptionError):
        unseal(key, CTX, bytes(blob))


@pytest.mark.parametrize(
    "moved",
    [
        replace(CTX, row_id="row-2"),
        replace(CTX, column="note_ciphertext"),
        replace(CTX, table="journal_notes"),
        replace(CTX, profile_id="p2"),
    ],
    ids=["other row", "other column", "other table", "other profile"],
)
def test_ciphertext_moved_elsewhere_fails(moved: FieldContext) -> None:
    key = new_data_key()
    sealed = seal(key, CTX, "en besked")
    with pytest.raises(DecryptionError, match="failed to authenticate"):
        unseal(key, moved, sealed)


def test_length_prefixing_keeps_contexts_distinct() -> None:
    key = new_data_key()
    a = FieldContext(table="ab", column="c", row_id="r", profile_id="p")
    b = FieldContext(table="a", column="bc", row_id="r", profile_id="p")
    with pytest.raises(DecryptionError):
        unseal(key, b, seal(key, a, "x"))


def test_wrong_key_fails() -> None:
    sealed = seal(new_data_key(), CTX, "x")
    with pytest.raises(DecryptionError):
        unseal(new_data_key(), CTX, sealed)


def test_wrong_data_key_version_fails_even_with_the_right_bytes() -> None:
    key = new_data_key(version=1)
    blob = bytearray(seal(key, CTX, "x").blob)
    # Relabel the ciphertext as version 2 and offer the same key bytes as version 2.
    blob[1:5] = (2).to_bytes(4, "big")
    relabelled_key = replace(key, version=2)
    with pytest.raises(DecryptionError, match="failed to authenticate"):
        unseal(relabelled_key, CTX, bytes(blob))
    # And a version-2 key for a version-1 ciphertext is refused before any decryption.
    with pytest.raises(DecryptionError, match="version 1"):
        unseal(relabelled_key, CTX, seal(key, CTX, "x"))


@pytest.mark.parametrize("blob", [b"", b"\x01" * 10, b"\x02" + b"\x00" * 40])
def test_truncated_or_unknown_version_is_a_format_error(blob: bytes) -> None:
    with pytest.raises(CiphertextFormatError):
        unseal(new_data_key(), CTX, blob)


def test_error_messages_never_contain_plaintext() -> None:
    key = new_data_key()
    sealed = seal(key, CTX, "canary-hemmelig")
    with pytest.raises(DecryptionError) as info:
        unseal(key, replace(CTX, row_id="other"), sealed)
    assert "canary" not in str(info.value)
    assert "canary" not in repr(sealed)


def test_no_nonce_repeats_in_100000_encryptions() -> None:
    key = new_data_key()
    nonces = {
        seal(key, CTX, "x").blob[HEADER_BYTES : HEADER_BYTES + NONCE_BYTES] for _ in range(100_000)
    }
    assert len(nonces) == 100_000
