"""Hand-back as a service, on SQLite and PostgreSQL: only the holder can hand back; the
handoff is closed with outcome `til_bot`, counted once in statistics, and no longer open (so
the bridge forwards the youth's messages to Rasa again)."""

import pytest

from api.db.models_auth import Counsellor
from api.db.models_queue import HandoffAssignment
from api.db.models_rights import ClosedConversation
from api.services import handback, handoffs, queue
from privacy.crypto import KeyRing
from tests.db_fixtures import Db
from tests.support.queue import add_counsellor, waiting_handoff


def test_only_the_holder_hands_back_and_the_handoff_is_closed_as_til_bot(
    db: Db, key_ring: KeyRing
) -> None:
    rikke = add_counsellor(db.sessions, "rikke@aarhus.dk", "Aarhus Kommune")
    mads = add_counsellor(db.sessions, "mads@aarhus.dk", "Aarhus Kommune")
    handoff_id, conversation = waiting_handoff(db.sessions, key_ring)
    with db.sessions() as session:
        holder = session.get(Counsellor, rikke.id)
        colleague = session.get(Counsellor, mads.id)
        assert holder is not None and colleague is not None
        with pytest.raises(queue.NotFoundError):  # waiting: nobody holds it yet
            handback.hand_back(session, holder, handoff_id)
        queue.claim(session, holder, handoff_id)
        assert queue.claimant(session, conversation) is not None
        with pytest.raises(queue.NotFoundError):
            handback.hand_back(session, colleague, handoff_id)

        handback.hand_back(session, holder, handoff_id)

    with db.sessions() as session:
        assert queue.claimant(session, conversation) is None
        assert not handoffs.is_handed_off(session, conversation)
        assignment = session.get(HandoffAssignment, handoff_id)
        assert assignment is not None
        assert assignment.outcome == "til_bot" and assignment.closed_at is not None
        counted = session.get(ClosedConversation, handoff_id)
        assert counted is not None and counted.organisation_id == rikke.organisation_id
        holder = session.get(Counsellor, rikke.id)
        assert holder is not None
        with pytest.raises(queue.NotFoundError):  # closed: nothing to hand back twice
            handback.hand_back(session, holder, handoff_id)
