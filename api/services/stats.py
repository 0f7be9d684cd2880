"""Statistics for the counselling providers: closed conversations counted per organisation ×
month × gender × age band × tag, with no profile id.

Counts move when a conversation closes (`record_closed_conversation`, called by every close
path: the counsellor's "close with outcome", erasure of an open conversation, retention) and
when a youth rectifies gender, age band or tags (`rectify_profile`). What a conversation added
is remembered in `closed_conversations` (profile data, erased with the profile, so the counts
stay but can no longer be traced back).

Publication (`publish`) suppresses cells under `MIN_CELL` and adds complementary suppression
so that a published total minus the published cells never reveals a small cell.
"""

import logging
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from api.db.models import Handoff
from api.db.models_rights import ClosedConversation, StatsCell
from api.services import consent_ledger
from api.services.profiles import rowcount

logger = logging.getLogger(__name__)

MIN_CELL = 5
UNTAGGED = "ingen"
NO_ORGANISATION = ""
STATUS_CLOSED = "closed"


def month_of(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m")


def _tag_ids(handoff: Handoff) -> list[str]:
    tags = [str(t["tag"]) for t in handoff.tags if isinstance(t, dict) and t.get("tag")]
    return list(dict.fromkeys(tags)) or [UNTAGGED]


def _bump(
    session: Session,
    *,
    organisation_id: str,
    month: str,
    gender: str,
    age_band: str,
    tag: str,
    delta: int,
) -> None:
    where = (
        StatsCell.organisation_id == organisation_id,
        StatsCell.month == month,
        StatsCell.gender == gender,
        StatsCell.age_band == age_band,
        StatsCell.tag == tag,
    )
    # Atomic increment; the first conversation of a cell inserts it (a concurrent insert
    # loses on the unique constraint and retries as an update).
    for _ in range(3):
        done = session.execute(
            update(StatsCell).where(*where).values(count=StatsCell.count + delta)
        )
        if rowcount(done) == 1:
            return
        if delta < 0:
            logger.warning("statistics cell to decrement is missing; left as is")
            return
        try:
            with session.begin_nested():
                session.add(
                    StatsCell(
                        organisation_id=organisation_id,
                        month=month,
                        gender=gender,
                        age_band=age_band,
                        tag=tag,
                        count=delta,
                    )
                )
            return
        except IntegrityError:
            continue
    raise RuntimeError("could not update a statistics cell")


def _apply(session: Session, record: ClosedConversation, delta: int) -> None:
    for tag in record.tags:
        _bump(
            session,
            organisation_id=record.organisation_id,
            month=record.month,
            gender=record.gender,
            age_band=record.age_band,
            tag=tag,
            delta=delta,
        )


def record_closed_conversation(
    session: Session,
    handoff: Handoff,
    *,
    organisation_id: str | None = None,
    now: datetime | None = None,
) -> bool:
    """Count a closed conversation once (idempotent per handoff); the caller sets the status
    and owns the transaction. Returns whether it was counted now. Not counted when the youth
    has withdrawn (or never gave) consent to statistics."""
    if session.get(ClosedConversation, handoff.id) is not None:
        return False
    profile_id = handoff.conversation_id
    if "statistics" not in consent_ledger.active_purposes(session, profile_id):
        return False
    org = organisation_id or getattr(handoff, "organisation_id", None) or NO_ORGANISATION
    record = ClosedConversation(
        handoff_id=handoff.id,
        profile_id=profile_id,
        organisation_id=org,
        month=month_of(now or datetime.now(UTC)),
        gender=handoff.gender,
        age_band=handoff.age_band,
        tags=_tag_ids(handoff),
        counted=True,
        closed_at=now or datetime.now(UTC),
    )
    session.add(record)
    _apply(session, record, +1)
    session.flush()
    logger.info("closed conversation counted in statistics (%d tags)", len(record.tags))
    return True


def close_open_conversations(
    session: Session, profile_id: str, *, now: datetime | None = None
) -> int:
    """Close every open handoff of a profile (before erasure) and count it. Returns how many."""
    closed = 0
    for handoff in session.scalars(
        select(Handoff).where(
            Handoff.conversation_id == profile_id, Handoff.status != STATUS_CLOSED
        )
    ):
        handoff.status = STATUS_CLOSED
        record_closed_conversation(session, handoff, now=now)
        closed += 1
    session.flush()
    return closed


def rectify_profile(
    session: Session,
    profile_id: str,
    *,
    gender: str | None = None,
    age_band: str | None = None,
    tags: Sequence[str] | None = None,
) -> int:
    """Correct gender, age band and/or tags on every conversation of the profile, and move
    the counts of those already closed. Returns the number of conversations changed."""
    changed = 0
    for handoff in session.scalars(select(Handoff).where(Handoff.conversation_id == profile_id)):
        if gender is not None:
            handoff.gender = gender
        if age_band is not None:
            handoff.age_band = age_band
        if tags is not None:
            handoff.tags = [{"tag": t, "score": None} for t in dict.fromkeys(tags)]
        changed += 1
        record = session.get(ClosedConversation, handoff.id)
        if record is None or not record.counted:
            continue
        _apply(session, record, -1)
        record.gender = handoff.gender
        record.age_band = handoff.age_band
        record.tags = _tag_ids(handoff)
        _apply(session, record, +1)
    session.flush()
    return changed


# --- publication ------------------------------------------------------------------------

DIMENSIONS = ("organisation_id", "month", "gender", "age_band", "tag")


@dataclass
class PublishedGroup:
    """One organisation × month: its cells and total, with small values hidden (None)."""

    organisation_id: str
    month: str
    cells: list[dict[str, Any]] = field(default_factory=list)
    total: int | None = None


def _suppress(counts: list[int], total: int) -> tuple[list[bool], bool]:
    """Which cells to hide, and whether to hide the total.

    Primary: every cell under MIN_CELL. Complementary: while the hidden cells could be
    worked out from the total (exactly one hidden, or hidden ones summing to under
    MIN_CELL), hide the next smallest published cell; when nothing is left to hide, hide the
    total too."""
    hidden = [0 < c < MIN_CELL for c in counts]
    if not any(hidden):
        return hidden, False
    while True:
        hidden_values = [c for c, h in zip(counts, hidden, strict=True) if h]
        if len(hidden_values) >= 2 and sum(hidden_values) >= MIN_CELL:
            return hidden, False
        candidates = [
            (c, i) for i, (c, h) in enumerate(zip(counts, hidden, strict=True)) if not h and c > 0
        ]
        if not candidates:
            return hidden, True
        hidden[min(candidates)[1]] = True


def cells(session: Session, organisation_id: str | None = None) -> list[StatsCell]:
    query = select(StatsCell).where(StatsCell.count > 0)
    if organisation_id is not None:
        query = query.where(StatsCell.organisation_id == organisation_id)
    return list(
        session.scalars(
            query.order_by(
                StatsCell.organisation_id,
                StatsCell.month,
                StatsCell.gender,
                StatsCell.age_band,
                StatsCell.tag,
            )
        )
    )


def publish(rows: Iterable[StatsCell]) -> list[PublishedGroup]:
    """The publishable table: per organisation × month, cells (None where suppressed) and the
    group total (conversation-tag pairs; None where it would reveal a suppressed cell)."""
    groups: dict[tuple[str, str], list[StatsCell]] = defaultdict(list)
    for row in rows:
        groups[(row.organisation_id, row.month)].append(row)
    published = []
    for (org, month), members in sorted(groups.items()):
        counts = [m.count for m in members]
        total = sum(counts)
        hidden, hide_total = _suppress(counts, total)
        group = PublishedGroup(
            organisation_id=org, month=month, total=None if hide_total else total
        )
        for member, is_hidden in zip(members, hidden, strict=True):
            group.cells.append(
                {
                    "gender": member.gender,
                    "age_band": member.age_band,
                    "tag": member.tag,
                    "count": None if is_hidden else member.count,
                }
            )
        published.append(group)
    return published


def as_rows(groups: Iterable[PublishedGroup]) -> list[dict[str, Any]]:
    """Flat rows for CSV: one per cell plus one `tag="total"` row per group."""
    out: list[dict[str, Any]] = []
    for group in groups:
        for cell in group.cells:
            out.append({"organisation_id": group.organisation_id, "month": group.month, **cell})
        out.append(
            {
                "organisation_id": group.organisation_id,
                "month": group.month,
                "gender": "",
                "age_band": "",
                "tag": "total",
                "count": group.total,
            }
        )
    return out
