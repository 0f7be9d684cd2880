"""Own-profile access by OAuth2: the browser's secret (issued once, after consent, stored only
as a digest) buys a `profile:self` token for that one profile, and erasure ends it at once."""

from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import select

from api.auth.secrets import digest
from api.auth.youth_grant import GRANT_TYPE, WIDGET_CLIENT_ID
from api.db.models_rights import ProfileCredential
from api.services import consent, profile_access
from tests.rights.conftest import OTHER, PROFILE, Youth, populate
from tests.support.oauth import (
    authorize_params,
    bearer,
    code_from,
    exchange_code,
    login,
    pkce_pair,
    provision_counsellor,
)
from tests.support.youth import exchange


def _token_request(client: TestClient, **data: str) -> dict[str, object]:
    body = {"grant_type": GRANT_TYPE, "client_id": WIDGET_CLIENT_ID, **data}
    response = client.post("/oauth/token", data=body)
    return {"status": response.status_code, **response.json()}


def test_secret_only_after_consent_only_once_and_stored_as_digest(app: FastAPI) -> None:
    with app.state.sessions.begin() as session:
        assert profile_access.issue_secret(session, PROFILE) is None  # no consent yet
    with app.state.sessions.begin() as session:
        consent.give(session, app.state.key_ring, PROFILE)
    with app.state.sessions.begin() as session:
        secret = profile_access.issue_secret(session, PROFILE)
    assert secret is not None and len(secret) >= 40
    with app.state.sessions.begin() as session:
        assert profile_access.issue_secret(session, PROFILE) is None  # never shown twice
        stored = session.scalars(select(ProfileCredential.secret_hash)).all()
    assert stored == [digest(secret)]


def test_token_holds_profile_self_for_that_profile_only(
    app: FastAPI, client: TestClient, youth: Youth
) -> None:
    other_secret = populate(app, OTHER)
    mine = client.get("/api/v1/profile", headers=youth.headers)
    theirs = client.get("/api/v1/profile", headers=bearer(exchange(client, other_secret)))
    assert mine.status_code == theirs.status_code == 200
    assert mine.json()["profile"]["id"] == PROFILE
    assert theirs.json()["profile"]["id"] == OTHER
    answer = _token_request(client, secret=youth.secret)
    assert answer["scope"] == "profile:self" and "refresh_token" not in answer


def test_wrong_secret_wrong_scope_and_wrong_client_are_refused(
    client: TestClient, youth: Youth
) -> None:
    assert _token_request(client, secret="gættet-" + "x" * 40)["error"] == "invalid_grant"
    assert _token_request(client)["error"] == "invalid_request"
    wrong_scope = _token_request(client, secret=youth.secret, scope="stats:read")
    assert wrong_scope["error"] == "invalid_scope"
    other_client = client.post(
        "/oauth/token",
        data={"grant_type": GRANT_TYPE, "client_id": "console", "secret": youth.secret},
    )
    assert other_client.status_code in (400, 401)


def test_a_counsellor_token_with_profile_self_is_not_a_profile_token(
    app: FastAPI, client: TestClient, youth: Youth
) -> None:
    provision_counsellor(app, scopes=["counsellor:chat", "profile:self"])
    verifier, challenge = pkce_pair()
    page = login(client, authorize_params(challenge, scope="counsellor:chat profile:self"))
    answer = exchange_code(client, code_from(page), verifier).json()
    assert "profile:self" in answer["scope"]
    token = answer["access_token"]
    response = client.get("/api/v1/profile", headers=bearer(token))
    assert response.status_code == 403
    assert "profile" not in response.json()


def test_erasure_ends_the_token_and_the_secret_at_once(client: TestClient, youth: Youth) -> None:
    assert client.delete("/api/v1/profile", headers=youth.headers).json()["erased"] is True
    assert client.get("/api/v1/profile", headers=youth.headers).status_code == 401
    assert _token_request(client, secret=youth.secret)["error"] == "invalid_grant"
