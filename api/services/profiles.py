"""Anonymous profiles and their data keys: creation, lookup, and erasure by crypto-shredding.

The caller owns the transaction (`with sessions.begin() as session:`); nothing here commits.
"""

import logging
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, cast

from sqlalchemy import (
    CursorResult,
    DateTime,
    Engine,
    Integer,
    LargeBinary,
    Result,
    Table,
    bindparam,
    delete,
    select,
    text,
    update,
)
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from api.db.models_profiles import Profile, ProfileKey, TranscriptEntry
from privacy.crypto import DataKey, DecryptionError, KeyProvider, new_data_key, unwrap_data_key
from privacy.crypto import wrap_data_key as wrap

logger = logging.getLogger(__name__)


class ProfileKeyMissingError(DecryptionError):
    """The profile's data key is gone (the profile was erased): its data cannot be read."""


@dataclass(frozen=True)
class TurnSlot:
    """Where the next transcript entry of a profile goes."""

    seq: int
    data_key_version: int
    # Fetched by the same statement; None if the profile has no key of that version.
    wrapped_key: bytes | None = None


def create_profile(session: Session, keys: KeyProvider, profile_id: str, now: datetime) -> bool:
    """Create the profile with a fresh data key wrapped by the active KEK.

    Returns False if it already exists (also when a concurrent request created it first).
    """
    if session.get(Profile, profile_id) is not None:
        return False
    data_key = new_data_key(version=1)
    wrapped = wrap(keys.active(), profile_id, data_key)
    try:
        with session.begin_nested():
            session.add(
                Profile(
                    id=profile_id,
                    created_at=now,
                    last_activity_at=now,
                    data_key_version=data_key.version,
                    next_seq=1,
                )
            )
            session.flush()
            session.add(
                ProfileKey(
                    profile_id=profile_id,
                    version=data_key.version,
                    wrapped_key=wrapped.blob,
                    kek_id=wrapped.kek_id,
                    kek_version=wrapped.kek_version,
                    created_at=now,
                )
            )
    except IntegrityError:
        return False
    logger.info("profile created (data key wrapped by KEK %s)", wrapped.kek_id)
    return True


# Built once, on the Core tables: these run on every turn, and building a statement (or
# routing it through the ORM) costs more than running it.
_PROFILES = cast(Table, Profile.__table__)
_PROFILE_KEYS = cast(Table, ProfileKey.__table__)
_CLAIM_TURN = (
    update(_PROFILES)
    .where(_PROFILES.c.id == bindparam("profile_id"))
    .values(next_seq=_PROFILES.c.next_seq + 1, last_activity_at=bindparam("now"))
    .returning(_PROFILES.c.next_seq, _PROFILES.c.data_key_version)
)
# The wrapped data key comes back with the UPDATE: one statement per turn fewer.
_CLAIM_TURN_WITH_KEY = _CLAIM_TURN.returning(
    select(_PROFILE_KEYS.c.wrapped_key)
    .where(
        _PROFILE_KEYS.c.profile_id == _PROFILES.c.id,
        _PROFILE_KEYS.c.version == _PROFILES.c.data_key_version,
    )
    .scalar_subquery()
    .label("wrapped_key")
)
# SQLAlchemy's SQLite dialect drops table qualifiers inside RETURNING, which would let
# `profiles.id` in the subquery bind to a column of profile_keys; SQLite itself accepts the
# qualified form, so for SQLite the same statement is spelled out.
_CLAIM_TURN_WITH_KEY_SQLITE = (
    text(
        "UPDATE profiles SET next_seq = next_seq + 1, last_activity_at = :now "
        "WHERE id = :profile_id "
        "RETURNING next_seq, data_key_version, "
        "(SELECT pk.wrapped_key FROM profile_keys AS pk "
        "WHERE pk.profile_id = profiles.id AND pk.version = profiles.data_key_version) "
        "AS wrapped_key"
    )
    .bindparams(bindparam("now", type_=DateTime(timezone=True)), bindparam("profile_id"))
    .columns(next_seq=Integer, data_key_version=Integer, wrapped_key=LargeBinary)
)
_WRAPPED_KEY = select(_PROFILE_KEYS.c.wrapped_key).where(
    _PROFILE_KEYS.c.profile_id == bindparam("profile_id"),
    _PROFILE_KEYS.c.version == bindparam("version"),
)


