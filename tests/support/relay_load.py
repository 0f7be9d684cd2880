"""Many widget connections in the relay phase at once: each youth writes, the counsellor holding
the conversation answers, and every message is counted where it should arrive.

Used by `bench/sockets.py` (1,000 connections) and by its pytest smoke version, so the bench
cannot rot. Conversations are prepared with the real services (consent, stored problem,
handoff, claim); the exchange goes through the api's socket.io server like the widget and the
console do.
"""

import asyncio
import time
from collections import Counter
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

import httpx
import socketio
from sqlalchemy.orm import Session, sessionmaker

from api.db.models_auth import Counsellor
from api.services import accounts, queue
from privacy.crypto import KeyProvider
from tests.support.oauth import console_tokens
from tests.support.queue import ConsoleClient, Person, add_counsellor, waiting_handoff

CALL_TIMEOUT_SECONDS = 120


@dataclass(frozen=True)
class Conversation:
    handoff_id: str
    conversation_id: str
    counsellor: Person


@dataclass(frozen=True)
class Direction:
    sent: int  # acknowledged as stored by the api (unacknowledged ones are not counted)
    received: int  # acknowledged messages that arrived at the right conversation
    lost: int  # acknowledged but never arrived
    duplicated: int  # arrived more than once (extra copies), or arrived unexpected

    @classmethod
    def count(cls, acknowledged: set[str], arrived: Counter[str]) -> "Direction":
        received = sum(1 for text in acknowledged if arrived[text] > 0)
        extra = sum(n - 1 for n in arrived.values() if n > 1)
        unexpected = sum(n for text, n in arrived.items() if text not in acknowledged)
        return cls(len(acknowledged), received, len(acknowledged) - received, extra + unexpected)


@dataclass(frozen=True)
class RelayLoadResult:
    connections: int  # confirmed by the server as the conversation they asked for
    youth_to_counsellor: Direction
    counsellor_to_youth: Direction
    exchange_seconds: float
    unacknowledged: int  # sends with no acknowledgement in time, or refused


def prepare(
    sessions: sessionmaker[Session], keys: KeyProvider, connections: int, counsellors: int
) -> list[Conversation]:
    """`connections` conversations, each consented, waiting and then claimed by one of
    `counsellors` counsellors (round robin), each allowed the highest concurrent-conversation
    cap a counsellor account can have."""
    cap = accounts.MAX_CONVERSATION_CAP
    if connections > counsellors * cap:
        raise ValueError(
            f"{counsellors} counsellors can hold at most {counsellors * cap} conversations "
            f"(cap {cap} each); use at least {-(-connections // cap)} counsellors"
        )
    people = [
        add_counsellor(sessions, f"raadgiver{i}@load.dk", "Belastning", cap=cap)
        for i in range(counsellors)
    ]
    prepared = []
    for index in range(connections):
        handoff_id, conversation_id = waiting_handoff(sessions, keys, problem="jeg har det svært")
        person = people[index % counsellors]
        with sessions() as session:
            counsellor = session.get(Counsellor, person.id)
            assert counsellor is not None
            queue.claim(session, counsellor, handoff_id)
        prepared.append(Conversation(handoff_id, conversation_id, person))
    return prepared


class _Youth:
    def __init__(self, url: str, conversation_id: str, arrived: Counter[str]) -> None:
        self.url = url
        self.conversation_id = conversation_id
        self.sio = socketio.AsyncClient(reconnection=False)
        self.confirmed: asyncio.Future[Any] = asyncio.get_running_loop().create_future()
        self.sio.on("session_confirm", self._on_confirm)
        self.sio.on("bot_uttered", self._on_bot)
        self.arrived = arrived

    async def _on_confirm(self, data: Any) -> None:
        if not self.confirmed.done():
            self.confirmed.set_result(data)

    async def _on_bot(self, data: Any) -> None:
        if isinstance(data, dict) and isinstance(data.get("text"), str):
            self.arrived[f"{self.conversation_id}|{data['text']}"] += 1

    async def connect(self) -> None:
        await self.sio.connect(self.url, transports=["websocket"], wait_timeout=60)
        await self.sio.emit("session_request", {"session_id": self.conversation_id})
        await asyncio.wait_for(self.confirmed, timeout=60)


