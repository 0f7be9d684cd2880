"""socket.io server speaking the rasa-webchat protocol, forwarding turns to Rasa.

Events (the contract the unmodified rasa-webchat widget relies on):
  client → `session_request` {session_id?}   server → `session_confirm` session_id
  client → `user_uttered` {message, session_id?, customData?}
  server → `bot_uttered` {text} | {text, quick_replies} | {attachment}
Extra events for the youth widget (rasa-webchat ignores events it does not know):
  server → `queue_position` {position, estimated_wait_minutes}   place in the counsellors'
                                         queue, 1 = next; the estimate may be null
  server → `counsellor_typing` {typing}  the counsellor is (not) typing
A conversation's replies go to a room named by its session id, so every tab of the same
anonymous browser sees them.

After a handoff the bot is silent until the handoff is closed or handed back to the bot
(api/services/handback.py): while the handoff waits, the youth is told their place (and, outside
the opening hours of every organisation that takes it, when counsellors are back, or that no
counsellor is online, with the emergency numbers);
once a counsellor has claimed it, each message is stored and then relayed to that counsellor's
console (api/services/relay.py), and `user_uttered` is acknowledged with `{stored: true}`.
If storing fails (e.g. the database is overloaded), the message goes nowhere, the youth is
told in Danish to send it again, and the acknowledgement is `{stored: false}`.
"""

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

import anyio.to_thread
import socketio
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from api.realtime import acks
from api.realtime.session_ids import is_valid_session_id, new_session_id
from api.services import consent, handoffs, idle, inbound, organisation_rules, queue, transcripts
from api.services.metrics import Metrics
from api.services.rasa_client import RasaClient, RasaUnavailableError
from api.services.rate_limit import RateLimiter
from api.services.relay import CONSOLE_NAMESPACE, Relay
from api.services.webchat import BOT_UNAVAILABLE_DA, EMERGENCY_NUMBERS_DA, text_message, to_webchat
from privacy.crypto import KeyProvider

logger = logging.getLogger(__name__)

T = TypeVar("T")

WAITING_FOR_COUNSELLOR_DA = (
    "Din besked er modtaget. Du er i kø til en rådgiver, som skriver til dig her, "
    "så snart der er en ledig."
)


DEFAULT_OPENING_HOURS_DA = "alle dage kl. 14–23"


def queue_position_da(position: int, estimated_wait_minutes: int | None = None) -> str:
    text = "Du er den næste i køen." if position == 1 else f"Du er nummer {position} i køen."
    if estimated_wait_minutes is not None:
        text += f" Forventet ventetid: ca. {estimated_wait_minutes} min."
    return text + " Bliv her, så skriver en rådgiver til dig."


def no_counsellor_online_da(opening_hours: str) -> str:
    return (
        "Der er ingen rådgivere online lige nu. Vi har åbent "
        f"{opening_hours}. Du beholder din plads i køen, og din besked er gemt. "
        + EMERGENCY_NUMBERS_DA
    )


MESSAGE_NOT_STORED_DA = (
    "Din besked kunne ikke gemmes, så den er ikke sendt videre. Prøv at sende den igen om lidt. "
    + EMERGENCY_NUMBERS_DA
)


TOO_FAST_DA = (
    "Du skriver meget hurtigt. Vent et øjeblik, og send så din besked igen. "
    "De beskeder, du fik svar på, er modtaget."
)
FLOOD_WARNING_INTERVAL_SECONDS = 10.0


@dataclass(frozen=True)
class StoredTurn:
    claimant: queue.Claimant | None
    stored: bool
    duplicate: bool
    seq: int | None = None  # its place in the transcript, when stored now


