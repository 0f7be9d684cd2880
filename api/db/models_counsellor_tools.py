"""Tables of the counsellors' tools: private notes on a conversation and canned replies.

A note is profile data: its text is anonymised and sealed with the profile's data key, exactly
like a transcript turn (api/services/notes.py is the only writer), exported with the profile
and erased with it (`profile_id` column, `ON DELETE CASCADE`). It is never sent to the youth.
Canned replies belong to an organisation and are the organisation's own wording, not personal
data: stored as plain text.
"""

import uuid
from datetime import UTC, datetime
from typing import ClassVar

from sqlalchemy import CheckConstraint, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from api.db import models, models_profiles  # noqa: F401  (tables the foreign keys refer to)
from api.db.base import Base
from api.db.encrypted import SealedBytes, guard_encrypted_columns
from api.db.models_auth import UtcDateTime
from api.db.models_profiles import PROFILE_ID_LENGTH
from privacy.crypto import FieldContext, Sealed

NOTE_KINDS = ("privat", "supervisor")
_NOTE_COLUMNS = {"text": "text_ciphertext"}


def _now() -> datetime:
    return datetime.now(UTC)


def _uuid() -> str:
    return uuid.uuid4().hex


class ConversationNote(Base):
    """A counsellor's private note, or a supervisor's note to the counsellor holding the
    conversation ("supervisor"). Neither is ever shown to the youth."""

    __tablename__ = "conversation_notes"
    __table_args__ = (CheckConstraint("kind IN ('privat', 'supervisor')", name="kind"),)
    __encrypted_attributes__: ClassVar[tuple[str, ...]] = ("text",)

    # Generated before encryption: the ciphertext is bound to it.
    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    profile_id: Mapped[str] = mapped_column(
        String(PROFILE_ID_LENGTH), ForeignKey("profiles.id", ondelete="CASCADE"), index=True
    )
    handoff_id: Mapped[str] = mapped_column(
        ForeignKey("handoffs.id", ondelete="CASCADE"), index=True
    )
    author_id: Mapped[str] = mapped_column(ForeignKey("counsellors.id"), index=True)
    kind: Mapped[str] = mapped_column(String(16))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=_now)
    text: Mapped[Sealed] = mapped_column("text_ciphertext", SealedBytes)

    def field_context(self, attribute: str) -> FieldContext:
        return self.context_for(attribute, row_id=self.id, profile_id=self.profile_id)

    @classmethod
    def context_for(cls, attribute: str, *, row_id: str, profile_id: str) -> FieldContext:
        return FieldContext(
            table=cls.__tablename__,
            column=_NOTE_COLUMNS[attribute],
            row_id=row_id,
            profile_id=profile_id,
        )


guard_encrypted_columns(ConversationNote)


class CannedReply(Base):
    """A ready-made Danish reply of an organisation; a supervisor keeps them."""

    __tablename__ = "canned_replies"

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=_uuid)
    organisation_id: Mapped[str] = mapped_column(ForeignKey("organisations.id"), index=True)
    title: Mapped[str] = mapped_column(String(80))
    text: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=_now)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=_now)
