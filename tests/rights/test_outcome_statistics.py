"""Outcome statistics: closed conversations per organisation × month × outcome × referral,
without profile ids; counted once on every close path (the counsellor's form, hand-back, idle,
erasure and retention of an open conversation) and only with consent to statistics; published
with the same suppression as the tag statistics; JSON and CSV by scope `stats:read`, an
organisation sees its own; `intake stats` prints the table and writes `udfald.png`."""

import csv
import io
import random
import secrets
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import MetaData, select
from sqlalchemy.orm import Session

from api.db.models import Handoff
from api.db.models_auth import Counsellor
from api.db.models_profiles import Profile
from api.db.models_queue import HandoffAssignment
from api.db.models_rights import OutcomeCell, StatsCell
from api.services import (
    closing,
    consent,
    consent_ledger,
    erasure,
    handback,
    handoffs,
    idle,
    profiles,
    queue,
    retention,
    stats,
)
from tests.rights.test_statistics import (
    _organisation_token,
    _platform_token,
    assert_safely_published,
)
from tests.support.queue import Person, add_counsellor, waiting_handoff

Key = tuple[str, str, str]  # organisation, outcome, referral


def _outcomes(app: FastAPI) -> dict[Key, int]:
    with app.state.sessions() as session:
        return {
            (c.organisation_id, c.outcome, c.referral): c.count
            for c in session.scalars(select(OutcomeCell))
            if c.count
        }


def _tag_total(app: FastAPI) -> int:
    with app.state.sessions() as session:
        return sum(c.count for c in session.scalars(select(StatsCell)))


def _claimed(app: FastAPI, email: str = "raadgiver@outcome.dk") -> tuple[Person, str, str]:
    """A counsellor of "Udfald NGO" holding a consented youth's handoff."""
    person = add_counsellor(app.state.sessions, email, "Udfald NGO")
    handoff_id, profile_id = waiting_handoff(app.state.sessions, app.state.key_ring)
    with app.state.sessions() as session:
        counsellor = session.get(Counsellor, person.id)
        assert counsellor is not None
        queue.claim(session, counsellor, handoff_id)
    return person, handoff_id, profile_id


def _counsellor(session: Session, person: Person) -> Counsellor:
    found = session.get(Counsellor, person.id)
    assert found is not None
    return found


def _recount(app: FastAPI, handoff_id: str) -> bool:
    """A second count of the same handoff (any outcome) must change nothing."""
    with app.state.sessions() as session:
        handoff = session.get(Handoff, handoff_id)
        assert handoff is not None
        counted = stats.record_closed_conversation(session, handoff, outcome="hjulpet")
        session.commit()
        return counted


def test_outcome_cells_hold_no_profile_id(app: FastAPI) -> None:
    metadata = MetaData()
    metadata.reflect(app.state.engine, only=["outcome_cells"])
    columns = set(metadata.tables["outcome_cells"].c.keys())
    assert columns == {"id", "organisation_id", "month", "outcome", "referral", "count"}


def test_the_close_form_counts_outcome_and_referral_once(app: FastAPI) -> None:
    person, handoff_id, _ = _claimed(app)
    with app.state.sessions() as session:
        queue.close(
            session, _counsellor(session, person), handoff_id, "henvist", referral="headspace"
        )
    assert _outcomes(app) == {(person.organisation_id, "henvist", "headspace"): 1}
    assert _tag_total(app) == 1
    with app.state.sessions() as session, pytest.raises(queue.QueueError):
        queue.close(session, _counsellor(session, person), handoff_id, "hjulpet")
    assert not _recount(app, handoff_id)
    assert _outcomes(app) == {(person.organisation_id, "henvist", "headspace"): 1}
    # Without a referral the cell's referral is "".
    other, second, _ = _claimed(app, "anden@outcome.dk")
    with app.state.sessions() as session:
        queue.close(session, _counsellor(session, other), second, "hjulpet")
    assert _outcomes(app)[(other.organisation_id, "hjulpet", "")] == 1


