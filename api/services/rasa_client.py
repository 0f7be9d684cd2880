"""Forwards one user turn to the Rasa process that holds the conversation (REST channel) and
returns Rasa's replies."""

import logging
from collections.abc import Sequence
from typing import Any

import httpx

from api.services.rasa_router import RasaRouter

logger = logging.getLogger(__name__)


class RasaUnavailableError(Exception):
    """Rasa did not answer in time or answered with an error."""


class RasaClient:
    def __init__(self, urls: Sequence[str], timeout_seconds: float) -> None:
        self.router = RasaRouter(urls)
        # One pool for all processes: httpx keeps connections per host.
        self._client = httpx.AsyncClient(
            timeout=timeout_seconds,
            limits=httpx.Limits(max_connections=200, max_keepalive_connections=50),
        )

    @property
    def urls(self) -> tuple[str, ...]:
        return self.router.urls

    async def send(self, sender_id: str, message: str) -> list[dict[str, Any]]:
        url = self.router.route(sender_id)
        try:
            response = await self._client.post(
                f"{url}/webhooks/rest/webhook", json={"sender": sender_id, "message": message}
            )
        except httpx.HTTPError as exc:
            logger.warning("rasa request to %s failed: %s", url, type(exc).__name__)
            raise RasaUnavailableError(type(exc).__name__) from exc
        if response.status_code != 200:
            logger.warning("rasa %s answered status %s", url, response.status_code)
            raise RasaUnavailableError(f"status {response.status_code}")
        replies = response.json()
        if not isinstance(replies, list):
            raise RasaUnavailableError("unexpected response shape")
        return [reply for reply in replies if isinstance(reply, dict)]

    async def aclose(self) -> None:
        await self._client.aclose()
