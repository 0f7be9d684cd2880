"""Ending a conversation on grounds other than the counsellor's close form: handed back to the
bot (`til_bot`), the youth went quiet (`inaktiv`), or the youth's data is erased (`slettet`:
erasure on request, retention). Same shape as `queue.close`: one status move, the outcome on
the assignment, and the conversation counted once in statistics with that outcome (in the
organisation that held it; a handoff nobody claimed has none)."""

import logging
from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from api.db.models import Handoff
from api.db.models_queue import HandoffAssignment
from api.services import queue, stats

logger = logging.getLogger(__name__)

OUTCOME_HANDED_BACK = "til_bot"
OUTCOME_IDLE = "inaktiv"
OUTCOME_ERASED = "slettet"
# Outcomes set by the system, never offered in the console's close form.
SYSTEM_OUTCOMES: dict[str, str] = {
    OUTCOME_HANDED_BACK: "Givet tilbage til chatbotten",
    OUTCOME_IDLE: "Lukket, fordi den unge ikke svarede",
    OUTCOME_ERASED: "Lukket, fordi den unges data blev slettet",
}


def close_open_handoff(
    session: Session, handoff: Handoff, outcome: str, *, now: datetime
) -> str | None:
    """Close a waiting or active handoff with a system outcome. Commits. Returns the id of the
    counsellor who held it (None if it was waiting). Raises queue.ConflictError if its status
    changed meanwhile (claimed, closed by someone else)."""
    if outcome not in SYSTEM_OUTCOMES:
        raise ValueError(f"not a system outcome: {outcome}")
    assignment = session.get(HandoffAssignment, handoff.id)
    holder = (
        assignment.counsellor_id if handoff.status == queue.STATUS_ACTIVE and assignment else None
    )
    organisation_id = assignment.organisation_id if holder is not None and assignment else None
    queue.move_status(session, handoff.id, handoff.status, queue.STATUS_CLOSED)
    if holder is not None:
        session.execute(
            update(HandoffAssignment)
            .where(HandoffAssignment.handoff_id == handoff.id)
            .values(closed_at=now, outcome=outcome)
        )
    session.refresh(handoff)
    stats.record_closed_conversation(
        session, handoff, outcome=outcome, organisation_id=organisation_id, now=now
    )
    session.commit()
    logger.info("handoff %s closed with outcome %s", handoff.id, outcome)
    return holder


def close_open_conversations(session: Session, profile_id: str, *, now: datetime) -> int:
    """Close every open handoff of a profile before its erasure, with the outcome `slettet`,
    and count it (in the organisation holding it, if any). Does not commit: erasure owns the
    transaction, and deletes the assignments afterwards. Returns how many were closed."""
    closed = 0
    open_handoffs = session.scalars(
        select(Handoff).where(
            Handoff.conversation_id == profile_id, Handoff.status != queue.STATUS_CLOSED
        )
    ).all()
    for handoff in open_handoffs:
        assignment = session.get(HandoffAssignment, handoff.id)
        held = handoff.status == queue.STATUS_ACTIVE and assignment is not None
        handoff.status = queue.STATUS_CLOSED
        if held and assignment is not None:
            assignment.closed_at = now
            assignment.outcome = OUTCOME_ERASED
        stats.record_closed_conversation(
            session,
            handoff,
            outcome=OUTCOME_ERASED,
            organisation_id=assignment.organisation_id if held and assignment else None,
            now=now,
        )
        closed += 1
    session.flush()
    if closed:
        logger.info("%d open conversations closed before erasure", closed)
    return closed
