"""The queue and conversation routes on SQLite and PostgreSQL: ordering, routing rules,
claim, release, transfer, close, transcript, tag corrections."""

from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import select

from api.db.models import Handoff
from api.db.models_queue import HandoffAssignment, TagCorrection
from api.db.models_rights import ClosedConversation
from api.services import queue
from api.services.accounts import RouteKind
from tests.support.oauth import bearer, console_tokens
from tests.support.queue import Person, add_counsellor, waiting_handoff


def login(client: TestClient, person: Person) -> dict[str, str]:
    return bearer(console_tokens(client, email=person.email)["access_token"])


@pytest.fixture
def people(app: FastAPI) -> dict[str, Person]:
    sessions = app.state.sessions
    return {
        "rikke": add_counsellor(sessions, "rikke@aarhus.dk", "Aarhus Kommune"),
        "jonas": add_counsellor(sessions, "jonas@aarhus.dk", "Aarhus Kommune"),
        # Takes only eating problems and the oldest youths.
        "sara": add_counsellor(
            sessions,
            "sara@spis.dk",
            "Spiseforstyrrelser NGO",
            routes=[(RouteKind.TAG, "spiseforstyrrelse"), (RouteKind.AGE_BAND, "19-24")],
        ),
    }


def ids(body: dict[str, Any]) -> list[str]:
    return [item["id"] for item in body["items"]]


def test_queue_is_akut_first_then_waiting_time_and_shows_what_the_bot_learned(
    app: FastAPI, client: TestClient, people: dict[str, Person]
) -> None:
    keys = app.state.key_ring
    first, _ = waiting_handoff(app.state.sessions, keys)
    second, _ = waiting_handoff(app.state.sessions, keys, tags=[("angst", 0.61)], gender="dreng")
    akut, _ = waiting_handoff(
        app.state.sessions, keys, tags=[("selvskade", 0.93), ("nedtrykthed", 0.4)], crisis=True
    )
    response = client.get("/api/v1/queue", headers=login(client, people["rikke"]))
    assert response.status_code == 200
    body = response.json()
    assert ids(body) == [akut, first, second]
    top = body["items"][0]
    assert top["priority"] == "akut" and top["position"] == 1 and top["mine"] is False
    assert top["tags"] == [
        {"tag": "selvskade", "score": 0.93},
        {"tag": "nedtrykthed", "score": 0.4},
    ]
    assert (top["gender"], top["age_band"]) == ("pige", "13-15")
    assert top["waiting_seconds"] >= 0
    assert body["items"][2]["gender"] == "dreng"
    # No text of any kind in the queue: tags, demographics and times only.
    assert "mobbet" not in response.text


def test_routing_rules_decide_who_sees_a_handoff(
    app: FastAPI, client: TestClient, people: dict[str, Person]
) -> None:
    keys, sessions = app.state.key_ring, app.state.sessions
    bullying, _ = waiting_handoff(sessions, keys)
    eating, _ = waiting_handoff(sessions, keys, tags=[("spiseforstyrrelse", 0.8)])
    older, _ = waiting_handoff(sessions, keys, tags=[("ensomhed", 0.7)], age_band="19-24")
    assert ids(client.get("/api/v1/queue", headers=login(client, people["rikke"])).json()) == [
        bullying,
        eating,
        older,
    ]
    sara = login(client, people["sara"])
    assert ids(client.get("/api/v1/queue", headers=sara).json()) == [eating, older]
    # Not routed to Sara's organisation: as if it did not exist.
    response = client.post(f"/api/v1/queue/{bullying}/claim", headers=sara)
    assert response.status_code == 404
    assert response.json() == {"detail": "not found"}


