"""Retention: profile data is deleted 2 years after the relationship ends (the profile's last
activity); an organisation's shorter transcript retention is applied first (org_retention.py).
A newsletter address stays until unsubscribed (with the key that seals it); all else of such a
profile goes. Each deletion is an erasure-log entry without content.

The same run prunes expired OAuth records (deny list, authorization codes, token families).

`run` is called by `intake retention run [--dry-run]` and by the api's daily job; the clock is
a parameter so the boundary can be tested exactly.
"""

import logging
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from sqlalchemy import Engine, delete, select
from sqlalchemy.orm import Session, sessionmaker

from api.db.models_auth import AuthorizationCode, RefreshToken, RevokedAccessToken, TokenFamily
from api.db.models_profiles import Profile
from api.services import erasure, org_retention, profiles

logger = logging.getLogger(__name__)

RETENTION_YEARS = 2


def cutoff(now: datetime, years: int = RETENTION_YEARS) -> datetime:
    """The same moment `years` calendar years earlier (29 February falls back to the 28th)."""
    try:
        return now.replace(year=now.year - years)
    except ValueError:
        return now.replace(year=now.year - years, day=28)


@dataclass
class RetentionReport:
    cutoff: datetime
    dry_run: bool
    due: int = 0
    erased: int = 0
    kept_for_newsletter: int = 0
    rows_deleted: dict[str, int] = field(default_factory=dict)
    auth_rows_pruned: dict[str, int] = field(default_factory=dict)
    # Transcripts deleted earlier by an organisation's shorter retention (org_retention.py).
    organisation_retention: org_retention.OrgRetentionReport = field(
        default_factory=org_retention.OrgRetentionReport
    )


# OAuth records are kept a day past their expiry (replays of an expired code or token are
# refused by expiry alone), then pruned by the same run.
AUTH_GRACE = timedelta(days=1)


def prune_expired_auth(session: Session, now: datetime) -> dict[str, int]:
    """Delete expired deny-list entries, authorization codes and token families (with their
    refresh tokens). Returns row counts per table."""
    horizon = now - AUTH_GRACE
    expired_families = select(TokenFamily.id).where(TokenFamily.expires_at < horizon)
    counts = {
        RevokedAccessToken.__tablename__: profiles.rowcount(
            session.execute(
                delete(RevokedAccessToken).where(RevokedAccessToken.expires_at < horizon)
            )
        ),
        AuthorizationCode.__tablename__: profiles.rowcount(
            session.execute(delete(AuthorizationCode).where(AuthorizationCode.expires_at < horizon))
        ),
        RefreshToken.__tablename__: profiles.rowcount(
            session.execute(
                delete(RefreshToken).where(RefreshToken.family_id.in_(expired_families))
            )
        ),
    }
    counts[TokenFamily.__tablename__] = profiles.rowcount(
        session.execute(delete(TokenFamily).where(TokenFamily.expires_at < horizon))
    )
    return {table: n for table, n in counts.items() if n}


def due_profiles(session: Session, now: datetime) -> list[str]:
    return list(
        session.scalars(
            select(Profile.id).where(Profile.last_activity_at < cutoff(now)).order_by(Profile.id)
        )
    )


def run(
    sessions: sessionmaker[Session],
    *,
    now: datetime | None = None,
    dry_run: bool = False,
    engine: Engine | None = None,
) -> RetentionReport:
    """Delete (or with `dry_run` only count) every profile past retention, one transaction per
    profile so a failure leaves the others done."""
    now = now or datetime.now(UTC)
    with sessions() as session:
        due = due_profiles(session, now)
    report = RetentionReport(cutoff=cutoff(now), dry_run=dry_run, due=len(due))
    report.organisation_retention = org_retention.run(sessions, now=now, dry_run=dry_run)
    if dry_run:
        logger.info("retention dry run: %d profiles past %s", len(due), report.cutoff.date())
        return report
    for profile_id in due:
        with sessions.begin() as session:
            result = erasure.erase(
                session, profile_id, reason="retention", now=now, keep_newsletter=True
            )
            still_there = session.get(Profile, profile_id) is not None
        if result.erased:
            report.erased += 1
            for table, count in result.counts.items():
                report.rows_deleted[table] = report.rows_deleted.get(table, 0) + count
        if still_there:
            report.kept_for_newsletter += 1
    with sessions.begin() as session:
        report.auth_rows_pruned = prune_expired_auth(session, now)
    if report.erased and engine is not None:
        profiles.checkpoint_after_erasure(engine)
    logger.info(
        "retention run: %d due, %d erased, %d kept only for the newsletter",
        report.due,
        report.erased,
        report.kept_for_newsletter,
    )
    return report
