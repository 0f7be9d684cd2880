"""Opening hours per organisation in the database (SQLite and PostgreSQL), set with the CLI,
and what they mean for a handoff: closed only when every organisation that would take it is
closed; then the youth is told when counsellors are back, with the emergency numbers."""

import subprocess
import sys
from datetime import UTC, datetime

from api.db.models_auth import Organisation
from api.services import accounts, organisation_rules
from privacy.crypto import KeyRing
from tests.db_fixtures import Db
from tests.support.queue import add_counsellor, waiting_handoff

TUESDAY_LATE = datetime(2026, 11, 10, 22, 30, tzinfo=UTC)  # 23:30 in Copenhagen
TUESDAY_AFTERNOON = datetime(2026, 11, 10, 14, 0, tzinfo=UTC)  # 15:00


def intake(db: Db, *args: str) -> subprocess.CompletedProcess[str]:
    env = {"DATABASE_URL": db.url, "PATH": "/usr/bin:/bin", "KEY_RING": ""}
    return subprocess.run(
        [sys.executable, "-m", "intake", "orgs", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def _org(db: Db, name: str) -> Organisation:
    with db.sessions() as session:
        return accounts.find_organisation(session, name)


def test_cli_sets_shows_and_refuses_hours_and_retention(db: Db) -> None:
    add_counsellor(db.sessions, "mette@odense.dk", "Odense Kommune")
    done = intake(db, "hours", "Odense Kommune", "man-fre 14-22; lør 10-14")
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "Odense Kommune\tman-fre 14-22; lør 10-14"
    bad = intake(db, "hours", "Odense Kommune", "hverdage 14-22")
    assert bad.returncode == 2 and "days are man, tir" in bad.stderr
    shown = intake(db, "hours", "Odense Kommune")
    assert shown.stdout.strip() == "Odense Kommune\tman-fre 14-22; lør 10-14"
    with db.sessions() as session:
        row = organisation_rules.settings_of(session, _org(db, "Odense Kommune").id)
        assert row is not None and row.opening_hours is not None
        assert [5, 600, 840] in row.opening_hours

    assert intake(db, "retention", "Odense Kommune", "30d").stdout.strip().endswith("30 days")
    assert intake(db, "retention", "Odense Kommune", "6 uger").stdout.strip().endswith("42 days")
    too_long = intake(db, "retention", "Odense Kommune", "800d")
    assert too_long.returncode == 2 and "2 years" in too_long.stderr
    reset = intake(db, "retention", "Odense Kommune", "default")
    assert reset.stdout.strip().endswith("platform default (2 years)")

    cleared = intake(db, "hours", "Odense Kommune", "--clear")
    assert cleared.stdout.strip() == "Odense Kommune\tplatform hours"
    unknown = intake(db, "hours", "Ingen Kommune", "man 9-10")
    assert unknown.returncode == 1 and "no organisation" in unknown.stderr


def test_closed_only_when_every_taking_organisation_is_closed(db: Db, key_ring: KeyRing) -> None:
    add_counsellor(db.sessions, "mette@odense.dk", "Odense Kommune")  # takes every handoff
    add_counsellor(
        db.sessions,
        "sara@spis.dk",
        "Spis NGO",
        routes=[(accounts.RouteKind.TAG, "spiseforstyrrelse")],
    )
    _, bullied = waiting_handoff(db.sessions, key_ring)
    _, eating = waiting_handoff(db.sessions, key_ring, tags=[("spiseforstyrrelse", 0.9)])
    with db.sessions() as session:
        odense = accounts.find_organisation(session, "Odense Kommune")
        spis = accounts.find_organisation(session, "Spis NGO")
        # No hours set anywhere: the platform's hours apply, nothing is said here.
        assert organisation_rules.availability_for_conversation(session, bullied, TUESDAY_LATE).open
        organisation_rules.set_opening_hours(session, odense, "man-fre 14-22")
        session.commit()

        late = organisation_rules.availability_for_conversation(session, bullied, TUESDAY_LATE)
        assert not late.open and late.back_at is not None
        said = organisation_rules.closed_da(late, TUESDAY_LATE)
        assert "De er tilbage i morgen kl. 14." in said
        for number in ("112", "70 201 201", "116 111"):
            assert number in said
        assert organisation_rules.availability_for_conversation(
            session, bullied, TUESDAY_AFTERNOON
        ).open
        # Spis NGO also takes the eating handoff and follows the platform's hours: open.
        assert organisation_rules.availability_for_conversation(session, eating, TUESDAY_LATE).open
        # With hours of its own (open at 23 on Tuesdays), Odense's closing does not matter.
        organisation_rules.set_opening_hours(session, spis, "tir 23-24")
        session.commit()
        assert organisation_rules.availability_for_conversation(session, eating, TUESDAY_LATE).open
        # Both closed: the earlier of the two next openings is said.
        organisation_rules.set_opening_hours(session, spis, "ons 9-12")
        session.commit()
        both = organisation_rules.availability_for_conversation(session, eating, TUESDAY_LATE)
        assert not both.open
        assert "i morgen kl. 9." in organisation_rules.closed_da(both, TUESDAY_LATE)
        organisation_rules.set_opening_hours(session, spis, "lukket")
        organisation_rules.set_opening_hours(session, odense, "lukket")
        session.commit()
        never = organisation_rules.availability_for_conversation(session, eating, TUESDAY_LATE)
        assert not never.open and never.back_at is None
        assert organisation_rules.closed_da(never, TUESDAY_LATE).startswith(
            "Rådgiverne har lukket lige nu. Du beholder din plads"
        )
