"""A supervisor's view of their own organisation: the queue routed to it, every open
conversation its counsellors hold, each counsellor's load (n/cap) and whether they are
online; reassigning a conversation; notes to the counsellor holding one.

Only the supervisor's organisation: a conversation held by another organisation's counsellor
is "not found", exactly like one that does not exist.
"""

import logging
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from api.db.models import Handoff
from api.db.models_auth import Counsellor
from api.db.models_queue import CounsellorPresence, HandoffAssignment
from api.services import load, queue

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class OpenConversation:
    item: queue.QueueItem
    counsellor_id: str
    counsellor_name: str
    claimed_at: datetime
    waited_seconds: int
    active_seconds: int


@dataclass(frozen=True)
class Load:
    counsellor_id: str
    name: str
    role: str
    active: int
    cap: int
    online: bool


@dataclass(frozen=True)
class Overview:
    waiting: list[queue.QueueItem]
    conversations: list[OpenConversation]
    counsellors: list[Load]
    estimated_wait_minutes: int | None


def overview(session: Session, supervisor: Counsellor, now: datetime | None = None) -> Overview:
    now = now or queue.now_utc()
    waiting = [i for i in queue.list_queue(session, supervisor, now) if not i.mine]
    rows = session.execute(
        select(Handoff, HandoffAssignment, Counsellor)
        .join(HandoffAssignment, HandoffAssignment.handoff_id == Handoff.id)
        .join(Counsellor, Counsellor.id == HandoffAssignment.counsellor_id)
        .where(
            Handoff.status == queue.STATUS_ACTIVE,
            Counsellor.organisation_id == supervisor.organisation_id,
        )
        .order_by(HandoffAssignment.claimed_at)
    ).all()
    conversations = [
        OpenConversation(
            item=queue.held_item(handoff),
            counsellor_id=holder.id,
            counsellor_name=holder.display_name,
            claimed_at=assignment.claimed_at,
            waited_seconds=assignment.waited_seconds,
            active_seconds=max(0, int((now - assignment.claimed_at).total_seconds())),
        )
        for handoff, assignment, holder in rows
    ]
    counts = load.active_counts(session, supervisor.organisation_id)
    online = set(
        session.scalars(
            select(CounsellorPresence.counsellor_id).where(
                CounsellorPresence.organisation_id == supervisor.organisation_id,
                CounsellorPresence.last_seen > now - queue.PRESENCE_TIMEOUT,
            )
        ).all()
    )
    people = session.scalars(
        select(Counsellor)
        .where(
            Counsellor.organisation_id == supervisor.organisation_id,
            Counsellor.disabled_at.is_(None),
        )
        .order_by(Counsellor.display_name)
    ).all()
    loads = [
        Load(
            counsellor_id=c.id,
            name=c.display_name,
            role=c.role,
            active=counts.get(c.id, 0),
            cap=load.cap_of(session, c),
            online=c.id in online,
        )
        for c in people
    ]
    return Overview(waiting, conversations, loads, queue.estimated_wait_minutes(session, now))


def supervised(session: Session, supervisor: Counsellor, handoff_id: str) -> tuple[Handoff, str]:
    """An open conversation held by a counsellor of the supervisor's organisation, and its
    holder's id; anything else is NotFoundError."""
    row = session.execute(
        select(Handoff, HandoffAssignment.counsellor_id)
        .join(HandoffAssignment, HandoffAssignment.handoff_id == Handoff.id)
        .join(Counsellor, Counsellor.id == HandoffAssignment.counsellor_id)
        .where(
            Handoff.id == handoff_id,
            Handoff.status == queue.STATUS_ACTIVE,
            Counsellor.organisation_id == supervisor.organisation_id,
        )
    ).first()
    if row is None:
        raise queue.NotFoundError(handoff_id)
    return row[0], row[1]


def reassign(
    session: Session, supervisor: Counsellor, handoff_id: str, to_counsellor_id: str
) -> tuple[Handoff, str, Counsellor]:
    """Move an open conversation to another counsellor of the organisation with room.
    Returns (handoff, previous holder's id, new holder). Commits."""
    handoff, holder_id = supervised(session, supervisor, handoff_id)
    target = queue.move_assignment(
        session, handoff, holder_id, supervisor.organisation_id, to_counsellor_id
    )
    logger.info("supervisor %s reassigned handoff %s", supervisor.id, handoff_id)
    return handoff, holder_id, target
