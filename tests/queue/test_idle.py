"""Idle rules as a service with a fixed clock, on SQLite and PostgreSQL: a check after
`check_after`, a close (outcome `inaktiv`, counted once) at `close_after` only after a check,
and a youth who writes restarts the clock."""

from datetime import UTC, datetime, timedelta

from api.db.models import Handoff
from api.db.models_auth import Counsellor
from api.db.models_queue import HandoffAssignment
from api.services import idle, queue
from privacy.crypto import KeyRing
from tests.db_fixtures import Db
from tests.support.queue import add_counsellor, waiting_handoff

CHECK = timedelta(minutes=10)
CLOSE = timedelta(minutes=20)


def _sweep(db: Db, now: datetime) -> list[idle.IdleEvent]:
    with db.sessions() as session:
        return idle.sweep(session, now=now, check_after=CHECK, close_after=CLOSE)


def _created(db: Db, handoff_id: str) -> datetime:
    with db.sessions() as session:
        handoff = session.get(Handoff, handoff_id)
        assert handoff is not None
        created = handoff.created_at
        return created.replace(tzinfo=UTC) if created.tzinfo is None else created


def _status(db: Db, handoff_id: str) -> str:
    with db.sessions() as session:
        handoff = session.get(Handoff, handoff_id)
        assert handoff is not None
        return handoff.status


def test_a_waiting_youth_is_checked_once_then_closed(db: Db, key_ring: KeyRing) -> None:
    handoff_id, conversation = waiting_handoff(db.sessions, key_ring)
    t0 = _created(db, handoff_id)
    assert _sweep(db, t0 + CHECK - timedelta(seconds=1)) == []
    [check] = _sweep(db, t0 + CHECK)
    assert (check.kind, check.handoff_id) == ("check", handoff_id)
    assert check.conversation_id == conversation
    assert check.counsellor_id is None
    assert _sweep(db, t0 + CHECK + timedelta(minutes=1)) == []  # asked once only
    assert _sweep(db, t0 + CLOSE - timedelta(seconds=1)) == []
    [close] = _sweep(db, t0 + CLOSE)
    assert close.kind == "close" and close.counsellor_id is None
    assert _status(db, handoff_id) == "closed"
    assert _sweep(db, t0 + CLOSE + timedelta(hours=1)) == []


def test_no_close_without_a_check_first(db: Db, key_ring: KeyRing) -> None:
    """A job that did not run for a while (restart) checks first, even when the close time
    has passed: nobody is closed without having been asked."""
    handoff_id, _ = waiting_handoff(db.sessions, key_ring)
    t0 = _created(db, handoff_id)
    [event] = _sweep(db, t0 + CLOSE + timedelta(minutes=5))
    assert event.kind == "check"
    [event] = _sweep(db, t0 + CLOSE + timedelta(minutes=6))
    assert event.kind == "close"


def test_writing_restarts_the_clock_and_the_holder_is_named(db: Db, key_ring: KeyRing) -> None:
    rikke = add_counsellor(db.sessions, "rikke@aarhus.dk", "Aarhus Kommune")
    handoff_id, _ = waiting_handoff(db.sessions, key_ring)
    t0 = _created(db, handoff_id)
    with db.sessions() as session:
        counsellor = session.get(Counsellor, rikke.id)
        assert counsellor is not None
        queue.claim(session, counsellor, handoff_id)
    [check] = _sweep(db, t0 + CHECK)
    assert check.counsellor_id == rikke.id
    # The youth answers "ja, jeg er her" a minute later: no close at t0 + CLOSE.
    with db.sessions() as session:
        idle.record_youth_activity(session, handoff_id, t0 + CHECK + timedelta(minutes=1))
        session.commit()
    assert _sweep(db, t0 + CLOSE) == []
    assert _status(db, handoff_id) == "active"
    # Silent again: a new check ten minutes after that answer, then the close.
    [again] = _sweep(db, t0 + CHECK + timedelta(minutes=11))
    assert again.kind == "check"
    [close] = _sweep(db, t0 + CHECK + timedelta(minutes=21))
    assert close.kind == "close" and close.counsellor_id == rikke.id
    with db.sessions() as session:
        assignment = session.get(HandoffAssignment, handoff_id)
        assert assignment is not None and assignment.outcome == "inaktiv"
