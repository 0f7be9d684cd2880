"""The supervisor's view on SQLite and PostgreSQL: only supervisors (403 for a counsellor),
only their own organisation (another organisation's supervisor sees nothing and reaches
nothing), loads n/cap, reassignment within the cap, and notes the youth never sees."""

from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from api.services import load
from tests.support.oauth import bearer, console_tokens
from tests.support.queue import Person, add_counsellor, waiting_handoff


def login(client: TestClient, person: Person) -> dict[str, str]:
    return bearer(console_tokens(client, email=person.email)["access_token"])


@pytest.fixture
def people(app: FastAPI) -> dict[str, Person]:
    sessions = app.state.sessions
    return {
        "rikke": add_counsellor(sessions, "rikke@aarhus.dk", "Aarhus Kommune"),
        "jonas": add_counsellor(sessions, "jonas@aarhus.dk", "Aarhus Kommune", cap=1),
        "leder": add_counsellor(sessions, "leder@aarhus.dk", "Aarhus Kommune", role="supervisor"),
        "spisleder": add_counsellor(
            sessions, "leder@spis.dk", "Spiseforstyrrelser NGO", role="supervisor"
        ),
    }


def test_a_counsellor_is_refused_every_supervisor_route(
    app: FastAPI, client: TestClient, people: dict[str, Person]
) -> None:
    headers = login(client, people["rikke"])
    handoff_id, _ = waiting_handoff(app.state.sessions, app.state.key_ring)
    assert client.get("/api/v1/supervisor/overview", headers=headers).status_code == 403
    for method, path, body in (
        ("GET", f"/api/v1/supervisor/conversations/{handoff_id}", None),
        ("POST", f"/api/v1/supervisor/conversations/{handoff_id}/reassign", {"counsellor_id": "x"}),
        ("POST", f"/api/v1/supervisor/conversations/{handoff_id}/notes", {"text": "hej"}),
    ):
        response = client.request(method, path, headers=headers, json=body)
        assert response.status_code == 403, path
    assert client.get("/api/v1/supervisor/overview").status_code == 401


def test_the_overview_shows_queue_conversations_and_loads_of_the_own_organisation_only(
    app: FastAPI, client: TestClient, people: dict[str, Person]
) -> None:
    sessions, keys = app.state.sessions, app.state.key_ring
    held, _ = waiting_handoff(sessions, keys)
    waiting, _ = waiting_handoff(sessions, keys, crisis=True, tags=[("selvskade", 0.9)])
    rikke = login(client, people["rikke"])
    assert client.post(f"/api/v1/queue/{held}/claim", headers=rikke).status_code == 200

    view = client.get("/api/v1/supervisor/overview", headers=login(client, people["leder"]))
    assert view.status_code == 200
    body = view.json()
    assert [i["id"] for i in body["waiting"]] == [waiting]
    assert body["waiting"][0]["priority"] == "akut" and body["waiting"][0]["waiting_seconds"] >= 0
    [conversation] = body["conversations"]
    assert conversation["handoff"]["id"] == held
    assert conversation["counsellor_name"] == "Rikke"
    assert conversation["waited_seconds"] >= 0 and conversation["active_seconds"] >= 0
    loads = {c["name"]: (c["active"], c["cap"]) for c in body["counsellors"]}
    assert loads == {"Rikke": (1, 3), "Jonas": (0, 1), "Leder": (0, 3)}
    assert "mobbet" not in view.text  # no text in the overview

    # The other organisation's supervisor: routed the waiting handoff (takes all), but sees
    # none of Aarhus' conversations or counsellors, and reaches none of them.
    other = login(client, people["spisleder"])
    theirs = client.get("/api/v1/supervisor/overview", headers=other).json()
    assert theirs["conversations"] == []
    assert [c["name"] for c in theirs["counsellors"]] == ["Leder"]
    assert client.get(f"/api/v1/supervisor/conversations/{held}", headers=other).status_code == 404
    assert (
        client.post(
            f"/api/v1/supervisor/conversations/{held}/notes", headers=other, json={"text": "x"}
        ).status_code
        == 404
    )
    assert (
        client.post(
            f"/api/v1/supervisor/conversations/{held}/reassign",
            headers=other,
            json={"counsellor_id": people["jonas"].id},
        ).status_code
        == 404
    )