def claim_turn(session: Session, profile_id: str, now: datetime) -> TurnSlot | None:
    """Record activity and take the next sequence number in one UPDATE (row-locked in
    PostgreSQL, serialised by the write lock in SQLite). None if the profile does not exist."""
    sqlite = session.get_bind().dialect.name == "sqlite"
    row = session.execute(
        _CLAIM_TURN_WITH_KEY_SQLITE if sqlite else _CLAIM_TURN_WITH_KEY,
        {"profile_id": profile_id, "now": now},
    ).one_or_none()
    if row is None:
        return None
    return TurnSlot(
        seq=row.next_seq - 1, data_key_version=row.data_key_version, wrapped_key=row.wrapped_key
    )


def data_key(
    session: Session,
    keys: KeyProvider,
    profile_id: str,
    version: int,
    wrapped: bytes | None = None,
) -> DataKey:
    """Unwrap the profile's data key of `version` (fetched unless the caller has it)."""
    if wrapped is None:
        wrapped = session.scalar(_WRAPPED_KEY, {"profile_id": profile_id, "version": version})
    if wrapped is None:
        raise ProfileKeyMissingError(f"no data key version {version} for this profile")
    return unwrap_data_key(keys, profile_id, version, wrapped)


@dataclass(frozen=True)
class ErasureReceipt:
    """What an erasure destroyed. Older copies of the database (backups, freed pages) still hold
    the wrapped data key until every KEK in `kek_ids` is retired (docs/encryption.md)."""

    entries_deleted: int
    keys_destroyed: int
    kek_ids: tuple[str, ...]


def erase_profile(session: Session, profile_id: str) -> ErasureReceipt:
    """Crypto-shred a profile: destroy its data keys, then delete its rows.

    Aggregates (which carry no profile id) are not touched. Logged without content or id.
    """
    if session.get_bind().dialect.name == "sqlite":
        # Overwrite freed pages with zeros so the wrapped key does not linger in the file.
        session.execute(text("PRAGMA secure_delete=ON"))
    kek_ids = tuple(
        sorted(
            session.scalars(
                select(ProfileKey.kek_id).where(ProfileKey.profile_id == profile_id).distinct()
            )
        )
    )
    keys_destroyed = rowcount(
        session.execute(delete(ProfileKey).where(ProfileKey.profile_id == profile_id))
    )
    entries_deleted = rowcount(
        session.execute(delete(TranscriptEntry).where(TranscriptEntry.profile_id == profile_id))
    )
    session.execute(delete(Profile).where(Profile.id == profile_id))
    session.expunge_all()  # no decryptable object of the profile may outlive the erasure
    logger.info(
        "profile erased: %d data keys destroyed, %d transcript entries deleted",
        keys_destroyed,
        entries_deleted,
    )
    return ErasureReceipt(
        entries_deleted=entries_deleted, keys_destroyed=keys_destroyed, kek_ids=kek_ids
    )


def rowcount(result: Result[Any]) -> int:
    return cast(CursorResult[Any], result).rowcount


def checkpoint_after_erasure(engine: Engine) -> None:
    """SQLite: move the zeroed pages from the WAL into the database file and truncate the WAL,
    so the erased rows' old page images leave both files. A no-op for PostgreSQL (autovacuum
    reclaims dead tuples; KEK retirement is what makes them useless)."""
    if engine.dialect.name != "sqlite":
        return
    with engine.connect() as connection:
        busy = connection.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)").scalar()
    if busy:
        logger.warning("WAL checkpoint after erasure was blocked by readers; retry later")


def now_utc() -> datetime:
    return datetime.now(UTC)
