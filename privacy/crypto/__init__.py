"""Envelope encryption for profile data: AES-256-GCM fields under per-profile data keys,
data keys wrapped by key-encryption keys from a key ring kept outside the database.

Pure library: no web, no database. See docs/encryption.md for the scheme and formats.
"""

from privacy.crypto.envelope import (
    DataKey,
    WrappedKey,
    new_data_key,
    parse_wrap_header,
    rewrap_data_key,
    unwrap_data_key,
    wrap_data_key,
)
from privacy.crypto.errors import (
    CiphertextFormatError,
    CryptoError,
    DecryptionError,
    KeyRingError,
    UnknownKeyError,
)
from privacy.crypto.fields import FieldContext, Sealed, data_key_version_of, seal, unseal
from privacy.crypto.keyring import Kek, KeyProvider, KeyRing
from privacy.crypto.keyring_file import (
    ReloadingKeyRing,
    create_key_ring_file,
    read_key_ring_file,
    replace_key_ring_file,
)

__all__ = [
    "CiphertextFormatError",
    "CryptoError",
    "DataKey",
    "DecryptionError",
    "FieldContext",
    "Kek",
    "KeyProvider",
    "KeyRing",
    "KeyRingError",
    "ReloadingKeyRing",
    "Sealed",
    "UnknownKeyError",
    "WrappedKey",
    "create_key_ring_file",
    "data_key_version_of",
    "new_data_key",
    "parse_wrap_header",
    "read_key_ring_file",
    "replace_key_ring_file",
    "rewrap_data_key",
    "seal",
    "unseal",
    "unwrap_data_key",
    "wrap_data_key",
]