def test_a_supervisor_reads_reassigns_within_the_cap_and_leaves_a_note(
    app: FastAPI, client: TestClient, people: dict[str, Person]
) -> None:
    sessions, keys = app.state.sessions, app.state.key_ring
    first, _ = waiting_handoff(sessions, keys)
    second, _ = waiting_handoff(sessions, keys)
    rikke, jonas = login(client, people["rikke"]), login(client, people["jonas"])
    leader = login(client, people["leder"])
    for handoff_id in (first, second):
        assert client.post(f"/api/v1/queue/{handoff_id}/claim", headers=rikke).status_code == 200

    read = client.get(f"/api/v1/supervisor/conversations/{first}", headers=leader)
    assert read.status_code == 200
    assert [t["text"] for t in read.json()["transcript"]] == ["jeg bliver mobbet i skolen"]

    note = client.post(
        f"/api/v1/supervisor/conversations/{first}/notes",
        headers=leader,
        json={"text": "Husk at spørge til skolen og give Børnetelefonens nummer"},
    )
    assert note.status_code == 201 and note.json()["kind"] == "supervisor"
    shown = client.get(f"/api/v1/conversations/{first}", headers=rikke).json()["notes"]
    assert [(n["kind"], n["text"]) for n in shown] == [("supervisor", note.json()["text"])]

    url = "/api/v1/supervisor/conversations/{}/reassign"
    moved = client.post(
        url.format(first), headers=leader, json={"counsellor_id": people["jonas"].id}
    )
    assert moved.status_code == 204
    assert client.get(f"/api/v1/conversations/{first}", headers=jonas).status_code == 200
    assert client.get(f"/api/v1/conversations/{first}", headers=rikke).status_code == 404
    # Jonas is at his cap of 1 now.
    full = client.post(
        url.format(second), headers=leader, json={"counsellor_id": people["jonas"].id}
    )
    assert full.status_code == 409 and full.json()["detail"]["code"] == "cap_reached"
    # Not a colleague of this organisation.
    stranger = client.post(
        url.format(second), headers=leader, json={"counsellor_id": people["spisleder"].id}
    )
    assert stranger.status_code == 422
    with sessions() as session:
        assert load.active_count(session, people["rikke"].id) == 1
        assert load.active_count(session, people["jonas"].id) == 1


def test_the_cli_makes_supervisors_and_sets_caps(
    app: FastAPI, settings: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    from typer.testing import CliRunner

    from api.config import get_settings
    from api.db.models_auth import Organisation
    from api.services import accounts
    from intake.cli import app as cli

    add_counsellor(app.state.sessions, "rikke@aarhus.dk", "Aarhus Kommune")
    monkeypatch.setenv("DATABASE_URL", settings.database_url)
    monkeypatch.setenv("KEY_RING", settings.key_ring.get_secret_value())
    get_settings.cache_clear()
    runner = CliRunner()
    try:
        added = runner.invoke(
            cli,
            [
                "users", "add", "chef@aarhus.dk", "--org", "Aarhus Kommune",
                "--straffeattest", "2026-09-01", "--boerneattest", "2026-09-01",
                "--role", "supervisor", "--max-conversations", "2", "--password-stdin",
            ],
            input="korrekt-hest-batteri-haefteklamme\n",
        )  # fmt: skip
        assert added.exit_code == 0, added.output
        assert runner.invoke(cli, ["users", "role", "rikke@aarhus.dk", "supervisor"]).exit_code == 0
        assert runner.invoke(cli, ["orgs", "cap", "Aarhus Kommune", "5"]).exit_code == 0
        refused = runner.invoke(cli, ["orgs", "cap", "Aarhus Kommune", "0"])
        assert refused.exit_code == 1 and "1-20" in refused.output
        assert runner.invoke(cli, ["users", "role", "rikke@aarhus.dk", "chef"]).exit_code == 2
    finally:
        get_settings.cache_clear()
    with app.state.sessions() as session:
        chef = accounts.find_counsellor(session, "chef@aarhus.dk")
        rikke = accounts.find_counsellor(session, "rikke@aarhus.dk")
        assert (chef.role, chef.conversation_cap, rikke.role) == ("supervisor", 2, "supervisor")
        org = session.get(Organisation, chef.organisation_id)
        assert org is not None and org.conversation_cap == 5
        assert load.cap_of(session, chef) == 2 and load.cap_of(session, rikke) == 5
