"""Revision 0008_counsellor_tools on SQLite and PostgreSQL: organisations that existed before
it get the default cap and the Danish canned replies; counsellors become plain counsellors;
it downgrades cleanly."""

from alembic import command
from sqlalchemy import text

from api.db.migrate import alembic_config
from api.services import canned
from tests.db_fixtures import Db


def _migrate(db: Db, target: str, *, down: bool = False) -> None:
    config = alembic_config()
    with db.engine.begin() as connection:
        config.attributes["connection"] = connection
        (command.downgrade if down else command.upgrade)(config, target)


def test_existing_organisations_get_cap_role_and_canned_replies(db: Db) -> None:
    _migrate(db, "0005", down=True)
    try:
        with db.engine.begin() as connection:
            connection.execute(
                text(
                    "INSERT INTO organisations (id, name, kind, accreditation_id, accredited_on,"
                    " created_at) VALUES ('org0005', 'Gammel Kommune', 'kommune', 'RD-0005',"
                    " '2024-01-01', '2024-01-01 00:00:00+00:00')"
                )
            )
            connection.execute(
                text(
                    "INSERT INTO counsellors (id, organisation_id, email, display_name,"
                    " password_hash, scopes, straffeattest_issued_on, boerneattest_issued_on,"
                    " created_at) VALUES ('c0005', 'org0005', 'a@gammel.dk', 'A', 'x',"
                    " 'counsellor:chat', '2026-01-01', '2026-01-01', '2026-01-01 00:00:00+00:00')"
                )
            )
        _migrate(db, "head")
        with db.engine.connect() as connection:
            cap = connection.execute(
                text("SELECT conversation_cap FROM organisations WHERE id = 'org0005'")
            ).scalar_one()
            role, own_cap = connection.execute(
                text("SELECT role, conversation_cap FROM counsellors WHERE id = 'c0005'")
            ).one()
            titles = connection.execute(
                text("SELECT title FROM canned_replies WHERE organisation_id = 'org0005'")
            ).scalars()
            assert (cap, role, own_cap) == (3, "counsellor", None)
            assert sorted(titles) == sorted(title for title, _ in canned.DEFAULTS)
        _migrate(db, "0005", down=True)
        with db.engine.connect() as connection:
            columns = connection.execute(text("SELECT * FROM counsellors")).keys()
            assert "role" not in columns
    finally:
        with db.engine.begin() as connection:
            connection.execute(text("DELETE FROM counsellors WHERE id = 'c0005'"))
            connection.execute(text("DELETE FROM organisations WHERE id = 'org0005'"))
        _migrate(db, "head")
