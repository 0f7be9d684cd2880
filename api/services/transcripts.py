"""Transcripts: every turn is anonymised, then sealed under the profile's data key, then stored.

`append` is the only way text reaches `transcript_entries`: the column accepts nothing but a
ciphertext sealed for its own row (api/db/encrypted.py). There is no default anonymiser: a
caller that has none must say so explicitly rather than store raw text by omission.
"""

import logging
import re
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import cast

from sqlalchemy import Table, insert, select
from sqlalchemy.orm import Session

from api.db.models_profiles import PROFILE_ID_LENGTH, ROLES, TranscriptEntry
from api.services import profiles
from privacy.crypto import DataKey, KeyProvider, data_key_version_of, seal, unseal

logger = logging.getLogger(__name__)

Anonymiser = Callable[[str], str]

_TAG = re.compile(r"^[a-z][a-z_]{0,39}$")
_PROFILE_ID = re.compile(rf"^[A-Za-z0-9_-]{{1,{PROFILE_ID_LENGTH}}}$")
_CLIENT_MESSAGE_ID = re.compile(r"^[A-Za-z0-9_-]{8,64}$")


def is_valid_client_message_id(value: object) -> bool:
    return isinstance(value, str) and bool(_CLIENT_MESSAGE_ID.fullmatch(value))


@dataclass(frozen=True)
class Appended:
    id: str
    seq: int


# Core insert, built once: the ORM unit of work doubled the cost of a turn. The column type
# (SealedBytes) still refuses anything but a Sealed value.
_INSERT = insert(cast(Table, TranscriptEntry.__table__))


@dataclass(frozen=True)
class Turn:
    seq: int
    role: str
    created_at: datetime
    tags: list[str]
    text: str

    def __repr__(self) -> str:  # keeps transcripts out of tracebacks and debug logs
        return f"Turn(seq={self.seq}, role={self.role!r}, tags={self.tags!r})"


def _check_inputs(profile_id: str, role: str, tags: Sequence[str], anonymise: object) -> None:
    if not _PROFILE_ID.fullmatch(profile_id):
        raise ValueError("profile id must be 1-64 characters of A-Z a-z 0-9 _ -")
    if role not in ROLES:
        raise ValueError(f"role must be one of {ROLES}")
    # Tags are taxonomy ids; anything looking like free text would leak past the encryption.
    if any(not isinstance(tag, str) or not _TAG.fullmatch(tag) for tag in tags):
        raise ValueError("tags must be taxonomy ids (lower-case letters and _)")
    if not callable(anonymise):
        raise TypeError("anonymise must be a callable str -> str")


def append(
    session: Session,
    profile_id: str,
    role: str,
    text: str,
    tags: Sequence[str] = (),
    *,
    keys: KeyProvider,
    anonymise: Anonymiser,
    now: datetime | None = None,
    client_message_id: str | None = None,
) -> Appended:
    """Anonymise, encrypt and append one turn; creates the profile on its first turn.

    `client_message_id` is the sender's id for the message: the unique index on
    (profile_id, client_message_id) refuses a second copy (see `find_client_message`).
    Does not commit: the caller owns the transaction.
    """
    _check_inputs(profile_id, role, tags, anonymise)
    if client_message_id is not None and not _CLIENT_MESSAGE_ID.fullmatch(client_message_id):
        raise ValueError("client message id must be 8-64 characters of A-Z a-z 0-9 _ -")
    clean = anonymise(text)
    if not isinstance(clean, str):
        raise TypeError("anonymise must return str")
    now = now or profiles.now_utc()
    slot = profiles.claim_turn(session, profile_id, now)
    if slot is None:
        profiles.create_profile(session, keys, profile_id, now)
        slot = profiles.claim_turn(session, profile_id, now)
        if slot is None:  # erased between the two statements
            raise profiles.ProfileKeyMissingError("profile vanished while appending")
    key = profiles.data_key(session, keys, profile_id, slot.data_key_version, slot.wrapped_key)
    row_id = uuid.uuid4().hex
    context = TranscriptEntry.context_for("text", row_id=row_id, profile_id=profile_id)
    session.execute(
        _INSERT,
        {
            "id": row_id,
            "profile_id": profile_id,
            "seq": slot.seq,
            "role": role,
            "created_at": now,
            "tags": list(tags),
            "text_ciphertext": seal(key, context, clean),
            "client_message_id": client_message_id,
        },
    )
    logger.debug("transcript entry %d appended (role %s)", slot.seq, role)
    return Appended(id=row_id, seq=slot.seq)


def find_client_message(session: Session, profile_id: str, client_message_id: str) -> int | None:
    """The sequence number of the turn stored under this client message id, if any."""
    seq: int | None = session.scalar(
        select(TranscriptEntry.seq).where(
            TranscriptEntry.profile_id == profile_id,
            TranscriptEntry.client_message_id == client_message_id,
        )
    )
    return seq


def read(session: Session, profile_id: str, *, keys: KeyProvider) -> list[Turn]:
    """The decrypted transcript of a profile, in order (for export and the counsellor)."""
    entries = session.scalars(
        select(TranscriptEntry)
        .where(TranscriptEntry.profile_id == profile_id)
        .order_by(TranscriptEntry.seq)
    ).all()
    data_keys: dict[int, DataKey] = {}
    turns = []
    for entry in entries:
        version = data_key_version_of(entry.text.blob)
        if version not in data_keys:
            data_keys[version] = profiles.data_key(session, keys, profile_id, version)
        turns.append(
            Turn(
                seq=entry.seq,
                role=entry.role,
                created_at=entry.created_at,
                tags=list(entry.tags),
                text=unseal(data_keys[version], entry.field_context("text"), entry.text),
            )
        )
    return turns
