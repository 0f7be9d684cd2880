"""Login rate limiting, per account and per client IP, kept in the database so that every api
replica counts the same failures. Checked before the password hash is computed, so an attack
costs the server almost nothing once the limit is reached."""

import logging
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from api.auth.secrets import digest
from api.db.models_auth import LoginFailure

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class ThrottlePolicy:
    max_failures_per_account: int
    max_failures_per_ip: int
    window_seconds: int


def account_key(email: str) -> str:
    return digest("account:" + email.strip().lower())


def ip_key(ip: str) -> str:
    return digest("ip:" + ip)


def is_throttled(
    session: Session, policy: ThrottlePolicy, email: str, ip: str, now: datetime | None = None
) -> bool:
    since = (now or datetime.now(UTC)) - timedelta(seconds=policy.window_seconds)
    by_account = session.scalar(
        select(func.count())
        .select_from(LoginFailure)
        .where(LoginFailure.account_key == account_key(email), LoginFailure.at >= since)
    )
    if (by_account or 0) >= policy.max_failures_per_account:
        logger.warning("login throttled for an account")
        return True
    by_ip = session.scalar(
        select(func.count())
        .select_from(LoginFailure)
        .where(LoginFailure.ip_key == ip_key(ip), LoginFailure.at >= since)
    )
    if (by_ip or 0) >= policy.max_failures_per_ip:
        logger.warning("login throttled for a client address")
        return True
    return False


def record_failure(session: Session, email: str, ip: str, now: datetime | None = None) -> None:
    session.add(
        LoginFailure(account_key=account_key(email), ip_key=ip_key(ip), at=now or datetime.now(UTC))
    )


def clear_account(session: Session, email: str) -> None:
    """After a successful login the account's earlier failures no longer count."""
    session.execute(delete(LoginFailure).where(LoginFailure.account_key == account_key(email)))


def prune(session: Session, policy: ThrottlePolicy, now: datetime | None = None) -> int:
    """Forget failures older than the window (they no longer count)."""
    before = (now or datetime.now(UTC)) - timedelta(seconds=policy.window_seconds)
    result = session.execute(delete(LoginFailure).where(LoginFailure.at < before))
    return int(getattr(result, "rowcount", 0) or 0)
