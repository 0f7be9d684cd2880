"""Test helpers for the OAuth2 server: provisioning and the flows as a client performs them."""

import base64
import hashlib
import re
import secrets
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any
from urllib.parse import parse_qs, urlsplit

from fastapi import FastAPI
from fastapi.testclient import TestClient

from api.services import accounts

ACTION_CLIENT_ID = "intake-actions"
CONSOLE_CLIENT_ID = "console"
CONSOLE_REDIRECT = "http://127.0.0.1:8000/console/callback"
PASSWORD = "korrekt-hest-batteri-haefteklamme"
# Requests must look like loopback http: authlib refuses OAuth over plain http elsewhere.
BASE_URL = "http://127.0.0.1"


def provision_action_client(app: FastAPI, secret: str) -> None:
    with app.state.sessions() as session:
        accounts.ensure_action_client(session, ACTION_CLIENT_ID, secret)
        session.commit()


def client_credentials_token(client: TestClient, secret: str, **data: str) -> str:
    response = client.post(
        "/oauth/token",
        data={"grant_type": "client_credentials", **data},
        auth=(ACTION_CLIENT_ID, secret),
    )
    assert response.status_code == 200, response.text
    token: str = response.json()["access_token"]
    return token


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


@dataclass
class Counsellor:
    id: str
    email: str
    organisation_id: str


def provision_counsellor(
    app: FastAPI,
    *,
    email: str = "rikke@aarhus.dk",
    organisation: str = "Aarhus Kommune",
    straffeattest: date | None = None,
    boerneattest: date | None = None,
    scopes: list[str] | None = None,
) -> Counsellor:
    recent = date.today() - timedelta(days=30)
    with app.state.sessions() as session:
        try:
            org = accounts.find_organisation(session, organisation)
        except accounts.AccountError:
            org = accounts.add_organisation(
                session,
                name=organisation,
                kind="kommune",
                accreditation_id=f"RD-{secrets.token_hex(4)}",
                accredited_on=date(2024, 3, 1),
            )
        accounts.ensure_console_client(session, CONSOLE_CLIENT_ID, CONSOLE_REDIRECT)
        counsellor = accounts.add_counsellor(
            session,
            organisation=org,
            email=email,
            display_name="Rikke",
            password=PASSWORD,
            straffeattest_issued_on=straffeattest or recent,
            boerneattest_issued_on=boerneattest or recent,
            scopes=scopes,
        )
        session.commit()
        return Counsellor(counsellor.id, counsellor.email, org.id)


def pkce_pair() -> tuple[str, str]:
    verifier = secrets.token_urlsafe(48)
    challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest())
    return verifier, challenge.rstrip(b"=").decode()


def authorize_params(challenge: str, **overrides: str | None) -> dict[str, str]:
    params: dict[str, str | None] = {
        "response_type": "code",
        "client_id": CONSOLE_CLIENT_ID,
        "redirect_uri": CONSOLE_REDIRECT,
        "scope": "counsellor:chat",
        "state": "xyz-state",
        "code_challenge": challenge,
        "code_challenge_method": "S256",
    }
    params.update(overrides)
    return {k: v for k, v in params.items() if v is not None}


def hidden_fields(page: str) -> dict[str, str]:
    return dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)">', page))


def login(
    client: TestClient,
    params: dict[str, str],
    *,
    email: str = "rikke@aarhus.dk",
    password: str = PASSWORD,
) -> Any:
    """Open the login page as a browser would and submit the form; returns the response."""
    page = client.get("/oauth/authorize", params=params, follow_redirects=False)
    assert page.status_code == 200, page.text
    form = hidden_fields(page.text)
    form.update(email=email, password=password)
    return client.post("/oauth/authorize", data=form, follow_redirects=False)


def code_from(response: Any) -> str:
    assert response.status_code == 302, response.text
    location = urlsplit(response.headers["location"])
    assert f"{location.scheme}://{location.netloc}{location.path}" == CONSOLE_REDIRECT
    query = parse_qs(location.query)
    assert query["state"] == ["xyz-state"]
    code: str = query["code"][0]
    return code


def exchange_code(client: TestClient, code: str, verifier: str | None, **overrides: str) -> Any:
    data = {
        "grant_type": "authorization_code",
        "code": code,
        "redirect_uri": CONSOLE_REDIRECT,
        "client_id": CONSOLE_CLIENT_ID,
    }
    if verifier is not None:
        data["code_verifier"] = verifier
    data.update(overrides)
    return client.post("/oauth/token", data=data)


def console_tokens(client: TestClient, **login_kwargs: Any) -> dict[str, Any]:
    """The full code + PKCE flow; returns the token response."""
    verifier, challenge = pkce_pair()
    response = login(client, authorize_params(challenge), **login_kwargs)
    tokens = exchange_code(client, code_from(response), verifier)
    assert tokens.status_code == 200, tokens.text
    body: dict[str, Any] = tokens.json()
    return body


def refresh(client: TestClient, refresh_token: str) -> Any:
    return client.post(
        "/oauth/token",
        data={
            "grant_type": "refresh_token",
            "refresh_token": refresh_token,
            "client_id": CONSOLE_CLIENT_ID,
        },
    )
