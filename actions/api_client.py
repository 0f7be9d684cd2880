"""The action server's only way to reach the api: one authenticated request helper."""

import logging
from typing import Any

import httpx

from actions.settings import ActionSettings

logger = logging.getLogger(__name__)


class ApiCallFailedError(Exception):
    """The api could not be reached or refused the call; the youth must be told."""


async def call_api(
    settings: ActionSettings,
    method: str,
    path: str,
    json: dict[str, Any] | None = None,
    transport: httpx.AsyncBaseTransport | None = None,
) -> dict[str, Any]:
    """`transport` lets tests run the real api in-process instead of over a socket."""
    headers = {"Authorization": f"Bearer {settings.action_api_secret.get_secret_value()}"}
    try:
        async with httpx.AsyncClient(
            base_url=settings.api_url, timeout=settings.api_timeout_seconds, transport=transport
        ) as client:
            response = await client.request(method, path, json=json, headers=headers)
    except httpx.HTTPError as exc:
        logger.warning("api call %s %s failed: %s", method, path.split("/")[3], type(exc).__name__)
        raise ApiCallFailedError(type(exc).__name__) from exc
    if response.status_code not in (200, 201):
        logger.warning("api refused %s: status %s", method, response.status_code)
        raise ApiCallFailedError(f"status {response.status_code}")
    result: dict[str, Any] = response.json()
    return result
