"""Per-organisation transcript retention on SQLite and PostgreSQL with a fixed clock: an
organisation with 30 days loses the transcripts of the conversations it handled 30 days after
the last activity; other organisations' (the platform's 2 years), open conversations and
statistics stay; the deletion is logged without content."""

from datetime import UTC, datetime, timedelta

from sqlalchemy import func, select, update

from api.db.models import Handoff
from api.db.models_auth import Counsellor
from api.db.models_profiles import Profile, TranscriptEntry
from api.db.models_rights import ConsentRecord, ErasureLogEntry, StatsCell
from api.services import accounts, organisation_rules, queue, retention
from privacy.crypto import KeyRing
from tests.db_fixtures import Db
from tests.support.queue import Person, add_counsellor, waiting_handoff

NOW = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)


def _conversation(db: Db, keys: KeyRing, person: Person, *, close: bool, idle_days: int) -> str:
    handoff_id, conversation = waiting_handoff(db.sessions, keys, problem="jeg er så ensom")
    with db.sessions() as session:
        counsellor = session.get(Counsellor, person.id)
        assert counsellor is not None
        queue.claim(session, counsellor, handoff_id)
        if close:
            queue.close(session, counsellor, handoff_id, "hjulpet")
        session.execute(
            update(Profile)
            .where(Profile.id == conversation)
            .values(last_activity_at=NOW - timedelta(days=idle_days))
        )
        session.commit()
    return conversation


def _entries(db: Db, profile_id: str) -> int:
    with db.sessions() as session:
        return int(
            session.scalar(
                select(func.count())
                .select_from(TranscriptEntry)
                .where(TranscriptEntry.profile_id == profile_id)
            )
            or 0
        )


def test_an_organisations_shorter_retention_deletes_only_its_transcripts(
    db: Db, key_ring: KeyRing
) -> None:
    short = add_counsellor(db.sessions, "anna@kort.dk", "Kort NGO")
    default = add_counsellor(db.sessions, "bo@lang.dk", "Lang Kommune")
    with db.sessions() as session:
        organisation_rules.set_transcript_retention(
            session, accounts.find_organisation(session, "Kort NGO"), 30
        )
        session.commit()
    gone = _conversation(db, key_ring, short, close=True, idle_days=31)
    recent = _conversation(db, key_ring, short, close=True, idle_days=29)
    still_open = _conversation(db, key_ring, short, close=False, idle_days=31)
    other_org = _conversation(db, key_ring, default, close=True, idle_days=400)
    for profile in (gone, recent, still_open, other_org):
        assert _entries(db, profile) == 1
    with db.sessions() as session:
        cells_before = session.scalar(select(func.sum(StatsCell.count)))
        assert cells_before

    dry = retention.run(db.sessions, now=NOW, dry_run=True)
    assert dry.organisation_retention.due == 1 and _entries(db, gone) == 1

    report = retention.run(db.sessions, now=NOW)
    assert report.organisation_retention.transcripts_deleted == 1
    assert report.organisation_retention.entries_deleted == 1
    assert _entries(db, gone) == 0
    assert _entries(db, recent) == _entries(db, still_open) == _entries(db, other_org) == 1
    with db.sessions() as session:
        # Only the transcript went: profile, consent, conversation and statistics stay.
        assert session.get(Profile, gone) is not None
        assert session.scalars(select(ConsentRecord).where(ConsentRecord.profile_id == gone)).all()
        assert session.scalars(select(Handoff).where(Handoff.conversation_id == gone)).all()
        assert session.scalar(select(func.sum(StatsCell.count))) == cells_before
        [entry] = session.scalars(
            select(ErasureLogEntry).where(ErasureLogEntry.reason == "org_retention")
        ).all()
        assert entry.counts == {"transcript_entries": 1}
        assert gone not in repr((entry.counts, entry.reason))
    # Nothing is due twice.
    assert retention.run(db.sessions, now=NOW).organisation_retention.due == 0
