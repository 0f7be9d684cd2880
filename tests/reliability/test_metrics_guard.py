"""/metrics is off without METRICS_TOKEN, needs the token when on, and the registry refuses any
label value outside its fixed sets (so user data cannot become a label by mistake)."""

from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from pydantic import SecretStr

from api.config import Settings
from api.main import create_fastapi
from api.services.metrics import Metrics
from privacy.crypto import KeyRing
from tests.support.oauth import BASE_URL, bearer

TOKEN = "scrape-token-for-the-test-0123456789abcdef"


def _client(tmp_path: Path, token: str) -> TestClient:
    settings = Settings(
        database_url=f"sqlite:///{tmp_path / 'intake.db'}",
        key_ring=SecretStr(KeyRing.generate().to_json()),
        oauth_signing_key_file=tmp_path / "oauth" / "signing-key.pem",
        metrics_token=SecretStr(token),
    )
    return TestClient(create_fastapi(settings), base_url=BASE_URL)


def test_metrics_are_off_by_default(tmp_path: Path) -> None:
    with _client(tmp_path, "") as client:
        assert client.get("/metrics").status_code == 404
        assert client.get("/metrics", headers=bearer("")).status_code == 404


def test_metrics_need_the_scrape_token_and_are_not_in_the_openapi(tmp_path: Path) -> None:
    with _client(tmp_path, TOKEN) as client:
        assert client.get("/metrics").status_code == 401
        assert client.get("/metrics", headers=bearer(TOKEN[:-1])).status_code == 401
        response = client.get("/metrics", headers=bearer(TOKEN))
        assert response.status_code == 200
        assert 'intake_handoffs_waiting{priority="akut"} 0.0' in response.text
        assert "/metrics" not in client.get("/api/openapi.json").json()["paths"]


def test_label_values_outside_the_fixed_sets_are_refused(tmp_path: Path) -> None:
    with _client(tmp_path, TOKEN) as client:
        metrics: Metrics = client.app.state.metrics  # type: ignore[attr-defined]
        with pytest.raises(ValueError):
            metrics.count_turn("bot", "mit cpr er 070809-1235")
        with pytest.raises(ValueError):
            metrics.count_rasa_error("ConnectError: http://secret")
        metrics.count_refused("hvad som helst")  # unknown reasons are dropped, not labelled
        assert "hvad som helst" not in metrics.exposition().decode()
