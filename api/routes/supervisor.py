"""The supervisor's view (role `supervisor`, own organisation only): queue, open conversations
(read-only), wait times and each counsellor's load; reassign; a note to the counsellor.

A counsellor without the role gets 403; another organisation's conversation is 404.
"""

from datetime import datetime

from fastapi import APIRouter, HTTPException, Request, status
from pydantic import BaseModel, Field

from api.db.models_auth import Counsellor
from api.deps import CurrentSupervisor, SessionDep
from api.routes.conversations import NoteIn, NoteOut, TurnOut, note_out
from api.routes.queue import QueueItemOut, item_out, live, offer_next, queue_changed, refused
from api.services import notes, queue, supervision, transcripts
from privacy.anonymiser import anonymise

router = APIRouter(prefix="/api/v1/supervisor", tags=["supervisor"])


class OpenConversationOut(BaseModel):
    handoff: QueueItemOut
    counsellor_id: str
    counsellor_name: str
    claimed_at: datetime
    waited_seconds: int
    active_seconds: int


class LoadOut(BaseModel):
    counsellor_id: str
    name: str
    role: str
    active: int
    cap: int
    online: bool


class OverviewOut(BaseModel):
    waiting: list[QueueItemOut]
    conversations: list[OpenConversationOut]
    counsellors: list[LoadOut]
    estimated_wait_minutes: int | None


class SupervisedConversationOut(BaseModel):
    handoff: QueueItemOut
    counsellor_id: str
    transcript: list[TurnOut]
    notes: list[NoteOut]


class ReassignIn(BaseModel):
    counsellor_id: str = Field(min_length=1, max_length=32)


@router.get("/overview", response_model=OverviewOut)
def overview(supervisor: CurrentSupervisor, session: SessionDep) -> OverviewOut:
    view = supervision.overview(session, supervisor)
    return OverviewOut(
        waiting=[item_out(i) for i in view.waiting],
        conversations=[
            OpenConversationOut(
                handoff=item_out(c.item),
                counsellor_id=c.counsellor_id,
                counsellor_name=c.counsellor_name,
                claimed_at=c.claimed_at,
                waited_seconds=c.waited_seconds,
                active_seconds=c.active_seconds,
            )
            for c in view.conversations
        ],
        counsellors=[LoadOut.model_validate(c, from_attributes=True) for c in view.counsellors],
        estimated_wait_minutes=view.estimated_wait_minutes,
    )


@router.get("/conversations/{handoff_id}", response_model=SupervisedConversationOut)
def conversation(
    handoff_id: str, supervisor: CurrentSupervisor, session: SessionDep, request: Request
) -> SupervisedConversationOut:
    """Read-only: the stored (anonymised) transcript and the notes."""
    try:
        handoff, holder_id = supervision.supervised(session, supervisor, handoff_id)
    except queue.QueueError as exc:
        raise refused(exc) from None
    keys = request.app.state.key_ring
    turns = transcripts.read(session, handoff.conversation_id, keys=keys)
    return SupervisedConversationOut(
        handoff=item_out(queue.held_item(handoff)),
        counsellor_id=holder_id,
        transcript=[
            TurnOut(seq=t.seq, role=t.role, created_at=t.created_at, text=t.text) for t in turns
        ],
        notes=[note_out(n) for n in notes.for_handoff(session, handoff.id, keys=keys)],
    )


@router.post("/conversations/{handoff_id}/reassign", status_code=status.HTTP_204_NO_CONTENT)
def reassign(
    handoff_id: str,
    body: ReassignIn,
    supervisor: CurrentSupervisor,
    session: SessionDep,
    request: Request,
) -> None:
    try:
        _handoff, previous_id, target = supervision.reassign(
            session, supervisor, handoff_id, body.counsellor_id
        )
    except queue.QueueError as exc:
        raise refused(exc) from None
    relay = getattr(request.app.state, "relay", None)
    if relay is not None:
        live(request, relay.assigned, target.id, handoff_id)
        live(request, relay.unassigned, previous_id, handoff_id)
    queue_changed(request)
    previous = session.get(Counsellor, previous_id)
    if previous is not None:
        offer_next(request, session, previous)


@router.post(
    "/conversations/{handoff_id}/notes",
    status_code=status.HTTP_201_CREATED,
    response_model=NoteOut,
)
def add_note(
    handoff_id: str,
    body: NoteIn,
    supervisor: CurrentSupervisor,
    session: SessionDep,
    request: Request,
) -> NoteOut:
    """A note for the counsellor holding the conversation; never shown to the youth."""
    try:
        handoff, holder_id = supervision.supervised(session, supervisor, handoff_id)
        note = notes.add(
            session,
            handoff,
            supervisor.id,
            "supervisor",
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
    relay = getattr(request.app.state, "relay", None)
    if relay is not None:
        live(request, relay.note_added, holder_id, handoff_id)
    return note_out(note)
