"""Counsellor tools on SQLite and PostgreSQL: private notes (anonymised, sealed with the
profile's data key, only for the holder), canned replies (seeded, per organisation, kept by
supervisors) and the post-conversation form (categories → statistics and tagger feedback,
outcome, referral)."""

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import select

from api.db.models_counsellor_tools import CannedReply, ConversationNote
from api.db.models_queue import HandoffAssignment, TagCorrection
from api.db.models_rights import StatsCell
from api.services import canned, queue
from tests.support.oauth import bearer, console_tokens
from tests.support.queue import Person, add_counsellor, waiting_handoff

CPR = "010203-1234"


def login(client: TestClient, person: Person) -> dict[str, str]:
    return bearer(console_tokens(client, email=person.email)["access_token"])


@pytest.fixture
def people(app: FastAPI) -> dict[str, Person]:
    sessions = app.state.sessions
    return {
        "rikke": add_counsellor(sessions, "rikke@aarhus.dk", "Aarhus Kommune"),
        "jonas": add_counsellor(sessions, "jonas@aarhus.dk", "Aarhus Kommune"),
        "leder": add_counsellor(sessions, "leder@aarhus.dk", "Aarhus Kommune", role="supervisor"),
        "sara": add_counsellor(sessions, "sara@spis.dk", "Spiseforstyrrelser NGO"),
        "spisleder": add_counsellor(
            sessions, "leder@spis.dk", "Spiseforstyrrelser NGO", role="supervisor"
        ),
    }


def claimed(app: FastAPI, client: TestClient, person: Person) -> tuple[str, str]:
    handoff_id, conversation = waiting_handoff(app.state.sessions, app.state.key_ring)
    response = client.post(f"/api/v1/queue/{handoff_id}/claim", headers=login(client, person))
    assert response.status_code == 200
    return handoff_id, conversation


# --- notes ------------------------------------------------------------------------------------


def test_a_private_note_is_anonymised_encrypted_and_only_for_the_holder(
    app: FastAPI, client: TestClient, people: dict[str, Person]
) -> None:
    handoff_id, _ = claimed(app, client, people["rikke"])
    headers = login(client, people["rikke"])
    text = f"Nævner CPR {CPR}; tal om trivsel i klassen næste gang"
    added = client.post(
        f"/api/v1/conversations/{handoff_id}/notes", headers=headers, json={"text": text}
    )
    assert added.status_code == 201
    assert added.json()["kind"] == "privat"
    assert CPR not in added.json()["text"] and "trivsel i klassen" in added.json()["text"]
    shown = client.get(f"/api/v1/conversations/{handoff_id}", headers=headers).json()
    assert [n["text"] for n in shown["notes"]] == [added.json()["text"]]
    # Stored only as ciphertext.
    with app.state.sessions() as session:
        [row] = session.scalars(select(ConversationNote)).all()
        assert b"trivsel" not in row.text.blob and CPR.encode() not in row.text.blob
    # Anyone else: as if it did not exist.
    for other in ("jonas", "sara"):
        response = client.post(
            f"/api/v1/conversations/{handoff_id}/notes",
            headers=login(client, people[other]),
            json={"text": "x"},
        )
        assert response.status_code == 404
    empty = client.post(
        f"/api/v1/conversations/{handoff_id}/notes", headers=headers, json={"text": ""}
    )
    assert empty.status_code == 422


def test_no_note_without_consent(
    app: FastAPI, client: TestClient, people: dict[str, Person]
) -> None:
    handoff_id, _ = waiting_handoff(app.state.sessions, app.state.key_ring, problem=None)
    headers = login(client, people["rikke"])
    assert client.post(f"/api/v1/queue/{handoff_id}/claim", headers=headers).status_code == 200
    response = client.post(
        f"/api/v1/conversations/{handoff_id}/notes", headers=headers, json={"text": "note"}
    )
    assert response.status_code == 409


# --- canned replies ---------------------------------------------------------------------------


def test_a_new_organisation_starts_with_danish_canned_replies(
    client: TestClient, people: dict[str, Person]
) -> None:
    replies = client.get("/api/v1/canned-replies", headers=login(client, people["rikke"]))
    assert replies.status_code == 200
    titles = {r["title"] for r in replies.json()}
    assert titles == {title for title, _ in canned.DEFAULTS}
    akut = next(r for r in replies.json() if r["title"] == "Akut hjælp")
    assert "112" in akut["text"] and "70 201 201" in akut["text"]


