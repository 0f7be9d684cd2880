"""Re-wrapping data keys to the active KEK, online.

Only `profile_keys` changes: no encrypted row is rewritten, so a rotation of any size is a
few milliseconds per profile. Each batch is its own short transaction, and each row update is
conditional on the wrapped key still being the one we read, so it is safe next to a running
api that creates profiles (with whichever KEK it considers active) or erases them.
"""

import functools
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from sqlalchemy import func, select, tuple_, update
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session, sessionmaker

from api.db.models_profiles import ProfileKey
from api.services.profiles import now_utc, rowcount
from privacy.crypto import CryptoError, Kek, KeyProvider, rewrap_data_key

logger = logging.getLogger(__name__)


@dataclass
class RewrapReport:
    target_kek_id: str
    rewrapped: int = 0
    # Changed or erased by someone else between our read and our write: nothing to do.
    skipped: int = 0
    # Could not be unwrapped (KEK missing from the ring, or tampered): left as they are.
    failed_rows: set[tuple[str, int]] = field(default_factory=set)
    failed_kek_ids: set[str] = field(default_factory=set)

    @property
    def failed(self) -> int:
        return len(self.failed_rows)


def data_keys_by_kek(session: Session) -> dict[str, int]:
    rows = session.execute(
        select(ProfileKey.kek_id, func.count()).group_by(ProfileKey.kek_id)
    ).all()
    return {kek_id: count for kek_id, count in rows}


def count_not_under(session: Session, kek_id: str) -> int:
    return (
        session.scalar(
            select(func.count()).select_from(ProfileKey).where(ProfileKey.kek_id != kek_id)
        )
        or 0
    )


def rewrap_all(
    sessions: sessionmaker[Session],
    keys: KeyProvider,
    *,
    batch_size: int = 100,
    settle_seconds: float = 0.0,
    on_progress: Callable[[int], None] | None = None,
) -> RewrapReport:
    """Re-wrap every data key not under the active KEK.

    Walks the table once in primary-key order, then (after `settle_seconds`, long enough for
    running api processes to notice a new key-ring file) once more, to catch profiles created
    meanwhile under the previous KEK.
    """
    target = keys.active()
    report = RewrapReport(target_kek_id=target.id)
    for pass_number in (1, 2):
        if pass_number == 2:
            time.sleep(settle_seconds)
        _one_pass(sessions, keys, batch_size, report, on_progress)
    logger.info(
        "re-wrap to KEK %s: %d re-wrapped, %d skipped, %d failed",
        target.id,
        report.rewrapped,
        report.skipped,
        report.failed,
    )
    return report


@dataclass
class _Batch:
    """What one committed batch did; merged into the report only after its commit."""

    rewrapped: int = 0
    skipped: int = 0
    failed_rows: set[tuple[str, int]] = field(default_factory=set)
    failed_kek_ids: set[str] = field(default_factory=set)
    last: tuple[str, int] | None = None
    size: int = 0


# SQLite has one writer at a time; an api that writes without pause can keep a batch waiting
# past the busy timeout. A batch is one transaction whose updates are conditional on the key
# read, so running it again is safe.
_BUSY_RETRIES = 6
_BUSY_BACKOFF_SECONDS = 0.05


def _retrying_when_busy(run: Callable[[], _Batch]) -> _Batch:
    for attempt in range(_BUSY_RETRIES + 1):
        try:
            return run()
        except OperationalError as exc:
            if "database is locked" not in str(exc.orig) or attempt == _BUSY_RETRIES:
                raise
            logger.warning("re-wrap batch: database busy, retry %d", attempt + 1)
            time.sleep(_BUSY_BACKOFF_SECONDS * 2**attempt)
    raise AssertionError("unreachable")  # pragma: no cover


def _one_pass(
    sessions: sessionmaker[Session],
    keys: KeyProvider,
    batch_size: int,
    report: RewrapReport,
    on_progress: Callable[[int], None] | None,
) -> None:
    target = keys.active()
    after: tuple[str, int] | None = None
    while True:
        batch = _retrying_when_busy(
            functools.partial(_rewrap_batch, sessions, keys, target, after, batch_size)
        )
        if batch.size == 0:
            return
        report.rewrapped += batch.rewrapped
        report.skipped += batch.skipped
        report.failed_rows |= batch.failed_rows
        report.failed_kek_ids |= batch.failed_kek_ids
        after = batch.last
        if on_progress is not None:
            on_progress(batch.size)


def _rewrap_batch(
    sessions: sessionmaker[Session],
    keys: KeyProvider,
    target: Kek,
    after: tuple[str, int] | None,
    batch_size: int,
) -> _Batch:
    batch = _Batch()
    with sessions.begin() as session:
        query = (
            select(
                ProfileKey.profile_id,
                ProfileKey.version,
                ProfileKey.wrapped_key,
                ProfileKey.kek_id,
            )
            .where(ProfileKey.kek_id != target.id)
            .order_by(ProfileKey.profile_id, ProfileKey.version)
            .limit(batch_size)
        )
        if after is not None:
            query = query.where(tuple_(ProfileKey.profile_id, ProfileKey.version) > after)
        rows = session.execute(query).all()
        if not rows:
            return batch
        now = now_utc()
        for row in rows:
            try:
                new = rewrap_data_key(keys, row.profile_id, row.version, row.wrapped_key, target)
            except CryptoError:
                batch.failed_rows.add((row.profile_id, row.version))
                batch.failed_kek_ids.add(row.kek_id)
                continue
            result = session.execute(
                update(ProfileKey)
                .where(
                    ProfileKey.profile_id == row.profile_id,
                    ProfileKey.version == row.version,
                    ProfileKey.kek_id == row.kek_id,
                    ProfileKey.wrapped_key == row.wrapped_key,
                )
                .values(
                    wrapped_key=new.blob,
                    kek_id=new.kek_id,
                    kek_version=new.kek_version,
                    rewrapped_at=now,
                )
                .execution_options(synchronize_session=False)
            )
            if rowcount(result) == 1:
                batch.rewrapped += 1
            else:
                batch.skipped += 1
        batch.last = (rows[-1].profile_id, rows[-1].version)
        batch.size = len(rows)
    return batch
