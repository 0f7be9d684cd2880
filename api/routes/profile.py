"""A youth's rights over their own anonymous profile, with a `profile:self` token from the
widget (api/auth/youth_grant.py): see, export, send, correct and erase their data, and sign up
for or leave the newsletter. Handlers are thin; the work is in api/services/."""

from typing import Annotated, Any

from fastapi import APIRouter, HTTPException, Request, Response, status
from pydantic import BaseModel, Field

from api.config import Settings
from api.deps import MailingYouthProfile, SessionDep, SettingsDep, YouthProfile
from api.services import erasure, export, newsletter, portability, profiles, rectification

router = APIRouter(prefix="/api/v1/profile", tags=["data rights"])

NO_STORE = {"Cache-Control": "no-store"}


def smtp_settings(settings: Settings) -> portability.SmtpSettings | None:
    if not settings.smtp_host:
        return None
    return portability.SmtpSettings(
        host=settings.smtp_host,
        port=settings.smtp_port,
        sender=settings.smtp_from,
        starttls=settings.smtp_starttls,
        username=settings.smtp_username or None,
        password=settings.smtp_password.get_secret_value() or None,
    )


@router.get("")
def export_all(
    profile_id: YouthProfile, session: SessionDep, request: Request, response: Response
) -> dict[str, Any]:
    """Everything stored about the profile, at once, as JSON."""
    response.headers.update(NO_STORE)
    try:
        return export.export_profile(session, request.app.state.key_ring, profile_id)
    except export.ProfileNotFoundError as exc:
        raise HTTPException(status.HTTP_404_NOT_FOUND, "Der er ingen data om dig.") from exc


class ErasureOut(BaseModel):
    erased: bool
    conversations_closed: int
    deleted: dict[str, int]


@router.delete("", response_model=ErasureOut)
def erase_all(profile_id: YouthProfile, session: SessionDep, request: Request) -> ErasureOut:
    result = erasure.erase(session, profile_id, reason="request")
    session.commit()
    if result.erased:
        profiles.checkpoint_after_erasure(request.app.state.engine)
    return ErasureOut(
        erased=result.erased,
        conversations_closed=result.conversations_closed,
        deleted=result.counts,
    )


class CorrectionIn(BaseModel):
    gender: str | None = None
    age_band: str | None = None
    tags: Annotated[list[str], Field(max_length=16)] | None = None


@router.patch("")
def rectify(body: CorrectionIn, profile_id: YouthProfile, session: SessionDep) -> dict[str, int]:
    try:
        changed = rectification.rectify(
            session,
            profile_id,
            rectification.Correction(gender=body.gender, age_band=body.age_band, tags=body.tags),
        )
    except rectification.InvalidCorrectionError as exc:
        raise HTTPException(422, str(exc)) from exc
    session.commit()
    return {"conversations_changed": changed}


class EmailIn(BaseModel):
    email: Annotated[str, Field(max_length=254)]


@router.post("/portability")
def send_export(
    body: EmailIn,
    profile_id: MailingYouthProfile,
    session: SessionDep,
    settings: SettingsDep,
    request: Request,
    response: Response,
) -> dict[str, str]:
    """Mail the export as an AES-256 zip; the passphrase is in this answer only."""
    response.headers.update(NO_STORE)
    try:
        address = newsletter.valid_email(body.email)
    except newsletter.InvalidEmailError as exc:
        raise HTTPException(422, "Ugyldig e-mailadresse.") from exc
    smtp = smtp_settings(settings)
    if smtp is None:
        raise HTTPException(status.HTTP_503_SERVICE_UNAVAILABLE, "E-mail er ikke sat op.")
    document = export.export_profile(session, request.app.state.key_ring, profile_id)
    try:
        passphrase = portability.send_export(smtp, address, document)
    except OSError as exc:
        raise HTTPException(
            status.HTTP_502_BAD_GATEWAY, "Mailen kunne ikke sendes. Prøv igen senere."
        ) from exc
    return {"passphrase": passphrase}


@router.post("/newsletter", status_code=status.HTTP_201_CREATED)
def subscribe(
    body: EmailIn,
    profile_id: MailingYouthProfile,
    session: SessionDep,
    settings: SettingsDep,
    request: Request,
) -> dict[str, bool]:
    try:
        result = newsletter.subscribe(session, request.app.state.key_ring, profile_id, body.email)
    except newsletter.InvalidEmailError as exc:
        raise HTTPException(422, "Ugyldig e-mailadresse.") from exc
    session.commit()
    smtp = smtp_settings(settings)
    mailed = False
    if smtp is not None:
        link = f"{settings.public_base_url}/nyhedsbrev/afmeld?token={result.unsubscribe_token}"
        try:
            portability.send_mail(
                smtp,
                newsletter.valid_email(body.email),
                "Du er tilmeldt nyhedsbrevet fra Ung Intake",
                newsletter.welcome_text_da(link),
                headers={
                    "List-Unsubscribe": f"<{link}>",
                    "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
                },
            )
            mailed = True
        except OSError:
            mailed = False
    return {"subscribed": True, "confirmation_mailed": mailed}


@router.delete("/newsletter")
def unsubscribe(profile_id: YouthProfile, session: SessionDep) -> dict[str, bool]:
    removed = newsletter.unsubscribe_profile(session, profile_id)
    session.commit()
    return {"unsubscribed": removed}
