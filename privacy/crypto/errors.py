"""Exceptions of the crypto layer.

Messages name what failed and where (table, column, key id), never plaintext or key bytes:
exceptions end up in logs and tracebacks.
"""


class CryptoError(Exception):
    """Base class of every error raised by privacy.crypto."""


class DecryptionError(CryptoError):
    """A ciphertext did not authenticate: tampered, moved to another row/column/table, wrapped
    for another profile, or sealed under another key or key version."""


class CiphertextFormatError(DecryptionError):
    """The bytes are not a ciphertext this code understands (truncated or unknown version)."""


class KeyRingError(CryptoError):
    """The key ring is missing, malformed or holds a weak key."""


class UnknownKeyError(KeyRingError, DecryptionError):
    """A key-encryption key id is not in the key ring (never existed, or already retired):
    whatever it wrapped cannot be decrypted with this ring."""