async def run(
    url: str,
    conversations: list[Conversation],
    *,
    messages_per_side: int = 2,
    connect_batch: int = 50,
    in_flight: int = 200,
    after_connect: Callable[[], Awaitable[None]] | None = None,
    settle_seconds: float = 5.0,
) -> RelayLoadResult:
    """Connect every youth (and one console per counsellor), exchange messages, count."""
    to_console: Counter[str] = Counter()
    to_youth: Counter[str] = Counter()
    consoles: dict[str, ConsoleClient] = {}
    with httpx.Client(base_url=url, timeout=30) as http:
        for person in {c.counsellor.id: c.counsellor for c in conversations}.values():
            console = ConsoleClient(url)

            async def on_youth_message(data: Any = None) -> None:
                if isinstance(data, dict) and isinstance(data.get("text"), str):
                    to_console[f"{data.get('handoff_id')}|{data['text']}"] += 1

            console.sio.on("youth_message", on_youth_message, namespace=ConsoleClient.NAMESPACE)
            token = console_tokens(http, email=person.email)["access_token"]  # type: ignore[arg-type]
            await console.connect(token)
            consoles[person.id] = console
    youths = [_Youth(url, c.conversation_id, to_youth) for c in conversations]
    try:
        for start in range(0, len(youths), connect_batch):
            await asyncio.gather(*(y.connect() for y in youths[start : start + connect_batch]))
        if after_connect is not None:
            await after_connect()
        youth_acked: set[str] = set()
        counsellor_acked: set[str] = set()
        unacknowledged = 0

        async def call(client: socketio.AsyncClient, event: str, data: Any, ns: str) -> Any:
            nonlocal unacknowledged
            try:
                return await client.call(event, data, namespace=ns, timeout=CALL_TIMEOUT_SECONDS)
            except socketio.exceptions.TimeoutError:
                unacknowledged += 1
                return None

        gate = asyncio.Semaphore(in_flight)

        async def exchange(index: int, conversation: Conversation, youth: _Youth) -> None:
            nonlocal unacknowledged
            console = consoles[conversation.counsellor.id]
            for turn in range(messages_per_side):
                text = f"ung {index} besked {turn}"
                async with gate:
                    ack = await call(
                        youth.sio,
                        "user_uttered",
                        {"message": text, "session_id": conversation.conversation_id},
                        "/",
                    )
                if isinstance(ack, dict) and ack.get("ok") is True and ack.get("stored") is True:
                    youth_acked.add(f"{conversation.handoff_id}|{text}")
                elif ack is not None:
                    unacknowledged += 1
                reply = f"rådgiver svarer {index} nr {turn}"
                async with gate:
                    ack = await call(
                        console.sio,
                        "counsellor_message",
                        {"handoff_id": conversation.handoff_id, "text": reply},
                        ConsoleClient.NAMESPACE,
                    )
                if isinstance(ack, dict) and ack.get("ok") is True:
                    counsellor_acked.add(f"{conversation.conversation_id}|{reply}")
                elif ack is not None:
                    unacknowledged += 1

        started = time.perf_counter()
        await asyncio.gather(
            *(exchange(i, c, y) for i, (c, y) in enumerate(zip(conversations, youths, strict=True)))
        )
        # Wait until everything acknowledged has arrived, or nothing more arrives.
        deadline = time.monotonic() + settle_seconds
        while time.monotonic() < deadline:
            if all(to_console[t] for t in youth_acked) and all(
                to_youth[t] for t in counsellor_acked
            ):
                break
            await asyncio.sleep(0.1)
        elapsed = time.perf_counter() - started
        await asyncio.sleep(0.5)  # late duplicates would show up here
    finally:
        await asyncio.gather(*(y.sio.disconnect() for y in youths), return_exceptions=True)
        await asyncio.gather(*(c.close() for c in consoles.values()), return_exceptions=True)
    return RelayLoadResult(
        # Sessions the server confirmed as their own conversation (the widget's resume).
        connections=sum(
            1
            for y in youths
            if y.confirmed.done()
            and not y.confirmed.cancelled()
            and y.confirmed.exception() is None
            and y.confirmed.result() == y.conversation_id
        ),
        youth_to_counsellor=Direction.count(youth_acked, to_console),
        counsellor_to_youth=Direction.count(counsellor_acked, to_youth),
        exchange_seconds=elapsed,
        unacknowledged=unacknowledged,
    )
