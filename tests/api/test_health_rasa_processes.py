"""/healthz names each configured Rasa process (RASA_URLS)."""

from fastapi.testclient import TestClient

from api.config import Settings
from api.main import create_fastapi
from tests.support.oauth import BASE_URL


def test_health_lists_every_rasa_process(settings: Settings) -> None:
    two = settings.model_copy(update={"rasa_urls": "http://127.0.0.1:9,http://127.0.0.1:7"})
    with TestClient(create_fastapi(two), base_url=BASE_URL) as client:
        response = client.get("/healthz")
    assert response.status_code == 503
    rasa = response.json()["components"]["rasa"]
    assert rasa["ok"] is False
    assert rasa["detail"] == "2 of 2 processes down"
    assert [p["url"] for p in rasa["processes"]] == ["http://127.0.0.1:9", "http://127.0.0.1:7"]
    assert all(
        p["ok"] is False and p["detail"].startswith("unreachable") for p in rasa["processes"]
    )