def test_hand_back_counts_til_bot_once(app: FastAPI) -> None:
    person, handoff_id, _ = _claimed(app)
    with app.state.sessions() as session:
        handback.hand_back(session, _counsellor(session, person), handoff_id)
    assert _outcomes(app) == {(person.organisation_id, closing.OUTCOME_HANDED_BACK, ""): 1}
    with app.state.sessions() as session, pytest.raises(queue.QueueError):
        handback.hand_back(session, _counsellor(session, person), handoff_id)
    assert not _recount(app, handoff_id)
    assert _outcomes(app) == {(person.organisation_id, closing.OUTCOME_HANDED_BACK, ""): 1}


def test_idle_close_counts_inaktiv_once_held_or_waiting(app: FastAPI) -> None:
    person, held_id, _ = _claimed(app)
    waiting_id, _ = waiting_handoff(app.state.sessions, app.state.key_ring)
    start = datetime.now(UTC)
    limits = {"check_after": timedelta(minutes=10), "close_after": timedelta(minutes=20)}
    for minutes in (11, 21, 40):  # check, close, nothing left to do
        with app.state.sessions() as session:
            idle.sweep(session, now=start + timedelta(minutes=minutes), **limits)
    assert _outcomes(app) == {
        (person.organisation_id, closing.OUTCOME_IDLE, ""): 1,
        (stats.NO_ORGANISATION, closing.OUTCOME_IDLE, ""): 1,  # nobody had claimed it
    }
    assert not _recount(app, held_id) and not _recount(app, waiting_id)
    assert _tag_total(app) == 2


def test_erasure_of_an_open_conversation_counts_slettet_in_the_holding_organisation(
    app: FastAPI,
) -> None:
    person, handoff_id, profile_id = _claimed(app)
    with app.state.sessions.begin() as session:
        result = erasure.erase(session, profile_id, reason="request")
    assert result.conversations_closed == 1
    expected = {(person.organisation_id, closing.OUTCOME_ERASED, ""): 1}
    assert _outcomes(app) == expected
    with app.state.sessions() as session:  # the profile data went, the aggregate stayed
        assert session.get(Handoff, handoff_id) is None
        assert session.get(HandoffAssignment, handoff_id) is None
    with app.state.sessions.begin() as session:
        assert not erasure.erase(session, profile_id, reason="request").erased
    assert _outcomes(app) == expected


def test_erasure_after_close_keeps_the_count_and_adds_none(app: FastAPI) -> None:
    person, handoff_id, profile_id = _claimed(app)
    with app.state.sessions() as session:
        queue.close(session, _counsellor(session, person), handoff_id, "afbrudt")
    with app.state.sessions.begin() as session:
        assert erasure.erase(session, profile_id, reason="request").conversations_closed == 0
    assert _outcomes(app) == {(person.organisation_id, "afbrudt", ""): 1}


def test_retention_of_an_open_conversation_counts_it_once(app: FastAPI) -> None:
    person, _, profile_id = _claimed(app)
    report = retention.run(app.state.sessions, now=datetime.now(UTC) + timedelta(days=3 * 366))
    assert report.erased >= 1
    with app.state.sessions() as session:
        assert session.get(Profile, profile_id) is None
    assert _outcomes(app) == {(person.organisation_id, closing.OUTCOME_ERASED, ""): 1}


