"""Duty to report (underretning, Serviceloven § 153): a counsellor marks a conversation as a
possible case; the youth is then offered, in the widget, to give contact details (name, phone,
address as free text) with a separate, explicit consent (consent-ledger purpose
`underretning`). Nothing identifying is stored without that consent; declining is respected
and logged. Every step is an `underretning_events` row without content.

The details are sealed under the profile's data key (exported with the profile, erased with
it) and shown only to counsellors of the organisation that held the conversation.
"""

import logging
import uuid
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from api.db.models import Handoff
from api.db.models_auth import Counsellor
from api.db.models_profiles import Profile
from api.db.models_queue import HandoffAssignment
from api.db.models_underretning import ContactDetails, UnderretningEvent
from api.services import consent_ledger, profiles, queue
from privacy.crypto import KeyProvider, data_key_version_of, seal, unseal

logger = logging.getLogger(__name__)

PURPOSE = "underretning"
MARKED, DECLINED, CONSENTED = "marked", "declined", "consented"
MAX_DETAILS_CHARS = 1000

OFFER_DA = (
    "Din rådgiver spørger, om du vil give dit navn, telefonnummer og din adresse, så vi kan "
    "hjælpe dig videre, hvis det bliver nødvendigt at kontakte kommunen. Det er helt frivilligt: "
    "du bestemmer selv, og du kan sige nej tak."
)


class UnderretningError(Exception):
    """Base of the refusals below."""


class NoOfferError(UnderretningError):
    """No counsellor has offered this (or the youth has already answered)."""


class ConsentMissingError(UnderretningError):
    """Details without the explicit consent are never stored."""


class InvalidDetailsError(UnderretningError):
    """Empty or too long."""


@dataclass(frozen=True)
class Offer:
    handoff_id: str
    organisation_id: str


@dataclass(frozen=True)
class Status:
    marked: bool
    answer: str | None  # None: not answered yet; "declined" | "consented"
    details: list[str]


def _event(session: Session, offer: Offer, action: str, now: datetime, by: str | None) -> None:
    session.add(
        UnderretningEvent(
            handoff_id=offer.handoff_id,
            organisation_id=offer.organisation_id,
            counsellor_id=by,
            action=action,
            at=now,
        )
    )


def mark(session: Session, counsellor: Counsellor, handoff_id: str, *, now: datetime) -> Handoff:
    """The holder marks the conversation (again is a no-op). Raises queue.NotFoundError."""
    handoff = queue.held_by(session, counsellor, handoff_id)
    already = session.scalar(
        select(UnderretningEvent.id).where(
            UnderretningEvent.handoff_id == handoff_id, UnderretningEvent.action == MARKED
        )
    )
    if already is None:
        _event(session, Offer(handoff_id, counsellor.organisation_id), MARKED, now, counsellor.id)
        logger.info("handoff %s marked for underretning by %s", handoff_id, counsellor.id)
    session.commit()
    return handoff


def pending_offer(session: Session, profile_id: str) -> Offer | None:
    """The latest marked conversation of the profile that the youth has not answered."""
    marked = session.execute(
        select(UnderretningEvent.handoff_id, UnderretningEvent.organisation_id)
        .join(Handoff, Handoff.id == UnderretningEvent.handoff_id)
        .where(Handoff.conversation_id == profile_id, UnderretningEvent.action == MARKED)
        .order_by(UnderretningEvent.at.desc())
        .limit(1)
    ).first()
    if marked is None:
        return None
    answered = session.scalar(
        select(UnderretningEvent.id).where(
            UnderretningEvent.handoff_id == marked.handoff_id,
            UnderretningEvent.action.in_((DECLINED, CONSENTED)),
        )
    )
    return None if answered is not None else Offer(marked.handoff_id, marked.organisation_id)


