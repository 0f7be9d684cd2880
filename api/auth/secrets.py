"""Hashing of what the server must recognise but never store: passwords (argon2id) and
high-entropy random credentials (SHA-256; they are 256-bit random, so a slow hash adds
nothing but latency)."""

import hashlib
import hmac
import secrets

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

_hasher = PasswordHasher()  # argon2id, library defaults (RFC 9106 low-memory profile)
# Verified against when the account does not exist, so timing does not reveal accounts.
_DUMMY_HASH = _hasher.hash(secrets.token_urlsafe(16))

MIN_PASSWORD_LENGTH = 12


def hash_password(password: str) -> str:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise ValueError(f"a password must have at least {MIN_PASSWORD_LENGTH} characters")
    return _hasher.hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    try:
        return _hasher.verify(password_hash or _DUMMY_HASH, password) and password_hash is not None
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def new_token(nbytes: int = 32) -> str:
    """A random credential (refresh token, code, client secret)."""
    return secrets.token_urlsafe(nbytes)


def digest(value: str) -> str:
    """SHA-256 hex digest: how random credentials are stored and looked up."""
    return hashlib.sha256(value.encode("utf-8")).hexdigest()


def matches_digest(value: str, expected_digest: str | None) -> bool:
    if not expected_digest:
        return False
    return hmac.compare_digest(digest(value), expected_digest)
