"""An organisation's own session rules: weekly opening hours and a shorter transcript
retention (`intake orgs hours`, `intake orgs retention`), and what they mean for a handoff.

A handoff is "outside opening hours" only when every organisation that would take it has
opening hours set and none of them is open now; an organisation without hours set follows the
platform's (COUNSELLING_OPENING_HOURS, said as text only), so nothing changes for it.
"""

import logging
import re
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from api.db.models import Handoff
from api.db.models_auth import Organisation
from api.db.models_session import OrganisationSettings
from api.services import accounts, opening_hours
from api.services.handoffs import OPEN_STATUSES
from api.services.webchat import EMERGENCY_NUMBERS_DA

logger = logging.getLogger(__name__)

# The platform's retention (privacy notice: 2 years after the last activity) is the longest
# an organisation may keep transcripts; it may only choose a shorter time.
MAX_RETENTION_DAYS = 2 * 365
_RETENTION = re.compile(r"^\s*(\d{1,4})\s*(d|dage?|days?|w|uger?|weeks?)?\s*$")


class RuleError(ValueError):
    """A setting the operator gave that cannot be used (the message says why)."""


@dataclass(frozen=True)
class Availability:
    open: bool
    back_at: datetime | None = None  # the next opening (Copenhagen time) when closed


def _settings(session: Session, organisation: Organisation) -> OrganisationSettings:
    row = session.get(OrganisationSettings, organisation.id)
    if row is None:
        row = OrganisationSettings(organisation_id=organisation.id)
        session.add(row)
    return row


def set_opening_hours(session: Session, organisation: Organisation, text: str | None) -> None:
    """Parse and store the schedule (None: clear, follow the platform's). Raises RuleError."""
    row = _settings(session, organisation)
    if text is None:
        row.opening_hours, row.opening_hours_text = None, None
    else:
        try:
            row.opening_hours = [list(i) for i in opening_hours.parse(text)]
        except opening_hours.HoursError as exc:
            raise RuleError(str(exc)) from exc
        row.opening_hours_text = text.strip()
    session.flush()
    logger.info("opening hours of organisation %s %s", organisation.id,
                "cleared" if text is None else "set")  # fmt: skip


def parse_retention_days(text: str) -> int:
    """'30d', '30 dage', '4w', '6 uger' → days. Raises RuleError."""
    match = _RETENTION.match(text.lower())
    if match is None:
        raise RuleError(f"{text!r}: write a number of days or weeks, e.g. 30d or 6w")
    days = int(match[1]) * (7 if (match[2] or "d")[0] in "wu" else 1)
    if not 1 <= days <= MAX_RETENTION_DAYS:
        raise RuleError(
            f"transcript retention must be 1 to {MAX_RETENTION_DAYS} days (the platform's "
            "2 years is the longest); use 'default' for the platform's"
        )
    return days


def set_transcript_retention(
    session: Session, organisation: Organisation, days: int | None
) -> None:
    row = _settings(session, organisation)
    row.transcript_retention_days = days
    session.flush()
    logger.info("transcript retention of organisation %s set to %s days", organisation.id, days)


def settings_of(session: Session, organisation_id: str) -> OrganisationSettings | None:
    return session.get(OrganisationSettings, organisation_id)


def availability(session: Session, organisation_ids: list[str], now: datetime) -> Availability:
    if not organisation_ids:
        return Availability(open=True)
    schedules: list[list[opening_hours.Interval]] = []
    for organisation_id in organisation_ids:
        row = settings_of(session, organisation_id)
        if row is None or row.opening_hours is None:
            return Availability(open=True)  # follows the platform's hours
        schedule = [(int(d), int(s), int(e)) for d, s, e in row.opening_hours]
        if opening_hours.is_open(schedule, now):
            return Availability(open=True)
        schedules.append(schedule)
    openings = [o for s in schedules if (o := opening_hours.next_opening(s, now)) is not None]
    return Availability(open=False, back_at=min(openings) if openings else None)


def availability_for_conversation(
    session: Session, conversation_id: str, now: datetime
) -> Availability:
    """Of the conversation's open handoff (open if it has none)."""
    handoff = session.scalars(
        select(Handoff)
        .where(Handoff.conversation_id == conversation_id, Handoff.status.in_(OPEN_STATUSES))
        .order_by(Handoff.created_at.desc())
        .limit(1)
    ).first()
    if handoff is None:
        return Availability(open=True)
    tags = [str(t["tag"]) for t in handoff.tags if isinstance(t, dict) and "tag" in t]
    organisations = accounts.organisations_for_handoff(session, tags, handoff.age_band)
    return availability(session, organisations, now)


def closed_da(availability: Availability, now: datetime) -> str:
    """What the youth is told outside opening hours (Danish)."""
    text = "Rådgiverne har lukket lige nu."
    if availability.back_at is not None:
        text += f" De er tilbage {opening_hours.back_when_da(availability.back_at, now)}."
    return (
        f"{text} Du beholder din plads i køen, og din besked er gemt, så en rådgiver kan "
        f"skrive til dig, når vi åbner. {EMERGENCY_NUMBERS_DA}"
    )
