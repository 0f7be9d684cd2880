"""A canary message never reaches the database in the clear: not in the SQLite files (main,
WAL, shared memory), not in a pg_dump. A control canary written to a plaintext column proves
the scan would find it."""

import uuid

import pytest
from sqlalchemy import select

from api.db.models import Handoff
from api.services import transcripts
from privacy.crypto import KeyRing
from tests.api.transcript_helpers import new_profile_id, pg_dump, sqlite_file_bytes
from tests.db_fixtures import Db


def no_anonymiser(text: str) -> str:
    """Deliberately keeps everything: here encryption alone must hide the canary."""
    return text


def _write(db: Db, key_ring: KeyRing, canary: str, control: str) -> str:
    pid = new_profile_id()
    with db.sessions.begin() as session:
        for role in ("ungdom", "bot", "rådgiver"):
            transcripts.append(
                session,
                pid,
                role,
                f"{canary} mit cpr er 010203-1234 og jeg bor på Nørregade 7",
                ["angst"],
                keys=key_ring,
                anonymise=no_anonymiser,
            )
        session.add(
            Handoff(
                conversation_id=pid,
                priority="normal",
                gender="x",
                age_band="x",
                crisis=False,
                tagger_status="ok",
                tags=[{"tag": control, "score": None}],
            )
        )
    with db.sessions() as session:  # the text really is stored and readable
        assert canary in transcripts.read(session, pid, keys=key_ring)[0].text
        assert session.scalars(select(Handoff)).one().tags[0]["tag"] == control
    return pid


def _assert_hidden(dump: bytes, canary: str, control: str, key_ring: KeyRing) -> None:
    assert control.encode() in dump, "control canary not found: the scan is broken"
    assert canary.encode() not in dump
    assert b"010203-1234" not in dump
    assert "Nørregade".encode() not in dump
    assert key_ring.active().key not in dump
    assert key_ring.active().key.hex().encode() not in dump


def test_canary_not_in_sqlite_files(sqlite_db: Db, key_ring: KeyRing) -> None:
    canary, control = f"canary-{uuid.uuid4().hex}", f"control-{uuid.uuid4().hex}"
    _write(sqlite_db, key_ring, canary, control)
    _assert_hidden(sqlite_file_bytes(sqlite_db.name), canary, control, key_ring)
    sqlite_db.engine.dispose()  # checkpoint the WAL into the main file, then look again
    _assert_hidden(sqlite_file_bytes(sqlite_db.name), canary, control, key_ring)


@pytest.mark.postgres
def test_canary_not_in_pg_dump(pg_db: Db, key_ring: KeyRing) -> None:
    canary, control = f"canary-{uuid.uuid4().hex}", f"control-{uuid.uuid4().hex}"
    _write(pg_db, key_ring, canary, control)
    _assert_hidden(pg_dump(pg_db.name), canary, control, key_ring)
