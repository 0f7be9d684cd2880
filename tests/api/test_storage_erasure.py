"""Erasure by crypto-shredding: the live database forgets at once; an older copy of the
database becomes undecryptable once the KEK that wrapped the erased data key is retired."""

import shutil
from pathlib import Path

import pytest
from sqlalchemy import func, select, text

from api.db.models_profiles import Profile, ProfileKey, TranscriptEntry
from api.db.session import make_engine, make_sessionmaker
from api.services import transcripts
from api.services.key_rotation import rewrap_all
from api.services.profiles import (
    ProfileKeyMissingError,
    checkpoint_after_erasure,
    data_key,
    erase_profile,
)
from privacy.crypto import (
    KeyRing,
    ReloadingKeyRing,
    UnknownKeyError,
    create_key_ring_file,
    read_key_ring_file,
    replace_key_ring_file,
)
from tests.api.transcript_helpers import new_profile_id, pg_dump, sqlite_file_bytes
from tests.db_fixtures import Db


def _profile(db: Db, keys: KeyRing | ReloadingKeyRing, text: str) -> str:
    pid = new_profile_id()
    with db.sessions.begin() as session:
        transcripts.append(session, pid, "ungdom", text, ["angst"], keys=keys, anonymise=str.strip)
        transcripts.append(session, pid, "bot", "svar", keys=keys, anonymise=str.strip)
    return pid


def _rows(db: Db, pid: str) -> int:
    with db.sessions() as session:
        return sum(
            session.scalar(select(func.count()).select_from(model).where(column == pid)) or 0
            for model, column in (
                (Profile, Profile.id),
                (ProfileKey, ProfileKey.profile_id),
                (TranscriptEntry, TranscriptEntry.profile_id),
            )
        )


def test_erase_profile_destroys_key_and_rows_only_of_that_profile(
    db: Db, key_ring: KeyRing
) -> None:
    victim, other = _profile(db, key_ring, "slet mig"), _profile(db, key_ring, "behold mig")
    with db.sessions.begin() as session:
        receipt = erase_profile(session, victim)
    assert (receipt.keys_destroyed, receipt.entries_deleted) == (1, 2)
    assert receipt.kek_ids == (key_ring.active().id,)
    assert _rows(db, victim) == 0
    with db.sessions() as session:
        assert transcripts.read(session, victim, keys=key_ring) == []
        with pytest.raises(ProfileKeyMissingError):
            data_key(session, key_ring, victim, 1)
        assert [t.text for t in transcripts.read(session, other, keys=key_ring)] == [
            "behold mig",
            "svar",
        ]
    # Erasing again is harmless; a new conversation under the same id gets a new key.
    with db.sessions.begin() as session:
        assert erase_profile(session, victim).keys_destroyed == 0


@pytest.mark.postgres
def test_erased_profile_leaves_no_trace_in_pg_dump(pg_db: Db, key_ring: KeyRing) -> None:
    victim = _profile(pg_db, key_ring, "slet mig")
    _profile(pg_db, key_ring, "behold mig")
    assert victim.encode() in pg_dump(pg_db.name)
    with pg_db.sessions.begin() as session:
        erase_profile(session, victim)
    assert victim.encode() not in pg_dump(pg_db.name)


def _copy_sqlite(db: Db, dest: Path) -> str:
    checkpoint_after_erasure(db.engine)  # everything into the main file, WAL emptied
    shutil.copyfile(db.name, dest)
    return f"sqlite:///{dest}"


def test_older_copy_cannot_be_decrypted_after_erasure_and_kek_retirement(
    sqlite_db: Db, tmp_path: Path
) -> None:
    ring_file = tmp_path / "keyring.json"
    create_key_ring_file(ring_file, KeyRing.generate())
    keys = ReloadingKeyRing(ring_file, check_interval=0)
    # Neighbours on both sides, so the victim's cells sit inside pages that stay in use.
    before = [_profile(sqlite_db, keys, "før " * 30) for _ in range(2)]
    victim = _profile(sqlite_db, keys, "slet mig")
    other = _profile(sqlite_db, keys, "behold mig")
    after = [_profile(sqlite_db, keys, "efter " * 30) for _ in range(2)]
    with sqlite_db.sessions() as session:
        victim_wrapped = session.scalars(
            select(ProfileKey.wrapped_key).where(ProfileKey.profile_id == victim)
        ).one()
        victim_ciphertexts = [
            e.text.blob
            for e in session.scalars(
                select(TranscriptEntry).where(TranscriptEntry.profile_id == victim)
            )
        ]
    old_url = _copy_sqlite(sqlite_db, tmp_path / "backup-before-erasure.db")

    with sqlite_db.sessions.begin() as session:
        # As on SQLite builds without SQLITE_SECURE_DELETE (Debian's has it on by default).
        session.execute(text("PRAGMA secure_delete=OFF"))
        receipt = erase_profile(session, victim)
    checkpoint_after_erasure(sqlite_db.engine)

    # The live files no longer hold the wrapped key or the ciphertexts (secure_delete).
    live = sqlite_file_bytes(sqlite_db.name)
    assert victim_wrapped not in live
    assert all(blob not in live for blob in victim_ciphertexts)

    old_sessions = make_sessionmaker(make_engine(old_url))
    # The limit of crypto-shredding: the old copy still holds the wrapped key, and while its
    # KEK is in the ring it can be read. That is why erasure ends with KEK retirement.
    with old_sessions() as session:
        assert transcripts.read(session, victim, keys=keys)[0].text == "slet mig"

    rotated = read_key_ring_file(ring_file).with_new_active()
    replace_key_ring_file(ring_file, rotated)
    assert rewrap_all(sqlite_db.sessions, keys).failed == 0
    for kek_id in receipt.kek_ids:
        replace_key_ring_file(ring_file, read_key_ring_file(ring_file).without(kek_id))

    with old_sessions() as session, pytest.raises(UnknownKeyError):
        transcripts.read(session, victim, keys=keys)
    with sqlite_db.sessions() as session:
        assert transcripts.read(session, other, keys=keys)[0].text == "behold mig"
        for pid in before + after:
            assert len(transcripts.read(session, pid, keys=keys)) == 2
