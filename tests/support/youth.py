"""Test helpers for the youth side: consent (as the action server reports it), the browser's
profile secret, and the `profile:self` token the widget gets for it."""

from fastapi import FastAPI
from fastapi.testclient import TestClient

from api.auth.youth_grant import GRANT_TYPE, WIDGET_CLIENT_ID
from api.services import consent, profile_access


def give_consent(app: FastAPI, profile_id: str) -> None:
    """Consent as the bot records it (action_record_consent): the profile exists from here."""
    with app.state.sessions.begin() as session:
        consent.give(session, app.state.key_ring, profile_id)


def consent_and_secret(app: FastAPI, profile_id: str) -> str:
    """Consent as the bot records it, then the secret as the browser receives it."""
    give_consent(app, profile_id)
    with app.state.sessions.begin() as session:
        secret = profile_access.issue_secret(session, profile_id)
    assert secret is not None
    return secret


def exchange(client: TestClient, secret: str) -> str:
    response = client.post(
        "/oauth/token",
        data={"grant_type": GRANT_TYPE, "client_id": WIDGET_CLIENT_ID, "secret": secret},
    )
    assert response.status_code == 200, response.text
    token: str = response.json()["access_token"]
    return token


def youth_token(app: FastAPI, client: TestClient, profile_id: str) -> str:
    return exchange(client, consent_and_secret(app, profile_id))


def youth_headers(app: FastAPI, client: TestClient, profile_id: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {youth_token(app, client, profile_id)}"}