def test_supervisors_keep_the_canned_replies_of_their_own_organisation(
    app: FastAPI, client: TestClient, people: dict[str, Person]
) -> None:
    leader, counsellor = login(client, people["leder"]), login(client, people["rikke"])
    body = {"title": "Skolen", "text": "Har du talt med nogen på din skole om det?"}
    assert client.post("/api/v1/canned-replies", headers=counsellor, json=body).status_code == 403
    created = client.post("/api/v1/canned-replies", headers=leader, json=body)
    assert created.status_code == 201
    reply_id = created.json()["id"]
    seen = client.get("/api/v1/canned-replies", headers=counsellor).json()
    assert body["text"] in [r["text"] for r in seen]
    # Another organisation neither sees nor touches it.
    other = login(client, people["spisleder"])
    assert body["text"] not in [
        r["text"] for r in client.get("/api/v1/canned-replies", headers=other).json()
    ]
    assert (
        client.put(f"/api/v1/canned-replies/{reply_id}", headers=other, json=body).status_code
        == 404
    )
    assert client.delete(f"/api/v1/canned-replies/{reply_id}", headers=other).status_code == 404
    edited = client.put(
        f"/api/v1/canned-replies/{reply_id}",
        headers=leader,
        json={"title": "Skolen", "text": "Kender du en voksen på skolen, du stoler på?"},
    )
    assert edited.status_code == 200 and edited.json()["text"].startswith("Kender du")
    assert (
        client.put(
            f"/api/v1/canned-replies/{reply_id}", headers=leader, json={"title": "", "text": "x"}
        ).status_code
        == 422
    )
    assert (
        client.delete(f"/api/v1/canned-replies/{reply_id}", headers=counsellor).status_code == 403
    )
    assert client.delete(f"/api/v1/canned-replies/{reply_id}", headers=leader).status_code == 204
    with app.state.sessions() as session:
        assert session.get(CannedReply, reply_id) is None


# --- the post-conversation form -----------------------------------------------------------------


def test_the_close_form_feeds_statistics_feedback_and_the_assignment(
    app: FastAPI, client: TestClient, people: dict[str, Person]
) -> None:
    handoff_id, _ = claimed(app, client, people["rikke"])  # tagged mobning by the tagger
    headers = login(client, people["rikke"])
    vocabulary = client.get("/api/v1/queue/vocabulary", headers=headers).json()
    assert vocabulary["referrals"]["skolesundhedsplejerske"] == "Skolesundhedsplejerske"
    response = client.post(
        f"/api/v1/conversations/{handoff_id}/close",
        headers=headers,
        json={
            "outcome": "henvist",
            "categories": ["ensomhed", "skole_stress"],
            "referral": "skolesundhedsplejerske",
        },
    )
    assert response.status_code == 204
    with app.state.sessions() as session:
        cells = {c.tag: c.count for c in session.scalars(select(StatsCell))}
        assert cells == {"ensomhed": 1, "skole_stress": 1}  # the counsellor's, not the tagger's
        assignment = session.get(HandoffAssignment, handoff_id)
        assert assignment is not None
        assert (assignment.outcome, assignment.referral) == ("henvist", "skolesundhedsplejerske")
        [correction] = session.scalars(select(TagCorrection)).all()
        assert correction.tags == ["ensomhed", "skole_stress"]
        feedback = queue.export_feedback(session, keys=app.state.key_ring)
    assert feedback == [
        {"text": "jeg bliver mobbet i skolen", "tags": ["ensomhed", "skole_stress"]}
    ]


def test_the_close_form_without_categories_keeps_the_tags_and_bad_values_are_422(
    app: FastAPI, client: TestClient, people: dict[str, Person]
) -> None:
    handoff_id, _ = claimed(app, client, people["rikke"])
    headers = login(client, people["rikke"])
    url = f"/api/v1/conversations/{handoff_id}/close"
    for bad in (
        {"outcome": "hjulpet", "referral": "naboen"},
        {"outcome": "hjulpet", "categories": ["ikke_et_tag"]},
    ):
        assert client.post(url, headers=headers, json=bad).status_code == 422
    assert client.post(url, headers=headers, json={"outcome": "hjulpet"}).status_code == 204
    with app.state.sessions() as session:
        assert {c.tag for c in session.scalars(select(StatsCell))} == {"mobning"}
        assert session.scalars(select(TagCorrection)).all() == []


def test_confirming_the_taggers_categories_records_no_correction(
    app: FastAPI, client: TestClient, people: dict[str, Person]
) -> None:
    handoff_id, _ = waiting_handoff(
        app.state.sessions, app.state.key_ring, tags=[("mobning", 0.8), ("angst", 0.5)]
    )
    headers = login(client, people["rikke"])
    assert client.post(f"/api/v1/queue/{handoff_id}/claim", headers=headers).status_code == 200
    closed = client.post(
        f"/api/v1/conversations/{handoff_id}/close",
        headers=headers,
        json={"outcome": "hjulpet", "categories": ["angst", "mobning"]},  # same, other order
    )
    assert closed.status_code == 204
    with app.state.sessions() as session:
        assert session.scalars(select(TagCorrection)).all() == []
        assert {c.tag for c in session.scalars(select(StatsCell))} == {"mobning", "angst"}
