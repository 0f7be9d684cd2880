"""Statistics for the counselling providers, with no profile id: closed conversations
counted per organisation × month × gender × age band × tag (`stats_cells`), and per
organisation × month × outcome × referral (`outcome_cells`).

Counts move when a conversation closes (`record_closed_conversation`, called by every close
path with the outcome it closes with: the counsellor's form in `queue.close`, hand-back and
idle in `closing.close_open_handoff`, erasure and retention of an open conversation in
`closing.close_open_conversations`) and when a youth rectifies gender, age band or tags
(`rectify_profile`; outcomes are the counsellor's, not the youth's, and do not move). What a
conversation added is remembered in `closed_conversations` (profile data, erased with the
profile, so the counts stay but can no longer be traced back); it also makes counting
idempotent per handoff.

Publication (`publish`, `publish_outcomes`, one rule for both) suppresses cells under
`MIN_CELL` and adds complementary suppression so that a published total minus the published
cells never reveals a small cell.
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
from api.db.models_rights import ClosedConversation, OutcomeCell, StatsCell
from api.services import consent_ledger
from api.services.profiles import rowcount

logger = logging.getLogger(__name__)

MIN_CELL = 5
UNTAGGED = "ingen"
NO_ORGANISATION = ""
NO_REFERRAL = ""
STATUS_CLOSED = "closed"


def month_of(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m")


def _tag_ids(handoff: Handoff) -> list[str]:
    tags = [str(t["tag"]) for t in handoff.tags if isinstance(t, dict) and t.get("tag")]
    return list(dict.fromkeys(tags)) or [UNTAGGED]


def _bump(
    session: Session,
    model: type[StatsCell] | type[OutcomeCell],
    key: dict[str, str],
    delta: int,
) -> None:
    """Add `delta` to the cell of `model` (StatsCell or OutcomeCell) identified by `key`."""
    where = [getattr(model, name) == value for name, value in key.items()]
    # Atomic increment; the first conversation of a cell inserts it (a concurrent insert
    # loses on the unique constraint and retries as an update).
    for _ in range(3):
        done = session.execute(update(model).where(*where).values(count=model.count + delta))
        if rowcount(done) == 1:
            return
        if delta < 0:
            logger.warning("statistics cell to decrement is missing; left as is")
            return
        try:
            with session.begin_nested():
                session.add(model(**key, count=delta))
            return
        except IntegrityError:
            continue
    raise RuntimeError("could not update a statistics cell")


def _apply(session: Session, record: ClosedConversation, delta: int) -> None:
    for tag in record.tags:
        _bump(
            session,
            StatsCell,
            {
                "organisation_id": record.organisation_id,
                "month": record.month,
                "gender": record.gender,
                "age_band": record.age_band,
                "tag": tag,
            },
            delta,
        )


def record_closed_conversation(
    session: Session,
    handoff: Handoff,
    *,
    outcome: str,
    referral: str | None = None,
    organisation_id: str | None = None,
    now: datetime | None = None,
) -> bool:
    """Count a closed conversation once (idempotent per handoff): in `stats_cells` once per
    tag, and in `outcome_cells` once with its outcome and referral ("" when none). The caller
    sets the status and owns the transaction; every close path passes the outcome it closes
    with. Returns whether it was counted now. Not counted when the youth has withdrawn (or
    never gave) consent to statistics."""
    if not outcome:
        raise ValueError("a closed conversation is counted with its outcome")
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
    _bump(
        session,
        OutcomeCell,
        {
            "organisation_id": org,
            "month": record.month,
            "outcome": outcome,
            "referral": referral or NO_REFERRAL,
        },
        +1,
    )
    session.flush()
    logger.info("closed conversation counted in statistics (%d tags)", len(record.tags))
    return True


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

# The dimensions of a published cell, within its organisation × month group.
CELL_DIMENSIONS = ("gender", "age_band", "tag")
OUTCOME_DIMENSIONS = ("outcome", "referral")
DIMENSIONS = ("organisation_id", "month", *CELL_DIMENSIONS)
OUTCOME_TABLE_DIMENSIONS = ("organisation_id", "month", *OUTCOME_DIMENSIONS)
TOTAL = "total"

Cell = StatsCell | OutcomeCell


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


def _nonzero(
    session: Session,
    model: type[StatsCell] | type[OutcomeCell],
    dimensions: tuple[str, ...],
    organisation_id: str | None,
) -> list[Any]:
    query = select(model).where(model.count > 0)
    if organisation_id is not None:
        query = query.where(model.organisation_id == organisation_id)
    order = [model.organisation_id, model.month, *(getattr(model, d) for d in dimensions)]
    return list(session.scalars(query.order_by(*order)))


def cells(session: Session, organisation_id: str | None = None) -> list[StatsCell]:
    """The non-zero cells by gender, age band and tag (one organisation's, or all)."""
    return _nonzero(session, StatsCell, CELL_DIMENSIONS, organisation_id)


def outcome_cells(session: Session, organisation_id: str | None = None) -> list[OutcomeCell]:
    """The non-zero cells by outcome and referral (one organisation's, or all)."""
    return _nonzero(session, OutcomeCell, OUTCOME_DIMENSIONS, organisation_id)


def _publish(rows: Iterable[Cell], dimensions: tuple[str, ...]) -> list[PublishedGroup]:
    """Group rows per organisation × month and suppress within each group: the one rule both
    tables are published with."""
    groups: dict[tuple[str, str], list[Cell]] = defaultdict(list)
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
            cell: dict[str, Any] = {name: getattr(member, name) for name in dimensions}
            cell["count"] = None if is_hidden else member.count
            group.cells.append(cell)
        published.append(group)
    return published


def publish(rows: Iterable[StatsCell]) -> list[PublishedGroup]:
    """The publishable table by gender, age band and tag: per organisation × month, cells
    (None where suppressed) and the group total (conversation-tag pairs; None where it would
    reveal a suppressed cell)."""
    return _publish(rows, CELL_DIMENSIONS)


def publish_outcomes(rows: Iterable[OutcomeCell]) -> list[PublishedGroup]:
    """The publishable table by outcome and referral: per organisation × month, cells (None
    where suppressed) and the group total (closed conversations; None where it would reveal
    a suppressed cell)."""
    return _publish(rows, OUTCOME_DIMENSIONS)


def _flat(
    groups: Iterable[PublishedGroup], dimensions: tuple[str, ...], total_in: str
) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    for group in groups:
        for cell in group.cells:
            out.append({"organisation_id": group.organisation_id, "month": group.month, **cell})
        total_row: dict[str, Any] = {
            "organisation_id": group.organisation_id,
            "month": group.month,
        }
        total_row.update({name: "" for name in dimensions})
        total_row[total_in] = TOTAL
        total_row["count"] = group.total
        out.append(total_row)
    return out


def as_rows(groups: Iterable[PublishedGroup]) -> list[dict[str, Any]]:
    """Flat rows for CSV: one per cell plus one `tag="total"` row per group."""
    return _flat(groups, CELL_DIMENSIONS, "tag")


def outcome_rows(groups: Iterable[PublishedGroup]) -> list[dict[str, Any]]:
    """Flat rows for CSV: one per cell plus one `outcome="total"` row per group."""
    return _flat(groups, OUTCOME_DIMENSIONS, "outcome")
