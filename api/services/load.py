"""Counsellors' load: how many conversations each holds, their cap, and which waiting handoff
to offer a counsellor who has room.

The cap is the counsellor's own `conversation_cap` or else their organisation's (default 3).
Checks that must hold under concurrency lock the counsellor's row first (`SELECT … FOR UPDATE`
on PostgreSQL): two claims by one counsellor at once then count one after the other, so a cap
of N never becomes N+1. SQLite serialises writers and ignores the lock clause.
"""

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from api.db.models import Handoff
from api.db.models_auth import Counsellor, Organisation
from api.db.models_queue import HandoffAssignment

STATUS_ACTIVE = "active"


def cap_of(session: Session, counsellor: Counsellor) -> int:
    if counsellor.conversation_cap is not None:
        return counsellor.conversation_cap
    organisation = session.get(Organisation, counsellor.organisation_id)
    return organisation.conversation_cap if organisation is not None else 3


def active_count(session: Session, counsellor_id: str) -> int:
    return int(
        session.scalar(
            select(func.count())
            .select_from(HandoffAssignment)
            .join(Handoff, Handoff.id == HandoffAssignment.handoff_id)
            .where(
                HandoffAssignment.counsellor_id == counsellor_id, Handoff.status == STATUS_ACTIVE
            )
        )
        or 0
    )


def active_counts(session: Session, organisation_id: str) -> dict[str, int]:
    """Active conversations per counsellor of an organisation (counsellors with none absent)."""
    rows = session.execute(
        select(HandoffAssignment.counsellor_id, func.count())
        .join(Handoff, Handoff.id == HandoffAssignment.handoff_id)
        .join(Counsellor, Counsellor.id == HandoffAssignment.counsellor_id)
        .where(Counsellor.organisation_id == organisation_id, Handoff.status == STATUS_ACTIVE)
        .group_by(HandoffAssignment.counsellor_id)
    ).all()
    return {counsellor_id: int(n) for counsellor_id, n in rows}


def lock(session: Session, counsellor_id: str) -> None:
    """Serialise cap checks of one counsellor until the transaction ends."""
    session.execute(select(Counsellor.id).where(Counsellor.id == counsellor_id).with_for_update())


def has_room(session: Session, counsellor: Counsellor) -> bool:
    return active_count(session, counsellor.id) < cap_of(session, counsellor)
