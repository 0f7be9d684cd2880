from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from pydantic import SecretStr

from api.config import Settings
from api.main import create_fastapi
from privacy.crypto import KeyRing


@pytest.fixture
def settings(database_url: str, action_secret: str) -> Settings:
    return Settings(
        database_url=database_url,
        action_api_secret=SecretStr(action_secret),
        key_ring=SecretStr(KeyRing.generate().to_json()),
        rasa_url="http://127.0.0.1:9",  # nothing listens: health must report Rasa down
        action_server_url="http://127.0.0.1:9",
        health_timeout_seconds=0.5,
    )


@pytest.fixture
def client(settings: Settings) -> Iterator[TestClient]:
    with TestClient(create_fastapi(settings)) as test_client:
        yield test_client
