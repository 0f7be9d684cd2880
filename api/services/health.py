"""Which part of the product is up: Rasa, the action server and the database."""

import asyncio
import logging
from dataclasses import dataclass

import httpx
from sqlalchemy import Engine, text

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class ComponentHealth:
    ok: bool
    detail: str


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


async def check_all(
    rasa_url: str, action_server_url: str, engine: Engine, timeout_seconds: float
) -> dict[str, ComponentHealth]:
    async with httpx.AsyncClient(timeout=timeout_seconds) as client:
        rasa, actions, database = await asyncio.gather(
            _http_ok(client, f"{rasa_url}/"),
            _http_ok(client, f"{action_server_url}/health"),
            asyncio.to_thread(_database_ok, engine),
        )
    return {"rasa": rasa, "action_server": actions, "database": database}
