"""Key-encryption keys (KEKs): the only long-lived secrets, kept outside the database.

A key ring holds every KEK that may still wrap a profile's data key, each with an id and a
version, and names the active one (used for new wraps). Rotation adds a KEK and makes it
active; retirement removes a KEK once no data key is wrapped by it.

JSON form (the key-ring file, or the KEY_RING environment variable):

    {"format": "ung-intake-keyring/1",
     "active": "kek-2-3f9a0c1e",
     "keys": {"kek-1-77d0b2aa": {"version": 1, "key": "<base64 of 32 random bytes>"},
              "kek-2-3f9a0c1e": {"version": 2, "key": "..."}}}
"""

import base64
import binascii
import json
import re
import secrets
import string
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Protocol

from privacy.crypto.encoding import MAX_U32
from privacy.crypto.errors import KeyRingError, UnknownKeyError

KEY_RING_FORMAT = "ung-intake-keyring/1"
KEK_BYTES = 32  # AES-256
_KEK_ID = re.compile(r"^[A-Za-z0-9._-]{1,40}$")
_PRINTABLE = frozenset(string.printable.encode("ascii"))
# Keys people paste when they "just want it to start"; refused even though they are 32 bytes.
_KNOWN_DEFAULT_KEYS = frozenset(
    {
        bytes(range(32)),
        b"changeme" * 4,
        b"0123456789abcdef" * 2,
        b"secret" * 5 + b"se",
    }
)


@dataclass(frozen=True, repr=False)
class Kek:
    """One key-encryption key. `repr` never shows the key bytes."""

    id: str
    version: int
    key: bytes

    def __repr__(self) -> str:
        return f"Kek(id={self.id!r}, version={self.version})"


class KeyProvider(Protocol):
    """What the storage layer needs from a key ring (a fixed one or one that reloads)."""

    def active(self) -> Kek: ...

    def get(self, kek_id: str) -> Kek: ...


def check_key_strength(kek_id: str, key: bytes, where: str) -> None:
    """Refuse keys that are obviously not random. Messages name the key id, never its bytes."""
    if len(key) != KEK_BYTES:
        raise KeyRingError(f"{where}: key {kek_id!r} must be exactly {KEK_BYTES} bytes (AES-256)")
    if key in _KNOWN_DEFAULT_KEYS:
        raise KeyRingError(f"{where}: key {kek_id!r} is a well-known default key")
    # 32 random bytes have ~28 distinct values; fewer than 16 means a pattern (all zero, "aaaa").
    if len(set(key)) < 16:
        raise KeyRingError(f"{where}: key {kek_id!r} is not random (too few distinct bytes)")
    # A passphrase base64-encoded to 32 bytes is all printable; random bytes are (95/256)^32.
    if all(b in _PRINTABLE for b in key):
        raise KeyRingError(f"{where}: key {kek_id!r} looks like text, not 32 random bytes")


def new_kek(version: int) -> Kek:
    return Kek(
        id=f"kek-{version}-{secrets.token_hex(4)}",
        version=version,
        key=secrets.token_bytes(KEK_BYTES),
    )


class KeyRing:
    """An immutable set of KEKs with one active. Implements KeyProvider."""

    def __init__(self, keks: Iterable[Kek], active_id: str, where: str = "key ring") -> None:
        by_id: dict[str, Kek] = {}
        versions: set[int] = set()
        seen_keys: set[bytes] = set()
        for kek in keks:
            if not _KEK_ID.fullmatch(kek.id):
                raise KeyRingError(f"{where}: invalid key id (use letters, digits, . _ -)")
            if kek.id in by_id:
                raise KeyRingError(f"{where}: key id {kek.id!r} appears twice")
            if not 1 <= kek.version <= MAX_U32 or kek.version in versions:
                raise KeyRingError(f"{where}: key {kek.id!r} needs a unique version >= 1")
            check_key_strength(kek.id, kek.key, where)
            if kek.key in seen_keys:
                raise KeyRingError(f"{where}: key {kek.id!r} reuses the bytes of another key")
            by_id[kek.id] = kek
            versions.add(kek.version)
            seen_keys.add(kek.key)
        if not by_id:
            raise KeyRingError(f"{where}: holds no keys")
        if active_id not in by_id:
            raise KeyRingError(f"{where}: active key {active_id!r} is not in the ring")
        self._by_id = by_id
        self._active_id = active_id

    def active(self) -> Kek:
        return self._by_id[self._active_id]

    def get(self, kek_id: str) -> Kek:
        try:
            return self._by_id[kek_id]
        except KeyError:
            raise UnknownKeyError(f"key-encryption key {kek_id!r} is not in the key ring") from None

    def __iter__(self) -> Iterator[Kek]:
        return iter(sorted(self._by_id.values(), key=lambda k: k.version))

    def __len__(self) -> int:
        return len(self._by_id)

    def with_new_active(self) -> "KeyRing":
        """A ring with one more KEK (next version), made active; old KEKs stay to unwrap."""
        kek = new_kek(max(k.version for k in self) + 1)
        return KeyRing([*self, kek], kek.id)

    def without(self, kek_id: str) -> "KeyRing":
        self.get(kek_id)
        if kek_id == self._active_id:
            raise KeyRingError(f"key {kek_id!r} is the active key; rotate before retiring it")
        return KeyRing([k for k in self if k.id != kek_id], self._active_id)

    def to_json(self) -> str:
        document: dict[str, Any] = {
            "format": KEY_RING_FORMAT,
            "active": self._active_id,
            "written_at": datetime.now(UTC).isoformat(timespec="seconds"),
            "keys": {
                k.id: {"version": k.version, "key": base64.b64encode(k.key).decode("ascii")}
                for k in self
            },
        }
        return json.dumps(document, indent=2) + "\n"

    @classmethod
    def generate(cls) -> "KeyRing":
        kek = new_kek(1)
        return cls([kek], kek.id)

    @classmethod
    def from_json(cls, text: str, where: str) -> "KeyRing":
        """Parse a key ring. `where` names the source (setting or file) in error messages."""
        try:
            document = json.loads(text)
        except json.JSONDecodeError:
            raise KeyRingError(f"{where}: not valid JSON") from None
        if not isinstance(document, dict):
            raise KeyRingError(f"{where}: must be a JSON object")
        if document.get("format", KEY_RING_FORMAT) != KEY_RING_FORMAT:
            raise KeyRingError(f"{where}: unknown format (expected {KEY_RING_FORMAT!r})")
        active = document.get("active")
        keys = document.get("keys")
        if not isinstance(active, str) or not isinstance(keys, dict):
            raise KeyRingError(f"{where}: needs 'active' (a key id) and 'keys' (id -> entry)")
        return cls(
            (_parse_entry(kek_id, entry, where) for kek_id, entry in keys.items()), active, where
        )


def _parse_entry(kek_id: str, entry: object, where: str) -> Kek:
    if not isinstance(entry, dict):
        raise KeyRingError(f"{where}: key {kek_id!r} must be {{'version': int, 'key': base64}}")
    version = entry.get("version")
    encoded = entry.get("key")
    if not isinstance(version, int) or isinstance(version, bool) or not isinstance(encoded, str):
        raise KeyRingError(f"{where}: key {kek_id!r} must be {{'version': int, 'key': base64}}")
    try:
        key = base64.b64decode(encoded.strip(), validate=True)
    except (binascii.Error, ValueError):
        try:
            key = base64.urlsafe_b64decode(encoded.strip())
        except (binascii.Error, ValueError):
            raise KeyRingError(f"{where}: key {kek_id!r} is not valid base64") from None
    return Kek(id=kek_id, version=version, key=key)
