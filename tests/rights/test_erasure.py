"""Erasure: every profile row and the data key go, aggregates stay, one log entry without
content, idempotent, an open conversation is closed (and counted) first, and an older copy of
the database can no longer be decrypted once the KEK is retired."""

import shutil
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import MetaData, func, select

from api.db.models_rights import ErasureLogEntry, StatsCell
from api.db.session import make_engine, make_sessionmaker
from api.services import erasure, newsletter, profiles, stats, transcripts
from api.services.key_rotation import rewrap_all
from privacy.crypto import (
    KeyRing,
    ReloadingKeyRing,
    UnknownKeyError,
    create_key_ring_file,
    read_key_ring_file,
    replace_key_ring_file,
)
from tests.rights.conftest import CANARY, EMAIL, OTHER, PROFILE, Youth, populate


def _rows_with(app: FastAPI, profile_id: str) -> dict[str, int]:
    metadata = MetaData()
    metadata.reflect(app.state.engine)
    counts = {}
    with app.state.engine.connect() as connection:
        for table in metadata.tables.values():
            column = next((c for c in ("profile_id", "conversation_id") if c in table.c), None)
            if table.name == "profiles":
                column = "id"
            if column is None:
                continue
            n = connection.scalar(
                select(func.count()).select_from(table).where(table.c[column] == profile_id)
            )
            if n:
                counts[table.name] = n
    return counts


def _cells(app: FastAPI) -> dict[tuple[str, str, str, str, str], int]:
    with app.state.sessions() as session:
        return {
            (c.organisation_id, c.month, c.gender, c.age_band, c.tag): c.count
            for c in session.scalars(select(StatsCell))
        }


def test_erasure_deletes_every_profile_row_keeps_aggregates_and_logs_no_content(
    app: FastAPI, client: TestClient, youth: Youth
) -> None:
    populate(app, OTHER)
    before = _cells(app)
    assert sum(before.values()) == 2
    assert set(_rows_with(app, PROFILE)) >= {
        "profiles",
        "profile_keys",
        "transcript_entries",
        "handoffs",
        "consent_records",
        "profile_credentials",
        "newsletter_subscriptions",
        "closed_conversations",
    }
    response = client.delete("/api/v1/profile", headers=youth.headers)
    assert response.status_code == 200
    assert response.json()["erased"] is True
    assert _rows_with(app, PROFILE) == {}
    assert _rows_with(app, OTHER)  # the neighbour is untouched
    assert _cells(app) == before  # aggregates are exempt
    with app.state.sessions() as session:
        [entry] = session.scalars(select(ErasureLogEntry)).all()
        assert entry.reason == "request"
        assert entry.counts["transcript_entries"] == 2
        logged = repr((entry.counts, entry.reason, entry.at))
    for secret in (PROFILE, CANARY, EMAIL):
        assert secret not in logged


def test_erasure_is_idempotent(app: FastAPI) -> None:
    populate(app, PROFILE)
    with app.state.sessions.begin() as session:
        first = erasure.erase(session, PROFILE, reason="request")
    with app.state.sessions.begin() as session:
        second = erasure.erase(session, PROFILE, reason="request")
    assert first.erased and not second.erased and second.counts == {}
    with app.state.sessions() as session:
        assert session.scalar(select(func.count()).select_from(ErasureLogEntry)) == 1


def test_an_open_conversation_is_closed_and_counted_first(app: FastAPI) -> None:
    populate(app, PROFILE, close=False, tags=("mobning",))
    assert _cells(app) == {}
    with app.state.sessions.begin() as session:
        result = erasure.erase(session, PROFILE, reason="request")
    assert result.conversations_closed == 1
    [(key, count)] = _cells(app).items()
    assert key[0] == stats.NO_ORGANISATION and key[2:] == ("pige", "13-15", "mobning")
    assert count == 1


def test_withdrawal_before_the_case_is_not_counted(
    app: FastAPI, client: TestClient, auth: dict[str, str]
) -> None:
    populate(app, PROFILE, close=False)
    response = client.delete(f"/api/v1/consents/{PROFILE}", headers=auth)
    assert response.json()["erased"] is True
    assert _cells(app) == {}  # consent to statistics was withdrawn with the rest
    assert _rows_with(app, PROFILE) == {}


def test_older_copy_cannot_be_decrypted_after_erasure_and_kek_retirement(
    sqlite_db: object, tmp_path: Path
) -> None:
    from tests.db_fixtures import Db

    assert isinstance(sqlite_db, Db)
    ring_file = tmp_path / "keyring.json"
    create_key_ring_file(ring_file, KeyRing.generate())
    keys = ReloadingKeyRing(ring_file, check_interval=0)
    from api.services import consent

    for pid in (PROFILE, OTHER):
        with sqlite_db.sessions.begin() as session:
            consent.give(session, keys, pid)
            transcripts.append(session, pid, "ungdom", CANARY, keys=keys, anonymise=str)
            newsletter.subscribe(session, keys, pid, EMAIL)
    profiles.checkpoint_after_erasure(sqlite_db.engine)
    backup = tmp_path / "backup.db"
    shutil.copyfile(sqlite_db.name, backup)
    old = make_sessionmaker(make_engine(f"sqlite:///{backup}"))
    with old() as session:  # the backup is readable while its KEK is in the ring
        assert transcripts.read(session, PROFILE, keys=keys)[0].text == CANARY
        assert newsletter.email_of(session, keys, PROFILE) == EMAIL

    with sqlite_db.sessions.begin() as session:
        result = erasure.erase(session, PROFILE, reason="request")
    profiles.checkpoint_after_erasure(sqlite_db.engine)
    rotated = read_key_ring_file(ring_file).with_new_active()
    replace_key_ring_file(ring_file, rotated)
    assert rewrap_all(sqlite_db.sessions, keys).failed == 0
    for kek_id in result.kek_ids:
        replace_key_ring_file(ring_file, read_key_ring_file(ring_file).without(kek_id))

    with old() as session:
        with pytest.raises(UnknownKeyError):
            transcripts.read(session, PROFILE, keys=keys)
        with pytest.raises(UnknownKeyError):
            newsletter.email_of(session, keys, PROFILE)
    with sqlite_db.sessions() as session:  # live profiles stay readable
        assert transcripts.read(session, OTHER, keys=keys)[0].text == CANARY
        assert newsletter.email_of(session, keys, OTHER) == EMAIL
