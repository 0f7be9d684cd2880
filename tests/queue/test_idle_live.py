"""The idle job in the running api (in-process under uvicorn) with tiny configured timeouts:
the youth is asked "Er du der stadig?", then the conversation closes kindly with the emergency
numbers, the counsellor's console is told, and the handoff ends as `inaktiv`."""

import asyncio
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from pydantic import SecretStr

from api.config import Settings
from api.db.models_queue import HandoffAssignment
from api.db.session import make_engine, make_sessionmaker
from api.services.idle import IDLE_CHECK_DA, IDLE_CLOSED_DA
from privacy.crypto import KeyRing
from tests.queue.test_relay import Live, Youth
from tests.support.api_server import serving_api
from tests.support.queue import ConsoleClient, add_counsellor, waiting_handoff

pytestmark = pytest.mark.asyncio(loop_scope="session")


@pytest.fixture
def idle_live(tmp_path: Path) -> Iterator[Live]:
    keys = KeyRing.generate()
    settings = Settings(
        database_url=f"sqlite:///{tmp_path / 'intake.db'}",
        key_ring=SecretStr(keys.to_json()),
        oauth_signing_key_file=tmp_path / "oauth" / "signing-key.pem",
        rasa_url="http://127.0.0.1:9",
        idle_check_seconds=2,
        idle_close_seconds=4,
        idle_job_interval_seconds=1,
    )
    with serving_api(settings) as url:
        engine = make_engine(settings.database_url)
        sessions = make_sessionmaker(engine)
        rikke = add_counsellor(sessions, "rikke@aarhus.dk", "Aarhus Kommune")
        yield Live(url, keys, sessions, rikke)
        engine.dispose()


async def test_an_idle_youth_is_checked_then_closed_kindly(idle_live: Live) -> None:
    live = idle_live
    handoff_id, conversation = waiting_handoff(live.sessions, live.keys)
    token = live.token()
    youth = Youth(live.url)
    await youth.connect(conversation)
    console = ConsoleClient(live.url)
    console.sio.on(
        "conversation_closed",
        console._collector("conversation_closed"),
        namespace=ConsoleClient.NAMESPACE,
    )
    await console.connect(token)
    try:
        assert live.post(f"/api/v1/queue/{handoff_id}/claim", token).status_code == 200
        assert "En rådgiver har taget" in (await youth.bot())["text"]
        # The youth answers now and then: no check while they do.
        for _ in range(3):
            assert await youth.send("jeg er her") == {
                "ok": True,
                "stored": True,
                "duplicate": False,
            }
            await asyncio.sleep(1.0)
        assert youth.inbox.empty()

        started = time.monotonic()
        assert (await youth.bot(timeout=10))["text"] == IDLE_CHECK_DA
        closed = await youth.bot(timeout=10)
        assert closed["text"] == IDLE_CLOSED_DA
        for number in ("112", "70 201 201", "116 111"):
            assert number in closed["text"]
        assert time.monotonic() - started < 10
        notice = await console.next("conversation_closed")
        assert notice == {"handoff_id": handoff_id, "outcome": "inaktiv"}
        with live.sessions() as session:
            assignment = session.get(HandoffAssignment, handoff_id)
            assert assignment is not None and assignment.outcome == "inaktiv"
    finally:
        await youth.close()
        await console.close()