def test_not_counted_without_consent_to_statistics(app: FastAPI) -> None:
    person = add_counsellor(app.state.sessions, "samtykke@outcome.dk", "Udfald NGO")
    profile_id = secrets.token_hex(16)
    with app.state.sessions() as session:
        profiles.create_profile(session, app.state.key_ring, profile_id, datetime.now(UTC))
        consent_ledger.record(session, profile_id, ["service"], now=datetime.now(UTC))
        session.commit()
    handoff_id, _ = waiting_handoff(
        app.state.sessions, app.state.key_ring, conversation_id=profile_id, problem=None
    )
    withdrawn_id, withdrawn_profile = waiting_handoff(app.state.sessions, app.state.key_ring)
    with app.state.sessions() as session:
        consent_ledger.withdraw(session, withdrawn_profile, ["statistics"], now=datetime.now(UTC))
        session.commit()
    with app.state.sessions() as session:
        counsellor = _counsellor(session, person)
        for hid in (handoff_id, withdrawn_id):
            queue.claim(session, counsellor, hid)
            queue.close(session, counsellor, hid, "hjulpet", referral="kommunen")
    assert _outcomes(app) == {}
    assert _tag_total(app) == 0


def _consented_handoff(app: FastAPI, session: Session, **profile: Any) -> Handoff:
    """A new handoff of a youth who consented to the service and to statistics."""
    profile_id = secrets.token_hex(16)
    consent.give(session, app.state.key_ring, profile_id)
    handoff, _ = handoffs.create_handoff(
        session,
        conversation_id=profile_id,
        crisis=False,
        tagger_status="ok",
        **{"gender": "pige", "age_band": "13-15", "tags": [], **profile},
    )
    return handoff


def test_no_close_path_counts_without_a_valid_outcome(app: FastAPI) -> None:
    with app.state.sessions() as session:
        handoff = _consented_handoff(app, session)
        with pytest.raises(ValueError):
            stats.record_closed_conversation(session, handoff, outcome="")
        with pytest.raises(ValueError):
            closing.close_open_handoff(session, handoff, "hjulpet", now=datetime.now(UTC))


def test_outcome_suppression_never_reveals_a_small_cell() -> None:
    rng = random.Random(11)
    outcomes = [*queue.OUTCOMES, *closing.SYSTEM_OUTCOMES]
    for _ in range(2000):
        truth = [rng.choice([1, 2, 3, 4, 5, 6, 9, 20]) for _ in range(rng.randint(1, 7))]
        rows = [
            OutcomeCell(
                organisation_id="o",
                month="2026-11",
                outcome=outcomes[i % len(outcomes)],
                referral="" if i < len(outcomes) else "andet",
                count=c,
            )
            for i, c in enumerate(truth)
        ]
        [group] = stats.publish_outcomes(rows)
        assert_safely_published(group, truth)


def _count(app: FastAPI, n: int, *, org: str, outcome: str, referral: str | None = None) -> None:
    with app.state.sessions() as session:
        for _ in range(n):
            handoff = _consented_handoff(
                app,
                session,
                gender="dreng",
                age_band="16-18",
                tags=[{"tag": "angst", "score": 1.0}],
            )
            handoff.status = stats.STATUS_CLOSED
            assert stats.record_closed_conversation(
                session, handoff, outcome=outcome, referral=referral, organisation_id=org
            )
        session.commit()


