"""Forwards one user turn to Rasa's REST channel and returns Rasa's replies."""

import logging
from typing import Any

import httpx

logger = logging.getLogger(__name__)


class RasaUnavailableError(Exception):
    """Rasa did not answer in time or answered with an error."""


class RasaClient:
    def __init__(self, base_url: str, timeout_seconds: float) -> None:
        self._client = httpx.AsyncClient(
            base_url=base_url,
            timeout=timeout_seconds,
            limits=httpx.Limits(max_connections=200, max_keepalive_connections=50),
        )

    async def send(self, sender_id: str, message: str) -> list[dict[str, Any]]:
        try:
            response = await self._client.post(
                "/webhooks/rest/webhook", json={"sender": sender_id, "message": message}
            )
        except httpx.HTTPError as exc:
            logger.warning("rasa request failed: %s", type(exc).__name__)
            raise RasaUnavailableError(type(exc).__name__) from exc
        if response.status_code != 200:
            logger.warning("rasa answered status %s", response.status_code)
            raise RasaUnavailableError(f"status {response.status_code}")
        replies = response.json()
        if not isinstance(replies, list):
            raise RasaUnavailableError("unexpected response shape")
        return [reply for reply in replies if isinstance(reply, dict)]

    async def aclose(self) -> None:
        await self._client.aclose()