def give(
    session: Session,
    keys: KeyProvider,
    profile_id: str,
    details: str,
    *,
    consent: bool,
    now: datetime,
) -> Offer:
    """Store the youth's contact details with their explicit consent. Caller commits."""
    if not consent:
        raise ConsentMissingError()
    text = details.strip()
    if not text or len(text) > MAX_DETAILS_CHARS:
        raise InvalidDetailsError()
    offer = pending_offer(session, profile_id)
    profile = session.get(Profile, profile_id)
    if offer is None or profile is None:
        raise NoOfferError()
    consent_ledger.record(session, profile_id, [PURPOSE], now=now)
    key = profiles.data_key(session, keys, profile_id, profile.data_key_version)
    row_id = uuid.uuid4().hex
    context = ContactDetails.context_for("details", row_id=row_id, profile_id=profile_id)
    session.add(
        ContactDetails(
            id=row_id,
            profile_id=profile_id,
            handoff_id=offer.handoff_id,
            organisation_id=offer.organisation_id,
            details=seal(key, context, text),
            given_at=now,
        )
    )
    _event(session, offer, CONSENTED, now, None)
    session.flush()
    logger.info("contact details given for handoff %s", offer.handoff_id)
    return offer


def decline(session: Session, profile_id: str, *, now: datetime) -> Offer:
    """The youth said no: logged, nothing stored. Caller commits."""
    offer = pending_offer(session, profile_id)
    if offer is None:
        raise NoOfferError()
    _event(session, offer, DECLINED, now, None)
    session.flush()
    logger.info("contact details declined for handoff %s", offer.handoff_id)
    return offer


def holder_of(session: Session, handoff_id: str) -> str | None:
    """The counsellor holding the conversation now (told live that the youth answered)."""
    handoff = session.get(Handoff, handoff_id)
    assignment = session.get(HandoffAssignment, handoff_id)
    if handoff is None or assignment is None or handoff.status != queue.STATUS_ACTIVE:
        return None
    return assignment.counsellor_id


def _details(session: Session, keys: KeyProvider, rows: list[ContactDetails]) -> list[str]:
    out = []
    for row in rows:
        key = profiles.data_key(
            session, keys, row.profile_id, data_key_version_of(row.details.blob)
        )
        out.append(unseal(key, row.field_context("details"), row.details))
    return out


def status_for(
    session: Session, keys: KeyProvider, counsellor: Counsellor, handoff_id: str
) -> Status:
    """For any counsellor of the organisation that held the conversation (also after it was
    closed); anyone else gets queue.NotFoundError."""
    assignment = session.get(HandoffAssignment, handoff_id)
    if assignment is None or assignment.organisation_id != counsellor.organisation_id:
        raise queue.NotFoundError(handoff_id)
    actions = set(
        session.scalars(
            select(UnderretningEvent.action).where(UnderretningEvent.handoff_id == handoff_id)
        )
    )
    rows = list(
        session.scalars(
            select(ContactDetails)
            .where(
                ContactDetails.handoff_id == handoff_id,
                ContactDetails.organisation_id == counsellor.organisation_id,
            )
            .order_by(ContactDetails.given_at)
        )
    )
    answer = CONSENTED if CONSENTED in actions else DECLINED if DECLINED in actions else None
    return Status(marked=MARKED in actions, answer=answer, details=_details(session, keys, rows))


def export_of(session: Session, keys: KeyProvider, profile_id: str) -> dict[str, object]:
    """The profile's own view: the steps (no counsellor ids) and the details it gave."""
    events = session.execute(
        select(UnderretningEvent.handoff_id, UnderretningEvent.action, UnderretningEvent.at)
        .join(Handoff, Handoff.id == UnderretningEvent.handoff_id)
        .where(Handoff.conversation_id == profile_id)
        .order_by(UnderretningEvent.at)
    ).all()
    rows = list(
        session.scalars(
            select(ContactDetails)
            .where(ContactDetails.profile_id == profile_id)
            .order_by(ContactDetails.given_at)
        )
    )
    texts = _details(session, keys, rows)
    return {
        "events": [
            {"conversation": e.handoff_id, "action": e.action, "at": e.at.isoformat()}
            for e in events
        ],
        "contact_details": [
            {"conversation": r.handoff_id, "given_at": r.given_at.isoformat(), "text": t}
            for r, t in zip(rows, texts, strict=True)
        ],
    }
