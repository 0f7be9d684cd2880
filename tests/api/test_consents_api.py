from fastapi.testclient import TestClient
from sqlalchemy import update

from api.db.models import Handoff
from api.db.models_profiles import Profile
from api.services import transcripts

CONVERSATION = "d00d00d00d00d00d00d00d00d00d00d0"


def _consent(client: TestClient, auth: dict[str, str]) -> None:
    response = client.post("/api/v1/consents", json={"conversation_id": CONVERSATION}, headers=auth)
    assert response.status_code in (200, 201), response.text


def _handoff(client: TestClient, auth: dict[str, str]) -> None:
    body = {"conversation_id": CONVERSATION, "gender": "dreng", "age_band": "16-18"}
    assert client.post("/api/v1/handoffs", json=body, headers=auth).status_code == 201


def test_consent_creates_a_profile_once(client: TestClient, auth: dict[str, str]) -> None:
    first = client.post("/api/v1/consents", json={"conversation_id": CONVERSATION}, headers=auth)
    again = client.post("/api/v1/consents", json={"conversation_id": CONVERSATION}, headers=auth)
    assert (first.status_code, again.status_code) == (201, 200)
    with client.app.state.sessions() as session:  # type: ignore[attr-defined]
        assert session.get(Profile, CONVERSATION) is not None


def test_withdrawal_before_the_case_starts_deletes_everything(
    client: TestClient, auth: dict[str, str]
) -> None:
    _consent(client, auth)
    state = client.app.state  # type: ignore[attr-defined]
    with state.sessions.begin() as session:
        transcripts.append(
            session, CONVERSATION, "ungdom", "hej", keys=state.key_ring, anonymise=str
        )
    _handoff(client, auth)
    response = client.delete(f"/api/v1/consents/{CONVERSATION}", headers=auth)
    assert response.json() == {"conversation_id": CONVERSATION, "erased": True, "case_begun": False}
    with state.sessions() as session:
        assert session.get(Profile, CONVERSATION) is None
        assert session.query(Handoff).count() == 0
    # Idempotent: a second withdrawal finds nothing and says so.
    again = client.delete(f"/api/v1/consents/{CONVERSATION}", headers=auth)
    assert again.json()["erased"] is False


def test_withdrawal_after_a_counsellor_took_the_case_keeps_it(
    client: TestClient, auth: dict[str, str]
) -> None:
    _consent(client, auth)
    _handoff(client, auth)
    state = client.app.state  # type: ignore[attr-defined]
    with state.sessions.begin() as session:
        session.execute(update(Handoff).values(status="active"))
    response = client.delete(f"/api/v1/consents/{CONVERSATION}", headers=auth)
    assert response.json()["case_begun"] is True
    with state.sessions() as session:
        assert session.get(Profile, CONVERSATION) is not None


def test_consent_routes_need_the_action_server(client: TestClient) -> None:
    body = {"conversation_id": CONVERSATION}
    assert client.post("/api/v1/consents", json=body).status_code == 401
    assert client.delete(f"/api/v1/consents/{CONVERSATION}").status_code == 401
    # A well-formed request with a token that is not the action server's.
    bad = client.post("/api/v1/consents", json=body, headers={"Authorization": "Bearer x"})
    assert bad.status_code == 401
