"""Optional newsletter: an e-mail address with its own consent, sealed under the profile's data
key, kept until unsubscribed. The one-click unsubscribe link carries a random token (only its
digest is stored); following it deletes the address and withdraws the newsletter consent."""

import logging
import re
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from api.auth.secrets import digest, new_token
from api.db.models_profiles import Profile
from api.db.models_rights import ErasureLogEntry, NewsletterSubscription
from api.services import consent_ledger, profiles
from privacy.crypto import KeyProvider, data_key_version_of, seal, unseal

logger = logging.getLogger(__name__)

# A dot-atom local part (RFC 5322 atext, letters beyond ASCII allowed) and a host name of
# labels: no comma, semicolon, angle bracket, quote, space or control character, any of
# which would let "a,b@c.dk" reach other recipients than the one address typed.
_ATEXT = r"[\w!#$%&'*+/=?^`{|}~-]"
_LABEL = r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
_EMAIL = re.compile(rf"(?=[^@]{{1,64}}@){_ATEXT}+(?:\.{_ATEXT}+)*@(?:{_LABEL}\.)+[A-Za-z]{{2,63}}")


class InvalidEmailError(ValueError):
    """Not an e-mail address (the value is never part of the message)."""


@dataclass(frozen=True)
class Subscribed:
    unsubscribe_token: str


def valid_email(email: str) -> str:
    email = email.strip()
    if len(email) > 254 or not _EMAIL.fullmatch(email):
        raise InvalidEmailError("not an e-mail address")
    return email


def subscribe(
    session: Session, keys: KeyProvider, profile_id: str, email: str, *, now: datetime | None = None
) -> Subscribed:
    """Replace any earlier address; records the newsletter consent. Caller commits."""
    email = valid_email(email)
    now = now or datetime.now(UTC)
    slot_profile = session.get(Profile, profile_id)
    if slot_profile is None:
        raise LookupError("no such profile")
    session.execute(
        delete(NewsletterSubscription).where(NewsletterSubscription.profile_id == profile_id)
    )
    key = profiles.data_key(session, keys, profile_id, slot_profile.data_key_version)
    row_id = uuid.uuid4().hex
    context = NewsletterSubscription.context_for("email", row_id=row_id, profile_id=profile_id)
    token = new_token(32)
    session.add(
        NewsletterSubscription(
            id=row_id,
            profile_id=profile_id,
            email=seal(key, context, email),
            unsubscribe_hash=digest(token),
            subscribed_at=now,
        )
    )
    if "newsletter" not in consent_ledger.active_purposes(session, profile_id):
        consent_ledger.record(session, profile_id, ["newsletter"], now=now)
    session.flush()
    logger.info("newsletter subscription stored")
    return Subscribed(unsubscribe_token=token)


def status(session: Session, keys: KeyProvider, profile_id: str) -> dict[str, Any]:
    row = session.scalar(
        select(NewsletterSubscription).where(NewsletterSubscription.profile_id == profile_id)
    )
    if row is None:
        return {"subscribed": False, "email": None, "subscribed_at": None}
    key = profiles.data_key(session, keys, profile_id, data_key_version_of(row.email.blob))
    return {
        "subscribed": True,
        "email": unseal(key, row.field_context("email"), row.email),
        "subscribed_at": row.subscribed_at.isoformat(),
    }


def email_of(session: Session, keys: KeyProvider, profile_id: str) -> str | None:
    value = status(session, keys, profile_id)["email"]
    return str(value) if value is not None else None


def _remove(session: Session, row: NewsletterSubscription, now: datetime) -> None:
    profile_id = row.profile_id
    session.delete(row)
    consent_ledger.withdraw(session, profile_id, ["newsletter"], now=now)
    session.add(
        ErasureLogEntry(at=now, reason="unsubscribe", counts={"newsletter_subscriptions": 1})
    )
    session.flush()
    logger.info("newsletter address deleted (unsubscribed)")


def unsubscribe_by_token(session: Session, token: str, *, now: datetime | None = None) -> bool:
    """The one-click link. True if an address was deleted now; False if none (idempotent)."""
    if not token or len(token) > 256:
        return False
    row = session.scalar(
        select(NewsletterSubscription).where(
            NewsletterSubscription.unsubscribe_hash == digest(token)
        )
    )
    if row is None:
        return False
    _remove(session, row, now or datetime.now(UTC))
    return True


def unsubscribe_profile(session: Session, profile_id: str, *, now: datetime | None = None) -> bool:
    row = session.scalar(
        select(NewsletterSubscription).where(NewsletterSubscription.profile_id == profile_id)
    )
    if row is None:
        return False
    _remove(session, row, now or datetime.now(UTC))
    return True


def subscriber_emails(session: Session, keys: KeyProvider) -> list[tuple[str, str]]:
    """(profile id, address) of every subscriber, for sending the newsletter."""
    out = []
    for row in session.scalars(select(NewsletterSubscription)):
        key = profiles.data_key(session, keys, row.profile_id, data_key_version_of(row.email.blob))
        out.append((row.profile_id, unseal(key, row.field_context("email"), row.email)))
    return out


def welcome_text_da(unsubscribe_link: str) -> str:
    return (
        "Hej\n\nDu er nu tilmeldt nyhedsbrevet fra Ung Intake. Vi bruger kun din e-mailadresse "
        "til nyhedsbrevet, og den er gemt krypteret.\n\n"
        f"Vil du ikke have det mere, så klik her, så sletter vi din adresse med det samme:\n"
        f"{unsubscribe_link}\n\nVenlig hilsen\nUng Intake\n"
    )
