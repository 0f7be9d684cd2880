"""Encrypted columns accept only ciphertext sealed for their own row; moved or altered
ciphertext in the database fails to decrypt with a clear error."""

import uuid

import pytest
from sqlalchemy import insert, select, text, update
from sqlalchemy.exc import StatementError

from api.db.encrypted import PlaintextRefusedError
from api.db.models_profiles import ProfileKey, TranscriptEntry
from api.services import transcripts
from privacy.crypto import DecryptionError, KeyRing, Sealed
from tests.api.transcript_helpers import new_profile_id
from tests.db_fixtures import Db


def _two_entries(db: Db, key_ring: KeyRing, pid: str) -> tuple[str, str]:
    with db.sessions.begin() as session:
        a = transcripts.append(session, pid, "ungdom", "første", keys=key_ring, anonymise=str.strip)
        b = transcripts.append(session, pid, "bot", "anden", keys=key_ring, anonymise=str.strip)
        return a.id, b.id


def test_plaintext_assigned_to_the_orm_attribute_is_refused(
    sqlite_db: Db, key_ring: KeyRing
) -> None:
    pid = new_profile_id()
    _two_entries(sqlite_db, key_ring, pid)
    with sqlite_db.sessions() as session:
        entry = TranscriptEntry(id=uuid.uuid4().hex, profile_id=pid, seq=99, role="ungdom", tags=[])
        entry.text = "klartekst"  # type: ignore[assignment]
        session.add(entry)
        with pytest.raises(PlaintextRefusedError) as info:
            session.flush()
        assert "klartekst" not in str(info.value)


def test_plaintext_in_a_core_insert_is_refused(sqlite_db: Db, key_ring: KeyRing) -> None:
    pid = new_profile_id()
    _two_entries(sqlite_db, key_ring, pid)
    for value in ("klartekst", b"klartekst"):
        with sqlite_db.sessions.begin() as session, pytest.raises(StatementError) as info:
            session.execute(
                insert(TranscriptEntry).values(
                    id=uuid.uuid4().hex,
                    profile_id=pid,
                    seq=50,
                    role="bot",
                    tags=[],
                    text=value,
                )
            )
        assert isinstance(info.value.orig, PlaintextRefusedError)


def test_ciphertext_sealed_for_another_row_is_refused_on_write(
    sqlite_db: Db, key_ring: KeyRing
) -> None:
    pid = new_profile_id()
    a_id, _ = _two_entries(sqlite_db, key_ring, pid)
    with sqlite_db.sessions() as session:
        a = session.get_one(TranscriptEntry, a_id)
        copy = TranscriptEntry(id=uuid.uuid4().hex, profile_id=pid, seq=7, role="bot", tags=[])
        copy.text = Sealed(blob=a.text.blob, context=a.field_context("text"))
        session.add(copy)
        with pytest.raises(PlaintextRefusedError, match="another row"):
            session.flush()


def test_ciphertext_moved_to_another_row_in_the_database_fails_to_decrypt(
    db: Db, key_ring: KeyRing
) -> None:
    pid = new_profile_id()
    a_id, b_id = _two_entries(db, key_ring, pid)
    # An attacker with database access (raw SQL, not our column type) copies a ciphertext.
    with db.engine.begin() as connection:
        connection.execute(
            text(
                "UPDATE transcript_entries SET text_ciphertext = "
                "(SELECT text_ciphertext FROM transcript_entries WHERE id = :a) WHERE id = :b"
            ),
            {"a": a_id, "b": b_id},
        )
    with (
        db.sessions() as session,
        pytest.raises(DecryptionError, match=r"transcript_entries\.text_ciphertext"),
    ):
        transcripts.read(session, pid, keys=key_ring)


def test_ciphertext_moved_to_another_profile_fails(db: Db, key_ring: KeyRing) -> None:
    p1, p2 = new_profile_id(), new_profile_id()
    a_id, _ = _two_entries(db, key_ring, p1)
    _two_entries(db, key_ring, p2)
    with db.engine.begin() as connection:
        connection.execute(
            text("UPDATE transcript_entries SET profile_id = :p, seq = 3 WHERE id = :a"),
            {"p": p2, "a": a_id},
        )
    with db.sessions() as session, pytest.raises(DecryptionError):
        transcripts.read(session, p2, keys=key_ring)


def test_flipped_byte_in_the_database_fails(db: Db, key_ring: KeyRing) -> None:
    pid = new_profile_id()
    a_id, _ = _two_entries(db, key_ring, pid)
    # Raw SQL: the attacker does not go through our column type.
    with db.engine.begin() as connection:
        blob = bytearray(
            connection.execute(
                text("SELECT text_ciphertext FROM transcript_entries WHERE id = :id"), {"id": a_id}
            ).scalar_one()
        )
        blob[20] ^= 0x04
        connection.execute(
            text("UPDATE transcript_entries SET text_ciphertext = :b WHERE id = :id"),
            {"b": bytes(blob), "id": a_id},
        )
    with db.sessions() as session, pytest.raises(DecryptionError, match="failed to authenticate"):
        transcripts.read(session, pid, keys=key_ring)


def test_wrapped_key_copied_to_another_profile_fails(db: Db, key_ring: KeyRing) -> None:
    p1, p2 = new_profile_id(), new_profile_id()
    _two_entries(db, key_ring, p1)
    _two_entries(db, key_ring, p2)
    with db.engine.begin() as connection:
        wrapped = connection.execute(
            select(ProfileKey.wrapped_key).where(ProfileKey.profile_id == p1)
        ).scalar_one()
        connection.execute(
            update(ProfileKey).where(ProfileKey.profile_id == p2).values(wrapped_key=wrapped)
        )
    with db.sessions() as session, pytest.raises(DecryptionError, match="wrapped data key"):
        transcripts.read(session, p2, keys=key_ring)


def test_another_key_ring_cannot_read(db: Db, key_ring: KeyRing) -> None:
    pid = new_profile_id()
    _two_entries(db, key_ring, pid)
    stranger = KeyRing.generate()
    with db.sessions() as session, pytest.raises(DecryptionError):
        transcripts.read(session, pid, keys=stranger)
