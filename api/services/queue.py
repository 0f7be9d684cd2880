"""The counsellors' queue: who may see which handoff, atomic claims, release, transfer, close,
tag corrections, presence and the estimated wait.

Visibility: a counsellor sees a handoff only if their organisation's routing rules take it
(`accounts.organisations_for_handoff`); a claimed or closed handoff only if they hold it.
Everything else is "not found", so a caller cannot tell another organisation's handoff from
one that does not exist.

Claims: `UPDATE handoffs SET status='active' WHERE id=:id AND status='waiting'`. On PostgreSQL
the second of two concurrent UPDATEs waits for the first to commit, re-checks the WHERE and
updates nothing; SQLite serialises writers. Exactly one counsellor gets rowcount 1.
"""

import logging
import statistics
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import bindparam, case, delete, select, update
from sqlalchemy.orm import Session

from api.db.models import Handoff
from api.db.models_auth import Counsellor
from api.db.models_profiles import TranscriptEntry
from api.db.models_queue import CounsellorPresence, HandoffAssignment, TagCorrection
from api.services import accounts, load, stats, transcripts
from api.services.handoffs import PRIORITY_AKUT, STATUS_WAITING
from privacy.crypto import KeyProvider
from tagging.taxonomy import TAG_IDS

logger = logging.getLogger(__name__)

STATUS_ACTIVE = "active"
STATUS_CLOSED = "closed"

# How a conversation ended (ids are stable: statistics use them).
OUTCOMES: dict[str, str] = {
    "hjulpet": "Samtalen hjalp",
    "henvist": "Henvist til anden hjælp",
    "akut_henvist": "Henvist til akut hjælp (112, Livslinien, læge)",
    "afbrudt": "Den unge forlod samtalen",
    "ikke_relevant": "Ikke relevant / misbrug af chatten",
}

# "Henvist til" of the post-conversation form (ids are stable; labels are the console's).
REFERRALS: dict[str, str] = {
    "egen_laege": "Egen læge",
    "skolesundhedsplejerske": "Skolesundhedsplejerske",
    "kommunen": "Kommunen (socialrådgiver)",
    "headspace": "Headspace",
    "livslinien": "Livslinien",
    "boernetelefonen": "Børnetelefonen",
    "politiet": "Politiet",
    "psykiatrien": "Psykiatrien / akutmodtagelse",
    "andet": "Andet",
}


PRESENCE_TIMEOUT = timedelta(seconds=90)
# The estimated wait is the median wait of the last WAIT_SAMPLE claims within WAIT_WINDOW;
# with fewer than WAIT_MIN_SAMPLES there is no estimate (better none than a made-up one).
WAIT_SAMPLE = 20
WAIT_WINDOW = timedelta(hours=24)
WAIT_MIN_SAMPLES = 3


class QueueError(Exception):
    """Base of the refusals below; the routes map them to HTTP statuses."""


class NotFoundError(QueueError):
    """Not there, or not this counsellor's to see."""


class ConflictError(QueueError):
    """Someone else got there first (claimed, released or closed)."""


class InvalidRequestError(QueueError):
    """Malformed outcome, tags or transfer target."""


class CapReachedError(QueueError):
    """The counsellor (or the transfer target) already holds as many conversations as their
    cap allows."""

    def __init__(self, cap: int) -> None:
        super().__init__(f"cap of {cap} reached")
        self.cap = cap

    @property
    def message_da(self) -> str:
        return (
            f"Du har allerede {self.cap} samtaler, som er det højeste antal samtidige samtaler "
            "for dig. Afslut eller overdrag en samtale, før du tager en ny."
        )


class TargetCapReachedError(CapReachedError):
    """The colleague a conversation should go to has no room."""

    @property
    def message_da(self) -> str:
        return (
            f"Kollegaen har allerede {self.cap} samtaler, som er deres højeste antal. "
            "Vælg en anden, eller vent til de har afsluttet en samtale."
        )


@dataclass(frozen=True)
class QueueItem:
    id: str
    status: str
    priority: str
    crisis: bool
    gender: str
    age_band: str
    tagger_status: str
    tags: list[dict[str, Any]]
    created_at: datetime
    waiting_seconds: int
    position: int | None
    mine: bool


