"""Which part of the product is up: each Rasa process, the action server and the database."""

import asyncio
import logging
from collections.abc import Sequence
from dataclasses import dataclass, field

import httpx
from sqlalchemy import Engine, text

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class ComponentHealth:
    ok: bool
    detail: str
    # For a component of several processes (Rasa): each one by its URL.
    processes: dict[str, "ComponentHealth"] = field(default_factory=dict)


async def _http_ok(client: httpx.AsyncClient, url: str) -> ComponentHealth:
    try:
        response = await client.get(url)
    except httpx.HTTPError as exc:
        return ComponentHealth(False, f"unreachable ({type(exc).__name__})")
    if response.status_code != 200:
        return ComponentHealth(False, f"status {response.status_code}")
    return ComponentHealth(True, "ok")


def _database_ok(engine: Engine) -> ComponentHealth:
    try:
        with engine.connect() as connection:
            connection.execute(text("SELECT 1"))
    except Exception as exc:  # any driver error means "down" for a health probe
        return ComponentHealth(False, f"error ({type(exc).__name__})")
    return ComponentHealth(True, "ok")


async def _rasa_ok(client: httpx.AsyncClient, rasa_urls: Sequence[str]) -> ComponentHealth:
    """Up only when every process is: a conversation routed to a dead one cannot go on."""
    results = await asyncio.gather(*(_http_ok(client, f"{url}/") for url in rasa_urls))
    processes = dict(zip(rasa_urls, results, strict=True))
    down = sum(not result.ok for result in results)
    if len(results) == 1:
        return ComponentHealth(results[0].ok, results[0].detail, processes)
    detail = "ok" if down == 0 else f"{down} of {len(results)} processes down"
    return ComponentHealth(down == 0, detail, processes)


async def check_all(
    rasa_urls: Sequence[str], action_server_url: str, engine: Engine, timeout_seconds: float
) -> dict[str, ComponentHealth]:
    async with httpx.AsyncClient(timeout=timeout_seconds) as client:
        rasa, actions, database = await asyncio.gather(
            _rasa_ok(client, rasa_urls),
            _http_ok(client, f"{action_server_url}/health"),
            asyncio.to_thread(_database_ok, engine),
        )
    return {"rasa": rasa, "action_server": actions, "database": database}
