"""Hostile input against the real socket.io server and the HTTP api: 100 kB messages, broken
Unicode, invalid UTF-8, and a flood from one client. Every case gets a clear answer (a Danish
message and an explicit ack, or a 4xx), never a 5xx, and nothing of a normal user is lost."""

import asyncio
import secrets
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
from pydantic import SecretStr
from sqlalchemy.orm import Session, sessionmaker

from api.config import Settings
from api.db.session import make_engine, make_sessionmaker
from api.services import transcripts
from privacy.crypto import KeyRing
from tests.support.api_server import serving_api
from tests.support.oauth import (
    bearer,
    console_tokens,
)
from tests.support.queue import Person, add_counsellor, waiting_handoff
from tests.support.webchat_client import WebchatClient

pytestmark = pytest.mark.asyncio(loop_scope="session")

BURST = 10  # the default CHAT_BURST_MESSAGES


@dataclass
class Live:
    url: str
    keys: KeyRing
    sessions: sessionmaker[Session]
    rikke: Person

    def turns(self, conversation_id: str) -> list[transcripts.Turn]:
        with self.sessions() as session:
            return transcripts.read(session, conversation_id, keys=self.keys)

    def claimed_conversation(self) -> str:
        """A consented conversation a counsellor holds (the relay phase)."""
        handoff_id, conversation = waiting_handoff(self.sessions, self.keys)
        with httpx.Client(base_url=self.url) as client:
            token = console_tokens(client, email=self.rikke.email)["access_token"]  # type: ignore[arg-type]
        response = httpx.post(
            f"{self.url}/api/v1/queue/{handoff_id}/claim", headers=bearer(token), timeout=10
        )
        assert response.status_code == 200
        return conversation


@pytest.fixture
def live(tmp_path: Path) -> Iterator[Live]:
    keys = KeyRing.generate()
    settings = Settings(
        database_url=f"sqlite:///{tmp_path / 'intake.db'}",
        key_ring=SecretStr(keys.to_json()),
        oauth_signing_key_file=tmp_path / "oauth" / "signing-key.pem",
        rasa_url="http://127.0.0.1:9",
    )
    assert settings.chat_burst_messages == BURST
    with serving_api(settings) as url:
        engine = make_engine(settings.database_url)
        sessions = make_sessionmaker(engine)
        rikke = add_counsellor(sessions, f"rikke-{secrets.token_hex(3)}@aarhus.dk", "Aarhus")
        yield Live(url, keys, sessions, rikke)
        engine.dispose()


async def _youth(live: Live, conversation: str) -> WebchatClient:
    youth = WebchatClient(live.url)
    await youth.connect(conversation)
    return youth


async def _send(youth: WebchatClient, message: Any, message_id: str | None = None) -> Any:
    data: dict[str, Any] = {"message": message, "session_id": youth.session_id}
    if message_id is not None:
        data["message_id"] = message_id
    return await youth.sio.call("user_uttered", data, timeout=10)


async def test_a_100_kb_message_is_refused_with_the_limit_in_danish_and_nothing_stored(
    live: Live,
) -> None:
    conversation = live.claimed_conversation()
    youth = await _youth(live, conversation)
    before = len(live.turns(conversation))
    ack = await _send(youth, "å" * 100_000)
    assert ack == {"ok": False, "error": "too_long"}
    reply = await asyncio.wait_for(youth.inbox.get(), timeout=10)
    assert "for lang" in reply["text"] and "højst 2000 tegn" in reply["text"]
    assert len(live.turns(conversation)) == before
    # The connection is still good: the youth splits the message and goes on.
    assert (await _send(youth, "å" * 2000))["stored"] is True
    await youth.close()


async def test_lone_surrogates_are_kept_as_replacement_characters_not_a_crash(live: Live) -> None:
    conversation = live.claimed_conversation()
    youth = await _youth(live, conversation)
    # python-socketio sends this as the JSON escape "\ud800", as a broken client would.
    ack = await _send(youth, "halvt emoji \ud83d og resten")
    assert ack == {"ok": True, "stored": True, "duplicate": False}
    assert live.turns(conversation)[-1].text == "halvt emoji \ufffd og resten"
    await youth.close()


async def test_malformed_events_and_ids_get_an_explicit_refusal(live: Live) -> None:
    conversation = live.claimed_conversation()
    youth = await _youth(live, conversation)
    assert await _send(youth, {"nested": "object"}) == {"ok": False, "error": "invalid"}
    assert await _send(youth, "hej", message_id="../../x") == {"ok": False, "error": "invalid"}
    assert "kunne ikke læse" in (await asyncio.wait_for(youth.inbox.get(), timeout=10))["text"]
    await youth.close()


async def test_a_flooder_is_limited_and_a_normal_user_at_the_same_time_loses_nothing(
    live: Live,
) -> None:
    flood_conversation = live.claimed_conversation()
    normal_conversation = live.claimed_conversation()
    flooder = await _youth(live, flood_conversation)
    normal = await _youth(live, normal_conversation)

    async def flood() -> list[Any]:
        return await asyncio.gather(*(_send(flooder, f"spam {i}") for i in range(200)))

    async def chat() -> list[Any]:
        answers = []
        for i in range(BURST):  # a quick typist's burst of short messages
            answers.append(await _send(normal, f"normal besked {i}", f"normal-{i:04d}"))
            await asyncio.sleep(0.05)
        return answers

    flood_acks, normal_acks = await asyncio.gather(flood(), chat())
    outcomes = Counter(a.get("error", "stored") for a in flood_acks)
    assert outcomes["stored"] == BURST, outcomes
    assert outcomes["rate_limited"] == 200 - BURST, outcomes
    assert all(a["retry_after"] >= 1 for a in flood_acks if not a["ok"])
    warnings = []
    while not flooder.inbox.empty():
        warnings.append(flooder.inbox.get_nowait()["text"])
    assert len(warnings) == 1 and "Du skriver meget hurtigt" in warnings[0]
    flood_texts = [t.text for t in live.turns(flood_conversation) if t.role == "ungdom"]
    assert len(flood_texts) == 1 + BURST  # the problem description and the burst, no more

    assert all(a == {"ok": True, "stored": True, "duplicate": False} for a in normal_acks)
    normal_texts = [t.text for t in live.turns(normal_conversation) if t.role == "ungdom"]
    assert normal_texts[1:] == [f"normal besked {i}" for i in range(BURST)]
    assert normal.inbox.empty()  # never told to slow down
    await flooder.close()
    await normal.close()