@dataclass(frozen=True)
class Claimant:
    """Who holds an open handoff (the live relay sends the youth's messages there)."""

    handoff_id: str
    conversation_id: str
    status: str
    counsellor_id: str | None


def now_utc() -> datetime:
    return datetime.now(UTC)


def _aware(value: datetime) -> datetime:
    # SQLite hands back naive datetimes for DateTime(timezone=True): they were stored as UTC.
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value


def _tag_ids(handoff: Handoff) -> list[str]:
    return [str(t["tag"]) for t in handoff.tags if isinstance(t, dict) and "tag" in t]


def organisations_taking(session: Session, handoff: Handoff) -> list[str]:
    return accounts.organisations_for_handoff(session, _tag_ids(handoff), handoff.age_band)


def routed_to(session: Session, handoff: Handoff, organisation_id: str) -> bool:
    return organisation_id in accounts.organisations_for_handoff(
        session, _tag_ids(handoff), handoff.age_band
    )


def _order() -> tuple[Any, ...]:
    return (case((Handoff.priority == PRIORITY_AKUT, 0), else_=1), Handoff.created_at, Handoff.id)


def list_queue(
    session: Session, counsellor: Counsellor, now: datetime | None = None
) -> list[QueueItem]:
    """Waiting handoffs routed to the counsellor's organisation (akut first, then the longest
    waiting), followed by the ones this counsellor holds."""
    now = now or now_utc()
    waiting = session.scalars(
        select(Handoff).where(Handoff.status == STATUS_WAITING).order_by(*_order())
    ).all()
    items: list[QueueItem] = []
    for position, handoff in enumerate(waiting, start=1):
        if routed_to(session, handoff, counsellor.organisation_id):
            items.append(_item(handoff, now, position=position, mine=False))
    mine = session.scalars(
        select(Handoff)
        .join(HandoffAssignment, HandoffAssignment.handoff_id == Handoff.id)
        .where(
            Handoff.status == STATUS_ACTIVE,
            HandoffAssignment.counsellor_id == counsellor.id,
        )
        .order_by(*_order())
    ).all()
    items.extend(_item(handoff, now, position=None, mine=True) for handoff in mine)
    return items


def held_item(handoff: Handoff) -> QueueItem:
    """The queue item of a handoff the caller holds (no place: it is out of the queue)."""
    return _item(handoff, now_utc(), position=None, mine=True)


def _item(handoff: Handoff, now: datetime, *, position: int | None, mine: bool) -> QueueItem:
    created = _aware(handoff.created_at)
    return QueueItem(
        id=handoff.id,
        status=handoff.status,
        priority=handoff.priority,
        crisis=handoff.crisis,
        gender=handoff.gender,
        age_band=handoff.age_band,
        tagger_status=handoff.tagger_status,
        tags=list(handoff.tags),
        created_at=created,
        waiting_seconds=max(0, int((now - created).total_seconds())),
        position=position,
        mine=mine,
    )


def _assignment(session: Session, handoff_id: str) -> HandoffAssignment | None:
    return session.get(HandoffAssignment, handoff_id)


def held_by(session: Session, counsellor: Counsellor, handoff_id: str) -> Handoff:
    """The active handoff this counsellor holds, or NotFoundError."""
    handoff = session.get(Handoff, handoff_id)
    assignment = _assignment(session, handoff_id)
    if (
        handoff is None
        or handoff.status != STATUS_ACTIVE
        or assignment is None
        or assignment.counsellor_id != counsellor.id
    ):
        raise NotFoundError(handoff_id)
    return handoff


def _move(session: Session, handoff_id: str, from_status: str, to_status: str) -> None:
    """The one conditional UPDATE every state change goes through: of two concurrent callers,
    exactly one sees rowcount 1; the other gets ConflictError and its transaction rolled back."""
    result = session.execute(
        update(Handoff)
        .where(Handoff.id == handoff_id, Handoff.status == from_status)
        .values(status=to_status)
        .execution_options(synchronize_session=False)
    )
    if getattr(result, "rowcount", 0) != 1:
        session.rollback()
        raise ConflictError(handoff_id)


