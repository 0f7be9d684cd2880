"""Hostile input over HTTP: invalid UTF-8, lone surrogates and 100 kB bodies get a 4xx, never
a 5xx; the routes that send e-mail are rate-limited per profile with a Danish 429."""

import secrets
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from pydantic import SecretStr

from api.config import Settings
from api.main import create_fastapi
from privacy.crypto import KeyRing
from tests.support.oauth import BASE_URL, bearer, client_credentials_token, provision_action_client
from tests.support.youth import youth_headers


@pytest.fixture
def client(tmp_path: Path) -> Iterator[TestClient]:
    settings = Settings(
        database_url=f"sqlite:///{tmp_path / 'http.db'}",
        key_ring=SecretStr(KeyRing.generate().to_json()),
        oauth_signing_key_file=tmp_path / "oauth" / "signing-key.pem",
        rasa_url="http://127.0.0.1:9",
        action_server_url="http://127.0.0.1:9",
    )
    with TestClient(create_fastapi(settings), base_url=BASE_URL) as test_client:
        yield test_client


INVALID_UTF8 = b'{"conversation_id": "\xff\xfe\xc3(abcdefabcdefabcdef", "gender": "pige"}'
LONE_SURROGATE = b'{"conversation_id": "abc\\ud800defabcdefabcdef", "gender": "pige"}'


def test_invalid_utf8_lone_surrogates_and_100_kb_bodies_get_a_4xx_over_http(
    client: TestClient, action_secret: str
) -> None:
    app = client.app
    assert isinstance(app, FastAPI)
    provision_action_client(app, action_secret)
    action = {**bearer(client_credentials_token(client, action_secret))}
    action["Content-Type"] = "application/json"
    youth = {
        **youth_headers(app, client, secrets.token_hex(16)),
        "Content-Type": "application/json",
    }
    huge = ('{"email": "' + "a" * 100_000 + '@example.dk"}').encode()
    cases = [
        ("POST", "/api/v1/handoffs", action, INVALID_UTF8),
        ("POST", "/api/v1/handoffs", action, LONE_SURROGATE),
        ("POST", "/api/v1/handoffs", action, b"{" * 100_000),
        ("POST", "/api/v1/consents", action, INVALID_UTF8),
        ("POST", "/api/v1/profile/newsletter", youth, b'{"email": "\\udfff@x.dk"}'),
        ("POST", "/api/v1/profile/newsletter", youth, huge),
        ("PATCH", "/api/v1/profile", youth, b'{"gender": "\\ud800", "tags": ["\\udc00"]}'),
        ("PATCH", "/api/v1/profile", youth, b'{"gender": "\xff"}'),
    ]
    for method, path, headers, body in cases:
        response = client.request(method, path, headers=headers, content=body)
        assert 400 <= response.status_code < 500, (path, body[:60], response.status_code)
    form = {"Content-Type": "application/x-www-form-urlencoded"}
    for body in (b"grant_type=\xff\xfe", b"grant_type=client_credentials&client_id=%ED%A0%80"):
        response = client.post("/oauth/token", headers=form, content=body)
        assert 400 <= response.status_code < 500, (body, response.status_code)


def test_the_mail_routes_limit_one_profile_with_a_danish_429_and_spare_the_next(
    client: TestClient,
) -> None:
    app = client.app
    assert isinstance(app, FastAPI)
    flooder = youth_headers(app, client, secrets.token_hex(16))
    other = youth_headers(app, client, secrets.token_hex(16))
    statuses = []
    for i in range(8):
        response = client.post(
            "/api/v1/profile/newsletter", json={"email": f"mig{i}@example.dk"}, headers=flooder
        )
        statuses.append(response.status_code)
    assert statuses == [201] * 5 + [429] * 3  # the default MAIL_BURST_REQUESTS is 5
    assert "For mange forsøg" in response.json()["detail"]
    assert int(response.headers["retry-after"]) >= 1
    response = client.post(
        "/api/v1/profile/newsletter", json={"email": "anden@example.dk"}, headers=other
    )
    assert response.status_code == 201
