"""The browser's secret for its own anonymous profile.

Created once, right after consent, and handed to the browser that holds the conversation
(over its socket.io connection, api/realtime/profile_secret.py). Only its SHA-256 digest is
stored. The browser exchanges it at the token endpoint for a short-lived `profile:self` access
token (api/auth/youth_grant.py). Erasing the profile deletes the credential, so every token
issued from it stops working at once.
"""

import logging
from datetime import UTC, datetime

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from api.auth.secrets import digest, new_token
from api.db.models_rights import ProfileCredential
from api.services import consent

logger = logging.getLogger(__name__)

SECRET_BYTES = 32


def issue_secret(session: Session, profile_id: str) -> str | None:
    """A new secret for a consented profile that has none yet; None otherwise (no profile,
    or the secret was handed out before — it is never shown twice)."""
    if not consent.has_consented(session, profile_id):
        return None
    if session.get(ProfileCredential, profile_id) is not None:
        return None
    secret = new_token(SECRET_BYTES)
    try:
        with session.begin_nested():
            session.add(
                ProfileCredential(
                    profile_id=profile_id, secret_hash=digest(secret), created_at=datetime.now(UTC)
                )
            )
    except IntegrityError:
        return None  # a concurrent request won
    logger.info("profile secret issued to the browser")
    return secret


def profile_for_secret(session: Session, secret: str) -> str | None:
    if not secret or len(secret) > 256:
        return None
    return session.scalar(
        select(ProfileCredential.profile_id).where(ProfileCredential.secret_hash == digest(secret))
    )


def has_credential(session: Session, profile_id: str) -> bool:
    return session.get(ProfileCredential, profile_id) is not None
