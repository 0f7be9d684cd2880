"""Notes on a conversation, never shown to the youth: a counsellor's private notes ("privat")
and a supervisor's notes to the counsellor holding it ("supervisor").

Like a transcript turn, a note is anonymised, then sealed with the profile's data key for its
own row (table, column, row id, profile id); `add` is the only writer. Notes are exported with
the profile (api/services/export.py) and go with it on erasure and retention (profile_id
foreign key), and nothing else can read them once the data key is shredded.
"""

import logging
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from api.db.models import Handoff
from api.db.models_counsellor_tools import NOTE_KINDS, ConversationNote
from api.db.models_profiles import Profile
from api.services import profiles
from api.services.transcripts import Anonymiser
from privacy.crypto import DataKey, KeyProvider, data_key_version_of, seal, unseal

logger = logging.getLogger(__name__)

MAX_NOTE_CHARS = 4000


class NoteError(ValueError):
    """Empty or too long note, or a kind that does not exist."""


class NoProfileError(LookupError):
    """The youth never consented (nothing of theirs may be stored), or was erased."""


@dataclass(frozen=True)
class Note:
    id: str
    handoff_id: str
    author_id: str
    kind: str
    created_at: datetime
    text: str

    def __repr__(self) -> str:  # keeps note text out of tracebacks and debug logs
        return f"Note(id={self.id!r}, kind={self.kind!r})"


def add(
    session: Session,
    handoff: Handoff,
    author_id: str,
    kind: str,
    text: str,
    *,
    keys: KeyProvider,
    anonymise: Anonymiser,
) -> Note:
    """Anonymise, seal and store a note on the handoff's conversation. Commits."""
    if kind not in NOTE_KINDS:
        raise NoteError("unknown kind")
    text = text.strip()
    if not text or len(text) > MAX_NOTE_CHARS:
        raise NoteError(f"a note has 1-{MAX_NOTE_CHARS} characters")
    profile_id = handoff.conversation_id
    profile = session.get(Profile, profile_id)
    if profile is None:
        raise NoProfileError("no consented profile")
    clean = anonymise(text)
    key = profiles.data_key(session, keys, profile_id, profile.data_key_version)
    row_id = uuid.uuid4().hex
    context = ConversationNote.context_for("text", row_id=row_id, profile_id=profile_id)
    now = datetime.now(UTC)
    session.add(
        ConversationNote(
            id=row_id,
            profile_id=profile_id,
            handoff_id=handoff.id,
            author_id=author_id,
            kind=kind,
            created_at=now,
            text=seal(key, context, clean),
        )
    )
    session.commit()
    logger.info("%s note %s added to handoff %s", kind, row_id, handoff.id)
    return Note(row_id, handoff.id, author_id, kind, now, clean)


def _read(session: Session, rows: list[ConversationNote], keys: KeyProvider) -> list[Note]:
    data_keys: dict[tuple[str, int], DataKey] = {}
    notes = []
    for row in rows:
        version = data_key_version_of(row.text.blob)
        if (row.profile_id, version) not in data_keys:
            data_keys[(row.profile_id, version)] = profiles.data_key(
                session, keys, row.profile_id, version
            )
        text = unseal(data_keys[(row.profile_id, version)], row.field_context("text"), row.text)
        notes.append(Note(row.id, row.handoff_id, row.author_id, row.kind, row.created_at, text))
    return notes


def for_handoff(session: Session, handoff_id: str, *, keys: KeyProvider) -> list[Note]:
    rows = session.scalars(
        select(ConversationNote)
        .where(ConversationNote.handoff_id == handoff_id)
        .order_by(ConversationNote.created_at, ConversationNote.id)
    ).all()
    return _read(session, list(rows), keys)


def for_profile(session: Session, profile_id: str, *, keys: KeyProvider) -> list[Note]:
    rows = session.scalars(
        select(ConversationNote)
        .where(ConversationNote.profile_id == profile_id)
        .order_by(ConversationNote.created_at, ConversationNote.id)
    ).all()
    return _read(session, list(rows), keys)
