"""Hand-back: the counsellor gives the conversation back to the chatbot.

The bot is silent while a handoff is open (`waiting` or `active`: the bridge relays instead of
forwarding to Rasa, api/realtime/webchat_bridge.py). A hand-back ends the counsellor's part
with the outcome `til_bot` (counted in statistics like any closed conversation), so the
handoff is no longer open and the youth's next message goes to Rasa again; asking for an adult
then starts a new handoff.
"""

import logging
from datetime import datetime

from sqlalchemy.orm import Session

from api.db.models import Handoff
from api.db.models_auth import Counsellor
from api.services import closing, queue

logger = logging.getLogger(__name__)

HANDED_BACK_DA = (
    "Rådgiveren har givet samtalen tilbage til chatbotten. Du kan skrive videre her. "
    'Vil du tale med en rådgiver igen, så skriv "jeg vil tale med en voksen". '
    "Har du brug for hjælp nu, så ring 112 ved fare for liv, Livslinien på 70 201 201 "
    "eller Børnetelefonen på 116 111."
)


def hand_back(
    session: Session, counsellor: Counsellor, handoff_id: str, *, now: datetime | None = None
) -> Handoff:
    """Close the caller's active handoff as handed back to the bot. Commits.

    queue.NotFoundError if the caller does not hold it; queue.ConflictError if it changed
    meanwhile."""
    handoff = queue.held_by(session, counsellor, handoff_id)
    closing.close_open_handoff(
        session, handoff, closing.OUTCOME_HANDED_BACK, now=now or queue.now_utc()
    )
    logger.info("handoff %s handed back to the bot by counsellor %s", handoff_id, counsellor.id)
    return handoff
