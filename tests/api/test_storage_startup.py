"""The api refuses to start without a real key ring, and says which setting to fix."""

import base64
import json
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from api.config import Settings
from api.main import app as app_factory
from api.main import create_app, create_fastapi
from privacy.crypto import KeyRing, KeyRingError, ReloadingKeyRing, create_key_ring_file


def _settings(tmp_path: Path, **values: Any) -> Settings:
    return Settings(_env_file=None, database_url=f"sqlite:///{tmp_path / 'api.db'}", **values)  # type: ignore[call-arg]


def _ring(key: bytes) -> str:
    return json.dumps(
        {"active": "k1", "keys": {"k1": {"version": 1, "key": base64.b64encode(key).decode()}}}
    )


def test_refuses_to_start_without_key_ring(tmp_path: Path) -> None:
    with pytest.raises(KeyRingError, match="KEY_RING_FILE") as info:
        create_app(_settings(tmp_path))
    assert "KEY_RING" in str(info.value)
    assert not (tmp_path / "api.db").exists(), "nothing may be opened before the key check"


@pytest.mark.parametrize(
    ("key", "reason"),
    [(bytes(32), "not random"), (b"changeme" * 4, "default"), (b"\x13\x37" * 8, "32 bytes")],
)
def test_refuses_weak_key_in_KEY_RING(tmp_path: Path, key: bytes, reason: str) -> None:
    with pytest.raises(KeyRingError, match=f"KEY_RING.*{reason}"):
        create_app(_settings(tmp_path, key_ring=_ring(key)))


def test_refuses_missing_key_ring_file(tmp_path: Path) -> None:
    with pytest.raises(KeyRingError, match=r"KEY_RING_FILE .*does not exist"):
        create_app(_settings(tmp_path, key_ring_file=tmp_path / "nope.json"))


def test_refuses_both_sources(tmp_path: Path) -> None:
    path = tmp_path / "keyring.json"
    create_key_ring_file(path, KeyRing.generate())
    with pytest.raises(KeyRingError, match="not both"):
        create_app(_settings(tmp_path, key_ring_file=path, key_ring=KeyRing.generate().to_json()))


def test_uvicorn_factory_exits_with_a_clear_message(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'api.db'}")
    from api.config import get_settings

    get_settings.cache_clear()
    try:
        with pytest.raises(
            SystemExit, match="api refuses to start: no key ring: set KEY_RING_FILE"
        ):
            app_factory()
    finally:
        get_settings.cache_clear()


def test_starts_with_a_key_ring_file(tmp_path: Path) -> None:
    path = tmp_path / "keyring.json"
    create_key_ring_file(path, KeyRing.generate())
    fastapi_app = create_fastapi(_settings(tmp_path, key_ring_file=path))
    with TestClient(fastapi_app):
        assert isinstance(fastapi_app.state.key_ring, ReloadingKeyRing)


def test_starts_with_KEY_RING_json(tmp_path: Path) -> None:
    ring = KeyRing.generate()
    fastapi_app = create_fastapi(_settings(tmp_path, key_ring=ring.to_json()))
    assert fastapi_app.state.key_ring.active().id == ring.active().id
