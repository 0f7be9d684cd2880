"""Tables of the data-subject rights: consent ledger, the browser's credential, newsletter,
closed-conversation records, erasure log and the statistics aggregates.

Two kinds, as in the design: **profile data** carries `profile_id` and is exported and erased
with the profile (consent records, credentials, newsletter, closed-conversation records);
**aggregates** and the **erasure log** carry no profile id and survive erasure.
"""

import uuid
from datetime import UTC, datetime
from typing import Any, ClassVar

from sqlalchemy import JSON, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from api.db.base import Base
from api.db.encrypted import SealedBytes, guard_encrypted_columns
from api.db.models_auth import UtcDateTime
from api.db.models_profiles import PROFILE_ID_LENGTH
from privacy.crypto import FieldContext, Sealed

# `underretning`: the youth chose to give contact details for a possible report to the
# municipality (api/services/underretning.py); its own explicit consent.
PURPOSES = ("service", "statistics", "newsletter", "underretning")


def _now() -> datetime:
    return datetime.now(UTC)


def _uuid() -> str:
    return uuid.uuid4().hex


class ConsentRecord(Base):
    """One consent given: to which purposes, under which policy text (version + SHA-256)."""

    __tablename__ = "consent_records"

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=_uuid)
    profile_id: Mapped[str] = mapped_column(
        String(PROFILE_ID_LENGTH), ForeignKey("profiles.id", ondelete="CASCADE"), index=True
    )
    purposes: Mapped[list[str]] = mapped_column(JSON)
    policy_version: Mapped[str] = mapped_column(String(32))
    policy_sha256: Mapped[str] = mapped_column(String(64))
    given_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=_now)
    withdrawn_at: Mapped[datetime | None] = mapped_column(UtcDateTime(), default=None)


class ProfileCredential(Base):
    """The browser's secret for its own profile (SHA-256 digest only); exchanged at the token
    endpoint for a `profile:self` access token (api/auth/youth_grant.py)."""

    __tablename__ = "profile_credentials"

    profile_id: Mapped[str] = mapped_column(
        String(PROFILE_ID_LENGTH), ForeignKey("profiles.id", ondelete="CASCADE"), primary_key=True
    )
    secret_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=_now)


class NewsletterSubscription(Base):
    """An e-mail address for the newsletter, sealed under the profile's data key."""

    __tablename__ = "newsletter_subscriptions"
    __encrypted_attributes__: ClassVar[tuple[str, ...]] = ("email",)

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    profile_id: Mapped[str] = mapped_column(
        String(PROFILE_ID_LENGTH),
        ForeignKey("profiles.id", ondelete="CASCADE"),
        unique=True,
    )
    email: Mapped[Sealed] = mapped_column("email_ciphertext", SealedBytes)
    unsubscribe_hash: Mapped[str] = mapped_column(String(64), unique=True)
    subscribed_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=_now)

    def field_context(self, attribute: str) -> FieldContext:
        return self.context_for(attribute, row_id=self.id, profile_id=self.profile_id)

    @classmethod
    def context_for(cls, attribute: str, *, row_id: str, profile_id: str) -> FieldContext:
        if attribute != "email":
            raise KeyError(attribute)
        return FieldContext(
            table=cls.__tablename__, column="email_ciphertext", row_id=row_id, profile_id=profile_id
        )


guard_encrypted_columns(NewsletterSubscription)


class ClosedConversation(Base):
    """What a closed conversation added to the aggregates. Profile data (exported, erased):
    it lets rectification move the counts, and is deleted with the profile while the counts
    stay."""

    __tablename__ = "closed_conversations"

    handoff_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    profile_id: Mapped[str] = mapped_column(String(PROFILE_ID_LENGTH), index=True)
    organisation_id: Mapped[str] = mapped_column(String(32))
    month: Mapped[str] = mapped_column(String(7))
    gender: Mapped[str] = mapped_column(String(16))
    age_band: Mapped[str] = mapped_column(String(16))
    tags: Mapped[list[str]] = mapped_column(JSON, default=list)
    counted: Mapped[bool] = mapped_column(default=True)
    closed_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=_now)


class StatsCell(Base):
    """Conversations closed per organisation × month × gender × age band × tag. No profile id.

    A conversation with several tags counts once in each of its tags' cells; one without tags
    counts under `UNTAGGED`. `organisation_id` is "" when no organisation handled it."""

    __tablename__ = "stats_cells"
    __table_args__ = (UniqueConstraint("organisation_id", "month", "gender", "age_band", "tag"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    organisation_id: Mapped[str] = mapped_column(String(32), index=True)
    month: Mapped[str] = mapped_column(String(7))
    gender: Mapped[str] = mapped_column(String(16))
    age_band: Mapped[str] = mapped_column(String(16))
    tag: Mapped[str] = mapped_column(String(40))
    count: Mapped[int] = mapped_column(Integer, default=0)


class OutcomeCell(Base):
    """Conversations closed per organisation × month × outcome × referral. No profile id.

    Each closed conversation counts once: its outcome (the counsellor's form, or a system
    outcome such as `til_bot`, `inaktiv`, `slettet`) and its "henvist til" referral, ""
    when none. `organisation_id` is "" when no organisation handled it."""

    __tablename__ = "outcome_cells"
    __table_args__ = (UniqueConstraint("organisation_id", "month", "outcome", "referral"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    organisation_id: Mapped[str] = mapped_column(String(32), index=True)
    month: Mapped[str] = mapped_column(String(7))
    outcome: Mapped[str] = mapped_column(String(32))
    referral: Mapped[str] = mapped_column(String(32))
    count: Mapped[int] = mapped_column(Integer, default=0)


class ErasureLogEntry(Base):
    """That a deletion happened, why, and how many rows: never an id or any content."""

    __tablename__ = "erasure_log"

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=_uuid)
    at: Mapped[datetime] = mapped_column(UtcDateTime(), default=_now, index=True)
    # "request" | "withdrawal" | "retention" | "unsubscribe"
    reason: Mapped[str] = mapped_column(String(16))
    counts: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