def test_claim_release_transfer_close(
    app: FastAPI, client: TestClient, people: dict[str, Person]
) -> None:
    handoff_id, _ = waiting_handoff(app.state.sessions, app.state.key_ring)
    rikke, jonas = login(client, people["rikke"]), login(client, people["jonas"])

    claimed = client.post(f"/api/v1/queue/{handoff_id}/claim", headers=rikke)
    assert claimed.status_code == 200, claimed.text
    assert claimed.json()["status"] == "active" and claimed.json()["mine"] is True
    # Taken: a colleague can neither claim it nor see it waiting any more.
    assert client.post(f"/api/v1/queue/{handoff_id}/claim", headers=jonas).status_code == 409
    assert ids(client.get("/api/v1/queue", headers=jonas).json()) == []
    assert client.get(f"/api/v1/conversations/{handoff_id}", headers=jonas).status_code == 404

    # Release: back in the queue with its place, then Jonas takes it.
    assert (
        client.post(f"/api/v1/conversations/{handoff_id}/release", headers=rikke).status_code == 204
    )
    assert ids(client.get("/api/v1/queue", headers=jonas).json()) == [handoff_id]
    assert client.post(f"/api/v1/queue/{handoff_id}/claim", headers=jonas).status_code == 200

    # Transfer only to a colleague of the same organisation.
    to_sara = client.post(
        f"/api/v1/conversations/{handoff_id}/transfer",
        json={"counsellor_id": people["sara"].id},
        headers=jonas,
    )
    assert to_sara.status_code == 422
    to_rikke = client.post(
        f"/api/v1/conversations/{handoff_id}/transfer",
        json={"counsellor_id": people["rikke"].id},
        headers=jonas,
    )
    assert to_rikke.status_code == 204
    mine = client.get("/api/v1/queue", headers=rikke).json()["items"]
    assert [(i["id"], i["mine"]) for i in mine] == [(handoff_id, True)]
    assert client.get(f"/api/v1/conversations/{handoff_id}", headers=jonas).status_code == 404

    # Close with an outcome from the list only.
    bad = client.post(
        f"/api/v1/conversations/{handoff_id}/close", json={"outcome": "weird"}, headers=rikke
    )
    assert bad.status_code == 422
    closed = client.post(
        f"/api/v1/conversations/{handoff_id}/close", json={"outcome": "henvist"}, headers=rikke
    )
    assert closed.status_code == 204
    assert client.get("/api/v1/queue", headers=rikke).json()["items"] == []
    assert client.post(f"/api/v1/queue/{handoff_id}/claim", headers=jonas).status_code == 409
    with app.state.sessions() as session:
        assert session.get(Handoff, handoff_id).status == "closed"
        assignment = session.get(HandoffAssignment, handoff_id)
        assert (assignment.counsellor_id, assignment.outcome) == (people["rikke"].id, "henvist")
        assert assignment.closed_at is not None
        # Counted once in the statistics of the organisation that handled it.
        counted = session.get(ClosedConversation, handoff_id)
        assert counted is not None
        assert counted.organisation_id == people["rikke"].organisation_id


def test_conversation_shows_the_stored_anonymised_transcript(
    app: FastAPI, client: TestClient, people: dict[str, Person]
) -> None:
    handoff_id, _ = waiting_handoff(
        app.state.sessions,
        app.state.key_ring,
        problem="jeg hedder Mikkel, ring 22 33 44 55, jeg bliver mobbet",
    )
    rikke = login(client, people["rikke"])
    assert client.get(f"/api/v1/conversations/{handoff_id}", headers=rikke).status_code == 404
    client.post(f"/api/v1/queue/{handoff_id}/claim", headers=rikke)
    body = client.get(f"/api/v1/conversations/{handoff_id}", headers=rikke).json()
    [turn] = body["transcript"]
    assert turn["role"] == "ungdom"
    assert "mobbet" in turn["text"]
    assert "Mikkel" not in turn["text"] and "22 33 44 55" not in turn["text"]
    assert [c["id"] for c in body["colleagues"]] == [people["jonas"].id]


