"""Revision 0009_outcome_stats on SQLite and PostgreSQL: conversations counted before it whose
outcome is on record are carried into `outcome_cells` (in the organisation and month they were
counted); it downgrades cleanly."""

from datetime import UTC, datetime

from alembic import command
from sqlalchemy import inspect, select, text, update

from api.db.migrate import alembic_config
from api.db.models import Handoff
from api.db.models_queue import HandoffAssignment
from api.db.models_rights import ClosedConversation
from privacy.crypto import KeyRing
from tests.db_fixtures import Db
from tests.support.queue import add_counsellor, waiting_handoff


def _migrate(db: Db, target: str, *, down: bool = False) -> None:
    config = alembic_config()
    with db.engine.begin() as connection:
        config.attributes["connection"] = connection
        (command.downgrade if down else command.upgrade)(config, target)


def _closed(
    db: Db, keys: KeyRing, org: str, counsellor: str, outcome: str, referral: str | None
) -> None:
    handoff_id, profile_id = waiting_handoff(db.sessions, keys)
    with db.sessions.begin() as session:
        session.execute(update(Handoff).where(Handoff.id == handoff_id).values(status="closed"))
        session.add(
            HandoffAssignment(
                handoff_id=handoff_id,
                counsellor_id=counsellor,
                organisation_id=org,
                closed_at=datetime.now(UTC),
                outcome=outcome,
                referral=referral,
            )
        )
        session.add(
            ClosedConversation(
                handoff_id=handoff_id,
                profile_id=profile_id,
                organisation_id=org,
                month="2026-10",
                gender="pige",
                age_band="13-15",
                tags=["mobning"],
            )
        )


def test_counted_conversations_are_carried_over_and_downgrade_drops_the_table(db: Db) -> None:
    keys = KeyRing.generate()
    _migrate(db, "0008_counsellor_tools", down=True)
    try:
        assert "outcome_cells" not in inspect(db.engine).get_table_names()
        person = add_counsellor(db.sessions, "gammel@udfald.dk", "Gammel NGO")
        org, me = person.organisation_id, person.id
        _closed(db, keys, org, me, "hjulpet", None)
        _closed(db, keys, org, me, "hjulpet", None)
        _closed(db, keys, org, me, "henvist", "headspace")
        # Closed but never counted (no statistics consent): no closed_conversations row.
        uncounted, _ = waiting_handoff(db.sessions, keys)
        with db.sessions.begin() as session:
            session.execute(update(Handoff).where(Handoff.id == uncounted).values(status="closed"))
            session.add(
                HandoffAssignment(
                    handoff_id=uncounted, counsellor_id=me, organisation_id=org, outcome="afbrudt"
                )
            )
        _migrate(db, "head")
        with db.engine.connect() as connection:
            rows = connection.execute(
                text("SELECT organisation_id, month, outcome, referral, count FROM outcome_cells")
            ).all()
        assert sorted(tuple(r) for r in rows) == [
            (org, "2026-10", "henvist", "headspace", 1),
            (org, "2026-10", "hjulpet", "", 2),
        ]
        _migrate(db, "0008_counsellor_tools", down=True)
        assert "outcome_cells" not in inspect(db.engine).get_table_names()
        with db.sessions() as session:  # nothing else was touched
            assert len(session.scalars(select(ClosedConversation)).all()) == 3
    finally:
        _migrate(db, "head")
