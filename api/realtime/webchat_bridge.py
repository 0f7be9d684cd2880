"""socket.io server speaking the rasa-webchat protocol, forwarding turns to Rasa.

Events (the contract the unmodified rasa-webchat widget relies on):
  client → `session_request` {session_id?}   server → `session_confirm` session_id
  client → `user_uttered` {message, session_id?, customData?}
  server → `bot_uttered` {text} | {text, quick_replies} | {attachment}
Extra events for the youth widget (rasa-webchat ignores events it does not know):
  server → `queue_position` {position}   place in the counsellors' queue, 1 = next
  server → `counsellor_typing` {typing}  the counsellor is (not) typing
A conversation's replies go to a room named by its session id, so every tab of the same
anonymous browser sees them.
"""

import logging
from collections.abc import Callable
from typing import Any

import socketio
from sqlalchemy.orm import Session, sessionmaker
from starlette.concurrency import run_in_threadpool

from api.realtime.session_ids import is_valid_session_id, new_session_id
from api.services import consent, handoffs, transcripts
from api.services.rasa_client import RasaClient, RasaUnavailableError
from api.services.webchat import BOT_UNAVAILABLE_DA, text_message, to_webchat
from privacy.crypto import KeyProvider

logger = logging.getLogger(__name__)

WAITING_FOR_COUNSELLOR_DA = (
    "Din besked er modtaget. Du er i kø til en rådgiver, som skriver til dig her, "
    "så snart der er en ledig."
)


def queue_position_da(position: int) -> str:
    if position == 1:
        return "Du er den næste i køen. Bliv her, så skriver en rådgiver til dig."
    return f"Du er nummer {position} i køen. Bliv her, så skriver en rådgiver til dig."


def message_too_long_da(limit: int) -> str:
    return f"Din besked er for lang. Del den gerne op i kortere beskeder på højst {limit} tegn."


class WebchatBridge:
    def __init__(
        self,
        sio: socketio.AsyncServer,
        rasa: RasaClient,
        sessions: sessionmaker[Session],
        max_message_chars: int,
        keys: KeyProvider,
        anonymise: Callable[[str], str],
    ) -> None:
        self.sio = sio
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
        session_id = str(requested) if is_valid_session_id(requested) else new_session_id()
        await self.sio.save_session(sid, {"session_id": session_id})
        await self.sio.enter_room(sid, session_id)
        await self.sio.emit("session_confirm", session_id, to=sid)
        # A reloaded page (or a new tab) learns at once where it is in the queue.
        position = await run_in_threadpool(self._queue_position, session_id)
        if position is not None:
            await self.sio.emit("queue_position", {"position": position}, to=sid)

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

    async def on_user_uttered(self, sid: str, data: Any = None) -> None:
        if not isinstance(data, dict) or not isinstance(data.get("message"), str):
            await self.sio.emit("bot_uttered", text_message("Jeg modtog en tom besked."), to=sid)
            return
        session_id = await self._session_id(sid, data)
        message = data["message"].strip()
        if not message:
            return
        if len(message) > self.max_message_chars:
            await self._say(session_id, text_message(message_too_long_da(self.max_message_chars)))
            return
        # Stored (anonymised, encrypted) before anything else happens with it, and only
        # once the youth has consented; before that nothing is written anywhere.
        handed_off = await run_in_threadpool(self._store_youth_turn, session_id, message)
        if handed_off:
            await self._say(session_id, text_message(WAITING_FOR_COUNSELLOR_DA))
            await self._send_queue_position(session_id)
            return
        try:
            replies = await self.rasa.send(session_id, message)
        except RasaUnavailableError:
            await self._say(session_id, text_message(BOT_UNAVAILABLE_DA))
            return
        outgoing = [m for reply in replies for m in to_webchat(reply)]
        bot_texts = [m["text"] for m in outgoing if "text" in m]
        # One trip to the database thread pool per turn: store, then read the queue place.
        position = await run_in_threadpool(self._after_rasa_turn, session_id, bot_texts)
        for webchat_message in outgoing:
            await self._say(session_id, webchat_message)
        # The action server records a handoff during the turn; tell the youth their place
        # (in words, so rasa-webchat shows it too) and everyone waiting their new place: an
        # `akut` handoff moves ahead of the others.
        if position is not None:
            await self._say(session_id, text_message(queue_position_da(position)))
            await self.broadcast_queue_positions()

    async def broadcast_queue_positions(self) -> None:
        """Send every waiting conversation its current place. Call whenever the queue changes
        (a handoff is created, claimed or closed)."""
        positions = await run_in_threadpool(self._queue_positions)
        for conversation_id, position in positions.items():
            await self.sio.emit("queue_position", {"position": position}, room=conversation_id)

    async def set_counsellor_typing(self, conversation_id: str, typing: bool) -> None:
        """For the counsellor console: shows or hides the typing indicator in the widget."""
        await self.sio.emit("counsellor_typing", {"typing": typing}, room=conversation_id)

    async def _send_queue_position(self, session_id: str) -> None:
        position = await run_in_threadpool(self._queue_position, session_id)
        if position is not None:
            await self.sio.emit("queue_position", {"position": position}, room=session_id)

    def _store_youth_turn(self, session_id: str, message: str) -> bool:
        """Stores the youth's turn if they consented; returns whether a counsellor has it."""
        with self.sessions.begin() as session:
            if consent.has_consented(session, session_id):
                transcripts.append(
                    session, session_id, "ungdom", message, keys=self.keys, anonymise=self.anonymise
                )
            return handoffs.is_handed_off(session, session_id)

    def _after_rasa_turn(self, session_id: str, bot_texts: list[str]) -> int | None:
        if bot_texts:
            self._store_bot_turns(session_id, bot_texts)
        return self._queue_position(session_id)

    def _store_bot_turns(self, session_id: str, texts: list[str]) -> None:
        # Checked after Rasa answered: the consent turn itself creates the profile.
        with self.sessions.begin() as session:
            if not consent.has_consented(session, session_id):
                return
            for text in texts:
                transcripts.append(
                    session, session_id, "bot", text, keys=self.keys, anonymise=self.anonymise
                )

    def _queue_position(self, session_id: str) -> int | None:
        with self.sessions() as session:
            return handoffs.queue_position(session, session_id)

    def _queue_positions(self) -> dict[str, int]:
        with self.sessions() as session:
            return handoffs.queue_positions(session)
