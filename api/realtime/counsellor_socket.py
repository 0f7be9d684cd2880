"""socket.io namespace `/console`: the counsellor console's live channel.

Connect with `auth: {token: <access token>}` (a console login holding `counsellor:chat`);
anything else is refused. The token is checked again on every event (so logout, refresh
replay and `intake users disable` cut a live console off at once) and replaced with `reauth`
after the console refreshed it.

Events (client → server, each answers through the socket.io acknowledgement):
  `counsellor_message` {handoff_id, text}  → {ok, seq}   stored, then shown in the widget
  `typing` {handoff_id, typing}            → {ok}        "Rådgiveren skriver …" in the widget
  `heartbeat`                              → {ok}        keeps the counsellor "online"
  `reauth` {token}                         → {ok}        the refreshed access token
Server → client: `youth_message` {handoff_id, text, seq} (seq: its place in the transcript),
`queue_changed` {}, `assigned` {handoff_id}, `handoff_waiting` {handoff_id, priority} (to the
organisation's consoles), `offer` {handoff_id, priority} (to a counsellor who freed up),
`note_added` {handoff_id} (a supervisor's note), `unassigned` {handoff_id} (a supervisor moved
it to a colleague).
Errors are `{ok: false, error: "unauthorized" | "not_found" | "invalid" | "not_stored"}`; a
message is shown to the youth only after it was stored, so `not_stored` means nobody saw it.
"""

import logging
from dataclasses import dataclass
from typing import Any

import socketio
from sqlalchemy.orm import Session, sessionmaker
from starlette.concurrency import run_in_threadpool

from api.auth import scopes as scope_names
from api.auth.config import AuthConfig
from api.auth.tokens import InvalidAccessTokenError
from api.auth.validation import authenticate_bearer
from api.db.models_auth import Counsellor
from api.db.text_guard import UnstorableTextError
from api.services import queue
from api.services.inbound import repair_text
from api.services.relay import (
    CONSOLE_NAMESPACE,
    NotHeldError,
    Relay,
    console_room,
    organisation_room,
)

logger = logging.getLogger(__name__)

UNAUTHORIZED = {"ok": False, "error": "unauthorized"}
NOT_FOUND = {"ok": False, "error": "not_found"}
INVALID = {"ok": False, "error": "invalid"}
NOT_STORED = {"ok": False, "error": "not_stored"}


@dataclass(frozen=True)
class ConsoleUser:
    counsellor_id: str
    organisation_id: str


