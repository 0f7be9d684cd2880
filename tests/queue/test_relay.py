"""The live relay through the real socket.io server (api in-process under uvicorn, no Rasa):
youth ↔ counsellor, typing, queue news, "no counsellor online", and every message stored
(anonymised, encrypted) before it is acknowledged or passed on."""

import asyncio
import secrets
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
import socketio
from pydantic import SecretStr
from sqlalchemy.orm import Session, sessionmaker

from api.config import Settings
from api.db.session import make_engine, make_sessionmaker
from api.realtime.webchat_bridge import MESSAGE_NOT_STORED_DA
from api.services import accounts, transcripts
from privacy.crypto import KeyRing
from tests.support.api_server import serving_api
from tests.support.oauth import (
    ACTION_CLIENT_ID,
    bearer,
    client_credentials_token,
    console_tokens,
)
from tests.support.queue import ConsoleClient, Person, add_counsellor, waiting_handoff
from tests.support.webchat_client import WebchatClient, texts

pytestmark = pytest.mark.asyncio(loop_scope="session")

OPENING_HOURS = "hverdage kl. 15–21"


@dataclass
class Live:
    url: str
    keys: KeyRing
    sessions: sessionmaker[Session]
    rikke: Person

    def token(self) -> str:
        with httpx.Client(base_url=self.url) as client:
            token: str = console_tokens(client, email=self.rikke.email)["access_token"]  # type: ignore[arg-type]
            return token

    def post(self, path: str, token: str, **kwargs: Any) -> httpx.Response:
        return httpx.post(f"{self.url}{path}", headers=bearer(token), timeout=10, **kwargs)

    def turns(self, conversation_id: str) -> list[transcripts.Turn]:
        with self.sessions() as session:
            return transcripts.read(session, conversation_id, keys=self.keys)


@pytest.fixture
def live(tmp_path: Path) -> Iterator[Live]:
    keys = KeyRing.generate()
    settings = Settings(
        database_url=f"sqlite:///{tmp_path / 'intake.db'}",
        key_ring=SecretStr(keys.to_json()),
        oauth_signing_key_file=tmp_path / "oauth" / "signing-key.pem",
        rasa_url="http://127.0.0.1:9",
        counselling_opening_hours=OPENING_HOURS,
    )
    with serving_api(settings) as url:
        engine = make_engine(settings.database_url)
        sessions = make_sessionmaker(engine)
        rikke = add_counsellor(sessions, "rikke@aarhus.dk", "Aarhus Kommune")
        yield Live(url, keys, sessions, rikke)
        engine.dispose()


class Youth(WebchatClient):
    """The widget's side, also collecting `queue_position` and `counsellor_typing`."""

    def __init__(self, url: str) -> None:
        super().__init__(url)
        self.events: asyncio.Queue[tuple[str, Any]] = asyncio.Queue()
        for event in ("queue_position", "counsellor_typing"):
            self.sio.on(event, self._collector(event))

    def _collector(self, event: str) -> Any:
        async def collect(data: Any = None) -> None:
            await self.events.put((event, data))

        return collect

    async def next_event(self, event: str, timeout: float = 10) -> Any:
        while True:
            name, data = await asyncio.wait_for(self.events.get(), timeout=timeout)
            if name == event:
                return data

    async def send(self, message: str) -> Any:
        """user_uttered with an acknowledgement (rasa-webchat does not ask for one)."""
        return await self.sio.call(
            "user_uttered", {"message": message, "session_id": self.session_id}, timeout=10
        )

    async def bot(self, timeout: float = 10) -> dict[str, Any]:
        return await asyncio.wait_for(self.inbox.get(), timeout=timeout)


