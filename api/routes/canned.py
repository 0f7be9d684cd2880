"""Canned replies of the caller's organisation: every counsellor reads them (the console
inserts one with "/"); supervisors create, edit and delete them (a counsellor gets 403).
Another organisation's reply is 404."""

from fastapi import APIRouter, HTTPException, status
from pydantic import BaseModel, Field

from api.deps import CurrentCounsellor, CurrentSupervisor, SessionDep
from api.services import canned

router = APIRouter(prefix="/api/v1/canned-replies", tags=["canned replies"])


class CannedReplyIn(BaseModel):
    title: str = Field(min_length=1, max_length=canned.MAX_TITLE)
    text: str = Field(min_length=1, max_length=canned.MAX_TEXT)


class CannedReplyOut(BaseModel):
    id: str
    title: str
    text: str


def _out(reply: canned.Reply) -> CannedReplyOut:
    return CannedReplyOut(id=reply.id, title=reply.title, text=reply.text)


def _invalid() -> HTTPException:
    return HTTPException(422, "title 1-80 and text 1-2000 characters")


def _not_found() -> HTTPException:
    return HTTPException(status.HTTP_404_NOT_FOUND, "not found")


@router.get("", response_model=list[CannedReplyOut])
def list_replies(counsellor: CurrentCounsellor, session: SessionDep) -> list[CannedReplyOut]:
    return [_out(r) for r in canned.list_replies(session, counsellor.organisation_id)]


@router.post("", status_code=status.HTTP_201_CREATED, response_model=CannedReplyOut)
def create(
    body: CannedReplyIn, supervisor: CurrentSupervisor, session: SessionDep
) -> CannedReplyOut:
    try:
        return _out(canned.create(session, supervisor.organisation_id, body.title, body.text))
    except canned.CannedReplyError:
        raise _invalid() from None


@router.put("/{reply_id}", response_model=CannedReplyOut)
def update(
    reply_id: str, body: CannedReplyIn, supervisor: CurrentSupervisor, session: SessionDep
) -> CannedReplyOut:
    try:
        reply = canned.update(session, supervisor.organisation_id, reply_id, body.title, body.text)
    except canned.CannedReplyError:
        raise _invalid() from None
    except canned.CannedReplyNotFoundError:
        raise _not_found() from None
    return _out(reply)


@router.delete("/{reply_id}", status_code=status.HTTP_204_NO_CONTENT)
def delete(reply_id: str, supervisor: CurrentSupervisor, session: SessionDep) -> None:
    try:
        canned.delete(session, supervisor.organisation_id, reply_id)
    except canned.CannedReplyNotFoundError:
        raise _not_found() from None
