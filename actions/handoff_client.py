"""Client for the api's handoff endpoint, used by the handoff action.

The action server authenticates with OAuth2 client credentials (scope `handoff:create`). The
access token is cached until shortly before it expires; a 401 drops it and retries once, so a
key rotation or revoked token costs one extra request, not a failed handoff.
"""

import asyncio
import logging
import time
from dataclasses import dataclass, field
from typing import Any

import httpx

from actions.settings import ActionSettings

logger = logging.getLogger(__name__)

HANDOFF_SCOPE = "handoff:create"
# Fetch a new token when the cached one has less than this left.
EXPIRY_MARGIN_SECONDS = 30.0


class HandoffFailedError(Exception):
    """The api did not accept the handoff; the youth must be told and given other routes."""


@dataclass(frozen=True)
class HandoffRequest:
    conversation_id: str
    gender: str
    age_band: str
    crisis: bool
    tagger_status: str
    tags: list[dict[str, Any]] = field(default_factory=list)

    def as_json(self) -> dict[str, Any]:
        return {
            "conversation_id": self.conversation_id,
            "gender": self.gender,
            "age_band": self.age_band,
            "crisis": self.crisis,
            "tagger_status": self.tagger_status,
            "tags": self.tags,
        }


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
                raise HandoffFailedError(f"token status {response.status_code}")
            body = response.json()
            self._cache[key] = _CachedToken(
                value=str(body["access_token"]),
                expires_at=time.monotonic() + float(body.get("expires_in", 60)),
            )
            logger.info("obtained an api access token for client %s", settings.action_client_id)
            return self._cache[key].value


tokens = ClientCredentialsTokens()


async def create_handoff(
    settings: ActionSettings,
    request: HandoffRequest,
    transport: httpx.AsyncBaseTransport | None = None,
) -> dict[str, Any]:
    """POST the handoff; returns the api's JSON. Raises HandoffFailedError on any failure.

    `transport` lets tests run the real api in-process instead of over a socket."""
    try:
        async with httpx.AsyncClient(
            base_url=settings.api_url, timeout=settings.api_timeout_seconds, transport=transport
        ) as client:
            for attempt in (1, 2):
                token = await tokens.get(settings, client)
                response = await client.post(
                    "/api/v1/handoffs",
                    json=request.as_json(),
                    headers={"Authorization": f"Bearer {token}"},
                )
                if response.status_code != 401 or attempt == 2:
                    break
                tokens.forget(settings)
    except httpx.HTTPError as exc:
        logger.warning("handoff request failed: %s", type(exc).__name__)
        raise HandoffFailedError(type(exc).__name__) from exc
    if response.status_code not in (200, 201):
        logger.warning("handoff refused by api: status %s", response.status_code)
        raise HandoffFailedError(f"status {response.status_code}")
    result: dict[str, Any] = response.json()
    return result