def move_status(session: Session, handoff_id: str, from_status: str, to_status: str) -> None:
    """The conditional status move, for the services that end a conversation on other grounds
    (hand-back, idle: api/services/closing.py). Raises ConflictError."""
    _move(session, handoff_id, from_status, to_status)


def claim(session: Session, counsellor: Counsellor, handoff_id: str) -> Handoff:
    """Atomically take a waiting handoff routed to the counsellor's organisation. Commits."""
    handoff = session.get(Handoff, handoff_id)
    if handoff is None or not routed_to(session, handoff, counsellor.organisation_id):
        raise NotFoundError(handoff_id)
    load.lock(session, counsellor.id)
    if not load.has_room(session, counsellor):
        cap = load.cap_of(session, counsellor)
        session.rollback()
        raise CapReachedError(cap)
    _move(session, handoff_id, STATUS_WAITING, STATUS_ACTIVE)
    now = now_utc()
    session.execute(delete(HandoffAssignment).where(HandoffAssignment.handoff_id == handoff_id))
    session.add(
        HandoffAssignment(
            handoff_id=handoff_id,
            counsellor_id=counsellor.id,
            organisation_id=counsellor.organisation_id,
            claimed_at=now,
            waited_seconds=max(0, int((now - _aware(handoff.created_at)).total_seconds())),
        )
    )
    session.commit()
    session.refresh(handoff)
    logger.info("handoff %s claimed by counsellor %s", handoff_id, counsellor.id)
    return handoff


def release(session: Session, counsellor: Counsellor, handoff_id: str) -> Handoff:
    """Back to the queue, keeping its place (created_at is unchanged). Commits."""
    handoff = held_by(session, counsellor, handoff_id)
    _move(session, handoff_id, STATUS_ACTIVE, STATUS_WAITING)
    session.execute(delete(HandoffAssignment).where(HandoffAssignment.handoff_id == handoff_id))
    session.commit()
    session.refresh(handoff)
    logger.info("handoff %s released by counsellor %s", handoff_id, counsellor.id)
    return handoff


def transfer(
    session: Session, counsellor: Counsellor, handoff_id: str, to_counsellor_id: str
) -> Handoff:
    """Hand an active conversation to another enabled counsellor of the same organisation
    who has room under their cap."""
    handoff = held_by(session, counsellor, handoff_id)
    move_assignment(session, handoff, counsellor.id, counsellor.organisation_id, to_counsellor_id)
    return handoff


def move_assignment(
    session: Session, handoff: Handoff, from_counsellor_id: str, organisation_id: str, to_id: str
) -> Counsellor:
    """The conditional UPDATE of a transfer or a supervisor's reassignment. Commits."""
    target = session.get(Counsellor, to_id)
    if (
        target is None
        or target.organisation_id != organisation_id
        or target.disabled_at is not None
        or target.id == from_counsellor_id
    ):
        raise InvalidRequestError("no such colleague")
    load.lock(session, target.id)
    if not load.has_room(session, target):
        cap = load.cap_of(session, target)
        session.rollback()
        raise TargetCapReachedError(cap)
    result = session.execute(
        update(HandoffAssignment)
        .where(
            HandoffAssignment.handoff_id == handoff.id,
            HandoffAssignment.counsellor_id == from_counsellor_id,
        )
        .values(counsellor_id=target.id)
        .execution_options(synchronize_session=False)
    )
    if getattr(result, "rowcount", 0) != 1:
        session.rollback()
        raise ConflictError(handoff.id)
    session.commit()
    logger.info("handoff %s moved to counsellor %s", handoff.id, target.id)
    return target


