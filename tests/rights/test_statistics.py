"""Statistics: aggregates per organisation × month × gender × age band × tag without profile
ids, updated on close and on rectification; published with cells under 5 suppressed and
complementary suppression; JSON and CSV by scope `stats:read`, an organisation sees its own;
`intake stats` prints a table and writes PNG charts."""

import csv
import io
import random
import subprocess
import sys
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import MetaData, select

from api.db.models import Handoff
from api.db.models_rights import StatsCell
from api.services import accounts, consent, handoffs, stats
from tests.rights.conftest import PROFILE, Youth
from tests.support.oauth import (
    authorize_params,
    bearer,
    code_from,
    exchange_code,
    login,
    pkce_pair,
    provision_counsellor,
)


def _close(
    app: FastAPI,
    n: int,
    *,
    org: str,
    gender: str = "pige",
    band: str = "13-15",
    tags: tuple[str, ...] = ("angst",),
) -> None:
    with app.state.sessions() as session:
        for _ in range(n):
            pid = random.randbytes(16).hex()
            consent.give(session, app.state.key_ring, pid)
            handoff, _ = handoffs.create_handoff(
                session,
                conversation_id=pid,
                gender=gender,
                age_band=band,
                crisis=False,
                tagger_status="ok",
                tags=[{"tag": t, "score": 1.0} for t in tags],
            )
            handoff.status = stats.STATUS_CLOSED
            assert stats.record_closed_conversation(
                session, handoff, outcome="hjulpet", organisation_id=org
            )
            assert not stats.record_closed_conversation(
                session, handoff, outcome="hjulpet", organisation_id=org
            )
        session.commit()


def _cells(app: FastAPI) -> dict[tuple[str, str, str, str], int]:
    with app.state.sessions() as session:
        return {
            (c.organisation_id, c.gender, c.age_band, c.tag): c.count
            for c in session.scalars(select(StatsCell))
        }


def test_aggregates_hold_no_profile_id(app: FastAPI) -> None:
    metadata = MetaData()
    metadata.reflect(app.state.engine, only=["stats_cells"])
    columns = set(metadata.tables["stats_cells"].c.keys())
    assert columns == {"id", "organisation_id", "month", "gender", "age_band", "tag", "count"}


def test_counts_on_close_once_per_tag(app: FastAPI) -> None:
    _close(app, 2, org="org-a", tags=("angst", "skole_stress"))
    _close(app, 1, org="org-a", tags=())
    assert _cells(app) == {
        ("org-a", "pige", "13-15", "angst"): 2,
        ("org-a", "pige", "13-15", "skole_stress"): 2,
        ("org-a", "pige", "13-15", stats.UNTAGGED): 1,
    }


def test_rectification_moves_the_counts(app: FastAPI, client: TestClient, youth: Youth) -> None:
    assert _cells(app) == {("org-a", "pige", "13-15", "angst"): 1}
    response = client.patch(
        "/api/v1/profile",
        json={"gender": "andet", "age_band": "16-18", "tags": ["ensomhed"]},
        headers=youth.headers,
    )
    assert response.status_code == 200 and response.json() == {"conversations_changed": 1}
    assert _cells(app) == {
        ("org-a", "pige", "13-15", "angst"): 0,
        ("org-a", "andet", "16-18", "ensomhed"): 1,
    }
    with app.state.sessions() as session:
        handoff = session.scalars(select(Handoff).where(Handoff.conversation_id == PROFILE)).one()
        assert (handoff.gender, handoff.age_band) == ("andet", "16-18")
    exported = client.get("/api/v1/profile", headers=youth.headers).json()
    assert exported["conversations"][0]["tags"] == ["ensomhed"]
    assert [t["tags"] for t in exported["transcript"]] == [["ensomhed"], []]  # youth turn only
    bad = client.patch("/api/v1/profile", json={"gender": "Rikke"}, headers=youth.headers)
    assert bad.status_code == 422
    bad_tag = client.patch("/api/v1/profile", json={"tags": ["mit navn er"]}, headers=youth.headers)
    assert bad_tag.status_code == 422


def _revealed(cells: list[int | None], truth: list[int], total: int | None) -> bool:
    """Could someone work out a suppressed cell under 5 from the published numbers?"""
    hidden = [t for c, t in zip(cells, truth, strict=True) if c is None]
    if not hidden or total is None:
        return False
    remainder = total - sum(c for c in cells if c is not None)
    return len(hidden) == 1 or remainder < stats.MIN_CELL


