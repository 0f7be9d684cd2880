from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from pydantic import SecretStr

from api.config import Settings
from api.main import create_fastapi
from privacy.crypto import KeyRing
from tests.support.oauth import BASE_URL


@pytest.fixture
def settings(database_url: str, tmp_path: Path) -> Settings:
    return Settings(
        database_url=database_url,
        key_ring=SecretStr(KeyRing.generate().to_json()),
        oauth_signing_key_file=tmp_path / "oauth" / "signing-key.pem",
        rasa_url="http://127.0.0.1:9",
        action_server_url="http://127.0.0.1:9",
    )


@pytest.fixture
def client(settings: Settings) -> Iterator[TestClient]:
    with TestClient(create_fastapi(settings), base_url=BASE_URL) as test_client:
        yield test_client


@pytest.fixture
def app(client: TestClient) -> FastAPI:
    fastapi_app = client.app
    assert isinstance(fastapi_app, FastAPI)
    return fastapi_app
