"""Export of all of a youth's own data at once, as one JSON document.

Every table that holds profile data (a `profile_id` or `conversation_id` column) must appear in
`COVERED_TABLES` and in the document; tests/rights/test_schema_coverage.py walks the schema and
fails when a new table is missed. Text is decrypted for the export (it is the youth's own);
the data key itself is not exported, only which key-encryption key wraps it.
"""

import logging
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from api.db.models import Handoff
from api.db.models_profiles import Profile, ProfileKey
from api.db.models_queue import HandoffAssignment, TagCorrection
from api.db.models_rights import ClosedConversation, ProfileCredential
from api.db.models_session import ConversationActivity
from api.services import consent_ledger, newsletter, notes, transcripts, underretning
from privacy.crypto import KeyProvider

logger = logging.getLogger(__name__)

FORMAT = "ung-intake-export/1"
COVERED_TABLES = frozenset(
    {
        "profiles",
        "profile_keys",
        "transcript_entries",
        "handoffs",
        "consent_records",
        "profile_credentials",
        "newsletter_subscriptions",
        "closed_conversations",
        "handoff_assignments",
        "tag_corrections",
        "conversation_activity",
        "underretning_events",
        "contact_details",
        "conversation_notes",
    }
)
NOTE_DA = (
    "Dette er alle de data, Ung Intake har om din anonyme profil. Samtalen er gemt "
    "anonymiseret (navne, telefonnumre o.l. er erstattet) og krypteret."
)


class ProfileNotFoundError(LookupError):
    """No such profile (never created, or erased)."""


def _iso(moment: datetime | None) -> str | None:
    if moment is None:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC).isoformat()


def _assignment(assignment: HandoffAssignment | None) -> dict[str, Any] | None:
    if assignment is None:
        return None
    return {
        "claimed_at": _iso(assignment.claimed_at),
        "waited_seconds": assignment.waited_seconds,
        "closed_at": _iso(assignment.closed_at),
        "outcome": assignment.outcome,
        "referral": assignment.referral,
    }


def export_profile(
    session: Session, keys: KeyProvider, profile_id: str, *, now: datetime | None = None
) -> dict[str, Any]:
    profile = session.get(Profile, profile_id)
    if profile is None:
        raise ProfileNotFoundError("no such profile")
    key_rows = session.scalars(select(ProfileKey).where(ProfileKey.profile_id == profile_id))
    handoff_rows = list(
        session.scalars(
            select(Handoff)
            .where(Handoff.conversation_id == profile_id)
            .order_by(Handoff.created_at)
        )
    )
    handoff_ids = [h.id for h in handoff_rows]
    # Who handled the case is the organisation's business; the youth sees when and how.
    assignments = {
        a.handoff_id: a
        for a in session.scalars(
            select(HandoffAssignment).where(HandoffAssignment.handoff_id.in_(handoff_ids))
        )
    }
    activity = {
        a.handoff_id: a
        for a in session.scalars(
            select(ConversationActivity).where(ConversationActivity.handoff_id.in_(handoff_ids))
        )
    }
    corrections = list(
        session.scalars(
            select(TagCorrection)
            .where(TagCorrection.handoff_id.in_(handoff_ids))
            .order_by(TagCorrection.created_at)
        )
    )
    closed = session.scalars(
        select(ClosedConversation)
        .where(ClosedConversation.profile_id == profile_id)
        .order_by(ClosedConversation.closed_at)
    )
    # The counsellors' notes are about the youth, so they are the youth's to see (Art. 15);
    # they are never shown in the chat itself.
    conversation_notes = notes.for_profile(session, profile_id, keys=keys)
    credential = session.get(ProfileCredential, profile_id)
    subscription = newsletter.status(session, keys, profile_id)
    document: dict[str, Any] = {
        "format": FORMAT,
        "generated_at": _iso(now or datetime.now(UTC)),
        "note": NOTE_DA,
        "profile": {
            "id": profile.id,
            "created_at": _iso(profile.created_at),
            "last_activity_at": _iso(profile.last_activity_at),
        },
        "encryption": [
            {
                "data_key_version": k.version,
                "wrapped_by_kek": k.kek_id,
                "created_at": _iso(k.created_at),
            }
            for k in key_rows
        ],
        "consents": [
            {
                "purposes": list(c.purposes),
                "policy_version": c.policy_version,
                "policy_sha256": c.policy_sha256,
                "given_at": _iso(c.given_at),
                "withdrawn_at": _iso(c.withdrawn_at),
            }
            for c in consent_ledger.history(session, profile_id)
        ],
        "conversations": [
            {
                "id": h.id,
                "created_at": _iso(h.created_at),
                "status": h.status,
                "priority": h.priority,
                "gender": h.gender,
                "age_band": h.age_band,
                "crisis": h.crisis,
                "tagger_status": h.tagger_status,
                "tags": [t.get("tag") for t in h.tags if isinstance(t, dict)],
                "counsellor": _assignment(assignments.get(h.id)),
                # Session rules: when the youth last wrote, when "Er du der stadig?" was asked.
                "activity": {
                    "last_message_at": _iso(activity[h.id].last_youth_at),
                    "idle_checked_at": _iso(activity[h.id].idle_checked_at),
                }
                if h.id in activity
                else None,
                "tag_corrections": [
                    {
                        "previous_tags": list(c.previous_tags),
                        "tags": list(c.tags),
                        "corrected_at": _iso(c.created_at),
                    }
                    for c in corrections
                    if c.handoff_id == h.id
                ],
                "notes": [
                    {"kind": n.kind, "created_at": _iso(n.created_at), "text": n.text}
                    for n in conversation_notes
                    if n.handoff_id == h.id
                ],
            }
            for h in handoff_rows
        ],
        "transcript": [
            {
                "seq": turn.seq,
                "role": turn.role,
                "created_at": _iso(turn.created_at),
                "tags": turn.tags,
                "text": turn.text,
            }
            for turn in transcripts.read(session, profile_id, keys=keys)
        ],
        "statistics_contributions": [
            {
                "month": c.month,
                "organisation_id": c.organisation_id,
                "gender": c.gender,
                "age_band": c.age_band,
                "tags": list(c.tags),
                "counted": c.counted,
            }
            for c in closed
        ],
        "newsletter": subscription,
        # Duty to report: the steps and any contact details given with explicit consent.
        "underretning": underretning.export_of(session, keys, profile_id),
        "access": {
            "browser_credential_created_at": _iso(credential.created_at) if credential else None
        },
    }
    logger.info("profile exported")
    return document
