from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from api.db.models import Handoff
from tests.support.youth import give_consent

CONVERSATION = "c0ffee00c0ffee00c0ffee00c0ffee00"


@pytest.fixture(autouse=True)
def consented(app: FastAPI) -> None:
    """The bot hands off only after the youth's "ja"."""
    give_consent(app, CONVERSATION)


def _body(**overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "conversation_id": CONVERSATION,
        "gender": "pige",
        "age_band": "13-15",
        "crisis": False,
        "tagger_status": "ok",
        "tags": [{"tag": "mobning", "score": 0.91}, {"tag": "ensomhed", "score": 0.55}],
    }
    body.update(overrides)
    return body


def test_handoff_is_recorded_with_normal_priority(client: TestClient, auth: dict[str, str]) -> None:
    response = client.post("/api/v1/handoffs", json=_body(), headers=auth)
    assert response.status_code == 201, response.text
    handoff = response.json()
    assert handoff["priority"] == "normal"
    assert handoff["status"] == "waiting"
    assert (handoff["gender"], handoff["age_band"]) == ("pige", "13-15")
    assert [t["tag"] for t in handoff["tags"]] == ["mobning", "ensomhed"]


def test_crisis_goes_first_as_akut(client: TestClient, auth: dict[str, str]) -> None:
    response = client.post("/api/v1/handoffs", json=_body(crisis=True), headers=auth)
    assert response.json()["priority"] == "akut"


def test_asking_twice_returns_the_open_handoff_and_a_crisis_raises_priority(
    client: TestClient, auth: dict[str, str]
) -> None:
    first = client.post("/api/v1/handoffs", json=_body(), headers=auth)
    again = client.post("/api/v1/handoffs", json=_body(crisis=True), headers=auth)
    assert again.status_code == 200
    assert again.json()["id"] == first.json()["id"]
    assert again.json()["priority"] == "akut"


def test_no_handoff_without_consent_or_after_withdrawal(
    app: FastAPI, client: TestClient, auth: dict[str, str]
) -> None:
    never_asked = "deadbeef" * 4
    response = client.post(
        "/api/v1/handoffs", json=_body(conversation_id=never_asked), headers=auth
    )
    assert response.status_code == 409
    assert response.json() == {"detail": "no active consent for this conversation"}

    withdrawn = client.delete(f"/api/v1/consents/{CONVERSATION}", headers=auth)
    assert withdrawn.status_code == 200, withdrawn.text
    response = client.post("/api/v1/handoffs", json=_body(), headers=auth)
    assert response.status_code == 409
    with app.state.sessions() as session:
        assert session.query(Handoff).count() == 0  # nothing queued for a counsellor


@pytest.mark.parametrize(
    "headers",
    [{}, {"Authorization": "Bearer wrong"}, {"Authorization": "Basic abc"}],
    ids=["none", "not-a-jwt", "wrong-scheme"],
)
def test_handoff_requires_an_access_token(client: TestClient, headers: dict[str, str]) -> None:
    response = client.post("/api/v1/handoffs", json=_body(), headers=headers)
    assert response.status_code == 401


@pytest.mark.parametrize(
    "overrides",
    [
        {"gender": "mand"},
        {"age_band": "15"},
        {"conversation_id": "short"},
        {"conversation_id": "../../etc/passwd-aaaaaaaaaaaaaaa"},
        {"tags": [{"tag": "Mobning!", "score": 0.5}]},
        {"tags": [{"tag": "mobning", "score": 1.5}]},
        {"tagger_status": "great"},
    ],
)
def test_bad_input_is_a_clear_422_and_stores_nothing(
    client: TestClient, auth: dict[str, str], overrides: dict[str, Any]
) -> None:
    response = client.post("/api/v1/handoffs", json=_body(**overrides), headers=auth)
    assert response.status_code == 422
    assert response.json()["detail"]
    ok = client.post("/api/v1/handoffs", json=_body(), headers=auth)
    assert ok.status_code == 201  # the bad request left nothing behind


def test_health_names_the_parts_that_are_down(client: TestClient) -> None:
    response = client.get("/healthz")
    assert response.status_code == 503
    components = response.json()["components"]
    assert components["database"]["ok"] is True
    assert components["rasa"]["ok"] is False
    assert components["action_server"]["ok"] is False


def test_privacy_notice_is_served_in_danish_with_the_complaint_route(client: TestClient) -> None:
    page = client.get("/privatliv").text
    assert 'lang="da"' in page
    assert "Datatilsynet, Borgergade 28, 5., 1300 København K" in page


def test_chat_page_loads_only_local_assets(client: TestClient) -> None:
    page = client.get("/").text
    assert "http://" not in page and "https://" not in page
    assert client.get("/vendor/socket.io/socket.io.min.js").status_code == 200
    assert client.get("/static/chat.js").status_code == 200


@pytest.mark.parametrize("lifetime", [30, 3600])
def test_access_token_lifetime_outside_bounds_refuses_to_start(lifetime: int) -> None:
    from api.config import Settings

    with pytest.raises(ValueError, match="access_token_lifetime_seconds"):
        Settings(access_token_lifetime_seconds=lifetime)
