"""Forwards one user turn to the Rasa process that holds the conversation (REST channel) and
returns Rasa's replies.

aiohttp, not httpx: profiling the api under 50 concurrent conversations showed httpx/httpcore
spending most of the bridge's own CPU per turn (connection-pool bookkeeping that grows with
the number of requests in flight, and a failed `import sniffio` on every request).
"""

import logging
import time
from collections.abc import Callable, Sequence
from types import SimpleNamespace
from typing import Any

import aiohttp

from api.services.rasa_router import RasaRouter

logger = logging.getLogger(__name__)


class RasaUnavailableError(Exception):
    """Rasa did not answer in time or answered with an error."""


class RasaClient:
    def __init__(
        self,
        urls: Sequence[str],
        timeout_seconds: float,
        *,
        max_in_flight: int = 0,
        on_queue_wait: Callable[[float], None] | None = None,
    ) -> None:
        """`max_in_flight`: requests open at once per Rasa process (0: no limit); the rest wait
        for a connection in arrival order, and the wait counts toward the timeout.
        `on_queue_wait` gets the seconds each turn that had to wait waited."""
        self.router = RasaRouter(urls)
        self._max_in_flight = max_in_flight
        self.on_queue_wait = on_queue_wait
        self._timeout = aiohttp.ClientTimeout(total=timeout_seconds)
        # Created in the running event loop on first use (aiohttp requires it).
        self._session: aiohttp.ClientSession | None = None

    @property
    def urls(self) -> tuple[str, ...]:
        return self.router.urls

    def _client(self) -> aiohttp.ClientSession:
        if self._session is None or self._session.closed:
            # One pool for all processes: connections are kept per host.
            connector = aiohttp.TCPConnector(
                limit=200, limit_per_host=self._max_in_flight, keepalive_timeout=30
            )
            self._session = aiohttp.ClientSession(
                timeout=self._timeout, connector=connector, trace_configs=[self._queue_tracing()]
            )
        return self._session

    def _queue_tracing(self) -> aiohttp.TraceConfig:
        """aiohttp signals when a request starts and stops waiting for a free connection."""

        async def queued(_session: Any, context: SimpleNamespace, _params: Any) -> None:
            context.queued_at = time.perf_counter()

        async def dequeued(_session: Any, context: SimpleNamespace, _params: Any) -> None:
            if self.on_queue_wait is not None:
                self.on_queue_wait(time.perf_counter() - context.queued_at)

        tracing = aiohttp.TraceConfig()
        tracing.on_connection_queued_start.append(queued)
        tracing.on_connection_queued_end.append(dequeued)
        return tracing

    async def send(self, sender_id: str, message: str) -> list[dict[str, Any]]:
        url = self.router.route(sender_id)
        try:
            async with self._client().post(
                f"{url}/webhooks/rest/webhook", json={"sender": sender_id, "message": message}
            ) as response:
                if response.status != 200:
                    logger.warning("rasa %s answered status %s", url, response.status)
                    raise RasaUnavailableError(f"status {response.status}")
                replies = await response.json(content_type=None)
        except (TimeoutError, aiohttp.ClientError, ValueError) as exc:
            logger.warning("rasa request to %s failed: %s", url, type(exc).__name__)
            raise RasaUnavailableError(type(exc).__name__) from exc
        if not isinstance(replies, list):
            raise RasaUnavailableError("unexpected response shape")
        return [reply for reply in replies if isinstance(reply, dict)]

    async def aclose(self) -> None:
        if self._session is not None:
            await self._session.close()
