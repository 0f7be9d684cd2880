"""Duty to report (underretning): the audit of what happened, and the contact details a youth
chose to give with their own explicit consent.

The audit (`underretning_events`) holds ids, an action and a time, never message content. The
contact details are sealed under the profile's data key like every stored text, bound to their
row, and belong to the organisation that held the conversation.
"""

import uuid
from datetime import UTC, datetime
from typing import ClassVar

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from api.db import models, models_profiles  # noqa: F401  (tables the foreign keys refer to)
from api.db.base import Base
from api.db.encrypted import SealedBytes, guard_encrypted_columns
from api.db.models_auth import UtcDateTime
from api.db.models_profiles import PROFILE_ID_LENGTH
from privacy.crypto import FieldContext, Sealed


def _now() -> datetime:
    return datetime.now(UTC)


def _uuid() -> str:
    return uuid.uuid4().hex


class UnderretningEvent(Base):
    """One step: `marked` (by a counsellor), `declined`, `consented` (by the youth)."""

    __tablename__ = "underretning_events"

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=_uuid)
    handoff_id: Mapped[str] = mapped_column(
        ForeignKey("handoffs.id", ondelete="CASCADE"), index=True
    )
    organisation_id: Mapped[str] = mapped_column(String(32), index=True)
    counsellor_id: Mapped[str | None] = mapped_column(String(32), default=None)
    action: Mapped[str] = mapped_column(String(16))
    at: Mapped[datetime] = mapped_column(UtcDateTime(), default=_now)


class ContactDetails(Base):
    """Name, phone, address as the youth wrote them (free text), sealed."""

    __tablename__ = "contact_details"
    __encrypted_attributes__: ClassVar[tuple[str, ...]] = ("details",)

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=_uuid)
    profile_id: Mapped[str] = mapped_column(
        String(PROFILE_ID_LENGTH), ForeignKey("profiles.id", ondelete="CASCADE"), index=True
    )
    handoff_id: Mapped[str] = mapped_column(
        ForeignKey("handoffs.id", ondelete="CASCADE"), index=True
    )
    organisation_id: Mapped[str] = mapped_column(String(32), index=True)
    details: Mapped[Sealed] = mapped_column("details_ciphertext", SealedBytes)
    given_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=_now)

    def field_context(self, attribute: str) -> FieldContext:
        return self.context_for(attribute, row_id=self.id, profile_id=self.profile_id)

    @classmethod
    def context_for(cls, attribute: str, *, row_id: str, profile_id: str) -> FieldContext:
        if attribute != "details":
            raise KeyError(attribute)
        return FieldContext(
            table=cls.__tablename__,
            column="details_ciphertext",
            row_id=row_id,
            profile_id=profile_id,
        )


guard_encrypted_columns(ContactDetails)
