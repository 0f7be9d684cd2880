"""Every route that exists × every kind of caller: only the intended caller gets in.

Callers: nobody, a counsellor (console login), a youth-like token (a person's token with
`profile:self` only, as the widget will hold), and the action server's client-credentials
token. The queue and console routes add their rows here when they arrive."""

from collections.abc import Callable
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from api.auth.config import AuthConfig
from api.auth.tokens import mint_access_token
from api.services import accounts
from tests.support.oauth import bearer, client_credentials_token, console_tokens

pytestmark = pytest.mark.usefixtures("accounts_ready")

HANDOFF = {"conversation_id": "a1" * 16, "gender": "pige", "age_band": "13-15"}


def _youth_token(app: FastAPI, client: TestClient) -> str:
    """A validly signed token of a widget client holding only `profile:self` (youth tokens
    are not issued yet; this is the closest valid shape: right key, issuer and audience)."""
    config: AuthConfig = app.state.auth
    with app.state.sessions() as session:
        accounts.add_client(
            session,
            client_id="widget",
            name="Chat",
            grant_types=["authorization_code"],
            scopes=["profile:self"],
            redirect_uris=["http://127.0.0.1:8000/"],
        )
        session.commit()
    token, _ = mint_access_token(
        config.key,
        issuer=config.issuer,
        audience=config.audience,
        subject="widget",
        client_id="widget",
        scope="profile:self",
        lifetime_seconds=300,
    )
    return token


CALLERS: dict[str, Callable[[FastAPI, TestClient, str], dict[str, str]]] = {
    "no-token": lambda app, client, secret: {},
    "counsellor": lambda app, client, secret: bearer(console_tokens(client)["access_token"]),
    "youth": lambda app, client, secret: bearer(_youth_token(app, client)),
    "action-client": lambda app, client, secret: bearer(client_credentials_token(client, secret)),
}

# route -> {caller: expected status}
MATRIX: dict[tuple[str, str], dict[str, int]] = {
    ("POST", "/api/v1/handoffs"): {
        "no-token": 401,
        "counsellor": 403,
        "youth": 403,
        "action-client": 201,
    },
    ("GET", "/api/v1/me"): {
        "no-token": 401,
        "counsellor": 200,
        "youth": 403,
        "action-client": 403,
    },
}


@pytest.mark.parametrize("caller", list(CALLERS))
@pytest.mark.parametrize("route", list(MATRIX), ids=lambda r: f"{r[0]} {r[1]}")
def test_access_matrix(
    app: FastAPI, client: TestClient, action_secret: str, route: tuple[str, str], caller: str
) -> None:
    method, path = route
    headers = CALLERS[caller](app, client, action_secret)
    kwargs: dict[str, Any] = {"headers": headers}
    if method == "POST":
        kwargs["json"] = HANDOFF
    response = client.request(method, path, **kwargs)
    expected = MATRIX[route][caller]
    assert response.status_code == expected, response.text
    if expected >= 400:
        assert set(response.json()) == {"detail"}  # an error, and no data
        assert "www-authenticate" in response.headers
