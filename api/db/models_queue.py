"""Tables of the counsellors' side: who holds a handoff, how it ended, which tags a counsellor
corrected, and which consoles are online.

No text sits here: a tag correction points at the (encrypted, anonymised) transcript entry it
is about, so the tagger's feedback export decrypts that one entry and nothing else.
"""

import uuid
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from api.db import models, models_profiles  # noqa: F401  (tables the foreign keys refer to)
from api.db.base import Base
from api.db.models_auth import UtcDateTime


def _now() -> datetime:
    return datetime.now(UTC)


def _uuid() -> str:
    return uuid.uuid4().hex


class HandoffAssignment(Base):
    """The counsellor who holds a handoff (one row per handoff while it is claimed or closed).

    Created in the same transaction as the conditional `UPDATE handoffs SET status='active'
    WHERE status='waiting'` that decides who wins a claim; deleted on release."""

    __tablename__ = "handoff_assignments"

    handoff_id: Mapped[str] = mapped_column(
        ForeignKey("handoffs.id", ondelete="CASCADE"), primary_key=True
    )
    counsellor_id: Mapped[str] = mapped_column(ForeignKey("counsellors.id"), index=True)
    organisation_id: Mapped[str] = mapped_column(ForeignKey("organisations.id"), index=True)
    claimed_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=_now)
    # Seconds the youth waited before this claim (for the estimated wait shown to others).
    waited_seconds: Mapped[int] = mapped_column(default=0)
    closed_at: Mapped[datetime | None] = mapped_column(UtcDateTime(), default=None)
    outcome: Mapped[str | None] = mapped_column(String(32), default=None)
    # "Henvist til" of the post-conversation form (queue.REFERRALS ids).
    referral: Mapped[str | None] = mapped_column(String(32), default=None)


class TagCorrection(Base):
    """A counsellor's correction of the tagger's tags: feedback for retraining."""

    __tablename__ = "tag_corrections"

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=_uuid)
    handoff_id: Mapped[str] = mapped_column(
        ForeignKey("handoffs.id", ondelete="CASCADE"), index=True
    )
    # The transcript entry (the youth's problem description, anonymised and encrypted) the
    # tags describe; None when nothing was stored (no consent).
    transcript_entry_id: Mapped[str | None] = mapped_column(
        ForeignKey("transcript_entries.id", ondelete="CASCADE"), default=None
    )
    counsellor_id: Mapped[str] = mapped_column(ForeignKey("counsellors.id"), index=True)
    organisation_id: Mapped[str] = mapped_column(ForeignKey("organisations.id"), index=True)
    previous_tags: Mapped[list[Any]] = mapped_column(JSON, default=list)
    tags: Mapped[list[str]] = mapped_column(JSON, default=list)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=_now)


class CounsellorPresence(Base):
    """One open console connection. Rows older than the presence timeout are ignored (a
    crashed process cannot delete its rows), so "online" works across api replicas."""

    __tablename__ = "counsellor_presence"

    sid: Mapped[str] = mapped_column(String(64), primary_key=True)
    counsellor_id: Mapped[str] = mapped_column(ForeignKey("counsellors.id"), index=True)
    organisation_id: Mapped[str] = mapped_column(ForeignKey("organisations.id"), index=True)
    last_seen: Mapped[datetime] = mapped_column(UtcDateTime(), default=_now, index=True)
