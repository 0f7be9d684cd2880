"""Client for the api's handoff endpoint, used by the handoff action."""

import logging
from dataclasses import dataclass, field
from typing import Any

import httpx

from actions.settings import ActionSettings

logger = logging.getLogger(__name__)


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


async def create_handoff(
    settings: ActionSettings,
    request: HandoffRequest,
    transport: httpx.AsyncBaseTransport | None = None,
) -> dict[str, Any]:
    """POST the handoff; returns the api's JSON. Raises HandoffFailedError on any failure.

    `transport` lets tests run the real api in-process instead of over a socket."""
    headers = {"Authorization": f"Bearer {settings.action_api_secret.get_secret_value()}"}
    try:
        async with httpx.AsyncClient(
            base_url=settings.api_url, timeout=settings.api_timeout_seconds, transport=transport
        ) as client:
            response = await client.post(
                "/api/v1/handoffs", json=request.as_json(), headers=headers
            )
    except httpx.HTTPError as exc:
        logger.warning("handoff request failed: %s", type(exc).__name__)
        raise HandoffFailedError(type(exc).__name__) from exc
    if response.status_code not in (200, 201):
        logger.warning("handoff refused by api: status %s", response.status_code)
        raise HandoffFailedError(f"status {response.status_code}")
    result: dict[str, Any] = response.json()
    return result
