"""The place in the queue a waiting youth is shown: akut first, then the longest waiting."""

from datetime import UTC, datetime, timedelta

from sqlalchemy.orm import Session

from api.db.base import Base
from api.db.models import Handoff
from api.db.session import make_engine, make_sessionmaker
from api.services.handoffs import queue_position, queue_positions

T0 = datetime(2025, 1, 1, 12, 0, tzinfo=UTC)


def _add(session: Session, conversation: str, minutes: int, priority: str, status: str) -> None:
    session.add(
        Handoff(
            conversation_id=conversation,
            created_at=T0 + timedelta(minutes=minutes),
            status=status,
            priority=priority,
            gender="ikke_oplyst",
            age_band="ikke_oplyst",
            crisis=priority == "akut",
            tagger_status="not_run",
            tags=[],
        )
    )


def test_akut_goes_first_then_waiting_time_and_claimed_ones_leave(database_url: str) -> None:
    engine = make_engine(database_url)
    Base.metadata.create_all(engine)
    sessions = make_sessionmaker(engine)
    with sessions() as session:
        _add(session, "a" * 32, 0, "normal", "waiting")
        _add(session, "b" * 32, 5, "normal", "waiting")
        _add(session, "c" * 32, 10, "akut", "waiting")
        _add(session, "d" * 32, 1, "akut", "active")  # a counsellor has it
        _add(session, "e" * 32, 2, "akut", "waiting")
        session.commit()
        assert queue_positions(session) == {"e" * 32: 1, "c" * 32: 2, "a" * 32: 3, "b" * 32: 4}
        assert queue_position(session, "b" * 32) == 4
        assert queue_position(session, "d" * 32) is None
        assert queue_position(session, "x" * 32) is None
    engine.dispose()
