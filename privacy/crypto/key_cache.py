"""A small, bounded cache of unwrapped data keys, so a conversation's turns do not unwrap the
same data key again and again.

Security rules (docs/encryption.md, "Data-key cache"):

- An entry is found only with the exact wrapped blob that the database returned for this
  lookup (the turn's `UPDATE … RETURNING` or the key `SELECT`). A data key whose row was
  erased is therefore never *used* again: there is no blob to look it up with. A re-wrapped
  key (rotation) has another blob, so it is unwrapped afresh with the new KEK.
- On every hit the KEK that unwrapped the entry must still be in the key ring with the same
  version and bytes: retiring a KEK invalidates its entries at once, as a fresh unwrap would.
- Entries expire after `ttl_seconds` (60 s by default) and at most `max_entries` are kept
  (least recently used first out), which bounds how long an erased profile's plaintext key
  can stay in the memory of a process that did not do the erasure.
- `evict(profile_id)` (called by erasure in this process) removes the profile's entries and
  refuses to store keys for that profile for `ttl_seconds`, so a turn that read the wrapped
  key just before the erasure cannot put it back.
- The cached key bytes never leave this module except as the `DataKey` an unwrap returns;
  `repr` shows counts only.
"""

from __future__ import annotations

import hmac
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass

from privacy.crypto.envelope import DataKey, parse_wrap_header, unwrap_data_key
from privacy.crypto.errors import DecryptionError
from privacy.crypto.keyring import Kek, KeyProvider

DEFAULT_MAX_ENTRIES = 1024
DEFAULT_TTL_SECONDS = 60.0


@dataclass(frozen=True, slots=True, repr=False)
class _Entry:
    data_key: DataKey
    kek: Kek
    expires_at: float


class DataKeyCache:
    """Thread-safe LRU of unwrapped data keys; see the module docstring for the rules."""

    def __init__(
        self,
        max_entries: int = DEFAULT_MAX_ENTRIES,
        ttl_seconds: float = DEFAULT_TTL_SECONDS,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        if max_entries < 1 or ttl_seconds <= 0:
            raise ValueError("max_entries must be >= 1 and ttl_seconds > 0")
        self._max = max_entries
        self._ttl = ttl_seconds
        self._clock = clock
        self._lock = threading.Lock()
        self._entries: OrderedDict[tuple[str, int, bytes], _Entry] = OrderedDict()
        self._erased: dict[str, float] = {}  # profile id -> until when no key is stored

    def __repr__(self) -> str:
        return f"DataKeyCache({len(self._entries)} entries, max {self._max}, ttl {self._ttl}s)"

    def __len__(self) -> int:
        return len(self._entries)

    def unwrap(
        self, keys: KeyProvider, profile_id: str, data_key_version: int, blob: bytes
    ) -> DataKey:
        """Same result and errors as `unwrap_data_key(keys, profile_id, version, blob)`."""
        slot = (profile_id, data_key_version, bytes(blob))
        now = self._clock()
        with self._lock:
            entry = self._entries.get(slot)
            if entry is not None:
                if entry.expires_at > now:
                    self._entries.move_to_end(slot)
                else:
                    del self._entries[slot]
                    entry = None
        if entry is not None:
            current = keys.get(entry.kek.id)  # UnknownKeyError once the KEK is retired
            if current.version == entry.kek.version and hmac.compare_digest(
                current.key, entry.kek.key
            ):
                return entry.data_key
            with self._lock:
                self._entries.pop(slot, None)
            raise DecryptionError(
                f"KEK {entry.kek.id!r} in the key ring is not the one that wrapped this data key"
            )
        data_key = unwrap_data_key(keys, profile_id, data_key_version, blob)
        kek = keys.get(parse_wrap_header(blob).kek_id)
        with self._lock:
            until = self._erased.get(profile_id)
            if until is not None and until > now:
                return data_key  # erased here moments ago: use once, never keep
            self._erased.pop(profile_id, None)
            self._entries[slot] = _Entry(data_key, kek, now + self._ttl)
            self._entries.move_to_end(slot)
            while len(self._entries) > self._max:
                self._entries.popitem(last=False)
        return data_key

    def evict(self, profile_id: str) -> int:
        """Forget the profile's keys and keep none for it during the next `ttl_seconds`."""
        now = self._clock()
        with self._lock:
            doomed = [slot for slot in self._entries if slot[0] == profile_id]
            for slot in doomed:
                del self._entries[slot]
            self._erased = {pid: t for pid, t in self._erased.items() if t > now}
            self._erased[profile_id] = now + self._ttl
            return len(doomed)

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()