def test_api_json_and_csv_with_organisation_scope(
    app: FastAPI, client: TestClient, auth: dict[str, str]
) -> None:
    org_b, org_b_headers = _organisation_token(app, client)
    platform_headers = _platform_token(app, client)
    _count(app, 6, org="org-a", outcome="hjulpet")
    _count(app, 2, org="org-a", outcome="henvist", referral="egen_laege")
    _count(app, 7, org=org_b, outcome="henvist", referral="headspace")
    _count(app, 5, org=org_b, outcome=closing.OUTCOME_IDLE)

    platform = client.get("/api/v1/stats/outcomes", headers=platform_headers)
    assert platform.status_code == 200
    body = platform.json()
    assert body["scope"] == "all" and body["min_cell"] == stats.MIN_CELL
    assert body["outcomes"]["til_bot"] and body["referrals"]["headspace"] == "Headspace"
    groups = {g["organisation_id"]: g for g in body["groups"]}
    assert set(groups) == {"org-a", org_b}
    # org-a: 2 is primary-suppressed, 6 its complement; the total 8 no longer tells the split.
    assert [c["count"] for c in groups["org-a"]["cells"]] == [None, None]
    assert groups["org-a"]["total"] == 8
    assert {(c["outcome"], c["referral"]): c["count"] for c in groups[org_b]["cells"]} == {
        ("henvist", "headspace"): 7,
        ("inaktiv", ""): 5,
    }
    assert groups[org_b]["total"] == 12

    own = client.get("/api/v1/stats/outcomes", headers=org_b_headers).json()
    assert own["scope"] == org_b
    assert [g["organisation_id"] for g in own["groups"]] == [org_b]

    as_csv = client.get("/api/v1/stats/outcomes?format=csv", headers=platform_headers)
    assert as_csv.status_code == 200
    assert as_csv.headers["content-type"].startswith("text/csv")
    assert "ung-intake-udfald.csv" in as_csv.headers["content-disposition"]
    rows = list(csv.DictReader(io.StringIO(as_csv.text)))
    assert list(rows[0]) == ["organisation_id", "month", "outcome", "referral", "count"]
    assert [r["count"] for r in rows if r["organisation_id"] == "org-a"] == ["", "", "8"]
    assert {
        (r["outcome"], r["referral"], r["count"]) for r in rows if r["organisation_id"] == org_b
    } == {("henvist", "headspace", "7"), ("inaktiv", "", "5"), ("total", "", "12")}
    own_csv = client.get("/api/v1/stats/outcomes?format=csv", headers=org_b_headers).text
    assert "org-a" not in own_csv

    # Refusals: no token, a token without stats:read.
    assert client.get("/api/v1/stats/outcomes").status_code == 401
    assert client.get("/api/v1/stats/outcomes", headers=auth).status_code == 403


@pytest.mark.parametrize(
    "query",
    [
        "format=xml",
        "format=",
        "format=CSV",
        "format=csv%00",
        "format=json&format=xml",
        "format=" + "x" * 5000,
        "format=%ff%fe",
    ],
)
@pytest.mark.parametrize("path", ["/api/v1/stats", "/api/v1/stats/outcomes"])
@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_bad_query_parameters_are_refused_not_crashed(
    app: FastAPI, client: TestClient, path: str, query: str
) -> None:
    headers = _platform_token(app, client)
    response = client.get(f"{path}?{query}", headers=headers)
    assert response.status_code == 422, response.text


@pytest.mark.parametrize("path", ["/api/v1/stats", "/api/v1/stats/outcomes"])
@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_unknown_query_parameters_are_ignored(app: FastAPI, client: TestClient, path: str) -> None:
    headers = _platform_token(app, client)
    _count(app, 6, org="org-z", outcome="hjulpet")
    response = client.get(f"{path}?organisation_id=org-a&month=%ff&format=json", headers=headers)
    assert response.status_code == 200, response.text
    # Not read as a filter: org-z's counts are still there, and nothing was made up for org-a.
    assert {g["organisation_id"] for g in response.json()["groups"]} == {"org-z"}


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_intake_stats_prints_the_outcome_table_and_chart(
    app: FastAPI, database_url: str, tmp_path: Path
) -> None:
    _count(app, 6, org="org-a", outcome="hjulpet")
    _count(app, 1, org="org-a", outcome="henvist", referral="politiet")
    env = {"DATABASE_URL": database_url, "PATH": "/usr/bin:/bin", "COLUMNS": "120"}
    out = subprocess.run(
        [sys.executable, "-m", "intake", "stats", "--charts", str(tmp_path / "charts")],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert out.returncode == 0, out.stderr
    tables = out.stdout.split("Udfald og henvisninger")
    assert len(tables) == 2
    assert "angst" in tables[0]  # the existing table comes first, unchanged
    assert "hjulpet" in tables[1] and "politiet" in tables[1] and "•" in tables[1]
    assert " 6 " not in out.stdout  # complement of the suppressed 1, in either table
    for name in ("emner.png", "maaneder.png", "udfald.png"):
        assert (tmp_path / "charts" / name).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
