"""The data-key cache: same results and errors as a fresh unwrap, bounded in size and time,
and nothing kept for an erased profile or usable after its KEK left the key ring."""

from __future__ import annotations

from dataclasses import replace

import pytest

import privacy.crypto.key_cache as key_cache
from privacy.crypto import (
    DataKeyCache,
    DecryptionError,
    KeyRing,
    UnknownKeyError,
    new_data_key,
    rewrap_data_key,
    unwrap_data_key,
    wrap_data_key,
)


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def unwraps(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Counts real unwraps (AES-GCM operations) done by the cache."""
    calls: list[str] = []

    def counting(*args: object) -> object:
        calls.append(str(args[1]))
        return unwrap_data_key(*args)  # type: ignore[arg-type]

    monkeypatch.setattr(key_cache, "unwrap_data_key", counting)
    return calls


def test_hit_returns_the_same_key_without_unwrapping(unwraps: list[str]) -> None:
    ring = KeyRing.generate()
    dk = new_data_key()
    blob = wrap_data_key(ring.active(), "p1", dk).blob
    cache = DataKeyCache()
    assert cache.unwrap(ring, "p1", 1, blob).key == dk.key
    assert cache.unwrap(ring, "p1", 1, blob).key == dk.key
    assert unwraps == ["p1"]
    assert "p1" not in repr(cache) and dk.key.hex() not in repr(cache)


def test_wrong_profile_version_or_tampered_blob_fail_and_are_not_cached(
    unwraps: list[str],
) -> None:
    ring = KeyRing.generate()
    blob = wrap_data_key(ring.active(), "p1", new_data_key()).blob
    cache = DataKeyCache()
    cache.unwrap(ring, "p1", 1, blob)
    with pytest.raises(DecryptionError):
        cache.unwrap(ring, "p2", 1, blob)  # a wrapped key copied to another profile
    with pytest.raises(DecryptionError):
        cache.unwrap(ring, "p1", 2, blob)
    tampered = bytearray(blob)
    tampered[-3] ^= 1
    with pytest.raises(DecryptionError):
        cache.unwrap(ring, "p1", 1, bytes(tampered))
    assert len(cache) == 1


def test_retired_kek_makes_cached_keys_unusable() -> None:
    ring = KeyRing.generate()
    old_kek = ring.active()
    blob = wrap_data_key(old_kek, "p1", new_data_key()).blob
    cache = DataKeyCache()
    cache.unwrap(ring, "p1", 1, blob)
    rotated = ring.with_new_active()
    retired = rotated.without(old_kek.id)
    with pytest.raises(UnknownKeyError):
        cache.unwrap(retired, "p1", 1, blob)


def test_kek_with_the_same_id_but_other_bytes_is_refused() -> None:
    ring = KeyRing.generate()
    blob = wrap_data_key(ring.active(), "p1", new_data_key()).blob
    cache = DataKeyCache()
    cache.unwrap(ring, "p1", 1, blob)
    impostor_kek = replace(KeyRing.generate().active(), id=ring.active().id)
    impostor = KeyRing([impostor_kek], impostor_kek.id)
    with pytest.raises(DecryptionError):
        cache.unwrap(impostor, "p1", 1, blob)


def test_rewrapped_key_is_unwrapped_with_the_new_kek(unwraps: list[str]) -> None:
    ring = KeyRing.generate()
    dk = new_data_key()
    blob = wrap_data_key(ring.active(), "p1", dk).blob
    cache = DataKeyCache()
    cache.unwrap(ring, "p1", 1, blob)
    rotated = ring.with_new_active()
    new_blob = rewrap_data_key(rotated, "p1", 1, blob, rotated.active()).blob
    assert cache.unwrap(rotated, "p1", 1, new_blob).key == dk.key
    assert len(unwraps) == 2


def test_entries_expire_and_the_size_is_bounded(unwraps: list[str]) -> None:
    ring = KeyRing.generate()
    clock = Clock()
    cache = DataKeyCache(max_entries=3, ttl_seconds=60, clock=clock)
    blobs = {f"p{i}": wrap_data_key(ring.active(), f"p{i}", new_data_key()).blob for i in range(5)}
    for pid, blob in blobs.items():
        cache.unwrap(ring, pid, 1, blob)
    assert len(cache) == 3
    cache.unwrap(ring, "p0", 1, blobs["p0"])  # evicted as least recently used
    assert unwraps.count("p0") == 2
    cache.unwrap(ring, "p4", 1, blobs["p4"])
    assert unwraps.count("p4") == 1
    clock.now += 61
    cache.unwrap(ring, "p4", 1, blobs["p4"])
    assert unwraps.count("p4") == 2


def test_evict_forgets_the_profile_and_keeps_nothing_for_it_during_the_ttl(
    unwraps: list[str],
) -> None:
    ring = KeyRing.generate()
    clock = Clock()
    cache = DataKeyCache(ttl_seconds=60, clock=clock)
    blob = wrap_data_key(ring.active(), "p1", new_data_key()).blob
    other = wrap_data_key(ring.active(), "p2", new_data_key()).blob
    cache.unwrap(ring, "p1", 1, blob)
    cache.unwrap(ring, "p2", 1, other)
    assert cache.evict("p1") == 1
    assert len(cache) == 1
    # A turn that read the wrapped key just before the erasure still gets its key once,
    # but it is not stored again.
    cache.unwrap(ring, "p1", 1, blob)
    cache.unwrap(ring, "p1", 1, blob)
    assert unwraps.count("p1") == 3 and len(cache) == 1
    clock.now += 61
    cache.unwrap(ring, "p1", 1, blob)
    cache.unwrap(ring, "p1", 1, blob)
    assert unwraps.count("p1") == 4


def test_bad_settings_are_refused() -> None:
    with pytest.raises(ValueError):
        DataKeyCache(max_entries=0)
    with pytest.raises(ValueError):
        DataKeyCache(ttl_seconds=0)
