"""Consent given and withdrawn in the chat, reported by the action server."""

from typing import Annotated

from fastapi import APIRouter, Path, Request, Response, status
from pydantic import BaseModel, StringConstraints

from api.deps import ActionClient, SessionDep
from api.services import consent, profiles

router = APIRouter(prefix="/api/v1/consents", tags=["consent"])

ConversationId = Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9_-]{16,64}$")]


class ConsentIn(BaseModel):
    conversation_id: ConversationId


class ConsentOut(BaseModel):
    conversation_id: str
    consented: bool


class WithdrawalOut(BaseModel):
    conversation_id: str
    erased: bool
    case_begun: bool


@router.post("", status_code=status.HTTP_201_CREATED, response_model=ConsentOut)
def give_consent(
    body: ConsentIn,
    request: Request,
    session: SessionDep,
    _client: ActionClient,
    response: Response,
) -> ConsentOut:
    created = consent.give(session, request.app.state.key_ring, body.conversation_id)
    session.commit()
    if not created:
        response.status_code = status.HTTP_200_OK
    return ConsentOut(conversation_id=body.conversation_id, consented=True)


@router.delete("/{conversation_id}", response_model=WithdrawalOut)
def withdraw_consent(
    conversation_id: Annotated[str, Path(pattern=r"^[A-Za-z0-9_-]{16,64}$")],
    request: Request,
    session: SessionDep,
    _client: ActionClient,
) -> WithdrawalOut:
    result = consent.withdraw(session, conversation_id)
    session.commit()
    if result.erased:
        profiles.checkpoint_after_erasure(request.app.state.engine)
    return WithdrawalOut(
        conversation_id=conversation_id, erased=result.erased, case_begun=result.case_begun
    )
