"""The estimated wait told to youths: the median of recent waits, or nothing without enough."""

from datetime import UTC, datetime, timedelta

from sqlalchemy.orm import Session

from api.db.models_queue import HandoffAssignment
from api.services import queue
from privacy.crypto import KeyRing
from tests.db_fixtures import Db
from tests.support.queue import add_counsellor, waiting_handoff


def _claimed(
    session: Session, handoff_id: str, who: str, org: str, waited: int, at: datetime
) -> None:
    session.add(
        HandoffAssignment(
            handoff_id=handoff_id,
            counsellor_id=who,
            organisation_id=org,
            claimed_at=at,
            waited_seconds=waited,
        )
    )


def test_median_of_recent_waits_rounded_up(sqlite_db: Db, key_ring: KeyRing) -> None:
    person = add_counsellor(sqlite_db.sessions, "w@aarhus.dk", "Aarhus Kommune")
    now = datetime.now(UTC)
    handoff_ids = [waiting_handoff(sqlite_db.sessions, key_ring)[0] for _ in range(5)]
    with sqlite_db.sessions() as session:
        assert queue.estimated_wait_minutes(session, now) is None
        _claimed(session, handoff_ids[0], person.id, person.organisation_id, 60, now)
        _claimed(session, handoff_ids[1], person.id, person.organisation_id, 400, now)
        session.commit()
        assert queue.estimated_wait_minutes(session, now) is None  # two are too few
        _claimed(session, handoff_ids[2], person.id, person.organisation_id, 130, now)
        # Older than a day: not counted.
        _claimed(
            session,
            handoff_ids[3],
            person.id,
            person.organisation_id,
            9000,
            now - timedelta(days=2),
        )
        session.commit()
        assert queue.estimated_wait_minutes(session, now) == 3  # median 130 s -> 3 min
        _claimed(session, handoff_ids[4], person.id, person.organisation_id, 5, now)
        session.commit()
        assert queue.estimated_wait_minutes(session, now) == 2  # median of 5,60,130,400 = 95 s


def test_the_youth_is_told_place_estimate_and_when_nobody_is_online() -> None:
    from api.realtime.webchat_bridge import no_counsellor_online_da, queue_position_da

    assert queue_position_da(1) == (
        "Du er den næste i køen. Bliv her, så skriver en rådgiver til dig."
    )
    assert "Du er nummer 3 i køen. Forventet ventetid: ca. 7 min." in queue_position_da(3, 7)
    offline = no_counsellor_online_da("hverdage kl. 15–21")
    assert "ingen rådgivere online" in offline and "hverdage kl. 15–21" in offline
    for number in ("112", "70 201 201", "116 111"):
        assert number in offline