class ConsoleNamespace:
    def __init__(
        self,
        sio: socketio.AsyncServer,
        sessions: sessionmaker[Session],
        auth: AuthConfig,
        relay: Relay,
        max_message_chars: int,
    ) -> None:
        self.sio = sio
        self.sessions = sessions
        self.auth = auth
        self.relay = relay
        self.max_message_chars = max_message_chars
        for event, handler in (
            ("connect", self.on_connect),
            ("disconnect", self.on_disconnect),
            ("counsellor_message", self.on_counsellor_message),
            ("typing", self.on_typing),
            ("heartbeat", self.on_heartbeat),
            ("reauth", self.on_reauth),
        ):
            sio.on(event, handler, namespace=CONSOLE_NAMESPACE)

    # --- authentication ----------------------------------------------------------------------

    def _authenticate(self, token: Any) -> ConsoleUser | None:
        if not isinstance(token, str) or not token:
            return None
        with self.sessions() as session:
            try:
                access = authenticate_bearer(session, self.auth, token)
            except InvalidAccessTokenError as exc:
                logger.info("console token refused: %s", exc)
                return None
            if scope_names.COUNSELLOR_CHAT not in access.scopes or access.family_id is None:
                return None
            counsellor = session.get(Counsellor, access.subject)
            if counsellor is None or counsellor.disabled_at is not None:
                return None
            return ConsoleUser(counsellor.id, counsellor.organisation_id)

    async def _user(self, sid: str) -> ConsoleUser | None:
        """The console's counsellor if its token is (still) valid."""
        saved = await self.sio.get_session(sid, namespace=CONSOLE_NAMESPACE)
        user = await run_in_threadpool(self._authenticate, saved.get("token"))
        if user is None or user.counsellor_id != saved.get("counsellor_id"):
            return None
        return user

    async def on_connect(self, sid: str, environ: dict[str, Any], auth: Any = None) -> None:
        token = auth.get("token") if isinstance(auth, dict) else None
        user = await run_in_threadpool(self._authenticate, token)
        if user is None:
            raise socketio.exceptions.ConnectionRefusedError("unauthorized")
        await self.sio.save_session(
            sid, {"token": token, "counsellor_id": user.counsellor_id}, namespace=CONSOLE_NAMESPACE
        )
        await self.sio.enter_room(
            sid, console_room(user.counsellor_id), namespace=CONSOLE_NAMESPACE
        )
        await self.sio.enter_room(
            sid, organisation_room(user.organisation_id), namespace=CONSOLE_NAMESPACE
        )
        await run_in_threadpool(self._mark_online, sid, user)
        logger.info("console of counsellor %s connected", user.counsellor_id)

    async def on_disconnect(self, sid: str, *args: Any) -> None:
        await run_in_threadpool(self._mark_offline, sid)

    def _mark_online(self, sid: str, user: ConsoleUser) -> None:
        with self.sessions() as session:
            counsellor = session.get(Counsellor, user.counsellor_id)
            if counsellor is not None:
                queue.mark_online(session, sid, counsellor)

    def _mark_offline(self, sid: str) -> None:
        with self.sessions() as session:
            queue.mark_offline(session, sid)

    # --- events ------------------------------------------------------------------------------

    async def on_reauth(self, sid: str, data: Any = None) -> dict[str, Any]:
        token = data.get("token") if isinstance(data, dict) else None
        saved = await self.sio.get_session(sid, namespace=CONSOLE_NAMESPACE)
        user = await run_in_threadpool(self._authenticate, token)
        if user is None or user.counsellor_id != saved.get("counsellor_id"):
            return UNAUTHORIZED
        saved["token"] = token
        await self.sio.save_session(sid, saved, namespace=CONSOLE_NAMESPACE)
        return {"ok": True}

    async def on_heartbeat(self, sid: str, data: Any = None) -> dict[str, Any]:
        user = await self._user(sid)
        if user is None:
            return UNAUTHORIZED
        await run_in_threadpool(self._mark_online, sid, user)
        return {"ok": True}

    async def on_counsellor_message(self, sid: str, data: Any = None) -> dict[str, Any]:
        user = await self._user(sid)
        if user is None:
            return UNAUTHORIZED
        if not isinstance(data, dict):
            return INVALID
        handoff_id, text = data.get("handoff_id"), data.get("text")
        if not isinstance(handoff_id, str) or not isinstance(text, str):
            return INVALID
        # As for a youth's message: a lone surrogate half becomes U+FFFD, the rest is stored.
        text = repair_text(text.strip())
        if not text or len(text) > self.max_message_chars:
            return INVALID
        try:
            delivered = await self.relay.counsellor_message(user.counsellor_id, handoff_id, text)
        except NotHeldError:
            return NOT_FOUND
        except Exception as exc:  # storage failed: nothing was shown to the youth, say so
            # The type only: an exception's message or traceback could carry the text.
            logger.error("counsellor turn for %s not stored: %s", handoff_id, type(exc).__name__)
            return NOT_STORED
        return {"ok": True, "seq": delivered.seq}

    async def on_typing(self, sid: str, data: Any = None) -> dict[str, Any]:
        user = await self._user(sid)
        if user is None:
            return UNAUTHORIZED
        if not isinstance(data, dict) or not isinstance(data.get("handoff_id"), str):
            return INVALID
        try:
            await self.relay.counsellor_typing(
                user.counsellor_id, data["handoff_id"], bool(data.get("typing"))
            )
        except NotHeldError:
            return NOT_FOUND
        except UnstorableTextError:  # a NUL or lone surrogate in the id: no such handoff
            return INVALID
        return {"ok": True}