class WebchatBridge:
    def __init__(
        self,
        sio: socketio.AsyncServer,
        rasa: RasaClient,
        sessions: sessionmaker[Session],
        max_message_chars: int,
        keys: KeyProvider,
        anonymise: Callable[[str], str],
        opening_hours: str = DEFAULT_OPENING_HOURS_DA,
        relay: Relay | None = None,
        limiter: RateLimiter | None = None,
        metrics: Metrics | None = None,
        *,
        db_threads: int,
    ) -> None:
        self.metrics = metrics
        # The bridge's own small share of worker threads: a burst of turns queues here instead
        # of spreading over anyio's 40 shared threads, which also serve the HTTP routes (1, 2,
        # 4 and 40 threads measured alike in bench/bridge.py; docs/architecture.md).
        self._db_threads = anyio.CapacityLimiter(db_threads)
        self.sio = sio
        self.limiter = limiter
        self._warned: dict[str, float] = {}
        self.opening_hours = opening_hours
        self.relay = relay
        self.rasa = rasa
        self.sessions = sessions
        self.max_message_chars = max_message_chars
        self.keys = keys
        self.anonymise = anonymise
        sio.on("connect", self.on_connect)
        sio.on("session_request", self.on_session_request)
        sio.on("user_uttered", self.on_user_uttered)

    async def on_connect(self, sid: str, environ: dict[str, Any], auth: Any = None) -> None:
        logger.debug("socket connected")

    async def on_session_request(self, sid: str, data: Any = None) -> None:
        requested = data.get("session_id") if isinstance(data, dict) else None
        resumed = is_valid_session_id(requested)
        session_id = str(requested) if resumed else new_session_id()
        await self.sio.save_session(sid, {"session_id": session_id})
        await self.sio.enter_room(sid, session_id)
        await self.sio.emit("session_confirm", session_id, to=sid)
        if not resumed:
            return  # a conversation that begins now has no place in the queue to look up
        # A reloaded page (or a new tab) learns at once where it is in the queue.
        position, minutes = await self._in_db_thread(self._queue_position_and_wait, session_id)
        if position is not None:
            await self.sio.emit(
                "queue_position",
                {"position": position, "estimated_wait_minutes": minutes},
                to=sid,
            )

    async def _session_id(self, sid: str, data: dict[str, Any]) -> str:
        session = await self.sio.get_session(sid)
        session_id = session.get("session_id")
        if is_valid_session_id(session_id):
            return str(session_id)
        # A client that skipped session_request: adopt its id or give it one.
        requested = data.get("session_id")
        session_id = requested if is_valid_session_id(requested) else new_session_id()
        await self.sio.save_session(sid, {"session_id": session_id})
        await self.sio.enter_room(sid, session_id)
        return str(session_id)

    async def _say(self, room: str, message: dict[str, Any]) -> None:
        await self.sio.emit("bot_uttered", message, room=room)

    async def on_user_uttered(self, sid: str, data: Any = None) -> dict[str, Any]:
        """One youth turn. The return value is the socket.io acknowledgement (sent only if the
        client asked for one; rasa-webchat does not and is unaffected). See `api.realtime.acks`.
        """
        session_id = await self._session_id(sid, data if isinstance(data, dict) else {})
        wait = self.limiter.acquire(session_id) if self.limiter is not None else 0.0
        if wait > 0:
            await self._warn_flood(sid, session_id)
            self._count_refused("rate_limited")
            return acks.rate_limited(wait)
        checked = inbound.check(data, self.max_message_chars)
        if isinstance(checked, inbound.Refused):
            if checked.reply_da is not None:
                await self.sio.emit("bot_uttered", text_message(checked.reply_da), to=sid)
            self._count_refused(checked.error)
            return acks.refused(checked.error)
        message = checked.text
        # Stored (anonymised, encrypted) and committed before anything else happens with it,
        # and only once the youth has consented; before that nothing is written anywhere.
        try:
            stored = await self._in_db_thread(
                self._store_youth_turn, session_id, message, checked.client_message_id
            )
        except Exception as exc:  # nothing was stored: say so, never fail silently
            logger.error("youth turn not stored: %s", type(exc).__name__)
            await self.sio.emit("bot_uttered", text_message(MESSAGE_NOT_STORED_DA), to=sid)
            self._count_refused("not_stored")
            return acks.refused("not_stored")
        if stored.duplicate:
            # A resend after a reconnect of a turn committed before the ack got out: it was
            # processed then; processing it again would store it twice and confuse the bot.
            return acks.accepted(stored=True, duplicate=True)
        claimant = stored.claimant
        if claimant is not None:
            if claimant.counsellor_id is not None and self.relay is not None:
                await self.relay.youth_message(claimant, message, seq=stored.seq)
                self._count_turn("counsellor", "youth")
            else:
                await self._tell_waiting(session_id, WAITING_FOR_COUNSELLOR_DA)
                await self._send_queue_position(session_id)
            return acks.accepted(stored=True)
        try:
            replies = await self.rasa.send(session_id, message)
        except RasaUnavailableError:
            await self._say(session_id, text_message(BOT_UNAVAILABLE_DA))
            if self.metrics is not None:
                self.metrics.count_rasa_error("unavailable")
            return acks.accepted(stored=stored.stored)
        self._count_turn("bot", "youth")
        outgoing = [m for reply in replies for m in to_webchat(reply)]
        bot_texts = [m["text"] for m in outgoing if "text" in m]
        # One trip to the database thread pool per turn: store, then read the queue place.
        position, minutes = await self._in_db_thread(self._after_rasa_turn, session_id, bot_texts)
        for webchat_message in outgoing:
            await self._say(session_id, webchat_message)
        if bot_texts:
            self._count_turn("bot", "bot")
        # The action server records a handoff during the turn; tell the youth their place
        # (in words, so rasa-webchat shows it too) and everyone waiting their new place: an
        # `akut` handoff moves ahead of the others.
        if position is not None:
            await self._tell_waiting(session_id, queue_position_da(position, minutes))
            await self.broadcast_queue_positions()
        return acks.accepted(stored=stored.stored)

    async def _in_db_thread(self, work: Callable[..., T], *args: Any) -> T:
        return await anyio.to_thread.run_sync(work, *args, limiter=self._db_threads)

    def _count_turn(self, phase: str, sender: str) -> None:
        if self.metrics is not None:
            self.metrics.count_turn(phase, sender)

    def _count_refused(self, reason: str) -> None:
        if self.metrics is not None:
            self.metrics.count_refused(reason)

    async def _warn_flood(self, sid: str, session_id: str) -> None:
        """The Danish explanation, once per `FLOOD_WARNING_INTERVAL_SECONDS` per conversation
        (every refused message is still refused explicitly in its acknowledgement)."""
        now = time.monotonic()
        if now - self._warned.get(session_id, -FLOOD_WARNING_INTERVAL_SECONDS) < (
            FLOOD_WARNING_INTERVAL_SECONDS
        ):
            return
        self._warned[session_id] = now
        if len(self._warned) > 10_000:
            self._warned = {session_id: now}
        logger.info("conversation %s rate-limited", session_id)
        await self.sio.emit("bot_uttered", text_message(TOO_FAST_DA), to=sid)

    async def _tell_waiting(self, session_id: str, text: str) -> None:
        """`text`, followed, outside the opening hours of every organisation that takes this
        handoff, by when counsellors are back and the emergency numbers; else, when no
        counsellor who takes it is online, by that news with the platform's opening hours."""
        closed, online = await self._in_db_thread(self._availability, session_id)
        if closed is not None:
            text = f"{text} {closed}"
        elif not online:
            text = f"{text} {no_counsellor_online_da(self.opening_hours)}"
        await self._say(session_id, text_message(text))

    async def broadcast_queue_positions(self) -> None:
        """Send every waiting conversation its current place, and tell the consoles to refetch
        their queue. Call whenever the queue changes (a handoff is created, claimed, released
        or closed)."""
        positions, minutes = await self._in_db_thread(self._queue_positions_and_wait)
        for conversation_id, position in positions.items():
            await self.sio.emit(
                "queue_position",
                {"position": position, "estimated_wait_minutes": minutes},
                room=conversation_id,
            )
        await self.sio.emit("queue_changed", {}, namespace=CONSOLE_NAMESPACE)

    async def set_counsellor_typing(self, conversation_id: str, typing: bool) -> None:
        """For the counsellor console: shows or hides the typing indicator in the widget."""
        await self.sio.emit("counsellor_typing", {"typing": typing}, room=conversation_id)

    async def _send_queue_position(self, session_id: str) -> None:
        position, minutes = await self._in_db_thread(self._queue_position_and_wait, session_id)
        if position is not None:
            await self.sio.emit(
                "queue_position",
                {"position": position, "estimated_wait_minutes": minutes},
                room=session_id,
            )

    def _store_youth_turn(
        self, session_id: str, message: str, client_message_id: str | None
    ) -> StoredTurn:
        """Stores the youth's turn if they consented (committed before this returns), unless a
        turn with the same client message id is stored already; returns that and the open
        handoff and who holds it (None: the bot still has the conversation). A youth writing in
        an open handoff restarts its idle clock (api/services/idle.py)."""
        try:
            with self.sessions.begin() as session:
                claimant = queue.claimant(session, session_id)
                if not consent.has_consented(session, session_id):
                    return StoredTurn(claimant, stored=False, duplicate=False)
                if client_message_id is not None and (
                    transcripts.find_client_message(session, session_id, client_message_id)
                    is not None
                ):
                    return StoredTurn(claimant, stored=True, duplicate=True)
                appended = transcripts.append(
                    session,
                    session_id,
                    "ungdom",
                    message,
                    keys=self.keys,
                    anonymise=self.anonymise,
                    client_message_id=client_message_id,
                )
                if claimant is not None:
                    idle.record_youth_activity(session, claimant.handoff_id, queue.now_utc())
                return StoredTurn(claimant, stored=True, duplicate=False, seq=appended.seq)
        except IntegrityError:
            # The same id committed by a concurrent resend between the check and the insert.
            if client_message_id is None:
                raise
            return StoredTurn(None, stored=True, duplicate=True)

    def _availability(self, session_id: str) -> tuple[str | None, bool]:
        """(the Danish "closed, back at" text or None when open, a counsellor online)."""
        now = queue.now_utc()
        with self.sessions() as session:
            hours = organisation_rules.availability_for_conversation(session, session_id, now)
            if not hours.open:
                return organisation_rules.closed_da(hours, now), False
            return None, queue.counsellor_online_for(session, session_id)

    def _queue_position_and_wait(self, session_id: str) -> tuple[int | None, int | None]:
        with self.sessions() as session:
            position = handoffs.queue_position(session, session_id)
            if position is None:
                return None, None
            return position, queue.estimated_wait_minutes(session)

    def _queue_positions_and_wait(self) -> tuple[dict[str, int], int | None]:
        with self.sessions() as session:
            return handoffs.queue_positions(session), queue.estimated_wait_minutes(session)

    def _after_rasa_turn(
        self, session_id: str, bot_texts: list[str]
    ) -> tuple[int | None, int | None]:
        """Store the bot's replies (if the youth consented) and read the queue place, in one
        database session: one connection checkout per turn instead of two."""
        with self.sessions.begin() as session:
            # Checked after Rasa answered: the consent turn itself creates the profile.
            if bot_texts and consent.has_consented(session, session_id):
                for text in bot_texts:
                    transcripts.append(
                        session, session_id, "bot", text, keys=self.keys, anonymise=self.anonymise
                    )
            position = handoffs.queue_position(session, session_id)
            if position is None:
                return None, None
            return position, queue.estimated_wait_minutes(session)
