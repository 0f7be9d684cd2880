"""Per-organisation transcript retention: an organisation may keep transcripts shorter than the
platform's 2 years (`intake orgs retention ORG 30d`; 30 days is common in Danish chat
counselling). Part of every retention run (`intake retention run`, the api's daily job).

A profile's transcript goes when its last activity is older than the shortest retention of
the organisations that handled one of its conversations (held it: a handoff assignment), and
none of its conversations is still open. Only the transcript goes (and the tag corrections
that point into it): the profile, its consents, its conversations' metadata and the
statistics stay until the platform's retention or erasure. Each deletion is one erasure-log
entry with the reason `org_retention` and a row count, never an id or content.
"""

import logging
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session, sessionmaker

from api.db.models import Handoff
from api.db.models_profiles import Profile, TranscriptEntry
from api.db.models_queue import HandoffAssignment
from api.db.models_rights import ErasureLogEntry
from api.db.models_session import OrganisationSettings
from api.services import profiles
from api.services.handoffs import OPEN_STATUSES

logger = logging.getLogger(__name__)

REASON = "org_retention"


@dataclass
class OrgRetentionReport:
    due: int = 0  # profiles whose transcript is past their organisations' retention
    transcripts_deleted: int = 0
    entries_deleted: int = 0


def due_profiles(session: Session, now: datetime) -> list[str]:
    """Profiles with stored transcript entries that an organisation's retention has passed."""
    shortest = (
        select(
            Handoff.conversation_id.label("profile_id"),
            func.min(OrganisationSettings.transcript_retention_days).label("days"),
        )
        .join(HandoffAssignment, HandoffAssignment.handoff_id == Handoff.id)
        .join(
            OrganisationSettings,
            OrganisationSettings.organisation_id == HandoffAssignment.organisation_id,
        )
        .where(OrganisationSettings.transcript_retention_days.is_not(None))
        .group_by(Handoff.conversation_id)
        .subquery()
    )
    rows = session.execute(
        select(Profile.id, Profile.last_activity_at, shortest.c.days)
        .join(shortest, shortest.c.profile_id == Profile.id)
        .order_by(Profile.id)
    ).all()
    due: list[str] = []
    for profile_id, last_activity_at, days in rows:
        # SQLite hands back naive datetimes for DateTime(timezone=True); they were stored as UTC.
        last = last_activity_at if last_activity_at.tzinfo else last_activity_at.replace(tzinfo=UTC)
        if last >= now - timedelta(days=int(days)):
            continue
        still_open = session.scalar(
            select(Handoff.id)
            .where(Handoff.conversation_id == profile_id, Handoff.status.in_(OPEN_STATUSES))
            .limit(1)
        )
        has_text = session.scalar(
            select(TranscriptEntry.id).where(TranscriptEntry.profile_id == profile_id).limit(1)
        )
        if still_open is None and has_text is not None:
            due.append(profile_id)
    return due


def run(
    sessions: sessionmaker[Session], *, now: datetime, dry_run: bool = False
) -> OrgRetentionReport:
    """Delete (or with `dry_run` only count) the transcripts that are due, one transaction per
    profile."""
    with sessions() as session:
        due = due_profiles(session, now)
    report = OrgRetentionReport(due=len(due))
    if dry_run:
        return report
    for profile_id in due:
        with sessions.begin() as session:
            deleted = profiles.rowcount(
                session.execute(
                    delete(TranscriptEntry).where(TranscriptEntry.profile_id == profile_id)
                )
            )
            session.add(
                ErasureLogEntry(at=now, reason=REASON, counts={"transcript_entries": deleted})
            )
        report.transcripts_deleted += 1
        report.entries_deleted += deleted
    if report.due:
        logger.info(
            "organisation retention: %d transcripts deleted (%d entries)",
            report.transcripts_deleted,
            report.entries_deleted,
        )
    return report
