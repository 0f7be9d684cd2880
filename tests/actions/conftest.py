from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from pydantic import SecretStr
from rasa_sdk import Tracker

import actions.actions as actions_module
from actions import settings as action_settings
from actions.actions import ApiAction
from api.config import Settings
from api.db.migrate import upgrade_to_head
from api.main import create_fastapi
from privacy.crypto import KeyRing


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
            action_api_secret=SecretStr(action_secret),
            key_ring=SecretStr(KeyRing.generate().to_json()),
        )
    )
    upgrade_to_head(app.state.engine)
    settings = action_settings.ActionSettings(
        api_url="http://api.test", action_api_secret=SecretStr(action_secret)
    )
    monkeypatch.setattr(actions_module, "get_settings", lambda: settings)
    monkeypatch.setattr(ApiAction, "transport", httpx.ASGITransport(app=app))
    yield app
