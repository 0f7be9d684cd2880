"""A claimed conversation, for the counsellor holding it: the stored transcript so far
(decrypted, anonymised), release, transfer, close with an outcome, tag correction.

Anything not held by the caller is 404, whoever else holds it.
"""

from datetime import datetime

from fastapi import APIRouter, HTTPException, Request, status
from pydantic import BaseModel, Field

from api.deps import CurrentCounsellor, SessionDep
from api.routes.queue import QueueItemOut, item_out, live, offer_next, queue_changed, refused
from api.services import notes, queue
from api.services.relay import CONVERSATION_CLOSED_DA, CONVERSATION_RELEASED_DA
from privacy.anonymiser import anonymise

router = APIRouter(prefix="/api/v1/conversations", tags=["conversations"])


class TurnOut(BaseModel):
    seq: int
    role: str
    created_at: datetime
    text: str


class ColleagueOut(BaseModel):
    id: str
    name: str


class NoteOut(BaseModel):
    id: str
    kind: str
    created_at: datetime
    text: str


class NoteIn(BaseModel):
    text: str = Field(min_length=1, max_length=notes.MAX_NOTE_CHARS)


def note_out(note: notes.Note) -> NoteOut:
    return NoteOut(id=note.id, kind=note.kind, created_at=note.created_at, text=note.text)


class ConversationOut(BaseModel):
    handoff: QueueItemOut
    transcript: list[TurnOut]
    colleagues: list[ColleagueOut]
    # The counsellor's private notes and their supervisor's notes (never shown to the youth).
    notes: list[NoteOut]


class TransferIn(BaseModel):
    counsellor_id: str = Field(min_length=1, max_length=32)


class CloseIn(BaseModel):
    """The post-conversation form."""

    outcome: str = Field(min_length=1, max_length=32)
    categories: list[str] | None = Field(default=None, max_length=16)
    referral: str | None = Field(default=None, min_length=1, max_length=32)


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
        notes=[
            note_out(n)
            for n in notes.for_handoff(session, handoff.id, keys=request.app.state.key_ring)
        ],
    )


@router.post("/{handoff_id}/notes", status_code=status.HTTP_201_CREATED, response_model=NoteOut)
def add_note(
    handoff_id: str,
    body: NoteIn,
    counsellor: CurrentCounsellor,
    session: SessionDep,
    request: Request,
) -> NoteOut:
    """A private note (anonymised, encrypted with the youth's data key; never sent to them)."""
    try:
        handoff = queue.held_by(session, counsellor, handoff_id)
        note = notes.add(
            session,
            handoff,
            counsellor.id,
            "privat",
            body.text,
            keys=request.app.state.key_ring,
            anonymise=anonymise,
        )
    except queue.QueueError as exc:
        raise refused(exc) from None
    except notes.NoteError:
        raise HTTPException(422, "a note has 1-4000 characters") from None
    except notes.NoProfileError:
        raise HTTPException(409, "nothing may be stored for this conversation") from None
    return note_out(note)


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
    offer_next(request, session, counsellor, exclude=handoff_id)


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
    offer_next(request, session, counsellor)


@router.post("/{handoff_id}/close", status_code=status.HTTP_204_NO_CONTENT)
def close(
    handoff_id: str,
    body: CloseIn,
    counsellor: CurrentCounsellor,
    session: SessionDep,
    request: Request,
) -> None:
    try:
        handoff = queue.close(
            session,
            counsellor,
            handoff_id,
            body.outcome,
            categories=body.categories,
            referral=body.referral,
        )
    except queue.QueueError as exc:
        raise refused(exc) from None
    relay = getattr(request.app.state, "relay", None)
    if relay is not None:
        live(request, relay.tell_youth, handoff.conversation_id, CONVERSATION_CLOSED_DA)
    queue_changed(request)
    offer_next(request, session, counsellor)


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
