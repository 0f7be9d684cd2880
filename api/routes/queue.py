"""The counsellors' queue: list (own organisation only) and atomic claim.

Handlers are thin: the rules live in api/services/queue.py; after a change the live side
(api/services/relay.py, the bridge) tells youths their new place and consoles to refetch.
"""

from collections.abc import Callable, Coroutine
from datetime import datetime
from typing import Any, Literal

import anyio.from_thread
from fastapi import APIRouter, HTTPException, Request, status
from pydantic import BaseModel
from sqlalchemy.orm import Session

from api.db.models_auth import Counsellor
from api.deps import CurrentCounsellor, SessionDep
from api.services import queue
from api.services.relay import COUNSELLOR_JOINED_DA
from tagging.taxonomy import TAG_IDS

router = APIRouter(prefix="/api/v1/queue", tags=["queue"])


class TagScoreOut(BaseModel):
    tag: str
    score: float | None = None


class QueueItemOut(BaseModel):
    id: str
    status: str
    priority: Literal["akut", "normal"]
    crisis: bool
    gender: str
    age_band: str
    tagger_status: str
    tags: list[TagScoreOut]
    created_at: datetime
    waiting_seconds: int
    position: int | None
    mine: bool


class QueueOut(BaseModel):
    items: list[QueueItemOut]
    estimated_wait_minutes: int | None


class VocabularyOut(BaseModel):
    outcomes: dict[str, str]
    tags: list[str]
    referrals: dict[str, str]


def item_out(item: queue.QueueItem) -> QueueItemOut:
    return QueueItemOut.model_validate(item, from_attributes=True)


def refused(exc: queue.QueueError) -> HTTPException:
    """One message per kind of refusal, never what was asked for. A cap says so in Danish
    (the console shows it as it is)."""
    if isinstance(exc, queue.CapReachedError):
        return HTTPException(
            status.HTTP_409_CONFLICT,
            {"code": "cap_reached", "cap": exc.cap, "message": exc.message_da},
        )
    if isinstance(exc, queue.NotFoundError):
        return HTTPException(status.HTTP_404_NOT_FOUND, "not found")
    if isinstance(exc, queue.ConflictError):
        return HTTPException(status.HTTP_409_CONFLICT, "another counsellor got there first")
    return HTTPException(422, "invalid request")


def live(request: Request, action: Callable[..., Coroutine[Any, Any, Any]], *args: Any) -> None:
    """Run a live notification from a (threadpool) route handler; a no-op in an app without
    socket.io (the HTTP-only test apps)."""
    if getattr(request.app.state, "relay", None) is None:
        return
    anyio.from_thread.run(action, *args)


def offer_next(
    request: Request, session: Session, counsellor: Counsellor, *, exclude: str | None = None
) -> None:
    """After a counsellor freed up (close, release, transfer, a supervisor's reassignment):
    offer them the oldest highest-priority handoff they may take, if they have room."""
    relay = getattr(request.app.state, "relay", None)
    if relay is None:
        return
    item = queue.next_offer(session, counsellor, exclude=exclude)
    if item is not None:
        live(request, relay.offer, counsellor.id, item.id, item.priority)


def queue_changed(request: Request) -> None:
    bridge = getattr(request.app.state, "webchat", None)
    if bridge is not None:
        anyio.from_thread.run(bridge.broadcast_queue_positions)


@router.get("", response_model=QueueOut)
def list_queue(counsellor: CurrentCounsellor, session: SessionDep) -> QueueOut:
    items = queue.list_queue(session, counsellor)
    return QueueOut(
        items=[item_out(item) for item in items],
        estimated_wait_minutes=queue.estimated_wait_minutes(session),
    )


@router.get("/vocabulary", response_model=VocabularyOut)
def vocabulary(counsellor: CurrentCounsellor) -> VocabularyOut:
    return VocabularyOut(outcomes=queue.OUTCOMES, tags=list(TAG_IDS), referrals=queue.REFERRALS)


@router.post("/{handoff_id}/claim", response_model=QueueItemOut)
def claim(
    handoff_id: str, counsellor: CurrentCounsellor, session: SessionDep, request: Request
) -> QueueItemOut:
    try:
        handoff = queue.claim(session, counsellor, handoff_id)
    except queue.QueueError as exc:
        raise refused(exc) from None
    relay = getattr(request.app.state, "relay", None)
    if relay is not None:
        live(request, relay.claimed, handoff.conversation_id, COUNSELLOR_JOINED_DA)
    queue_changed(request)
    item = queue.held_item(handoff)
    metrics = getattr(request.app.state, "metrics", None)
    if metrics is not None:
        metrics.observe_handoff_wait(item.waiting_seconds)
    return item_out(item)
