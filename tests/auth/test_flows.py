"""The flows as clients use them: console (code + PKCE through the real login page, refresh,
logout), action server (client credentials), and discovery (metadata, JWKS)."""

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from joserfc import jwt
from joserfc.jwk import KeySet

from api.config import Settings
from tests.support.oauth import (
    ACTION_CLIENT_ID,
    CONSOLE_CLIENT_ID,
    authorize_params,
    bearer,
    client_credentials_token,
    console_tokens,
    pkce_pair,
    refresh,
)

pytestmark = pytest.mark.usefixtures("accounts_ready")


def _claims(client: TestClient, token: str) -> tuple[dict[str, object], dict[str, object]]:
    keys = KeySet.import_key_set(client.get("/oauth/jwks").json())
    decoded = jwt.decode(token, keys, algorithms=["ES256"])
    return dict(decoded.header), dict(decoded.claims)


def test_console_logs_in_with_code_and_pkce_and_gets_an_rfc9068_token(
    client: TestClient, settings: Settings
) -> None:
    tokens = console_tokens(client)
    assert tokens["token_type"] == "Bearer"
    assert tokens["scope"] == "counsellor:chat"
    assert tokens["expires_in"] == settings.access_token_lifetime_seconds
    assert tokens["refresh_token"]
    header, claims = _claims(client, tokens["access_token"])
    assert header["typ"] == "at+jwt" and header["alg"] == "ES256" and header["kid"]
    assert claims["iss"] == settings.issuer == "http://127.0.0.1:8000"
    assert claims["aud"] == settings.audience
    assert claims["client_id"] == CONSOLE_CLIENT_ID
    assert claims["scope"] == "counsellor:chat"
    assert isinstance(claims["exp"], int) and isinstance(claims["iat"], int)
    assert claims["exp"] - claims["iat"] == settings.access_token_lifetime_seconds
    me = client.get("/api/v1/me", headers=bearer(tokens["access_token"]))
    assert me.status_code == 200
    assert me.json()["organisation"] == "Aarhus Kommune"
    assert me.json()["id"] == claims["sub"]


def test_token_responses_are_not_cached(client: TestClient) -> None:
    response = client.post(
        "/oauth/token",
        data={"grant_type": "refresh_token", "refresh_token": "x", "client_id": "console"},
    )
    assert response.headers["cache-control"] == "no-store"
    assert response.json()["error"] == "invalid_grant"


def test_refresh_rotates_the_refresh_token(client: TestClient) -> None:
    first = console_tokens(client)
    second = refresh(client, first["refresh_token"])
    assert second.status_code == 200, second.text
    body = second.json()
    assert body["refresh_token"] != first["refresh_token"]
    assert body["access_token"] != first["access_token"]
    assert client.get("/api/v1/me", headers=bearer(body["access_token"])).status_code == 200
    third = refresh(client, body["refresh_token"])
    assert third.status_code == 200


def test_login_page_is_danish_and_self_contained(client: TestClient) -> None:
    _, challenge = pkce_pair()
    page = client.get("/oauth/authorize", params=authorize_params(challenge))
    assert page.status_code == 200
    assert 'lang="da"' in page.text and "Log ind" in page.text and "Adgangskode" in page.text
    assert "https://" not in page.text and "<script" not in page.text
    assert page.headers["x-frame-options"] == "DENY"
    assert "frame-ancestors 'none'" in page.headers["content-security-policy"]
    assert page.headers["cache-control"] == "no-store"


def test_login_form_without_its_csrf_cookie_is_refused(client: TestClient) -> None:
    from tests.support.oauth import PASSWORD, hidden_fields

    _, challenge = pkce_pair()
    page = client.get("/oauth/authorize", params=authorize_params(challenge))
    form = hidden_fields(page.text) | {"email": "rikke@aarhus.dk", "password": PASSWORD}
    client.cookies.clear()
    response = client.post("/oauth/authorize", data=form, follow_redirects=False)
    assert response.status_code == 400
    assert "Siden var udløbet" in response.text