def assert_safely_published(group: stats.PublishedGroup, truth: list[int]) -> None:
    """Small cells hidden, nothing else changed, none of them derivable from the total, and
    a group without small cells published whole."""
    published = [c["count"] for c in group.cells]
    assert all(p is None for p, t in zip(published, truth, strict=True) if t < stats.MIN_CELL)
    assert all(p in (None, t) for p, t in zip(published, truth, strict=True))
    assert not _revealed(published, truth, group.total), (truth, published, group.total)
    if all(t >= stats.MIN_CELL for t in truth):
        assert published == truth and group.total == sum(truth)


def test_suppression_never_reveals_a_small_cell() -> None:
    rng = random.Random(7)
    for _ in range(2000):
        truth = [rng.choice([1, 2, 3, 4, 5, 6, 9, 20]) for _ in range(rng.randint(1, 6))]
        rows = [
            StatsCell(
                organisation_id="o",
                month="2026-11",
                gender="pige",
                age_band="13-15",
                tag=f"t{i}",
                count=c,
            )
            for i, c in enumerate(truth)
        ]
        [group] = stats.publish(rows)
        assert_safely_published(group, truth)


ANALYTICS_SECRET = "analytics-" + "k9" * 20


def _platform_token(app: FastAPI, client: TestClient) -> dict[str, str]:
    """The platform's analytics client (client credentials, no organisation)."""
    with app.state.sessions() as session:
        accounts.add_client(
            session,
            client_id="analytics",
            name="Analyse",
            grant_types=["client_credentials"],
            scopes=["stats:read"],
            secret=ANALYTICS_SECRET,
        )
        session.commit()
    response = client.post(
        "/oauth/token",
        data={"grant_type": "client_credentials"},
        auth=("analytics", ANALYTICS_SECRET),
    )
    return bearer(response.json()["access_token"])


def _organisation_token(app: FastAPI, client: TestClient) -> tuple[str, dict[str, str]]:
    """An analyst of one organisation, logged in through the console (token carries `org`)."""
    person = provision_counsellor(app, scopes=["counsellor:chat", "stats:read"])
    verifier, challenge = pkce_pair()
    page = login(client, authorize_params(challenge, scope="stats:read"))
    answer = exchange_code(client, code_from(page), verifier).json()
    return person.organisation_id, bearer(answer["access_token"])


def test_api_json_and_csv_with_organisation_scope(app: FastAPI, client: TestClient) -> None:
    org_b, org_b_headers = _organisation_token(app, client)
    platform_headers = _platform_token(app, client)
    _close(app, 6, org="org-a", tags=("angst",))
    _close(app, 2, org="org-a", tags=("sorg",))
    _close(app, 7, org=org_b, tags=("mobning",))
    platform = client.get("/api/v1/stats", headers=platform_headers)
    assert platform.status_code == 200
    groups = {g["organisation_id"]: g for g in platform.json()["groups"]}
    assert set(groups) == {"org-a", org_b}
    # org-a: 2 is primary-suppressed, 6 its complement: the total 8 no longer tells the split.
    assert {c["tag"]: c["count"] for c in groups["org-a"]["cells"]} == {"angst": None, "sorg": None}
    assert groups["org-a"]["total"] == 8
    assert groups[org_b]["total"] == 7
    own = client.get("/api/v1/stats", headers=org_b_headers)
    assert [g["organisation_id"] for g in own.json()["groups"]] == [org_b]
    as_csv = client.get("/api/v1/stats?format=csv", headers=platform_headers)
    assert as_csv.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(as_csv.text)))
    [mobning] = [r for r in rows if r["tag"] == "mobning"]
    assert (mobning["organisation_id"], mobning["count"]) == (org_b, "7")
    assert [r["count"] for r in rows if r["organisation_id"] == "org-a"] == ["", "", "8"]


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_intake_stats_prints_a_table_and_writes_charts(
    app: FastAPI, database_url: str, tmp_path: Path
) -> None:
    _close(app, 6, org="org-a", tags=("angst",))
    _close(app, 1, org="org-a", tags=("sorg",))
    env = {"DATABASE_URL": database_url, "PATH": "/usr/bin:/bin", "COLUMNS": "120"}
    out = subprocess.run(
        [sys.executable, "-m", "intake", "stats", "--charts", str(tmp_path / "charts")],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert out.returncode == 0, out.stderr
    assert "angst" in out.stdout and "•" in out.stdout
    assert " 6 " not in out.stdout  # complement of the suppressed 1
    for name in ("emner.png", "maaneder.png"):
        assert (tmp_path / "charts" / name).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
