"""The consent ledger: what a youth consented to, under which policy text, and when.

Each record names its purposes (`service`, `statistics`, `newsletter`), the privacy notice's
version and the SHA-256 of its exact text (web/privacy/privatliv.html), so a later reader can
prove which words were agreed to. Withdrawal stamps `withdrawn_at`; records are profile data
(exported, erased with the profile).
"""

import hashlib
import logging
import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import lru_cache
from pathlib import Path

from sqlalchemy import bindparam, select, update
from sqlalchemy.orm import Session

from api.config import WEB_ROOT
from api.db.models_rights import PURPOSES, ConsentRecord

logger = logging.getLogger(__name__)

POLICY_FILE = WEB_ROOT / "privacy" / "privatliv.html"
# What "ja" to the bot's consent question covers (its text names both).
CHAT_PURPOSES = ("service", "statistics")
_VERSION = re.compile(r"Version\s+([0-9][0-9.]*[0-9])")


@dataclass(frozen=True)
class Policy:
    version: str
    sha256: str


@lru_cache(maxsize=4)
def _policy_of(path: Path, mtime_ns: int) -> Policy:
    raw = path.read_bytes()
    match = _VERSION.search(raw.decode("utf-8"))
    if match is None:
        raise ValueError(f"{path} does not state its version ('Version 1.0')")
    return Policy(version=match.group(1), sha256=hashlib.sha256(raw).hexdigest())


def current_policy(path: Path = POLICY_FILE) -> Policy:
    """The notice as served now (re-read when the file changes)."""
    return _policy_of(path, path.stat().st_mtime_ns)


def record(
    session: Session,
    profile_id: str,
    purposes: Iterable[str],
    *,
    now: datetime | None = None,
    policy: Policy | None = None,
) -> ConsentRecord:
    chosen = list(dict.fromkeys(purposes))
    if not chosen or any(p not in PURPOSES for p in chosen):
        raise ValueError(f"purposes must be among {PURPOSES}")
    policy = policy or current_policy()
    entry = ConsentRecord(
        profile_id=profile_id,
        purposes=chosen,
        policy_version=policy.version,
        policy_sha256=policy.sha256,
        given_at=now or datetime.now(UTC),
    )
    session.add(entry)
    session.flush()
    logger.info("consent recorded for purposes %s (policy %s)", ",".join(chosen), policy.version)
    return entry


# Built once: the bridge asks on every turn, and building a statement costs about as much as
# running it on SQLite.
_ACTIVE_PURPOSES = select(ConsentRecord.purposes).where(
    ConsentRecord.profile_id == bindparam("profile_id"), ConsentRecord.withdrawn_at.is_(None)
)


def active_purposes(session: Session, profile_id: str) -> set[str]:
    rows = session.scalars(_ACTIVE_PURPOSES, {"profile_id": profile_id})
    return {purpose for purposes in rows for purpose in purposes}


def withdraw(
    session: Session, profile_id: str, purposes: Iterable[str] | None = None, *, now: datetime
) -> int:
    """Withdraw every active record touching `purposes` (all when None); returns how many."""
    wanted = set(purposes) if purposes is not None else set(PURPOSES)
    ids = [
        entry.id
        for entry in session.scalars(
            select(ConsentRecord).where(
                ConsentRecord.profile_id == profile_id, ConsentRecord.withdrawn_at.is_(None)
            )
        )
        if wanted & set(entry.purposes)
    ]
    if ids:
        session.execute(
            update(ConsentRecord).where(ConsentRecord.id.in_(ids)).values(withdrawn_at=now)
        )
    return len(ids)


def history(session: Session, profile_id: str) -> list[ConsentRecord]:
    return list(
        session.scalars(
            select(ConsentRecord)
            .where(ConsentRecord.profile_id == profile_id)
            .order_by(ConsentRecord.given_at, ConsentRecord.id)
        )
    )