def test_tag_correction_is_stored_as_feedback_with_the_anonymised_text(
    app: FastAPI, client: TestClient, people: dict[str, Person]
) -> None:
    handoff_id, _ = waiting_handoff(
        app.state.sessions,
        app.state.key_ring,
        problem="min far drikker hver aften, ring til mig på 22 33 44 55",
        tags=[("ensomhed", 0.55)],
    )
    rikke = login(client, people["rikke"])
    path = f"/api/v1/conversations/{handoff_id}/tags"
    # Only the holder, only taxonomy ids.
    assert client.post(path, json={"tags": ["misbrug"]}, headers=rikke).status_code == 404
    client.post(f"/api/v1/queue/{handoff_id}/claim", headers=rikke)
    assert client.post(path, json={"tags": ["Ensomhed!"]}, headers=rikke).status_code == 422
    response = client.post(path, json={"tags": ["misbrug", "familie"]}, headers=rikke)
    assert response.status_code == 201, response.text
    assert response.json()["tags"] == ["misbrug", "familie"] and response.json()["has_text"]

    mine = client.get("/api/v1/queue", headers=rikke).json()["items"][0]
    assert mine["tags"] == [{"tag": "misbrug", "score": None}, {"tag": "familie", "score": None}]
    with app.state.sessions() as session:
        [correction] = session.scalars(select(TagCorrection)).all()
        assert correction.previous_tags == [{"tag": "ensomhed", "score": 0.55}]
        assert correction.transcript_entry_id is not None
        [line] = queue.export_feedback(session, keys=app.state.key_ring)
    assert line["tags"] == ["misbrug", "familie"]
    assert "drikker" in line["text"] and "22 33 44 55" not in line["text"]


def test_intake_feedback_export_writes_json_lines(
    app: FastAPI, client: TestClient, people: dict[str, Person], settings: Any, monkeypatch: Any
) -> None:
    import json

    from typer.testing import CliRunner

    from api.config import get_settings
    from intake.cli import app as cli

    handoff_id, _ = waiting_handoff(
        app.state.sessions, app.state.key_ring, problem="jeg savner min morfar, han døde i maj"
    )
    rikke = login(client, people["rikke"])
    client.post(f"/api/v1/queue/{handoff_id}/claim", headers=rikke)
    client.post(f"/api/v1/conversations/{handoff_id}/tags", json={"tags": ["sorg"]}, headers=rikke)

    monkeypatch.setenv("DATABASE_URL", settings.database_url)
    monkeypatch.setenv("KEY_RING", settings.key_ring.get_secret_value())
    get_settings.cache_clear()
    try:
        result = CliRunner().invoke(cli, ["feedback", "export"])
    finally:
        get_settings.cache_clear()
    assert result.exit_code == 0, result.output
    [line] = [json.loads(raw) for raw in result.stdout.splitlines()]
    assert line["tags"] == ["sorg"] and "savner" in line["text"]


def test_erasing_the_profile_takes_its_tag_corrections_with_it(
    app: FastAPI, client: TestClient, people: dict[str, Person]
) -> None:
    from api.services import profiles

    handoff_id, conversation = waiting_handoff(app.state.sessions, app.state.key_ring)
    rikke = login(client, people["rikke"])
    client.post(f"/api/v1/queue/{handoff_id}/claim", headers=rikke)
    path = f"/api/v1/conversations/{handoff_id}/tags"
    assert client.post(path, json={"tags": ["mobning"]}, headers=rikke).status_code == 201
    with app.state.sessions() as session:
        profiles.erase_profile(session, conversation)
        session.commit()
    with app.state.sessions() as session:
        assert session.scalars(select(TagCorrection)).all() == []
        assert queue.export_feedback(session, keys=app.state.key_ring) == []


def test_ids_and_texts_no_database_can_store_are_refused_with_422(
    app: FastAPI, client: TestClient, people: dict[str, Person]
) -> None:
    # PostgreSQL rejects a NUL in text and no backend can encode a lone surrogate: both are
    # malformed input, answered alike on both backends, with nothing stored.
    headers = login(client, people["rikke"])
    for odd in ("a%00b", "%00"):
        claimed = client.post(f"/api/v1/queue/{odd}/claim", headers=headers)
        assert claimed.status_code == 422
        assert client.get(f"/api/v1/conversations/{odd}", headers=headers).status_code == 422
    leader = add_counsellor(
        app.state.sessions, "leder@aarhus.dk", "Aarhus Kommune", role="supervisor"
    )
    headers = login(client, leader)
    before = client.get("/api/v1/canned-replies", headers=headers).json()
    # As raw JSON: the escapes \u0000 and \ud800 are valid JSON that a client can send.
    for body in ('{"title": "a\\u0000b", "text": "tekst"}', '{"title": "t", "text": "\\ud800"}'):
        created = client.post(
            "/api/v1/canned-replies",
            headers={**headers, "Content-Type": "application/json"},
            content=body,
        )
        assert created.status_code == 422, created.text
    assert client.get("/api/v1/canned-replies", headers=headers).json() == before
