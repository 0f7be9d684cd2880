from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from pydantic import SecretStr
from rasa_sdk import Tracker

import actions.actions as actions_module
from actions import api_client
from actions import settings as action_settings
from actions.actions import ApiAction
from api.config import Settings
from api.db.migrate import upgrade_to_head
from api.main import create_fastapi
from privacy.crypto import KeyRing
from tests.support.oauth import ACTION_CLIENT_ID, BASE_URL, provision_action_client


def make_tracker(slots: dict[str, Any], sender_id: str = "a" * 32, text: str = "") -> Tracker:
    return Tracker(
        sender_id=sender_id,
        slots=slots,
        latest_message={"text": text, "intent": {"name": "inform"}},
        events=[],
        paused=False,
        followup_action=None,
        active_loop={},
        latest_action_name=None,
    )


@pytest.fixture
def api_app(
    tmp_path: Any, action_secret: str, monkeypatch: pytest.MonkeyPatch
) -> Iterator[FastAPI]:
    """The real api with a fresh SQLite database, reached in-process by the handoff action."""
    app = create_fastapi(
        Settings(
            database_url=f"sqlite:///{tmp_path / 'intake.db'}",
            key_ring=SecretStr(KeyRing.generate().to_json()),
            oauth_signing_key_file=tmp_path / "signing-key.pem",
        )
    )
    upgrade_to_head(app.state.engine)
    provision_action_client(app, action_secret)
    settings = action_settings.ActionSettings(
        api_url=BASE_URL,
        action_client_id=ACTION_CLIENT_ID,
        action_client_secret=SecretStr(action_secret),
    )
    monkeypatch.setattr(actions_module, "get_settings", lambda: settings)
    monkeypatch.setattr(api_client, "tokens", api_client.ClientCredentialsTokens())
    monkeypatch.setattr(ApiAction, "transport", httpx.ASGITransport(app=app))
    yield app
