"""Every queue and conversation route × every caller that must not get in: a counsellor of
another organisation (404, as if the handoff did not exist), a youth-like token (403), no token
(401) and the action server's client-credentials token (403). None of them gets any data.

A handoff exists, is routed only to Aarhus Kommune, and (for the conversation routes) is held
by Rikke, so a leak would show."""

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from api.services.accounts import RouteKind
from tests.auth.test_access_matrix import _youth_token
from tests.support.oauth import (
    bearer,
    client_credentials_token,
    console_tokens,
    provision_action_client,
)
from tests.support.queue import add_counsellor, waiting_handoff

SECRET_PROBLEM = "hemmelig-kanariefugl jeg bliver mobbet"


@pytest.fixture
def database_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'intake.db'}"


@pytest.fixture
def world(app: FastAPI, client: TestClient, action_secret: str) -> dict[str, str]:
    sessions = app.state.sessions
    rikke = add_counsellor(sessions, "rikke@aarhus.dk", "Aarhus Kommune")
    add_counsellor(
        sessions, "sara@spis.dk", "Spis NGO", routes=[(RouteKind.TAG, "spiseforstyrrelse")]
    )
    provision_action_client(app, action_secret)
    waiting, _ = waiting_handoff(sessions, app.state.key_ring, problem=SECRET_PROBLEM)
    held, _ = waiting_handoff(sessions, app.state.key_ring, problem=SECRET_PROBLEM)
    rikke_headers = bearer(console_tokens(client, email=rikke.email)["access_token"])
    assert client.post(f"/api/v1/queue/{held}/claim", headers=rikke_headers).status_code == 200
    return {"waiting": waiting, "held": held, "rikke": rikke.id}


CALLERS: dict[str, Callable[[FastAPI, TestClient, str], dict[str, str]]] = {
    "no-token": lambda app, client, secret: {},
    "other-org": lambda app, client, secret: bearer(
        console_tokens(client, email="sara@spis.dk")["access_token"]
    ),
    "youth": lambda app, client, secret: bearer(_youth_token(app, client)),
    "action-client": lambda app, client, secret: bearer(client_credentials_token(client, secret)),
}
EXPECTED = {"no-token": 401, "youth": 403, "action-client": 403}

ROUTES: list[tuple[str, str, dict[str, Any] | None]] = [
    ("GET", "/api/v1/queue", None),
    ("GET", "/api/v1/queue/vocabulary", None),
    ("POST", "/api/v1/queue/{waiting}/claim", None),
    ("GET", "/api/v1/conversations/{held}", None),
    ("POST", "/api/v1/conversations/{held}/release", None),
    ("POST", "/api/v1/conversations/{held}/transfer", {"counsellor_id": "{rikke}"}),
    ("POST", "/api/v1/conversations/{held}/close", {"outcome": "hjulpet"}),
    ("POST", "/api/v1/conversations/{held}/tags", {"tags": ["angst"]}),
    ("POST", "/api/v1/conversations/{held}/hand-back", None),
    ("POST", "/api/v1/conversations/{held}/underretning", None),
    ("GET", "/api/v1/conversations/{held}/underretning", None),
    ("POST", "/api/v1/conversations/{held}/notes", {"text": "en note"}),
]


@pytest.mark.parametrize("caller", list(CALLERS))
@pytest.mark.parametrize("route", ROUTES, ids=lambda r: f"{r[0]} {r[1]}")
def test_only_the_right_counsellor_gets_in(
    app: FastAPI,
    client: TestClient,
    action_secret: str,
    world: dict[str, str],
    route: tuple[str, str, dict[str, Any] | None],
    caller: str,
) -> None:
    method, template, body = route
    path = template.format(**world)
    json = {k: v.format(**world) if isinstance(v, str) else v for k, v in (body or {}).items()}
    headers = CALLERS[caller](app, client, action_secret)
    response = client.request(method, path, headers=headers, json=json or None)

    if caller == "other-org":
        if path in ("/api/v1/queue", "/api/v1/queue/vocabulary"):
            # Their own (empty) queue: nothing of Aarhus's handoffs.
            assert response.status_code == 200
            assert world["waiting"] not in response.text and world["held"] not in response.text
            return
        assert response.status_code == 404, response.text
    else:
        assert response.status_code == EXPECTED[caller], response.text
        assert "www-authenticate" in response.headers
    assert set(response.json()) == {"detail"}
    assert "kanariefugl" not in response.text
    # Nothing changed for the holder: the held conversation is still Rikke's and active.
    rikke = bearer(console_tokens(client, email="rikke@aarhus.dk")["access_token"])
    items = client.get("/api/v1/queue", headers=rikke).json()["items"]
    assert {(i["id"], i["status"], i["mine"]) for i in items} == {
        (world["waiting"], "waiting", False),
        (world["held"], "active", True),
    }
