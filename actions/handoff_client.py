"""Handoff and consent calls to the api, as the actions make them."""

from dataclasses import dataclass, field
from typing import Any

import httpx

from actions.api_client import ApiCallFailedError, call_api
from actions.settings import ActionSettings

HandoffFailedError = ApiCallFailedError


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
    """POST the handoff; raises HandoffFailedError on any failure."""
    return await call_api(settings, "POST", "/api/v1/handoffs", request.as_json(), transport)


async def record_consent(
    settings: ActionSettings,
    conversation_id: str,
    transport: httpx.AsyncBaseTransport | None = None,
) -> None:
    await call_api(
        settings, "POST", "/api/v1/consents", {"conversation_id": conversation_id}, transport
    )


async def withdraw_consent(
    settings: ActionSettings,
    conversation_id: str,
    transport: httpx.AsyncBaseTransport | None = None,
) -> dict[str, Any]:
    return await call_api(
        settings, "DELETE", f"/api/v1/consents/{conversation_id}", None, transport
    )
