"""Everything RFC 9700 says must be refused, is refused."""

import base64
import json
import time
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from joserfc import jws, jwt
from joserfc.jwk import OctKey

from api.auth.config import AuthConfig
from api.auth.tokens import mint_access_token
from tests.support.oauth import (
    ACTION_CLIENT_ID,
    CONSOLE_CLIENT_ID,
    CONSOLE_REDIRECT,
    PASSWORD,
    authorize_params,
    bearer,
    client_credentials_token,
    code_from,
    console_tokens,
    exchange_code,
    hidden_fields,
    login,
    pkce_pair,
    refresh,
)

pytestmark = pytest.mark.usefixtures("accounts_ready")


def _claims_of(token: str) -> dict[str, Any]:
    payload = token.split(".")[1]
    claims: dict[str, Any] = json.loads(
        base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4))
    )
    return claims


def _b64(data: dict[str, Any]) -> str:
    raw = json.dumps(data, separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def _me(client: TestClient, token: str) -> int:
    status: int = client.get("/api/v1/me", headers=bearer(token)).status_code
    return status


def _remint(app: FastAPI, token: str, **changes: Any) -> str:
    """The same login's token, signed with the real key, with some claims changed."""
    config: AuthConfig = app.state.auth
    claims = _claims_of(token)
    value, _ = mint_access_token(
        config.key,
        issuer=changes.get("issuer", config.issuer),
        audience=changes.get("audience", config.audience),
        subject=claims["sub"],
        client_id=claims["client_id"],
        scope=claims["scope"],
        lifetime_seconds=changes.get("lifetime", 300),
        family_id=claims.get("sid"),
        organisation_id=claims.get("org"),
        now=changes.get("now"),
    )
    return value


# --- access tokens ------------------------------------------------------------------------


def test_the_untouched_token_works_so_each_negative_below_is_meaningful(
    app: FastAPI, client: TestClient
) -> None:
    token = console_tokens(client)["access_token"]
    assert _me(client, token) == 200
    assert _me(client, _remint(app, token)) == 200


def test_expired_token_is_refused(app: FastAPI, client: TestClient) -> None:
    token = console_tokens(client)["access_token"]
    expired = _remint(app, token, now=int(time.time()) - 3600, lifetime=300)
    assert _me(client, expired) == 401


def test_wrong_audience_is_refused(app: FastAPI, client: TestClient) -> None:
    token = console_tokens(client)["access_token"]
    assert _me(client, _remint(app, token, audience="https://other.example/api")) == 401


def test_wrong_issuer_is_refused(app: FastAPI, client: TestClient) -> None:
    token = console_tokens(client)["access_token"]
    assert _me(client, _remint(app, token, issuer="https://evil.example")) == 401


def test_alg_none_is_refused(client: TestClient) -> None:
    claims = _claims_of(console_tokens(client)["access_token"])
    unsigned = f"{_b64({'alg': 'none', 'typ': 'at+jwt'})}.{_b64(claims)}."
    assert _me(client, unsigned) == 401


def test_hs256_signed_with_the_public_key_is_refused(client: TestClient) -> None:
    claims = _claims_of(console_tokens(client)["access_token"])
    public_jwk = json.dumps(client.get("/oauth/jwks").json()["keys"][0]).encode()
    forged = jwt.encode(
        {"alg": "HS256", "typ": "at+jwt"},
        claims,
        OctKey.import_key(public_jwk),
        algorithms=["HS256"],
    )
    assert _me(client, forged) == 401


def test_tampered_signature_and_tampered_claims_are_refused(client: TestClient) -> None:
    token = console_tokens(client)["access_token"]
    header, payload, signature = token.split(".")
    flipped = signature[:-4] + ("AAAA" if not signature.endswith("AAAA") else "BBBB")
    assert _me(client, f"{header}.{payload}.{flipped}") == 401
    claims = _claims_of(token) | {"scope": "counsellor:chat stats:read"}
    assert _me(client, f"{header}.{_b64(claims)}.{signature}") == 401


def test_a_plain_jwt_without_the_at_jwt_type_is_refused(app: FastAPI, client: TestClient) -> None:
    claims = _claims_of(console_tokens(client)["access_token"])
    key = app.state.auth.key.private
    untyped = jws.serialize_compact({"alg": "ES256", "typ": "JWT"}, json.dumps(claims), key)
    assert _me(client, untyped) == 401


# --- PKCE ---------------------------------------------------------------------------------


def _redirect_error(response: Any) -> str:
    assert response.status_code == 302, response.text
    location = urlsplit(response.headers["location"])
    assert f"{location.scheme}://{location.netloc}{location.path}" == CONSOLE_REDIRECT
    query = parse_qs(location.query)
    assert "code" not in query
    error: str = query["error"][0]
    return error


@pytest.mark.parametrize(
    "overrides",
    [
        {"code_challenge": None, "code_challenge_method": None},
        {"code_challenge_method": None},
        {"code_challenge_method": "plain"},
    ],
    ids=["missing", "method-missing-means-plain", "plain"],
)
def test_authorization_without_s256_pkce_is_refused(
    client: TestClient, overrides: dict[str, str | None]
) -> None:
    _, challenge = pkce_pair()
    params = authorize_params(challenge, **overrides)
    response = client.get("/oauth/authorize", params=params, follow_redirects=False)
    assert _redirect_error(response) == "invalid_request"


def test_code_exchange_needs_the_right_verifier(client: TestClient) -> None:
    verifier, challenge = pkce_pair()
    code = code_from(login(client, authorize_params(challenge)))
    assert exchange_code(client, code, None).json()["error"] == "invalid_request"
    other_verifier, _ = pkce_pair()
    assert exchange_code(client, code, other_verifier).json()["error"] == "invalid_grant"
    assert exchange_code(client, code, verifier).status_code == 200


# --- codes, refresh tokens, redirect URIs -------------------------------------------------


def test_code_reuse_is_refused_and_revokes_what_the_code_issued(client: TestClient) -> None:
    verifier, challenge = pkce_pair()
    code = code_from(login(client, authorize_params(challenge)))
    first = exchange_code(client, code, verifier)
    assert first.status_code == 200
    again = exchange_code(client, code, verifier)
    assert again.status_code == 400 and again.json()["error"] == "invalid_grant"
    assert refresh(client, first.json()["refresh_token"]).json()["error"] == "invalid_grant"
    assert _me(client, first.json()["access_token"]) == 401


def test_refresh_replay_revokes_the_whole_family(client: TestClient) -> None:
    original = console_tokens(client)
    rotated = refresh(client, original["refresh_token"]).json()
    # The thief (or the user) replays the old token: refused, and the login ends.
    replay = refresh(client, original["refresh_token"])
    assert replay.status_code == 400 and replay.json()["error"] == "invalid_grant"
    assert refresh(client, rotated["refresh_token"]).json()["error"] == "invalid_grant"
    assert _me(client, rotated["access_token"]) == 401
    assert _me(client, original["access_token"]) == 401
    # Another login of the same person is unaffected.
    assert _me(client, console_tokens(client)["access_token"]) == 200


def test_refresh_token_of_another_client_is_refused(client: TestClient, action_secret: str) -> None:
    tokens = console_tokens(client)
    response = client.post(
        "/oauth/token",
        data={"grant_type": "refresh_token", "refresh_token": tokens["refresh_token"]},
        auth=(ACTION_CLIENT_ID, action_secret),
    )
    assert response.status_code in (400, 401)
    assert refresh(client, tokens["refresh_token"]).status_code == 200


@pytest.mark.parametrize(
    "redirect_uri",
    [
        "http://127.0.0.1:8000/console/callback/",
        "http://127.0.0.1:8000/console/callback?x=1",
        "https://evil.example/console/callback",
        "HTTP://127.0.0.1:8000/console/callback",
    ],
)
def test_redirect_uri_must_match_exactly_and_is_never_redirected_to(
    client: TestClient, redirect_uri: str
) -> None:
    _, challenge = pkce_pair()
    params = authorize_params(challenge, redirect_uri=redirect_uri)
    response = client.get("/oauth/authorize", params=params, follow_redirects=False)
    assert response.status_code == 400
    assert "location" not in response.headers
    assert "Login-anmodningen er ugyldig" in response.text
    assert "<form" not in response.text


def test_missing_redirect_uri_is_refused(client: TestClient) -> None:
    _, challenge = pkce_pair()
    params = authorize_params(challenge, redirect_uri=None)
    assert client.get("/oauth/authorize", params=params).status_code == 400


def test_token_exchange_with_another_redirect_uri_is_refused(client: TestClient) -> None:
    verifier, challenge = pkce_pair()
    code = code_from(login(client, authorize_params(challenge)))
    response = exchange_code(client, code, verifier, redirect_uri=CONSOLE_REDIRECT + "/x")
    assert response.json()["error"] == "invalid_grant"


def test_unknown_client_gets_an_error_page_not_a_redirect(client: TestClient) -> None:
    _, challenge = pkce_pair()
    params = authorize_params(challenge, client_id="ukendt")
    response = client.get("/oauth/authorize", params=params, follow_redirects=False)
    assert response.status_code == 400 and "location" not in response.headers


@pytest.mark.parametrize("field", ["response_type", "redirect_uri"])
@pytest.mark.parametrize("value", ["ÿ", "\x00", "😀"])
def test_an_authorization_request_with_odd_characters_gets_the_error_page(
    client: TestClient, field: str, value: str
) -> None:
    # authlib cannot build its error for such a value; the request is still just invalid.
    _, challenge = pkce_pair()
    params = authorize_params(challenge, **{field: value})
    for response in (
        client.get("/oauth/authorize", params=params, follow_redirects=False),
        client.post("/oauth/authorize", data=params, follow_redirects=False),
    ):
        assert response.status_code == 400
        assert "location" not in response.headers
        assert "Login-anmodningen er ugyldig" in response.text


def test_a_login_form_with_a_forged_non_ascii_csrf_token_is_refused(client: TestClient) -> None:
    _, challenge = pkce_pair()
    params = authorize_params(challenge)
    page = client.get("/oauth/authorize", params=params, follow_redirects=False)
    form = hidden_fields(page.text)
    form.update(email="rikke@aarhus.dk", password=PASSWORD, csrf_token="é")
    response = client.post("/oauth/authorize", data=form, follow_redirects=False)
    assert response.status_code == 400
    assert "Siden var udløbet" in response.text


def test_a_client_id_with_a_nul_character_is_an_unknown_client(client: TestClient) -> None:
    _, challenge = pkce_pair()
    page = client.get(
        "/oauth/authorize", params=authorize_params(challenge, client_id="console\x00")
    )
    assert page.status_code == 400 and "Login-anmodningen er ugyldig" in page.text
    token = client.post(
        "/oauth/token",
        data={"grant_type": "client_credentials", "scope": "handoff:write"},
        auth=(ACTION_CLIENT_ID + "\x00", "x"),
    )
    assert token.status_code == 401 and token.json()["error"] == "invalid_client"


# --- grants that do not exist here ---------------------------------------------------------


def test_implicit_grant_is_refused(client: TestClient) -> None:
    _, challenge = pkce_pair()
    params = authorize_params(challenge, response_type="token")
    response = client.get("/oauth/authorize", params=params, follow_redirects=False)
    assert _redirect_error(response) == "unsupported_response_type"
    assert "access_token" not in response.headers["location"]


def test_password_grant_is_refused(client: TestClient) -> None:
    from tests.support.oauth import PASSWORD

    response = client.post(
        "/oauth/token",
        data={
            "grant_type": "password",
            "username": "rikke@aarhus.dk",
            "password": PASSWORD,
            "client_id": CONSOLE_CLIENT_ID,
        },
    )
    assert response.status_code == 400
    assert response.json()["error"] == "unsupported_grant_type"


def test_client_credentials_refusals(client: TestClient, action_secret: str) -> None:
    wrong_secret = client.post(
        "/oauth/token",
        data={"grant_type": "client_credentials"},
        auth=(ACTION_CLIENT_ID, "x" * 43),
    )
    assert wrong_secret.status_code == 401 and wrong_secret.json()["error"] == "invalid_client"
    more_scope = client.post(
        "/oauth/token",
        data={"grant_type": "client_credentials", "scope": "handoff:create counsellor:chat"},
        auth=(ACTION_CLIENT_ID, action_secret),
    )
    assert more_scope.json()["error"] == "invalid_scope"
    public_client = client.post(
        "/oauth/token",
        data={"grant_type": "client_credentials", "client_id": CONSOLE_CLIENT_ID},
    )
    assert public_client.status_code in (400, 401)
    assert "access_token" not in public_client.json()
    in_the_url = client.post(
        "/oauth/token",
        params={"grant_type": "client_credentials"},
        auth=(ACTION_CLIENT_ID, action_secret),
    )
    assert in_the_url.status_code == 400


def test_console_cannot_ask_for_the_action_servers_scope(client: TestClient) -> None:
    _, challenge = pkce_pair()
    params = authorize_params(challenge, scope="handoff:create")
    response = client.get("/oauth/authorize", params=params, follow_redirects=False)
    assert _redirect_error(response) == "invalid_scope"


def test_an_action_client_token_is_not_a_counsellor(client: TestClient, action_secret: str) -> None:
    assert _me(client, client_credentials_token(client, action_secret)) == 403


def test_plain_http_is_refused_outside_loopback(app: FastAPI) -> None:
    with TestClient(app, base_url="http://intake.example") as remote:
        response = remote.post("/oauth/token", data={"grant_type": "client_credentials"})
    assert response.status_code == 400
    assert "https" in response.json()["detail"]
