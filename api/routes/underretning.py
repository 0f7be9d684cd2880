"""Duty to report (underretning). Counsellor: mark a held conversation, read its status and
the contact details given (own organisation only). Youth (`profile:self` token from the
widget): give contact details with explicit consent, or decline. Thin: the rules are in
api/services/underretning.py."""

from fastapi import APIRouter, HTTPException, Request, status
from pydantic import BaseModel, Field

from api.deps import CurrentCounsellor, SessionDep, YouthProfile
from api.routes.queue import live, refused
from api.services import queue, underretning

counsellor_router = APIRouter(prefix="/api/v1/conversations", tags=["underretning"])
youth_router = APIRouter(prefix="/api/v1/profile/contact-details", tags=["data rights"])


class UnderretningOut(BaseModel):
    marked: bool
    answer: str | None
    details: list[str]


class ContactDetailsIn(BaseModel):
    consent: bool
    details: str = Field(min_length=1, max_length=underretning.MAX_DETAILS_CHARS)


def _out(result: underretning.Status) -> UnderretningOut:
    return UnderretningOut(marked=result.marked, answer=result.answer, details=result.details)


@counsellor_router.post("/{handoff_id}/underretning", response_model=UnderretningOut)
def mark(
    handoff_id: str, counsellor: CurrentCounsellor, session: SessionDep, request: Request
) -> UnderretningOut:
    try:
        handoff = underretning.mark(session, counsellor, handoff_id, now=queue.now_utc())
        result = underretning.status_for(
            session, request.app.state.key_ring, counsellor, handoff_id
        )
    except queue.QueueError as exc:
        raise refused(exc) from None
    relay = getattr(request.app.state, "relay", None)
    if relay is not None and result.answer is None:
        live(request, relay.offer_contact_details, handoff.conversation_id, underretning.OFFER_DA)
    return _out(result)


@counsellor_router.get("/{handoff_id}/underretning", response_model=UnderretningOut)
def status_of(
    handoff_id: str, counsellor: CurrentCounsellor, session: SessionDep, request: Request
) -> UnderretningOut:
    try:
        return _out(
            underretning.status_for(session, request.app.state.key_ring, counsellor, handoff_id)
        )
    except queue.QueueError as exc:
        raise refused(exc) from None


def _refused(exc: underretning.UnderretningError) -> HTTPException:
    if isinstance(exc, underretning.ConsentMissingError):
        return HTTPException(422, "Dit samtykke mangler, så vi har ikke gemt noget.")
    if isinstance(exc, underretning.InvalidDetailsError):
        return HTTPException(422, "Skriv dine oplysninger (højst 1000 tegn).")
    return HTTPException(status.HTTP_409_CONFLICT, "Der er ikke noget at svare på.")


@youth_router.post("", status_code=status.HTTP_201_CREATED)
def give(
    body: ContactDetailsIn, profile_id: YouthProfile, session: SessionDep, request: Request
) -> dict[str, bool]:
    try:
        offer = underretning.give(
            session,
            request.app.state.key_ring,
            profile_id,
            body.details,
            consent=body.consent,
            now=queue.now_utc(),
        )
    except underretning.UnderretningError as exc:
        session.rollback()
        raise _refused(exc) from None
    session.commit()
    _tell_holder(request, session, offer)
    return {"stored": True}


@youth_router.post("/decline", status_code=status.HTTP_204_NO_CONTENT)
def decline(profile_id: YouthProfile, session: SessionDep, request: Request) -> None:
    try:
        offer = underretning.decline(session, profile_id, now=queue.now_utc())
    except underretning.UnderretningError as exc:
        raise _refused(exc) from None
    session.commit()
    _tell_holder(request, session, offer)


def _tell_holder(request: Request, session: SessionDep, offer: underretning.Offer) -> None:
    relay = getattr(request.app.state, "relay", None)
    holder = underretning.holder_of(session, offer.handoff_id)
    if relay is not None and holder is not None:
        live(request, relay.underretning_answered, holder, offer.handoff_id)
