"""When a youth's message cannot be stored, it goes nowhere, the acknowledgement says so, and
the widget tells the youth in Danish to send it again: never a silent hang."""

import asyncio
from pathlib import Path

import pytest
from pydantic import SecretStr
from sqlalchemy import text

from api.config import Settings
from api.db.models_auth import Counsellor
from api.db.session import make_engine, make_sessionmaker
from api.realtime.webchat_bridge import MESSAGE_NOT_STORED_DA
from api.services import queue
from privacy.crypto import KeyRing
from tests.support.api_server import serving_api
from tests.support.queue import add_counsellor, waiting_handoff
from tests.support.webchat_client import WebchatClient

pytestmark = pytest.mark.asyncio(loop_scope="session")


async def test_a_message_that_cannot_be_stored_is_answered_not_stored(tmp_path: Path) -> None:
    keys = KeyRing.generate()
    settings = Settings(
        database_url=f"sqlite:///{tmp_path / 'intake.db'}",
        key_ring=SecretStr(keys.to_json()),
        oauth_signing_key_file=tmp_path / "oauth" / "signing-key.pem",
        rasa_url="http://127.0.0.1:9",
        retention_job_enabled=False,
    )
    with serving_api(settings) as url:
        engine = make_engine(settings.database_url)
        sessions = make_sessionmaker(engine)
        rikke = add_counsellor(sessions, "rikke@aarhus.dk", "Aarhus Kommune")
        handoff_id, conversation = waiting_handoff(sessions, keys)
        with sessions() as session:
            counsellor = session.get(Counsellor, rikke.id)
            assert counsellor is not None
            queue.claim(session, counsellor, handoff_id)
        youth = WebchatClient(url)
        await youth.connect(conversation)
        try:
            call = {"message": "hjælp mig", "session_id": conversation}
            assert await youth.sio.call("user_uttered", call, timeout=10) == {
                "ok": True,
                "stored": True,
                "duplicate": False,
            }
            with engine.begin() as connection:  # storage breaks
                connection.execute(text("ALTER TABLE transcript_entries RENAME TO broken"))
            assert await youth.sio.call("user_uttered", call, timeout=10) == {
                "ok": False,
                "error": "not_stored",
            }
            reply = await asyncio.wait_for(youth.inbox.get(), timeout=10)
            assert reply == {"text": MESSAGE_NOT_STORED_DA}
            assert "112" in reply["text"] and "116 111" in reply["text"]
        finally:
            await youth.close()
            engine.dispose()
