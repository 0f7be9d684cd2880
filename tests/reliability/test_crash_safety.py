"""SIGKILL the api mid-conversation, start it again on the same database: every message the
youth saw acknowledged (`stored: true`, api/realtime/acks.py) is in the transcript exactly
once, resending the unacknowledged ones (same `message_id`) stores nothing twice, and the
conversation goes on in the same session with the same counsellor.

The api is a real uvicorn process with its own SQLite file; the conversation is in the
counsellor relay phase (a claimed handoff), which needs neither Rasa nor the action server.
"""

import asyncio
import secrets
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import socketio

from api.db.session import make_engine, make_sessionmaker
from api.services import transcripts
from privacy.crypto.keyring_file import ReloadingKeyRing
from tests.support.api_process import ApiProcess, api_process
from tests.support.oauth import bearer, console_tokens
from tests.support.queue import ConsoleClient, add_counsellor, waiting_handoff
from tests.support.webchat_client import WebchatClient

pytestmark = pytest.mark.asyncio(loop_scope="session")

MESSAGES = 60
KILL_AFTER_ACKS = 15


@pytest.fixture
def api(tmp_path: Path) -> Iterator[ApiProcess]:
    # The flood limit is not under test here: a script sends faster than any person.
    with api_process(tmp_path, {"CHAT_BURST_MESSAGES": "1000"}) as running:
        yield running


def text_of(i: int) -> str:
    return f"besked nummer {i} fra mig"


async def test_sigkill_mid_conversation_loses_no_acknowledged_message_and_stores_none_twice(
    api: ApiProcess,
) -> None:
    keys = ReloadingKeyRing(api.key_ring_file)
    engine = make_engine(api.database_url)
    sessions = make_sessionmaker(engine)
    counsellor = add_counsellor(sessions, "rikke@aarhus.dk", "Aarhus Kommune")
    handoff_id, conversation = waiting_handoff(sessions, keys, problem="jeg er ked af det")
    with httpx.Client(base_url=api.url) as http:
        token: str = console_tokens(http, email=counsellor.email)["access_token"]  # type: ignore[arg-type]
    claim = httpx.post(f"{api.url}/api/v1/queue/{handoff_id}/claim", headers=bearer(token))
    assert claim.status_code == 200

    youth = WebchatClient(api.url)
    assert await youth.connect(conversation) == conversation
    ids = [f"m{i:03d}-{secrets.token_hex(6)}" for i in range(MESSAGES)]
    acks: dict[int, dict[str, Any]] = {}
    enough = asyncio.Event()

    def on_ack(i: int) -> Any:
        def record(answer: dict[str, Any]) -> None:
            acks[i] = answer
            if len(acks) >= KILL_AFTER_ACKS:
                enough.set()

        return record

    async def produce() -> int:
        """Emits messages one after another without waiting for their acks, as a fast typist's
        widget would; returns how many were handed to the socket before it died."""
        sent = 0
        for i in range(MESSAGES):
            try:
                await youth.sio.emit(
                    "user_uttered",
                    {"message": text_of(i), "session_id": conversation, "message_id": ids[i]},
                    callback=on_ack(i),
                )
            except socketio.exceptions.SocketIOError:
                break
            sent += 1
            await asyncio.sleep(0.005)
        return sent

    producer = asyncio.create_task(produce())
    await asyncio.wait_for(enough.wait(), timeout=30)
    api.kill()  # mid-stream: some messages are committed, some in flight, some never sent
    sent = await asyncio.wait_for(producer, timeout=30)
    acknowledged = {i for i, answer in acks.items() if answer.get("stored") is True}
    assert len(acknowledged) >= KILL_AFTER_ACKS
    assert all(
        answer == {"ok": True, "stored": True, "duplicate": False} for answer in acks.values()
    )
    await youth.sio.disconnect()

    api.start()  # same database, same key ring, a fresh process
    youth = WebchatClient(api.url)
    assert await youth.connect(conversation) == conversation  # the same session resumes
    # The widget resends everything it sent before the crash that it has no `stored` ack for;
    # here it resends the acknowledged ones too, which must change nothing.
    duplicates = 0
    for i in range(sent):
        answer = await youth.sio.call(
            "user_uttered",
            {"message": text_of(i), "session_id": conversation, "message_id": ids[i]},
            timeout=10,
        )
        assert answer["ok"] is True and answer["stored"] is True, answer
        duplicates += answer["duplicate"]
        if i in acknowledged:
            assert answer["duplicate"] is True  # committed before the ack went out
    # The rest of the conversation goes on: same counsellor, live both ways.
    console = ConsoleClient(api.url)
    await console.connect(token)
    for i in range(sent, MESSAGES):
        answer = await youth.sio.call(
            "user_uttered",
            {"message": text_of(i), "session_id": conversation, "message_id": ids[i]},
            timeout=10,
        )
        assert answer == {"ok": True, "stored": True, "duplicate": False}
    live = await console.next("youth_message")
    assert live["handoff_id"] == handoff_id
    reply = await console.call("counsellor_message", {"handoff_id": handoff_id, "text": "Hej!"})
    assert reply["ok"] is True
    assert await asyncio.wait_for(youth.inbox.get(), timeout=10) == {"text": "Hej!"}
    await console.close()
    await youth.close()

    with sessions() as session:
        turns = transcripts.read(session, conversation, keys=keys)
    engine.dispose()
    youth_texts = Counter(t.text for t in turns if t.role == "ungdom")
    for i in range(MESSAGES):
        assert youth_texts[text_of(i)] == 1, (i, i in acknowledged, youth_texts[text_of(i)])
    assert [t.text for t in turns if t.role == "rådgiver"] == ["Hej!"]
    assert duplicates >= len(acknowledged)
    print(
        f"\ncrash: {sent} sent before SIGKILL, {len(acknowledged)} acknowledged, "
        f"{duplicates} resends found already stored, {MESSAGES} stored once each"
    )
