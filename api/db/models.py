"""Typed tables. Profile text never sits here in the clear (see privacy/ for encrypted text)."""

import uuid
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import JSON, DateTime, String
from sqlalchemy.orm import Mapped, mapped_column

from api.db.base import Base


def _now() -> datetime:
    return datetime.now(UTC)


def _uuid() -> str:
    return uuid.uuid4().hex


class Handoff(Base):
    """A conversation waiting for (or with) a counsellor, with what the bot learned."""

    __tablename__ = "handoffs"

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=_uuid)
    conversation_id: Mapped[str] = mapped_column(String(64), index=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=_now)
    status: Mapped[str] = mapped_column(String(16), default="waiting")
    priority: Mapped[str] = mapped_column(String(16))
    gender: Mapped[str] = mapped_column(String(16))
    age_band: Mapped[str] = mapped_column(String(16))
    crisis: Mapped[bool]
    tagger_status: Mapped[str] = mapped_column(String(16))
    # [{"tag": id, "score": probability | null}], ordered by score; ids only, never text.
    tags: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)


# Auth tables live in their own module; importing it registers them on Base.metadata.
from api.db import models_auth  # noqa: E402, F401
