"""Erasure of a profile: every row that carries its id, and its data key (crypto-shredding).

Which tables hold profile data is read from the schema, not listed by hand: every table with a
`profile_id` or `conversation_id` column, or a foreign key (at any depth) to such a table, is
profile data (tests/rights/test_export_and_schema.py keeps export and erasure honest).
Aggregates carry no profile id and stay. Each erasure writes one `erasure_log` entry with the
reason and row counts — no id, no content.
Idempotent: erasing a profile that is gone changes nothing and logs nothing.
"""

import logging
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import ColumnElement, Table, delete, select
from sqlalchemy.orm import Session

from api.db.base import Base
from api.db.models_profiles import Profile, ProfileKey, TranscriptEntry
from api.db.models_rights import ConsentRecord, ErasureLogEntry, NewsletterSubscription
from api.services import closing, profiles

logger = logging.getLogger(__name__)

PROFILE_ID_COLUMNS = ("profile_id", "conversation_id")
REASONS = ("request", "withdrawal", "retention", "unsubscribe")
# Deleted by profiles.erase_profile (keys first), after everything else.
_SHREDDED_LAST = {"profiles", "profile_keys", "transcript_entries"}


def rows_of_profile(table: Table, profile_id: str) -> ColumnElement[bool] | None:
    """A condition selecting `table`'s rows of the profile, or None if it holds no profile
    data. A table holds profile data if it has a profile/conversation id column, or a foreign
    key to a table that does (e.g. messages of a handoff), at any depth."""
    if table.name == Profile.__tablename__:
        return table.c.id == profile_id
    for column in PROFILE_ID_COLUMNS:
        if column in table.c:
            return table.c[column] == profile_id
    for fk in table.foreign_keys:
        parent = fk.column.table
        if parent is table or not isinstance(parent, Table):
            continue
        parent_rows = rows_of_profile(parent, profile_id)
        if parent_rows is not None:
            return fk.parent.in_(select(fk.column).where(parent_rows))
    return None


def profile_tables() -> list[tuple[Table, str]]:
    """(table, how it is linked) of every table holding profile data, children before parents.
    The link is the id column's name, or "fk" for tables reached through a foreign key."""
    found = []
    for table in reversed(Base.metadata.sorted_tables):
        if table.name == Profile.__tablename__:
            continue
        if rows_of_profile(table, "") is None:
            continue
        column = next((c for c in PROFILE_ID_COLUMNS if c in table.c), "fk")
        found.append((table, column))
    return found


@dataclass(frozen=True)
class ErasureResult:
    erased: bool
    conversations_closed: int
    counts: dict[str, int]
    kek_ids: tuple[str, ...]


def erase(
    session: Session,
    profile_id: str,
    *,
    reason: str,
    now: datetime | None = None,
    keep_newsletter: bool = False,
) -> ErasureResult:
    """Close open conversations (so they are counted), then delete every profile row and
    destroy the data key. With `keep_newsletter` (retention of a subscriber) the newsletter
    subscription, its consent and the key that seals the address stay until unsubscribed.
    The caller owns the transaction; after commit call `profiles.checkpoint_after_erasure`."""
    if reason not in REASONS:
        raise ValueError(f"reason must be one of {REASONS}")
    now = now or datetime.now(UTC)
    closed = closing.close_open_conversations(session, profile_id, now=now)
    counts: dict[str, int] = {}
    kept_newsletter = keep_newsletter and (
        session.scalar(
            select(NewsletterSubscription.id).where(NewsletterSubscription.profile_id == profile_id)
        )
        is not None
    )
    for table, _link in profile_tables():
        if table.name in _SHREDDED_LAST:
            continue
        if kept_newsletter and table.name == NewsletterSubscription.__tablename__:
            continue
        condition = rows_of_profile(table, profile_id)
        assert condition is not None
        statement = delete(table).where(condition)
        if kept_newsletter and table.name == ConsentRecord.__tablename__:
            newsletter_ids = [
                r.id
                for r in session.scalars(
                    select(ConsentRecord).where(ConsentRecord.profile_id == profile_id)
                )
                if "newsletter" in r.purposes
            ]
            statement = statement.where(table.c.id.not_in(newsletter_ids))
        deleted = profiles.rowcount(session.execute(statement))
        if deleted:
            counts[table.name] = deleted
    kek_ids: tuple[str, ...] = ()
    if kept_newsletter:
        deleted = profiles.rowcount(
            session.execute(delete(TranscriptEntry).where(TranscriptEntry.profile_id == profile_id))
        )
        if deleted:
            counts[TranscriptEntry.__tablename__] = deleted
    elif session.get(Profile, profile_id) is not None:
        receipt = profiles.erase_profile(session, profile_id)
        counts[Profile.__tablename__] = 1
        if receipt.keys_destroyed:
            counts[ProfileKey.__tablename__] = receipt.keys_destroyed
        if receipt.entries_deleted:
            counts[TranscriptEntry.__tablename__] = receipt.entries_deleted
        kek_ids = receipt.kek_ids
    erased = bool(counts)
    if erased:
        session.add(ErasureLogEntry(at=now, reason=reason, counts=counts))
        session.flush()
        logger.info(
            "profile data deleted (%s): %s",
            reason,
            ", ".join(f"{table}={n}" for table, n in sorted(counts.items())),
        )
    return ErasureResult(erased=erased, conversations_closed=closed, counts=counts, kek_ids=kek_ids)
