"""Tables of the authorization server and of the organisations and their counsellors.

No secret is stored in the clear: passwords are argon2 hashes, client secrets, refresh tokens
and authorization codes are SHA-256 digests of high-entropy random values (api/auth/secrets.py).
"""

import uuid
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Date,
    DateTime,
    Dialect,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship
from sqlalchemy.types import TypeDecorator

from api.db.base import Base


class UtcDateTime(TypeDecorator[datetime]):
    """Timezone-aware UTC on every backend (SQLite hands back naive datetimes otherwise),
    so expiry comparisons never mix naive and aware values."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is not None and value.tzinfo is None:
            raise ValueError("naive datetime")
        return value.astimezone(UTC) if value is not None else None

    def process_result_value(self, value: Any, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        assert isinstance(value, datetime)
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def _now() -> datetime:
    return datetime.now(UTC)


def _uuid() -> str:
    return uuid.uuid4().hex


class Organisation(Base):
    """A municipality (`kommune`) or NGO accredited by Rådgivning Danmark."""

    __tablename__ = "organisations"

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=_uuid)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    kind: Mapped[str] = mapped_column(String(16))  # "kommune" | "ngo"
    accreditation_id: Mapped[str] = mapped_column(String(64), unique=True)
    accredited_on: Mapped[date] = mapped_column(Date)
    # How many conversations one counsellor may hold at once (a counsellor may have their own).
    conversation_cap: Mapped[int] = mapped_column(Integer, default=3, server_default="3")
    created_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=_now)

    counsellors: Mapped[list["Counsellor"]] = relationship(back_populates="organisation")


class Counsellor(Base):
    """A person who logs in to the console; only with both attestations valid."""

    __tablename__ = "counsellors"

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=_uuid)
    organisation_id: Mapped[str] = mapped_column(ForeignKey("organisations.id"), index=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)  # stored lower-cased
    display_name: Mapped[str] = mapped_column(String(200))
    password_hash: Mapped[str] = mapped_column(String(255))
    # Space-separated scopes this person may be granted (e.g. "counsellor:chat profile:self").
    scopes: Mapped[str] = mapped_column(String(255))
    straffeattest_issued_on: Mapped[date] = mapped_column(Date)
    boerneattest_issued_on: Mapped[date] = mapped_column(Date)
    disabled_at: Mapped[datetime | None] = mapped_column(UtcDateTime(), default=None)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=_now)
    # "counsellor" or "supervisor" (sees and steers the whole organisation's conversations).
    role: Mapped[str] = mapped_column(String(16), default="counsellor", server_default="counsellor")
    # Own cap on concurrent conversations; None: the organisation's `conversation_cap`.
    conversation_cap: Mapped[int | None] = mapped_column(Integer, default=None)

    organisation: Mapped[Organisation] = relationship(back_populates="counsellors")


class RoutingRule(Base):
    """Which handoffs an organisation takes: all, those with a tag, or those of an age band."""

    __tablename__ = "routing_rules"
    __table_args__ = (UniqueConstraint("organisation_id", "kind", "value"),)

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=_uuid)
    organisation_id: Mapped[str] = mapped_column(ForeignKey("organisations.id"), index=True)
    kind: Mapped[str] = mapped_column(String(16))  # "all" | "tag" | "age_band"
    value: Mapped[str] = mapped_column(String(32), default="")  # "" for "all"
    created_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=_now)


class OAuthClient(Base):
    """A registered OAuth2 client: the console (public, code + PKCE) or the action server
    (confidential, client credentials)."""

    __tablename__ = "oauth_clients"

    client_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    secret_hash: Mapped[str | None] = mapped_column(String(64), default=None)
    # "none" (public client) or "client_secret_basic".
    token_endpoint_auth_method: Mapped[str] = mapped_column(String(32))
    grant_types: Mapped[list[str]] = mapped_column(JSON, default=list)
    redirect_uris: Mapped[list[str]] = mapped_column(JSON, default=list)
    scopes: Mapped[str] = mapped_column(String(255))
    disabled_at: Mapped[datetime | None] = mapped_column(UtcDateTime(), default=None)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=_now)


class AuthorizationCode(Base):
    """A one-time code; kept after use (used_at) so a replay can revoke what it issued."""

    __tablename__ = "oauth_authorization_codes"

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=_uuid)
    code_hash: Mapped[str] = mapped_column(String(64), unique=True)
    client_id: Mapped[str] = mapped_column(ForeignKey("oauth_clients.client_id"), index=True)
    counsellor_id: Mapped[str] = mapped_column(ForeignKey("counsellors.id"), index=True)
    redirect_uri: Mapped[str] = mapped_column(Text)
    scope: Mapped[str] = mapped_column(String(255))
    code_challenge: Mapped[str] = mapped_column(String(128))
    code_challenge_method: Mapped[str] = mapped_column(String(8))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=_now)
    expires_at: Mapped[datetime] = mapped_column(UtcDateTime())
    used_at: Mapped[datetime | None] = mapped_column(UtcDateTime(), default=None)
    # The token family the code was exchanged for (revoked if the code is replayed).
    family_id: Mapped[str | None] = mapped_column(String(32), default=None)


class TokenFamily(Base):
    """One login: every refresh token rotated from it, and the access tokens they issued
    (their `sid` claim). Revoking the family ends all of them at once."""

    __tablename__ = "oauth_token_families"

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=_uuid)
    client_id: Mapped[str] = mapped_column(ForeignKey("oauth_clients.client_id"), index=True)
    counsellor_id: Mapped[str] = mapped_column(ForeignKey("counsellors.id"), index=True)
    scope: Mapped[str] = mapped_column(String(255))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=_now)
    expires_at: Mapped[datetime] = mapped_column(UtcDateTime())
    revoked_at: Mapped[datetime | None] = mapped_column(UtcDateTime(), default=None)
    revoked_reason: Mapped[str | None] = mapped_column(String(32), default=None)


class RefreshToken(Base):
    """A refresh token; valid once (used_at marks its rotation)."""

    __tablename__ = "oauth_refresh_tokens"

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=_uuid)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    family_id: Mapped[str] = mapped_column(ForeignKey("oauth_token_families.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=_now)
    used_at: Mapped[datetime | None] = mapped_column(UtcDateTime(), default=None)

    family: Mapped[TokenFamily] = relationship()


class RevokedAccessToken(Base):
    """`jti` of an access token revoked before it expired (RFC 7009); prunable after exp."""

    __tablename__ = "oauth_revoked_access_tokens"

    jti: Mapped[str] = mapped_column(String(64), primary_key=True)
    expires_at: Mapped[datetime] = mapped_column(UtcDateTime(), index=True)


class LoginFailure(Base):
    """A failed login, counted per account and per IP for rate limiting. Both keys are
    SHA-256 digests: a password typed into the e-mail field never sits here readable."""

    __tablename__ = "login_failures"

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=_uuid)
    account_key: Mapped[str] = mapped_column(String(64), index=True)
    ip_key: Mapped[str] = mapped_column(String(64), index=True)
    at: Mapped[datetime] = mapped_column(UtcDateTime(), default=_now, index=True)
