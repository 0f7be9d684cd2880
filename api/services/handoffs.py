"""Recording handoffs: the queue entry a counsellor picks up."""

import logging
from typing import Any

from sqlalchemy import bindparam, case, select
from sqlalchemy.orm import Session

from api.db.models import Handoff

logger = logging.getLogger(__name__)

PRIORITY_AKUT = "akut"
PRIORITY_NORMAL = "normal"
OPEN_STATUSES = ("waiting", "active")
STATUS_WAITING = "waiting"


def priority_for(crisis: bool) -> str:
    """A crisis goes first in the queue; everything else waits its turn."""
    return PRIORITY_AKUT if crisis else PRIORITY_NORMAL


def open_handoff(session: Session, conversation_id: str) -> Handoff | None:
    return session.scalars(
        select(Handoff)
        .where(Handoff.conversation_id == conversation_id, Handoff.status.in_(OPEN_STATUSES))
        .order_by(Handoff.created_at.desc())
    ).first()


def is_handed_off(session: Session, conversation_id: str) -> bool:
    return open_handoff(session, conversation_id) is not None


def create_handoff(
    session: Session,
    *,
    conversation_id: str,
    gender: str,
    age_band: str,
    crisis: bool,
    tagger_status: str,
    tags: list[dict[str, Any]],
) -> tuple[Handoff, bool]:
    """Returns (handoff, created). Asking again for an open conversation returns the same one,
    raised to `akut` if the new request is a crisis."""
    existing = open_handoff(session, conversation_id)
    if existing is not None:
        if crisis and existing.priority != PRIORITY_AKUT:
            existing.priority = PRIORITY_AKUT
            existing.crisis = True
            session.commit()
        return existing, False
    handoff = Handoff(
        conversation_id=conversation_id,
        gender=gender,
        age_band=age_band,
        crisis=crisis,
        priority=priority_for(crisis),
        tagger_status=tagger_status,
        tags=tags,
    )
    session.add(handoff)
    session.commit()
    logger.info("handoff %s created with priority %s", handoff.id, handoff.priority)
    return handoff, True


def queue_positions(session: Session) -> dict[str, int]:
    """Place in the queue (1 = next) of every waiting conversation: `akut` first, then the
    longest waiting, ties broken by id so every replica computes the same order."""
    order = session.scalars(
        select(Handoff.conversation_id)
        .where(Handoff.status == STATUS_WAITING)
        .order_by(
            case((Handoff.priority == PRIORITY_AKUT, 0), else_=1),
            Handoff.created_at,
            Handoff.id,
        )
    ).all()
    positions: dict[str, int] = {}
    for conversation_id in order:
        positions.setdefault(conversation_id, len(positions) + 1)
    return positions


_WAITING_HANDOFF = (
    select(Handoff.id)
    .where(
        Handoff.conversation_id == bindparam("conversation_id"), Handoff.status == STATUS_WAITING
    )
    .limit(1)
)


def queue_position(session: Session, conversation_id: str) -> int | None:
    """None when the conversation is not waiting (no handoff, or a counsellor has it).

    The bridge asks after every bot turn: an indexed look-up answers the usual case (not
    waiting) without reading the whole queue."""
    waiting = session.scalar(_WAITING_HANDOFF, {"conversation_id": conversation_id})
    if waiting is None:
        return None
    return queue_positions(session).get(conversation_id)
