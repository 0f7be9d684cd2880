"""POST /api/v1/handoffs: the action server puts a conversation in the counsellors' queue."""

from datetime import datetime
from typing import Annotated, Literal

from fastapi import APIRouter, HTTPException, Request, Response, status
from pydantic import BaseModel, Field, StringConstraints
from sqlalchemy.orm import Session

from api.db.models import Handoff
from api.deps import ActionClient, SessionDep
from api.routes.queue import live
from api.services import consent, handoffs, queue
from intake.demographics import AgeBand, Gender
from tagging.taxonomy import TAG_IDS

router = APIRouter(prefix="/api/v1/handoffs", tags=["handoffs"])

# Only ids of the taxonomy (tagging/taxonomy.py): a free-text "tag" could smuggle text past
# the encryption.
TagId = Literal[TAG_IDS]  # type: ignore[valid-type]


class TagScore(BaseModel):
    tag: TagId
    score: float | None = Field(default=None, ge=0.0, le=1.0)


class HandoffIn(BaseModel):
    conversation_id: Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9_-]{16,64}$")]
    gender: Gender = Gender.IKKE_OPLYST
    age_band: AgeBand = AgeBand.IKKE_OPLYST
    crisis: bool = False
    tagger_status: Literal["ok", "unavailable", "not_run"] = "not_run"
    tags: list[TagScore] = Field(default_factory=list, max_length=16)


class HandoffOut(BaseModel):
    id: str
    conversation_id: str
    created_at: datetime
    status: str
    priority: Literal["akut", "normal"]
    gender: Gender
    age_band: AgeBand
    crisis: bool
    tagger_status: str
    tags: list[TagScore]


def _already_akut(session: Session, conversation_id: str) -> bool:
    existing = handoffs.open_handoff(session, conversation_id)
    return existing is not None and existing.priority == handoffs.PRIORITY_AKUT


def notify_consoles(request: Request, session: Session, handoff: Handoff) -> None:
    """A new or newly `akut` handoff rings every online console of the organisations that
    take it (sound and browser notification in the console)."""
    relay = getattr(request.app.state, "relay", None)
    if relay is None or handoff.status != handoffs.STATUS_WAITING:
        return
    organisations = queue.organisations_taking(session, handoff)
    if organisations:
        live(request, relay.handoff_waiting, organisations, handoff.id, handoff.priority)


@router.post("", status_code=status.HTTP_201_CREATED, response_model=HandoffOut)
def create_handoff(
    body: HandoffIn,
    session: SessionDep,
    _client: ActionClient,
    response: Response,
    request: Request,
) -> HandoffOut:
    # The bot asks for consent first, but the action client's credentials alone could
    # otherwise queue (and a counsellor then store) a conversation nobody agreed to, or one
    # whose youth has withdrawn.
    if not consent.has_consented(session, body.conversation_id):
        raise HTTPException(status.HTTP_409_CONFLICT, "no active consent for this conversation")
    was_akut = _already_akut(session, body.conversation_id)
    handoff, created = handoffs.create_handoff(
        session,
        conversation_id=body.conversation_id,
        gender=body.gender.value,
        age_band=body.age_band.value,
        crisis=body.crisis,
        tagger_status=body.tagger_status,
        tags=[tag.model_dump() for tag in body.tags],
    )
    if not created:
        response.status_code = status.HTTP_200_OK
    if created or (handoff.priority == handoffs.PRIORITY_AKUT and not was_akut):
        notify_consoles(request, session, handoff)
    return HandoffOut.model_validate(handoff, from_attributes=True)
