"""Idle youths: a gentle check, then a kind close (docs/counsellor.md, "Session rules").

While a handoff is open (waiting in the queue or held by a counsellor), the bridge records
when the youth last wrote (`record_youth_activity`). `sweep` is run by the api's idle job
(api/realtime/idle_job.py) with the current time: a youth silent for `check_after` is asked
"Er du der stadig?" once; still silent at `close_after` (counted from their last message) and
at least one sweep after the check, the conversation is closed with the outcome `inaktiv`.
Both steps are conditional updates, so of several api processes sweeping at once exactly one
sends the check and one closes.
"""

import logging
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Literal

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from api.db.models import Handoff
from api.db.models_session import ConversationActivity
from api.services import closing, queue
from api.services.handoffs import OPEN_STATUSES
from api.services.webchat import EMERGENCY_NUMBERS_DA

logger = logging.getLogger(__name__)

IDLE_CHECK_DA = (
    "Er du der stadig? Skriv gerne en besked, så ved vi, at du er her. Hører vi ikke fra dig, "
    "lukker vi samtalen om lidt, men du er altid velkommen til at skrive igen."
)
IDLE_CLOSED_DA = (
    "Vi har lukket samtalen, fordi vi ikke har hørt fra dig et stykke tid. Tak fordi du "
    "skrev. Du er altid velkommen tilbage. " + EMERGENCY_NUMBERS_DA
)


@dataclass(frozen=True)
class IdleEvent:
    """What the sweep did to one conversation, for the live side to announce."""

    kind: Literal["check", "close"]
    handoff_id: str
    conversation_id: str
    counsellor_id: str | None  # who held it (a close of a held conversation tells them)


def _aware(value: datetime) -> datetime:
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value


def record_youth_activity(session: Session, handoff_id: str, now: datetime) -> None:
    """The youth wrote in an open handoff: restart the idle clock. Part of the caller's
    transaction (the bridge stores the turn in the same one)."""
    row = session.get(ConversationActivity, handoff_id)
    if row is None:
        _insert(session, handoff_id, now)
        row = session.get(ConversationActivity, handoff_id)
    if row is not None:
        row.last_youth_at = now
        row.idle_checked_at = None
        session.flush()


def _insert(session: Session, handoff_id: str, last_youth_at: datetime) -> None:
    # Another process may insert the same row at the same moment: the savepoint keeps the
    # caller's transaction (and the turn it stores) intact.
    try:
        with session.begin_nested():
            session.add(ConversationActivity(handoff_id=handoff_id, last_youth_at=last_youth_at))
    except IntegrityError:
        logger.debug("activity row of handoff %s created concurrently", handoff_id)


def sweep(
    session: Session, *, now: datetime, check_after: timedelta, close_after: timedelta
) -> list[IdleEvent]:
    """Check and close idle conversations as of `now`. Commits each step."""
    rows = session.execute(
        select(Handoff, ConversationActivity)
        .outerjoin(ConversationActivity, ConversationActivity.handoff_id == Handoff.id)
        .where(Handoff.status.in_(OPEN_STATUSES))
        .order_by(Handoff.created_at)
    ).all()
    events: list[IdleEvent] = []
    for handoff, activity in rows:
        # Before the youth's first message after the handoff, the handoff itself is their
        # last activity (it was created by their last turn with the bot).
        last = _aware(activity.last_youth_at if activity else handoff.created_at)
        checked_at = activity.idle_checked_at if activity else None
        idle = now - last
        if checked_at is not None and idle >= close_after and _aware(checked_at) < now:
            event = _close(session, handoff, now)
        elif checked_at is None and idle >= check_after:
            event = _check(session, handoff, last, now)
        else:
            continue
        if event is not None:
            events.append(event)
    return events


def _check(session: Session, handoff: Handoff, last: datetime, now: datetime) -> IdleEvent | None:
    if session.get(ConversationActivity, handoff.id) is None:
        _insert(session, handoff.id, last)
    result = session.execute(
        update(ConversationActivity)
        .where(
            ConversationActivity.handoff_id == handoff.id,
            ConversationActivity.idle_checked_at.is_(None),
            ConversationActivity.last_youth_at <= last,  # the youth has not just written
        )
        .values(idle_checked_at=now)
        .execution_options(synchronize_session=False)
    )
    session.commit()
    if getattr(result, "rowcount", 0) != 1:
        return None  # another process sent the check, or the youth just wrote
    logger.info("idle check sent for handoff %s", handoff.id)
    return IdleEvent("check", handoff.id, handoff.conversation_id, _holder(session, handoff))


def _close(session: Session, handoff: Handoff, now: datetime) -> IdleEvent | None:
    try:
        holder = closing.close_open_handoff(session, handoff, closing.OUTCOME_IDLE, now=now)
    except queue.ConflictError:
        return None  # claimed, closed or released meanwhile: the next sweep looks again
    return IdleEvent("close", handoff.id, handoff.conversation_id, holder)


def _holder(session: Session, handoff: Handoff) -> str | None:
    claimant = queue.claimant(session, handoff.conversation_id)
    return claimant.counsellor_id if claimant is not None else None
