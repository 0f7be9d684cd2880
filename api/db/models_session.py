"""Tables of the session rules (docs/counsellor.md, "Session rules"): when the youth last
wrote in an open handoff (idle check and close), and each organisation's opening hours and
transcript retention.

No text sits here: times, ids and an organisation's settings only.
"""

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from api.db import models, models_auth  # noqa: F401  (tables the foreign keys refer to)
from api.db.base import Base
from api.db.models_auth import UtcDateTime


class ConversationActivity(Base):
    """The youth's last message in an open handoff, and when they were asked "Er du der
    stadig?" (None: not since their last message). One row per handoff, gone with it."""

    __tablename__ = "conversation_activity"

    handoff_id: Mapped[str] = mapped_column(
        ForeignKey("handoffs.id", ondelete="CASCADE"), primary_key=True
    )
    last_youth_at: Mapped[datetime] = mapped_column(UtcDateTime(), index=True)
    idle_checked_at: Mapped[datetime | None] = mapped_column(UtcDateTime(), default=None)


class OrganisationSettings(Base):
    """An organisation's own rules: weekly opening hours (Europe/Copenhagen) and a transcript
    retention shorter than the platform's 2 years. A missing row or None: the platform's."""

    __tablename__ = "organisation_settings"

    organisation_id: Mapped[str] = mapped_column(
        ForeignKey("organisations.id", ondelete="CASCADE"), primary_key=True
    )
    # [[weekday 0=Monday, opening minute, closing minute], ...] local time; None: not set.
    opening_hours: Mapped[list[Any] | None] = mapped_column(JSON, default=None)
    # As the operator wrote it ("man-fre 14-22"), shown back by `intake orgs hours`.
    opening_hours_text: Mapped[str | None] = mapped_column(String(200), default=None)
    transcript_retention_days: Mapped[int | None] = mapped_column(default=None)
