"""Canned replies: an organisation's ready-made Danish answers, inserted by a counsellor with
"/" in the console. Supervisors of the organisation create, edit and delete them; every new
organisation starts with `DEFAULTS`. Nobody sees another organisation's replies ("not found").
"""

import logging
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from api.db.models_counsellor_tools import CannedReply

logger = logging.getLogger(__name__)

MAX_TITLE = 80
MAX_TEXT = 2000

DEFAULTS: tuple[tuple[str, str], ...] = (
    (
        "Velkommen",
        "Hej, jeg hedder … og er rådgiver her. Tak fordi du skriver. Du er anonym, og du "
        "bestemmer selv, hvad du vil fortælle. Hvad har du lyst til at starte med?",
    ),
    (
        "Tager mig tid",
        "Tak fordi du fortæller mig det. Jeg tager mig tid til at læse det ordentligt, "
        "så der kan gå et øjeblik, før jeg svarer.",
    ),
    (
        "Akut hjælp",
        "Hvis du er i fare lige nu, så ring 112. Du kan også ringe til Livslinien på "
        "70 201 201 eller Børnetelefonen på 116 111 – de har tavshedspligt.",
    ),
    (
        "Er du der stadig?",
        "Er du der stadig? Det er helt okay at tage en pause. Skriv, når du er klar.",
    ),
    (
        "Afslutning",
        "Tak for snakken. Du er altid velkommen til at skrive igen, hvis du får brug for det.",
    ),
)


class CannedReplyError(ValueError):
    """Empty or too long title or text (the route answers 422)."""


class CannedReplyNotFoundError(LookupError):
    """No such reply in the caller's organisation."""


@dataclass(frozen=True)
class Reply:
    id: str
    title: str
    text: str


def _checked(title: str, text: str) -> tuple[str, str]:
    title, text = title.strip(), text.strip()
    if not title or len(title) > MAX_TITLE or not text or len(text) > MAX_TEXT:
        raise CannedReplyError("title 1-80 and text 1-2000 characters")
    return title, text


def seed_defaults(session: Session, organisation_id: str) -> None:
    """The starting set of a new organisation (the caller commits)."""
    for title, text in DEFAULTS:
        session.add(CannedReply(organisation_id=organisation_id, title=title, text=text))


def list_replies(session: Session, organisation_id: str) -> list[Reply]:
    rows = session.scalars(
        select(CannedReply)
        .where(CannedReply.organisation_id == organisation_id)
        .order_by(CannedReply.title, CannedReply.id)
    )
    return [Reply(r.id, r.title, r.text) for r in rows]


def create(session: Session, organisation_id: str, title: str, text: str) -> Reply:
    title, text = _checked(title, text)
    row = CannedReply(organisation_id=organisation_id, title=title, text=text)
    session.add(row)
    session.commit()
    logger.info("canned reply %s created in organisation %s", row.id, organisation_id)
    return Reply(row.id, row.title, row.text)


def _own(session: Session, organisation_id: str, reply_id: str) -> CannedReply:
    row = session.get(CannedReply, reply_id)
    if row is None or row.organisation_id != organisation_id:
        raise CannedReplyNotFoundError(reply_id)
    return row


def update(session: Session, organisation_id: str, reply_id: str, title: str, text: str) -> Reply:
    title, text = _checked(title, text)
    row = _own(session, organisation_id, reply_id)
    row.title, row.text, row.updated_at = title, text, datetime.now(UTC)
    session.commit()
    logger.info("canned reply %s updated", row.id)
    return Reply(row.id, row.title, row.text)


def delete(session: Session, organisation_id: str, reply_id: str) -> None:
    row = _own(session, organisation_id, reply_id)
    session.delete(row)
    session.commit()
    logger.info("canned reply %s deleted", reply_id)
