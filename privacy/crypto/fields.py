"""Encryption of one stored text field with a profile's data key (AES-256-GCM).

Field ciphertext format, version 1:

    0x01 | data-key version (u32 BE) | nonce (12, random) | ciphertext + tag (16)

The 5-byte header is self-describing (which data key to fetch) and is itself authenticated:
the associated data is the header plus the field's place — table, column, row id and profile
id. A ciphertext copied to another row, column or table, or relabelled with another key
version, therefore fails to decrypt instead of yielding someone else's text.

Random 96-bit nonces are safe here because each data key encrypts one profile's fields only,
far below the 2^32 messages per key that NIST SP 800-38D allows for random nonces.
"""

import secrets
from dataclasses import dataclass

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from privacy.crypto.encoding import length_prefixed, read_u32, u32
from privacy.crypto.envelope import NONCE_BYTES, TAG_BYTES, DataKey
from privacy.crypto.errors import CiphertextFormatError, DecryptionError

FIELD_FORMAT_V1 = 0x01
HEADER_BYTES = 5
OVERHEAD_BYTES = HEADER_BYTES + NONCE_BYTES + TAG_BYTES
_AD_DOMAIN = b"ung-intake/field/v1\x00"


@dataclass(frozen=True)
class FieldContext:
    """Where a ciphertext lives. Every encrypt and decrypt needs one: there is no context-free
    path, so a ciphertext can only be opened in the place it was sealed for."""

    table: str
    column: str
    row_id: str
    profile_id: str

    def associated_data(self, header: bytes) -> bytes:
        return (
            _AD_DOMAIN
            + header
            + length_prefixed(self.table, self.column, self.row_id, self.profile_id)
        )


@dataclass(frozen=True)
class Sealed:
    """An encrypted field value: what an encrypted column stores and the only thing it accepts.

    `context` records where it was sealed for (checked again before the row is written);
    values loaded from the database carry None.
    """

    blob: bytes
    context: FieldContext | None = None

    def __repr__(self) -> str:
        return f"Sealed({len(self.blob)} bytes)"


def data_key_version_of(blob: bytes) -> int:
    if len(blob) < OVERHEAD_BYTES or blob[0] != FIELD_FORMAT_V1:
        raise CiphertextFormatError("field ciphertext is truncated or has an unknown version")
    return read_u32(blob, 1)


def seal(data_key: DataKey, context: FieldContext, plaintext: str) -> Sealed:
    header = bytes([FIELD_FORMAT_V1]) + u32(data_key.version)
    nonce = secrets.token_bytes(NONCE_BYTES)
    body = AESGCM(data_key.key).encrypt(
        nonce, plaintext.encode("utf-8"), context.associated_data(header)
    )
    return Sealed(blob=header + nonce + body, context=context)


def unseal(data_key: DataKey, context: FieldContext, sealed: Sealed | bytes) -> str:
    blob = sealed.blob if isinstance(sealed, Sealed) else sealed
    version = data_key_version_of(blob)
    where = f"{context.table}.{context.column}"
    if version != data_key.version:
        raise DecryptionError(
            f"{where}: sealed with data-key version {version}, given version {data_key.version}"
        )
    header = blob[:HEADER_BYTES]
    nonce = blob[HEADER_BYTES : HEADER_BYTES + NONCE_BYTES]
    try:
        plaintext = AESGCM(data_key.key).decrypt(
            nonce, blob[HEADER_BYTES + NONCE_BYTES :], context.associated_data(header)
        )
    except InvalidTag:
        raise DecryptionError(
            f"{where}: ciphertext failed to authenticate (altered, moved from another row, "
            "column or table, or sealed under another key)"
        ) from None
    return plaintext.decode("utf-8")