def close(
    session: Session,
    counsellor: Counsellor,
    handoff_id: str,
    outcome: str,
    *,
    categories: list[str] | None = None,
    referral: str | None = None,
) -> Handoff:
    """Close with the post-conversation form: outcome, the problem categories as the
    counsellor judges them (optional; they replace the tagger's in the statistics and become
    tagger feedback like a tag correction) and "henvist til" (optional)."""
    if outcome not in OUTCOMES:
        raise InvalidRequestError("unknown outcome")
    if referral is not None and referral not in REFERRALS:
        raise InvalidRequestError("unknown referral")
    unique = _checked_tags(categories) if categories else None
    handoff = held_by(session, counsellor, handoff_id)
    _move(session, handoff_id, STATUS_ACTIVE, STATUS_CLOSED)
    session.execute(
        update(HandoffAssignment)
        .where(HandoffAssignment.handoff_id == handoff_id)
        .values(closed_at=now_utc(), outcome=outcome, referral=referral)
    )
    session.refresh(handoff)
    if unique is not None and set(unique) != set(_tag_ids(handoff)):
        _record_correction(session, counsellor, handoff, unique)
    # Statistics count the conversation in the organisation that handled it (no profile id).
    stats.record_closed_conversation(
        session,
        handoff,
        outcome=outcome,
        referral=referral,
        organisation_id=counsellor.organisation_id,
    )
    session.commit()
    logger.info("handoff %s closed with outcome %s", handoff_id, outcome)
    return handoff


def next_offer(
    session: Session, counsellor: Counsellor, *, exclude: str | None = None
) -> QueueItem | None:
    """The waiting handoff to offer a counsellor who just freed up: the first (akut, then the
    longest waiting) routed to their organisation, if they have room under their cap."""
    if counsellor.disabled_at is not None or not load.has_room(session, counsellor):
        return None
    for item in list_queue(session, counsellor):
        if not item.mine and item.id != exclude:
            return item
    return None


def colleagues(session: Session, counsellor: Counsellor) -> list[Counsellor]:
    """Enabled counsellors of the same organisation (transfer targets), without oneself."""
    return list(
        session.scalars(
            select(Counsellor)
            .where(
                Counsellor.organisation_id == counsellor.organisation_id,
                Counsellor.disabled_at.is_(None),
                Counsellor.id != counsellor.id,
            )
            .order_by(Counsellor.display_name)
        ).all()
    )


def transcript(
    session: Session, counsellor: Counsellor, handoff_id: str, *, keys: KeyProvider
) -> tuple[Handoff, list[transcripts.Turn]]:
    """The stored (anonymised) transcript so far, for the counsellor holding the handoff."""
    handoff = held_by(session, counsellor, handoff_id)
    return handoff, transcripts.read(session, handoff.conversation_id, keys=keys)


def _problem_entry_id(session: Session, handoff: Handoff) -> str | None:
    """The youth's last stored turn before the handoff: the problem description the tagger
    tagged (the text the corrected tags describe)."""
    return session.scalar(
        select(TranscriptEntry.id)
        .where(
            TranscriptEntry.profile_id == handoff.conversation_id,
            TranscriptEntry.role == "ungdom",
            TranscriptEntry.created_at <= handoff.created_at,
        )
        .order_by(TranscriptEntry.seq.desc())
        .limit(1)
    )


def correct_tags(
    session: Session, counsellor: Counsellor, handoff_id: str, tags: list[str]
) -> TagCorrection:
    """Store a counsellor's tags as feedback for the tagger; the handoff shows them from now
    on (score None: a person's judgement, not a probability)."""
    unique = _checked_tags(tags)
    handoff = held_by(session, counsellor, handoff_id)
    correction = _record_correction(session, counsellor, handoff, unique)
    session.commit()
    logger.info("tags of handoff %s corrected (%d tags)", handoff.id, len(unique))
    return correction


def _checked_tags(tags: list[str]) -> list[str]:
    unique = list(dict.fromkeys(tags))
    if not unique or any(tag not in TAG_IDS for tag in unique):
        raise InvalidRequestError("tags must be taxonomy ids")
    return unique


def _record_correction(
    session: Session, counsellor: Counsellor, handoff: Handoff, unique: list[str]
) -> TagCorrection:
    """The correction row (tagger feedback) and the handoff's new tags; the caller commits."""
    correction = TagCorrection(
        handoff_id=handoff.id,
        transcript_entry_id=_problem_entry_id(session, handoff),
        counsellor_id=counsellor.id,
        organisation_id=counsellor.organisation_id,
        previous_tags=list(handoff.tags),
        tags=unique,
    )
    session.add(correction)
    handoff.tags = [{"tag": tag, "score": None} for tag in unique]
    session.flush()
    return correction


