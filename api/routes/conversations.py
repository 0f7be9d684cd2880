"""A claimed conversation, for the counsellor holding it: the stored transcript so far
(decrypted, anonymised), release, transfer, close with an outcome, tag correction.

Anything not held by the caller is 404, whoever else holds it.
"""

from datetime import datetime

from fastapi import APIRouter, Request, status
from pydantic import BaseModel, Field

from api.deps import CurrentCounsellor, SessionDep
from api.routes.queue import QueueItemOut, item_out, live, queue_changed, refused
from api.services import queue
from api.services.relay import CONVERSATION_CLOSED_DA, CONVERSATION_RELEASED_DA

router = APIRouter(prefix="/api/v1/conversations", tags=["conversations"])


class TurnOut(BaseModel):
    seq: int
    role: str
    created_at: datetime
    text: str


class ColleagueOut(BaseModel):
    id: str
    name: str


class ConversationOut(BaseModel):
    handoff: QueueItemOut
    transcript: list[TurnOut]
    colleagues: list[ColleagueOut]


class TransferIn(BaseModel):
    counsellor_id: str = Field(min_length=1, max_length=32)


class CloseIn(BaseModel):
    outcome: str = Field(min_length=1, max_length=32)


class TagsIn(BaseModel):
    tags: list[str] = Field(min_length=1, max_length=16)


class TagCorrectionOut(BaseModel):
    id: str
    tags: list[str]
    has_text: bool


@router.get("/{handoff_id}", response_model=ConversationOut)
def conversation(
    handoff_id: str, counsellor: CurrentCounsellor, session: SessionDep, request: Request
) -> ConversationOut:
    try:
        handoff, turns = queue.transcript(
            session, counsellor, handoff_id, keys=request.app.state.key_ring
        )
    except queue.QueueError as exc:
        raise refused(exc) from None
    return ConversationOut(
        handoff=item_out(queue.held_item(handoff)),
        transcript=[
            TurnOut(seq=t.seq, role=t.role, created_at=t.created_at, text=t.text) for t in turns
        ],
        colleagues=[
            ColleagueOut(id=c.id, name=c.display_name)
            for c in queue.colleagues(session, counsellor)
        ],
    )


@router.post("/{handoff_id}/release", status_code=status.HTTP_204_NO_CONTENT)
def release(
    handoff_id: str, counsellor: CurrentCounsellor, session: SessionDep, request: Request
) -> None:
    try:
        handoff = queue.release(session, counsellor, handoff_id)
    except queue.QueueError as exc:
        raise refused(exc) from None
    relay = getattr(request.app.state, "relay", None)
    if relay is not None:
        live(request, relay.tell_youth, handoff.conversation_id, CONVERSATION_RELEASED_DA)
    queue_changed(request)


@router.post("/{handoff_id}/transfer", status_code=status.HTTP_204_NO_CONTENT)
def transfer(
    handoff_id: str,
    body: TransferIn,
    counsellor: CurrentCounsellor,
    session: SessionDep,
    request: Request,
) -> None:
    try:
        queue.transfer(session, counsellor, handoff_id, body.counsellor_id)
    except queue.QueueError as exc:
        raise refused(exc) from None
    relay = getattr(request.app.state, "relay", None)
    if relay is not None:
        live(request, relay.assigned, body.counsellor_id, handoff_id)
    queue_changed(request)


@router.post("/{handoff_id}/close", status_code=status.HTTP_204_NO_CONTENT)
def close(
    handoff_id: str,
    body: CloseIn,
    counsellor: CurrentCounsellor,
    session: SessionDep,
    request: Request,
) -> None:
    try:
        handoff = queue.close(session, counsellor, handoff_id, body.outcome)
    except queue.QueueError as exc:
        raise refused(exc) from None
    relay = getattr(request.app.state, "relay", None)
    if relay is not None:
        live(request, relay.tell_youth, handoff.conversation_id, CONVERSATION_CLOSED_DA)
    queue_changed(request)


@router.post(
    "/{handoff_id}/tags", status_code=status.HTTP_201_CREATED, response_model=TagCorrectionOut
)
def correct_tags(
    handoff_id: str, body: TagsIn, counsellor: CurrentCounsellor, session: SessionDep
) -> TagCorrectionOut:
    try:
        correction = queue.correct_tags(session, counsellor, handoff_id, body.tags)
    except queue.QueueError as exc:
        raise refused(exc) from None
    return TagCorrectionOut(
        id=correction.id,
        tags=list(correction.tags),
        has_text=correction.transcript_entry_id is not None,
    )
