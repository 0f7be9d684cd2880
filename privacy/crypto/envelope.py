"""Per-profile data keys, wrapped by a key-encryption key (envelope encryption).

Each anonymous profile gets its own random 256-bit data key. Only its wrapped form is stored
(table `profile_keys`); destroying that row destroys the profile's data (crypto-shredding).
Rotating the KEK re-wraps data keys without touching any encrypted row.

Wrapped-key format, version 1 (self-describing, so a row can be unwrapped without its
neighbouring columns):

    0x01 | kek version (u32 BE) | len(kek id) (u8) | kek id (ASCII) | nonce (12) | ct+tag (48)

AES-256-GCM with the KEK; associated data binds the wrap to the profile id, the data-key
version and the KEK id and version, so a wrapped key copied to another profile, or relabelled
with another KEK version, fails to unwrap.
"""

import secrets
from dataclasses import dataclass

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from privacy.crypto.encoding import length_prefixed, read_u32, u32
from privacy.crypto.errors import CiphertextFormatError, DecryptionError
from privacy.crypto.keyring import Kek, KeyProvider

WRAP_FORMAT_V1 = 0x01
DATA_KEY_BYTES = 32
NONCE_BYTES = 12
TAG_BYTES = 16
_AD_DOMAIN = b"ung-intake/data-key/v1\x00"


@dataclass(frozen=True, repr=False)
class DataKey:
    """A profile's plaintext data key; lives only in memory. `repr` never shows the bytes."""

    version: int
    key: bytes

    def __repr__(self) -> str:
        return f"DataKey(version={self.version})"


@dataclass(frozen=True)
class WrappedKey:
    blob: bytes
    kek_id: str
    kek_version: int


def new_data_key(version: int = 1) -> DataKey:
    return DataKey(version=version, key=secrets.token_bytes(DATA_KEY_BYTES))


def _associated_data(
    profile_id: str, data_key_version: int, kek_id: str, kek_version: int
) -> bytes:
    return (
        _AD_DOMAIN + length_prefixed(profile_id, kek_id) + u32(data_key_version) + u32(kek_version)
    )


def wrap_data_key(kek: Kek, profile_id: str, data_key: DataKey) -> WrappedKey:
    kek_id_raw = kek.id.encode("ascii")
    nonce = secrets.token_bytes(NONCE_BYTES)
    ad = _associated_data(profile_id, data_key.version, kek.id, kek.version)
    sealed = AESGCM(kek.key).encrypt(nonce, data_key.key, ad)
    blob = bytes([WRAP_FORMAT_V1]) + u32(kek.version) + bytes([len(kek_id_raw)]) + kek_id_raw
    return WrappedKey(blob=blob + nonce + sealed, kek_id=kek.id, kek_version=kek.version)


@dataclass(frozen=True)
class WrapHeader:
    kek_id: str
    kek_version: int
    body_offset: int


def parse_wrap_header(blob: bytes) -> WrapHeader:
    if len(blob) < 6 or blob[0] != WRAP_FORMAT_V1:
        raise CiphertextFormatError("wrapped data key has an unknown format version")
    kek_version = read_u32(blob, 1)
    id_len = blob[5]
    body = 6 + id_len
    if len(blob) != body + NONCE_BYTES + DATA_KEY_BYTES + TAG_BYTES:
        raise CiphertextFormatError("wrapped data key is truncated or has trailing bytes")
    try:
        kek_id = blob[6:body].decode("ascii")
    except UnicodeDecodeError:
        raise CiphertextFormatError("wrapped data key has a malformed key id") from None
    return WrapHeader(kek_id=kek_id, kek_version=kek_version, body_offset=body)


def unwrap_data_key(
    keys: KeyProvider, profile_id: str, data_key_version: int, blob: bytes
) -> DataKey:
    """Raises UnknownKeyError if the wrapping KEK was retired, DecryptionError if the blob does
    not belong to this profile/version or was altered."""
    header = parse_wrap_header(blob)
    kek = keys.get(header.kek_id)
    if kek.version != header.kek_version:
        raise DecryptionError(
            f"wrapped data key names version {header.kek_version} of KEK {kek.id!r}, "
            f"the key ring has version {kek.version}"
        )
    nonce = blob[header.body_offset : header.body_offset + NONCE_BYTES]
    ad = _associated_data(profile_id, data_key_version, kek.id, kek.version)
    try:
        key = AESGCM(kek.key).decrypt(nonce, blob[header.body_offset + NONCE_BYTES :], ad)
    except InvalidTag:
        raise DecryptionError(
            f"wrapped data key (version {data_key_version}, KEK {kek.id!r}) failed to "
            "authenticate: altered, or stored for another profile"
        ) from None
    return DataKey(version=data_key_version, key=key)


def rewrap_data_key(
    keys: KeyProvider, profile_id: str, data_key_version: int, blob: bytes, to: Kek
) -> WrappedKey:
    """Unwrap with whatever KEK wrapped it and wrap again with `to`; rows stay untouched."""
    return wrap_data_key(to, profile_id, unwrap_data_key(keys, profile_id, data_key_version, blob))
