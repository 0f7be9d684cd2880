"""The consent ledger (policy version and text hash, time, purposes), withdrawal that stops
processing at once, the browser's secret over socket.io, and the api's daily retention job."""

import asyncio
import hashlib
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
from pydantic import SecretStr
from sqlalchemy import func, select, update

from api.auth.youth_grant import GRANT_TYPE, WIDGET_CLIENT_ID
from api.config import Settings
from api.db.models import Handoff
from api.db.models_profiles import Profile, TranscriptEntry
from api.db.models_rights import ConsentRecord
from api.db.session import make_engine, make_sessionmaker
from api.services import consent, consent_ledger, handoffs
from privacy.crypto import KeyRing
from tests.db_fixtures import Db
from tests.support.api_server import serving_api
from tests.support.webchat_client import WebchatClient

SESSION = "e1e1" * 8


def test_consent_records_policy_hash_version_time_and_purposes(db: Db, key_ring: KeyRing) -> None:
    before = datetime.now(UTC)
    with db.sessions.begin() as session:
        assert consent.give(session, key_ring, SESSION)
    with db.sessions.begin() as session:
        assert not consent.give(session, key_ring, SESSION)  # no second record
    with db.sessions() as session:
        [record] = session.scalars(select(ConsentRecord)).all()
    policy_bytes = consent_ledger.POLICY_FILE.read_bytes()
    assert record.policy_sha256 == hashlib.sha256(policy_bytes).hexdigest()
    assert record.policy_version == "1.2" and b"Version 1.2" in policy_bytes
    assert record.purposes == ["service", "statistics"]
    assert before <= record.given_at <= datetime.now(UTC)
    assert record.withdrawn_at is None


def test_a_changed_policy_text_gets_another_hash(tmp_path: Path) -> None:
    notice = tmp_path / "privatliv.html"
    notice.write_text("<p>Version 1.0. Tekst.</p>", encoding="utf-8")
    first = consent_ledger.current_policy(notice)
    notice.write_text("<p>Version 1.1. Ny tekst.</p>", encoding="utf-8")
    second = consent_ledger.current_policy(notice)
    assert (first.version, second.version) == ("1.0", "1.1")
    assert first.sha256 != second.sha256


def test_withdrawal_after_case_start_stops_processing_but_keeps_the_case(
    db: Db, key_ring: KeyRing
) -> None:
    with db.sessions.begin() as session:
        consent.give(session, key_ring, SESSION)
    with db.sessions() as session:
        handoffs.create_handoff(
            session,
            conversation_id=SESSION,
            gender="dreng",
            age_band="16-18",
            crisis=False,
            tagger_status="ok",
            tags=[],
        )
        session.execute(update(Handoff).values(status="active"))
        session.commit()
    with db.sessions.begin() as session:
        result = consent.withdraw(session, SESSION)
    assert result.case_begun and not result.erased
    with db.sessions() as session:
        assert session.get(Profile, SESSION) is not None
        assert not consent.has_consented(session, SESSION)
        assert consent_ledger.active_purposes(session, SESSION) == set()


@pytest.fixture
def served(tmp_path: Path) -> Iterator[tuple[str, str, KeyRing]]:
    url = f"sqlite:///{tmp_path / 'intake.db'}"
    ring = KeyRing.generate()
    settings = Settings(
        database_url=url,
        oauth_signing_key_file=tmp_path / "key.pem",
        key_ring=SecretStr(ring.to_json()),
        rasa_url="http://127.0.0.1:9",
        rasa_timeout_seconds=1,
        retention_job_enabled=False,
    )
    with serving_api(settings) as api_url:
        yield api_url, url, ring


async def _ask_secret(client: WebchatClient) -> dict[str, Any]:
    answer: asyncio.Queue[dict[str, Any]] = asyncio.Queue()
    client.sio.on("profile_secret", answer.put)
    await client.sio.emit("profile_secret_request")
    return await asyncio.wait_for(answer.get(), timeout=5)


def _turns(db_url: str) -> int:
    engine = make_engine(db_url)
    try:
        with make_sessionmaker(engine)() as session:
            return session.scalar(select(func.count()).select_from(TranscriptEntry)) or 0
    finally:
        engine.dispose()


def _in_db(db_url: str, action: Any) -> Any:
    engine = make_engine(db_url)
    try:
        with make_sessionmaker(engine).begin() as session:
            return action(session)
    finally:
        engine.dispose()


@pytest.mark.asyncio(loop_scope="session")
async def test_secret_reaches_only_the_consented_socket_once_and_withdrawal_stops_storing(
    served: tuple[str, str, KeyRing],
) -> None:
    api_url, db_url, ring = served
    client = WebchatClient(api_url)
    await client.connect(SESSION)
    try:
        assert await _ask_secret(client) == {"status": "none"}
        _in_db(db_url, lambda s: consent.give(s, ring, SESSION))
        issued = await _ask_secret(client)
        assert issued["status"] == "issued"
        assert await _ask_secret(client) == {"status": "taken"}
        async with httpx.AsyncClient() as http:
            token = await http.post(
                f"{api_url}/oauth/token",
                data={
                    "grant_type": GRANT_TYPE,
                    "client_id": WIDGET_CLIENT_ID,
                    "secret": issued["secret"],
                },
            )
        assert token.status_code == 200 and token.json()["scope"] == "profile:self"
        # Another browser (another socket) with no conversation gets nothing.
        stranger = WebchatClient(api_url)
        await stranger.connect()
        try:
            assert await _ask_secret(stranger) == {"status": "none"}
        finally:
            await stranger.close()
    finally:
        await client.close()


@pytest.mark.asyncio(loop_scope="session")
async def test_withdrawal_stops_storing_turns_at_once(served: tuple[str, str, KeyRing]) -> None:
    api_url, db_url, ring = served
    client = WebchatClient(api_url)
    await client.connect(SESSION)
    try:
        _in_db(db_url, lambda s: consent.give(s, ring, SESSION))
        await client.say("hej", quiet_seconds=0.3, timeout=5)
        assert _turns(db_url) == 1  # stored while consent holds (Rasa is down: no bot turn)
        _in_db(db_url, lambda s: consent_ledger.withdraw(s, SESSION, now=datetime.now(UTC)))
        await client.say("hej igen", quiet_seconds=0.3, timeout=5)
        assert _turns(db_url) == 1
    finally:
        await client.close()


def test_the_api_runs_retention_daily(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'intake.db'}"
    settings = Settings(
        database_url=url,
        oauth_signing_key_file=tmp_path / "key.pem",
        key_ring=SecretStr(KeyRing.generate().to_json()),
        rasa_url="http://127.0.0.1:9",
        retention_job_enabled=True,
    )
    with serving_api(settings):
        pass  # migrated
    old = datetime.now(UTC) - timedelta(days=3 * 365)
    _in_db(url, lambda s: s.add(Profile(id=SESSION, created_at=old, last_activity_at=old)))
    with serving_api(settings):
        for _ in range(50):
            if _in_db(url, lambda s: s.get(Profile, SESSION)) is None:
                break
            time.sleep(0.1)
    assert _in_db(url, lambda s: s.get(Profile, SESSION)) is None