async def test_youth_and_counsellor_chat_live_and_everything_is_stored_first(live: Live) -> None:
    handoff_id, conversation = waiting_handoff(
        live.sessions, live.keys, problem="jeg bliver mobbet hver dag"
    )
    youth = Youth(live.url)
    await youth.connect(conversation)
    assert (await youth.next_event("queue_position"))["position"] == 1

    # Nobody online: the bot says so, with the opening hours and the emergency numbers.
    replies = await youth.say("er der nogen?")
    said = texts(replies)
    assert "ingen rådgivere online" in said and OPENING_HOURS in said
    for number in ("112", "70 201 201", "116 111"):
        assert number in said

    token = live.token()
    console = ConsoleClient(live.url)
    await console.connect(token)
    said = texts(await youth.say("hallo?"))
    assert "Din besked er modtaget" in said and "ingen rådgivere online" not in said

    assert live.post(f"/api/v1/queue/{handoff_id}/claim", token).status_code == 200
    assert "En rådgiver har taget din samtale" in (await youth.bot())["text"]
    assert await console.next("queue_changed") == {}

    # Youth -> counsellor: live text as written; stored anonymised before the ack.
    ack = await youth.send("min mor hedder Hanne og mit nummer er 22 33 44 55")
    assert ack == {"ok": True, "stored": True, "duplicate": False}
    stored = live.turns(conversation)[-1]
    assert stored.role == "ungdom" and "22 33 44 55" not in stored.text
    message = await console.next("youth_message")
    assert message == {
        "handoff_id": handoff_id,
        "text": "min mor hedder Hanne og mit nummer er 22 33 44 55",
        "seq": stored.seq,  # the console shows a turn once even while loading the transcript
    }
    assert youth.inbox.empty()  # the bot stays silent while a counsellor has the chat

    # Typing, then counsellor -> youth as a plain webchat {text}; stored before the ack.
    assert await console.call("typing", {"handoff_id": handoff_id, "typing": True}) == {"ok": True}
    assert await youth.next_event("counsellor_typing") == {"typing": True}
    for odd_id in ("\ud800", "a\x00b"):  # no handoff has such an id; no store can hold it
        ack = await console.call("typing", {"handoff_id": odd_id, "typing": True})
        assert ack == {"ok": False, "error": "invalid"}
    reply = "Hej, jeg hedder Rikke. Ring til mig på 70 11 22 33, hvis du vil."
    ack = await console.call("counsellor_message", {"handoff_id": handoff_id, "text": reply})
    assert ack["ok"] is True
    last = live.turns(conversation)[-1]
    assert (last.seq, last.role) == (ack["seq"], "rådgiver")
    assert "70 11 22 33" not in last.text
    assert await youth.bot() == {"text": reply}
    broken = await console.call(
        "counsellor_message", {"handoff_id": handoff_id, "text": "ok \ud800"}
    )
    assert broken["ok"] is True  # stored with U+FFFD, as a youth's message would be
    assert live.turns(conversation)[-1].text == "ok \ufffd"
    assert await youth.bot() == {"text": "ok \ufffd"}

    # Opening the conversation shows the stored, anonymised transcript so far.
    conv = httpx.get(
        f"{live.url}/api/v1/conversations/{handoff_id}", headers=bearer(token), timeout=10
    ).json()
    assert [t["role"] for t in conv["transcript"]][-3:] == ["ungdom", "rådgiver", "rådgiver"]
    assert "22 33 44 55" not in str(conv)

    # Close: the youth is told, the console can no longer write into it.
    closed = live.post(
        f"/api/v1/conversations/{handoff_id}/close", token, json={"outcome": "hjulpet"}
    )
    assert closed.status_code == 204
    assert "afsluttet samtalen" in (await youth.bot())["text"]
    late = await console.call("counsellor_message", {"handoff_id": handoff_id, "text": "hej?"})
    assert late == {"ok": False, "error": "not_found"}
    await youth.close()
    await console.close()


async def test_a_message_that_cannot_be_stored_is_refused_and_not_relayed(
    live: Live, monkeypatch: pytest.MonkeyPatch
) -> None:
    handoff_id, conversation = waiting_handoff(live.sessions, live.keys)
    token = live.token()
    assert live.post(f"/api/v1/queue/{handoff_id}/claim", token).status_code == 200
    youth = Youth(live.url)
    await youth.connect(conversation)
    console = ConsoleClient(live.url)
    await console.connect(token)
    before = len(live.turns(conversation))

    def broken(*args: Any, **kwargs: Any) -> Any:
        raise RuntimeError("disk full")

    monkeypatch.setattr(transcripts, "append", broken)
    ack = await console.call("counsellor_message", {"handoff_id": handoff_id, "text": "hej"})
    assert ack == {"ok": False, "error": "not_stored"}
    ack = await youth.sio.call(
        "user_uttered", {"message": "hallo", "session_id": conversation}, timeout=10
    )
    assert ack == {"ok": False, "error": "not_stored"}  # never `stored: true`: resend it
    assert await youth.bot() == {"text": MESSAGE_NOT_STORED_DA}  # told, never left waiting
    await asyncio.sleep(0.5)
    received = [console.inbox.get_nowait()[0] for _ in range(console.inbox.qsize())]
    assert "youth_message" not in received
    monkeypatch.undo()
    assert len(live.turns(conversation)) == before
    await youth.close()
    await console.close()


async def test_console_refuses_a_connection_without_a_counsellor_token(live: Live) -> None:
    secret = secrets.token_urlsafe(32)
    with live.sessions() as session:
        accounts.ensure_action_client(session, ACTION_CLIENT_ID, secret)
        session.commit()
    with httpx.Client(base_url=live.url) as client:
        action_token = client_credentials_token(client, secret)  # type: ignore[arg-type]
    for auth in (None, "not-a-token", action_token):
        console = ConsoleClient(live.url)
        with pytest.raises(socketio.exceptions.ConnectionError):
            await console.connect(auth)


async def test_a_logged_out_console_is_cut_off_at_once(live: Live) -> None:
    handoff_id, conversation = waiting_handoff(live.sessions, live.keys)
    with httpx.Client(base_url=live.url) as client:
        tokens = console_tokens(client, email=live.rikke.email)  # type: ignore[arg-type]
        token = tokens["access_token"]
        assert live.post(f"/api/v1/queue/{handoff_id}/claim", token).status_code == 200
        console = ConsoleClient(live.url)
        await console.connect(token)
        assert await console.call("heartbeat") == {"ok": True}
        revoked = client.post(
            "/oauth/revoke", data={"token": tokens["refresh_token"], "client_id": "console"}
        )
        assert revoked.status_code == 200
    ack = await console.call("counsellor_message", {"handoff_id": handoff_id, "text": "hej"})
    assert ack == {"ok": False, "error": "unauthorized"}
    assert [t.role for t in live.turns(conversation)] == ["ungdom"]
    await console.close()
