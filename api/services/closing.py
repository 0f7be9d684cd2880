"""Ending a conversation on grounds other than the counsellor's close form: handed back to the
bot (`til_bot`) or the youth went quiet (`inaktiv`). Same shape as `queue.close`: one
conditional status move, the outcome on the assignment, and the conversation counted once in
statistics (in the organisation that held it; a handoff nobody claimed has none)."""

import logging
from datetime import datetime

from sqlalchemy import update
from sqlalchemy.orm import Session

from api.db.models import Handoff
from api.db.models_queue import HandoffAssignment
from api.services import queue, stats

logger = logging.getLogger(__name__)

OUTCOME_HANDED_BACK = "til_bot"
OUTCOME_IDLE = "inaktiv"
# Outcomes set by the system, never offered in the console's close form.
SYSTEM_OUTCOMES: dict[str, str] = {
    OUTCOME_HANDED_BACK: "Givet tilbage til chatbotten",
    OUTCOME_IDLE: "Lukket, fordi den unge ikke svarede",
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
    stats.record_closed_conversation(session, handoff, organisation_id=organisation_id, now=now)
    session.commit()
    logger.info("handoff %s closed with outcome %s", handoff.id, outcome)
    return holder
