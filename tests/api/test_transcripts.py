"""Transcript store on SQLite and PostgreSQL: anonymise, encrypt, append, read back."""

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from api.db.models_profiles import Profile, ProfileKey, TranscriptEntry
from api.services import transcripts
from privacy.crypto import KeyRing
from tests.api.transcript_helpers import new_profile_id, stand_in_anonymiser
from tests.db_fixtures import Db


def test_append_and_read_round_trip(db: Db, key_ring: KeyRing) -> None:
    pid = new_profile_id()
    turns = [
        ("ungdom", "Hej, mit cpr er 010203-1234 og jeg er ked af det", ["nedtrykthed"]),
        ("bot", "Tak fordi du skriver. Vil du fortælle mere?", []),
        ("rådgiver", "Hej, jeg hedder Mette og er rådgiver 💬", ["nedtrykthed", "ensomhed"]),
    ]
    with db.sessions.begin() as session:
        for role, text, tags in turns:
            transcripts.append(
                session, pid, role, text, tags, keys=key_ring, anonymise=stand_in_anonymiser
            )
    with db.sessions() as session:
        read = transcripts.read(session, pid, keys=key_ring)
    assert [(t.seq, t.role, t.tags) for t in read] == [
        (1, "ungdom", ["nedtrykthed"]),
        (2, "bot", []),
        (3, "rådgiver", ["nedtrykthed", "ensomhed"]),
    ]
    assert read[0].text == "Hej, mit cpr er [CPR] og jeg er ked af det"
    assert read[2].text == turns[2][1]
    assert "Mette" not in repr(read[2])


def test_first_turn_creates_profile_with_one_wrapped_key(db: Db, key_ring: KeyRing) -> None:
    pid = new_profile_id()
    t0 = datetime(2026, 1, 1, 12, tzinfo=UTC)
    with db.sessions.begin() as session:
        transcripts.append(session, pid, "ungdom", "a", keys=key_ring, anonymise=str.strip, now=t0)
        transcripts.append(
            session,
            pid,
            "bot",
            "b",
            keys=key_ring,
            anonymise=str.strip,
            now=t0 + timedelta(minutes=5),
        )
    with db.sessions() as session:
        profile = session.get_one(Profile, pid)
        assert profile.next_seq == 3
        assert profile.last_activity_at.replace(tzinfo=UTC) == t0 + timedelta(minutes=5)
        (key,) = session.scalars(select(ProfileKey).where(ProfileKey.profile_id == pid)).all()
        assert key.kek_id == key_ring.active().id
        assert len(key.wrapped_key) > 32


def test_profiles_are_independent(db: Db, key_ring: KeyRing) -> None:
    a, b = new_profile_id(), new_profile_id()
    with db.sessions.begin() as session:
        transcripts.append(session, a, "ungdom", "til a", keys=key_ring, anonymise=str.strip)
        transcripts.append(session, b, "ungdom", "til b", keys=key_ring, anonymise=str.strip)
        transcripts.append(session, a, "bot", "svar a", keys=key_ring, anonymise=str.strip)
    with db.sessions() as session:
        assert [t.text for t in transcripts.read(session, a, keys=key_ring)] == ["til a", "svar a"]
        assert [t.text for t in transcripts.read(session, b, keys=key_ring)] == ["til b"]
        keys = session.scalars(select(ProfileKey.wrapped_key)).all()
        assert len(set(keys)) == 2


def test_the_anonymised_text_is_what_is_encrypted(db: Db, key_ring: KeyRing) -> None:
    seen: list[str] = []

    def anonymise(text: str) -> str:
        seen.append(text)
        return "[ANONYMISERET]"

    pid = new_profile_id()
    with db.sessions.begin() as session:
        transcripts.append(session, pid, "ungdom", "rå tekst", keys=key_ring, anonymise=anonymise)
    with db.sessions() as session:
        assert [t.text for t in transcripts.read(session, pid, keys=key_ring)] == ["[ANONYMISERET]"]
    assert seen == ["rå tekst"]


@pytest.mark.parametrize(
    ("role", "tags", "error"),
    [
        ("youth", [], "role"),
        ("ungdom", ["Jeg hedder Søren"], "taxonomy ids"),
        ("ungdom", ["angst", "x y"], "taxonomy ids"),
    ],
)
def test_bad_role_or_free_text_tags_are_refused(
    sqlite_db: Db, key_ring: KeyRing, role: str, tags: list[str], error: str
) -> None:
    with sqlite_db.sessions.begin() as session, pytest.raises(ValueError, match=error):
        transcripts.append(
            session, new_profile_id(), role, "x", tags, keys=key_ring, anonymise=str.strip
        )


def test_there_is_no_default_anonymiser(sqlite_db: Db, key_ring: KeyRing) -> None:
    with sqlite_db.sessions.begin() as session:
        with pytest.raises(TypeError):
            transcripts.append(session, new_profile_id(), "ungdom", "x", keys=key_ring)  # type: ignore[call-arg]
        with pytest.raises(TypeError, match="anonymise"):
            transcripts.append(
                session,
                new_profile_id(),
                "ungdom",
                "x",
                keys=key_ring,
                anonymise=None,  # type: ignore[arg-type]
            )
    with sqlite_db.sessions() as session:
        assert session.scalar(select(func.count()).select_from(TranscriptEntry)) == 0


def test_role_check_constraint_holds_in_the_database(db: Db, key_ring: KeyRing) -> None:
    pid = new_profile_id()
    with db.sessions.begin() as session:
        transcripts.append(session, pid, "ungdom", "x", keys=key_ring, anonymise=str.strip)
    from sqlalchemy import update
    from sqlalchemy.exc import IntegrityError

    with pytest.raises(IntegrityError), db.sessions.begin() as session:
        session.execute(update(TranscriptEntry).values(role="hacker"))
