"""KEK rotation: data keys re-wrapped online, rows untouched, old KEK retirable."""

import threading
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from api.db.models_profiles import ProfileKey, TranscriptEntry
from api.services import transcripts
from api.services.key_rotation import count_not_under, data_keys_by_kek, rewrap_all
from privacy.crypto import (
    KeyRing,
    ReloadingKeyRing,
    UnknownKeyError,
    create_key_ring_file,
    read_key_ring_file,
    replace_key_ring_file,
)
from tests.api.transcript_helpers import new_profile_id
from tests.db_fixtures import Db


def _fill(db: Db, keys: KeyRing | ReloadingKeyRing, profiles: int, turns: int) -> list[str]:
    ids = [new_profile_id() for _ in range(profiles)]
    with db.sessions.begin() as session:
        for pid in ids:
            for n in range(turns):
                transcripts.append(
                    session, pid, "ungdom", f"besked {n} fra {pid}", keys=keys, anonymise=str.strip
                )
    return ids


def _ciphertexts(db: Db) -> dict[str, bytes]:
    with db.sessions() as session:
        return {e.id: e.text.blob for e in session.scalars(select(TranscriptEntry))}


def test_rotation_keeps_everything_readable_and_old_kek_retirable(db: Db, tmp_path: Path) -> None:
    path = tmp_path / "keyring.json"
    create_key_ring_file(path, KeyRing.generate())
    keys = ReloadingKeyRing(path, check_interval=0)
    old = keys.active()
    ids = _fill(db, keys, profiles=25, turns=3)
    before = _ciphertexts(db)

    rotated = read_key_ring_file(path).with_new_active()
    replace_key_ring_file(path, rotated)
    progress: list[int] = []
    report = rewrap_all(db.sessions, keys, batch_size=7, on_progress=progress.append)

    assert (report.rewrapped, report.failed, report.skipped) == (25, 0, 0)
    assert sum(progress) == 25
    assert max(progress) <= 7
    with db.sessions() as session:
        assert data_keys_by_kek(session) == {rotated.active().id: 25}
        assert count_not_under(session, rotated.active().id) == 0
    # Not one row re-encrypted: rotation only touched profile_keys.
    assert _ciphertexts(db) == before

    retired = rotated.without(old.id)
    replace_key_ring_file(path, retired)
    with db.sessions() as session:
        for pid in ids:
            texts = [t.text for t in transcripts.read(session, pid, keys=keys)]
            assert texts == [f"besked {n} fra {pid}" for n in range(3)]
    with pytest.raises(UnknownKeyError):
        keys.get(old.id)


def test_rotation_is_idempotent_and_reports_unreadable_keys(db: Db, key_ring: KeyRing) -> None:
    _fill(db, key_ring, profiles=3, turns=1)
    stranger = KeyRing.generate()
    _fill(db, stranger, profiles=2, turns=1)  # wrapped by a KEK this ring does not have
    rotated = key_ring.with_new_active()
    report = rewrap_all(db.sessions, rotated)
    assert (report.rewrapped, report.failed) == (3, 2)
    assert report.failed_kek_ids == {stranger.active().id}
    again = rewrap_all(db.sessions, rotated)
    assert (again.rewrapped, again.failed) == (0, 2)


def test_rotation_while_the_api_keeps_writing(db: Db, tmp_path: Path) -> None:
    """An 'api' thread creates profiles and appends turns throughout; its key ring reloads
    from the file. After rotation every data key is under the new KEK and all text reads."""
    path = tmp_path / "keyring.json"
    create_key_ring_file(path, KeyRing.generate())
    api_keys = ReloadingKeyRing(path, check_interval=0.05)
    _fill(db, api_keys, profiles=40, turns=1)
    stop = threading.Event()
    written: list[str] = []
    errors: list[BaseException] = []

    def api_writer() -> None:
        try:
            while not stop.is_set():
                written.extend(_fill(db, api_keys, profiles=1, turns=2))
        except BaseException as exc:  # surfaced by the assertion below
            errors.append(exc)

    thread = threading.Thread(target=api_writer)
    thread.start()
    try:
        rotated = read_key_ring_file(path).with_new_active()
        replace_key_ring_file(path, rotated)
        report = rewrap_all(db.sessions, ReloadingKeyRing(path), batch_size=5, settle_seconds=0.5)
    finally:
        stop.set()
        thread.join()
    assert not errors
    assert report.failed == 0
    assert written, "the writer thread made no progress"
    with db.sessions() as session:
        assert count_not_under(session, rotated.active().id) == 0
        keys_total = len(session.scalars(select(ProfileKey.profile_id)).all())
        assert keys_total == 40 + len(written)
        for pid in written[-3:]:
            assert len(transcripts.read(session, pid, keys=api_keys)) == 2


def test_a_busy_sqlite_batch_is_run_again_and_counted_once(
    db: Db, monkeypatch: pytest.MonkeyPatch
) -> None:
    """SQLite's one writer can keep a batch waiting past its busy timeout while the api writes
    without pause; the batch (one transaction, conditional updates) is rolled back and run
    again, and its rows are counted once."""
    from sqlalchemy.exc import OperationalError

    from api.services import key_rotation

    ring = KeyRing.generate()
    _fill(db, ring, profiles=7, turns=1)
    rotated = ring.with_new_active()
    from privacy.crypto import rewrap_data_key as real_rewrap

    calls = {"n": 0}

    def busy_on_third_and_ninth(*args: Any) -> Any:
        calls["n"] += 1
        if calls["n"] in (3, 9):  # mid-batch, after two updates of the same transaction
            raise OperationalError("UPDATE ...", {}, Exception("database is locked"))
        return real_rewrap(*args)

    monkeypatch.setattr(key_rotation, "rewrap_data_key", busy_on_third_and_ninth)
    monkeypatch.setattr(key_rotation, "_BUSY_BACKOFF_SECONDS", 0.0)
    report = rewrap_all(db.sessions, rotated, batch_size=5)
    assert (report.rewrapped, report.skipped, report.failed) == (7, 0, 0)
    # 7 rows + the 3 of the first batch's failed attempt + the 1 of the second's.
    assert calls["n"] == 11
    with db.sessions() as session:
        assert count_not_under(session, rotated.active().id) == 0


def test_other_database_errors_are_not_retried(monkeypatch: pytest.MonkeyPatch) -> None:
    from sqlalchemy.exc import OperationalError

    from api.services import key_rotation

    calls = {"n": 0}

    def broken() -> key_rotation._Batch:
        calls["n"] += 1
        raise OperationalError("SELECT ...", {}, Exception("disk I/O error"))

    with pytest.raises(OperationalError):
        key_rotation._retrying_when_busy(broken)
    assert calls["n"] == 1