def test_action_server_gets_a_client_credentials_token(
    client: TestClient, action_secret: str, settings: Settings
) -> None:
    token = client_credentials_token(client, action_secret)
    _, claims = _claims(client, token)
    assert claims["sub"] == claims["client_id"] == ACTION_CLIENT_ID
    assert claims["scope"] == "handoff:create"
    assert "sid" not in claims
    response = client.post(
        "/oauth/token",
        data={"grant_type": "client_credentials"},
        auth=(ACTION_CLIENT_ID, action_secret),
    )
    assert "refresh_token" not in response.json()


def test_metadata_describes_exactly_this_server(client: TestClient, settings: Settings) -> None:
    metadata = client.get("/.well-known/oauth-authorization-server").json()
    issuer = settings.issuer
    assert metadata["issuer"] == issuer
    assert metadata["authorization_endpoint"] == f"{issuer}/oauth/authorize"
    assert metadata["token_endpoint"] == f"{issuer}/oauth/token"
    assert metadata["revocation_endpoint"] == f"{issuer}/oauth/revoke"
    assert metadata["jwks_uri"] == f"{issuer}/oauth/jwks"
    assert metadata["response_types_supported"] == ["code"]
    assert metadata["code_challenge_methods_supported"] == ["S256"]
    assert set(metadata["grant_types_supported"]) == {
        "authorization_code",
        "refresh_token",
        "client_credentials",
        "urn:ung-intake:params:oauth:grant-type:profile-secret",
    }
    assert set(metadata["scopes_supported"]) == {
        "counsellor:chat",
        "stats:read",
        "handoff:create",
        "profile:self",
    }


def test_jwks_has_only_the_public_key(client: TestClient) -> None:
    (key,) = client.get("/oauth/jwks").json()["keys"]
    assert key["kty"] == "EC" and key["crv"] == "P-256" and key["alg"] == "ES256"
    assert "d" not in key


def test_signing_key_is_generated_once_with_owner_only_permissions(
    app: FastAPI, settings: Settings
) -> None:
    from api.auth.keys import load_or_create_signing_key

    path = settings.oauth_signing_key_file
    assert path.stat().st_mode & 0o777 == 0o600
    assert load_or_create_signing_key(path).kid == app.state.auth.key.kid


def test_revoking_the_refresh_token_logs_out(client: TestClient) -> None:
    tokens = console_tokens(client)
    response = client.post(
        "/oauth/revoke",
        data={
            "token": tokens["refresh_token"],
            "token_type_hint": "refresh_token",
            "client_id": CONSOLE_CLIENT_ID,
        },
    )
    assert response.status_code == 200
    assert refresh(client, tokens["refresh_token"]).json()["error"] == "invalid_grant"
    # The access tokens of that login end with it, not minutes later.
    assert client.get("/api/v1/me", headers=bearer(tokens["access_token"])).status_code == 401


def test_revoking_an_access_token(client: TestClient, action_secret: str) -> None:
    token = client_credentials_token(client, action_secret)
    response = client.post(
        "/oauth/revoke",
        data={"token": token, "token_type_hint": "access_token"},
        auth=(ACTION_CLIENT_ID, action_secret),
    )
    assert response.status_code == 200
    handoff = {"conversation_id": "f" * 32}
    assert client.post("/api/v1/handoffs", json=handoff, headers=bearer(token)).status_code == 401


def test_revocation_of_an_unknown_token_is_200_but_another_clients_token_is_not_revoked(
    client: TestClient, action_secret: str
) -> None:
    tokens = console_tokens(client)
    unknown = client.post("/oauth/revoke", data={"token": "nope", "client_id": CONSOLE_CLIENT_ID})
    assert unknown.status_code == 200
    foreign = client.post(
        "/oauth/revoke",
        data={"token": tokens["refresh_token"]},
        auth=(ACTION_CLIENT_ID, action_secret),
    )
    assert foreign.status_code == 400
    assert refresh(client, tokens["refresh_token"]).status_code == 200