def export_feedback(session: Session, *, keys: KeyProvider) -> list[dict[str, Any]]:
    """`{"text": anonymised, "tags": [...]}` for every correction whose text is still stored
    (erased profiles drop out with their transcript)."""
    rows = session.execute(
        select(TagCorrection, TranscriptEntry)
        .join(TranscriptEntry, TranscriptEntry.id == TagCorrection.transcript_entry_id)
        .order_by(TagCorrection.created_at)
    ).all()
    out: list[dict[str, Any]] = []
    for correction, entry in rows:
        turns = {t.seq: t for t in transcripts.read(session, entry.profile_id, keys=keys)}
        turn = turns.get(entry.seq)
        if turn is not None:
            out.append({"text": turn.text, "tags": list(correction.tags)})
    return out


# --- the youth's side: who holds my conversation, is anyone online, how long to wait ---------


# Built once: the bridge asks before every youth turn (building costs as much as running it).
_OPEN_HANDOFF = (
    select(Handoff.id, Handoff.status, HandoffAssignment.counsellor_id)
    .outerjoin(HandoffAssignment, HandoffAssignment.handoff_id == Handoff.id)
    .where(
        Handoff.conversation_id == bindparam("conversation_id"),
        Handoff.status.in_((STATUS_WAITING, STATUS_ACTIVE)),
    )
    .order_by(Handoff.created_at.desc())
    .limit(1)
)


def claimant(session: Session, conversation_id: str) -> Claimant | None:
    """The open handoff of a conversation and who holds it (None: no open handoff)."""
    row = session.execute(_OPEN_HANDOFF, {"conversation_id": conversation_id}).first()
    if row is None:
        return None
    counsellor_id = row.counsellor_id if row.status == STATUS_ACTIVE else None
    return Claimant(row.id, conversation_id, row.status, counsellor_id)


def mark_online(session: Session, sid: str, counsellor: Counsellor) -> None:
    row = session.get(CounsellorPresence, sid)
    if row is None:
        session.add(
            CounsellorPresence(
                sid=sid,
                counsellor_id=counsellor.id,
                organisation_id=counsellor.organisation_id,
                last_seen=now_utc(),
            )
        )
    else:
        row.last_seen = now_utc()
    session.commit()


def mark_offline(session: Session, sid: str) -> None:
    session.execute(delete(CounsellorPresence).where(CounsellorPresence.sid == sid))
    session.commit()


def counsellor_online_for(session: Session, conversation_id: str) -> bool:
    """Whether a console of an organisation that takes this conversation's handoff is open."""
    handoff = session.scalars(
        select(Handoff)
        .where(Handoff.conversation_id == conversation_id)
        .order_by(Handoff.created_at.desc())
        .limit(1)
    ).first()
    if handoff is None:
        return False
    organisations = accounts.organisations_for_handoff(session, _tag_ids(handoff), handoff.age_band)
    if not organisations:
        return False
    online = session.scalar(
        select(CounsellorPresence.sid)
        .where(
            CounsellorPresence.organisation_id.in_(organisations),
            CounsellorPresence.last_seen > now_utc() - PRESENCE_TIMEOUT,
        )
        .limit(1)
    )
    return online is not None


def estimated_wait_minutes(session: Session, now: datetime | None = None) -> int | None:
    """Median wait (minutes, rounded up, at least 1) of the recent claims; None without
    enough of them."""
    now = now or now_utc()
    waits = session.scalars(
        select(HandoffAssignment.waited_seconds)
        .where(HandoffAssignment.claimed_at > now - WAIT_WINDOW)
        .order_by(HandoffAssignment.claimed_at.desc())
        .limit(WAIT_SAMPLE)
    ).all()
    if len(waits) < WAIT_MIN_SAMPLES:
        return None
    median = statistics.median(waits)
    return max(1, int(-(-median // 60)))
