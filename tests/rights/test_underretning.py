"""Duty to report through HTTP, on SQLite and PostgreSQL: the holder marks a conversation
(audited, no content); the youth may then give contact details only with the explicit
`underretning` consent; they are sealed, shown only to that organisation, exported with the
profile and erased with it; declining is respected and logged."""

from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from api.db.models_underretning import ContactDetails, UnderretningEvent
from api.services import consent_ledger, handoffs
from api.services.accounts import RouteKind
from tests.support.oauth import bearer, console_tokens
from tests.support.queue import add_counsellor
from tests.support.youth import youth_headers

PROFILE = "d0d0" * 8
DETAILS = "Mikkel Hansen, 22 33 44 55, Vestergade 3, 8000 Aarhus C"


def _handoff(app: FastAPI, profile_id: str) -> str:
    with app.state.sessions() as session:
        handoff, _ = handoffs.create_handoff(
            session,
            conversation_id=profile_id,
            gender="dreng",
            age_band="13-15",
            crisis=True,
            tagger_status="ok",
            tags=[{"tag": "vold_overgreb", "score": 0.9}],
        )
        return handoff.id


def _count(app: FastAPI, model: type, **where: str) -> int:
    with app.state.sessions() as session:
        query = select(func.count()).select_from(model)
        for column, value in where.items():
            query = query.where(getattr(model, column) == value)
        return int(session.scalar(query) or 0)


def _world(app: FastAPI, client: TestClient) -> tuple[str, dict[str, str], dict[str, str]]:
    rikke = add_counsellor(app.state.sessions, "rikke@aarhus.dk", "Aarhus Kommune")
    add_counsellor(
        app.state.sessions,
        "sara@spis.dk",
        "Spis NGO",
        routes=[(RouteKind.TAG, "spiseforstyrrelse")],
    )
    counsellor = bearer(console_tokens(client, email=rikke.email)["access_token"])
    other = bearer(console_tokens(client, email="sara@spis.dk")["access_token"])
    return rikke.organisation_id, counsellor, other


def test_details_only_with_consent_only_for_the_organisation_exported_and_erased(
    app: FastAPI, client: TestClient
) -> None:
    _, counsellor, other = _world(app, client)
    youth = youth_headers(app, client, PROFILE)
    handoff_id = _handoff(app, PROFILE)
    path = f"/api/v1/conversations/{handoff_id}/underretning"
    give = "/api/v1/profile/contact-details"

    # No offer yet: nothing to answer.
    assert (
        client.post(give, json={"consent": True, "details": DETAILS}, headers=youth).status_code
        == 409
    )
    # Only the holder marks; another organisation sees nothing.
    assert client.post(path, headers=counsellor).status_code == 404  # waiting: not held
    assert client.post(f"/api/v1/queue/{handoff_id}/claim", headers=counsellor).status_code == 200
    assert client.post(path, headers=other).status_code == 404
    marked = client.post(path, headers=counsellor)
    assert marked.status_code == 200
    assert marked.json() == {"marked": True, "answer": None, "details": []}
    assert client.post(path, headers=counsellor).status_code == 200  # again: no second event

    # Without the explicit consent nothing is stored.
    refused = client.post(give, json={"consent": False, "details": DETAILS}, headers=youth)
    assert refused.status_code == 422
    assert (
        client.post(give, json={"consent": True, "details": ""}, headers=youth).status_code == 422
    )
    assert _count(app, ContactDetails) == 0
    assert "underretning" not in _purposes(app)

    stored = client.post(give, json={"consent": True, "details": DETAILS}, headers=youth)
    assert stored.status_code == 201
    assert "underretning" in _purposes(app)
    with app.state.sessions() as session:
        [row] = session.scalars(select(ContactDetails)).all()
        assert DETAILS.encode() not in bytes(row.details.blob)
        assert b"Mikkel" not in bytes(row.details.blob)
        actions = session.scalars(
            select(UnderretningEvent.action).order_by(UnderretningEvent.at)
        ).all()
        assert list(actions) == ["marked", "consented"]

    seen = client.get(path, headers=counsellor).json()
    assert seen == {"marked": True, "answer": "consented", "details": [DETAILS]}
    assert client.get(path, headers=other).status_code == 404
    assert client.get(path, headers=youth).status_code == 403
    # Answered once: a second answer is refused.
    assert client.post(f"{give}/decline", headers=youth).status_code == 409

    export = client.get("/api/v1/profile", headers=youth).json()["underretning"]
    assert [c["text"] for c in export["contact_details"]] == [DETAILS]
    assert [e["action"] for e in export["events"]] == ["marked", "consented"]
    assert "rikke" not in str(export).lower()

    assert client.delete("/api/v1/profile", headers=youth).status_code == 200
    assert _count(app, ContactDetails) == 0
    assert _count(app, UnderretningEvent) == 0


def test_declining_is_logged_and_stores_nothing(app: FastAPI, client: TestClient) -> None:
    _, counsellor, _ = _world(app, client)
    youth = youth_headers(app, client, PROFILE)
    handoff_id = _handoff(app, PROFILE)
    assert client.post(f"/api/v1/queue/{handoff_id}/claim", headers=counsellor).status_code == 200
    assert (
        client.post(
            f"/api/v1/conversations/{handoff_id}/underretning", headers=counsellor
        ).status_code
        == 200
    )
    assert client.post("/api/v1/profile/contact-details/decline", headers=youth).status_code == 204
    assert _count(app, ContactDetails) == 0
    assert _count(app, UnderretningEvent, action="declined") == 1
    assert "underretning" not in _purposes(app)
    seen = client.get(f"/api/v1/conversations/{handoff_id}/underretning", headers=counsellor)
    assert seen.json() == {"marked": True, "answer": "declined", "details": []}
    late = client.post(
        "/api/v1/profile/contact-details", json={"consent": True, "details": DETAILS}, headers=youth
    )
    assert late.status_code == 409


def _purposes(app: FastAPI) -> set[str]:
    with app.state.sessions() as session:
        return consent_ledger.active_purposes(session, PROFILE)
