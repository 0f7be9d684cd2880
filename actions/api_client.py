"""The action server's only way to reach the api: one authenticated request helper.

The action server authenticates with OAuth2 client credentials (scope `handoff:create`). The
access token is cached until shortly before it expires; a 401 drops it and retries once, so a
key rotation or revoked token costs one extra request, not a failed handoff.
"""

import asyncio
import logging
import time
from dataclasses import dataclass
from typing import Any

import httpx

from actions.settings import ActionSettings

logger = logging.getLogger(__name__)

HANDOFF_SCOPE = "handoff:create"
# Fetch a new token when the cached one has less than this left.
EXPIRY_MARGIN_SECONDS = 30.0


class ApiCallFailedError(Exception):
    """The api could not be reached or refused the call; the youth must be told."""


@dataclass
class _CachedToken:
    value: str
    expires_at: float  # time.monotonic()


class ClientCredentialsTokens:
    """Access tokens of one client, fetched by client credentials and cached."""

    def __init__(self) -> None:
        self._cache: dict[tuple[str, str], _CachedToken] = {}
        self._lock = asyncio.Lock()

    def forget(self, settings: ActionSettings) -> None:
        self._cache.pop((settings.token_url, settings.action_client_id), None)

    async def get(self, settings: ActionSettings, client: httpx.AsyncClient) -> str:
        key = (settings.token_url, settings.action_client_id)
        async with self._lock:
            cached = self._cache.get(key)
            if cached is not None and cached.expires_at - EXPIRY_MARGIN_SECONDS > time.monotonic():
                return cached.value
            response = await client.post(
                settings.token_url,
                data={"grant_type": "client_credentials", "scope": HANDOFF_SCOPE},
                auth=(
                    settings.action_client_id,
                    settings.action_client_secret.get_secret_value(),
                ),
            )
            if response.status_code != 200:
                logger.warning("token request refused: status %s", response.status_code)
                raise ApiCallFailedError(f"token status {response.status_code}")
            body = response.json()
            self._cache[key] = _CachedToken(
                value=str(body["access_token"]),
                expires_at=time.monotonic() + float(body.get("expires_in", 60)),
            )
            logger.info("obtained an api access token for client %s", settings.action_client_id)
            return self._cache[key].value


tokens = ClientCredentialsTokens()


async def call_api(
    settings: ActionSettings,
    method: str,
    path: str,
    json: dict[str, Any] | None = None,
    transport: httpx.AsyncBaseTransport | None = None,
) -> dict[str, Any]:
    """`transport` lets tests run the real api in-process instead of over a socket."""
    try:
        async with httpx.AsyncClient(
            base_url=settings.api_url, timeout=settings.api_timeout_seconds, transport=transport
        ) as client:
            for attempt in (1, 2):
                token = await tokens.get(settings, client)
                response = await client.request(
                    method, path, json=json, headers={"Authorization": f"Bearer {token}"}
                )
                if response.status_code != 401 or attempt == 2:
                    break
                tokens.forget(settings)
    except httpx.HTTPError as exc:
        logger.warning("api call %s failed: %s", method, type(exc).__name__)
        raise ApiCallFailedError(type(exc).__name__) from exc
    if response.status_code not in (200, 201):
        logger.warning("api refused %s: status %s", method, response.status_code)
        raise ApiCallFailedError(f"status {response.status_code}")
    result: dict[str, Any] = response.json()
    return result
