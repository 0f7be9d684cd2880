"""Every route that exists × every kind of caller: only the intended caller gets in.

Callers: nobody, a counsellor (console login), a youth (the widget's `profile:self` token
from the profile-secret grant), and the action server's client-credentials token. The queue
and console routes add their rows here when they arrive."""

from collections.abc import Callable
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from tests.support.oauth import bearer, client_credentials_token, console_tokens
from tests.support.youth import give_consent, youth_token

pytestmark = pytest.mark.usefixtures("accounts_ready")

HANDOFF = {"conversation_id": "a1" * 16, "gender": "pige", "age_band": "13-15"}


def _youth_token(app: FastAPI, client: TestClient) -> str:
    """A real youth token: consent creates the profile, the browser's secret is exchanged
    through the profile-secret grant (api/auth/youth_grant.py)."""
    return youth_token(app, client, "a1" * 16)


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
    ("GET", "/api/v1/profile"): {
        "no-token": 401,
        "counsellor": 403,
        "youth": 200,
        "action-client": 403,
    },
    ("DELETE", "/api/v1/profile"): {
        "no-token": 401,
        "counsellor": 403,
        "youth": 200,
        "action-client": 403,
    },
    ("GET", "/api/v1/stats"): {
        "no-token": 401,
        "counsellor": 403,
        "youth": 403,
        "action-client": 403,
    },
    ("GET", "/api/v1/stats/outcomes"): {
        "no-token": 401,
        "counsellor": 403,
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
    give_consent(app, HANDOFF["conversation_id"])  # the bot hands off only after "ja"
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
