"""Hands the browser its profile secret over the socket.io connection that holds the
conversation, once, right after consent.

The widget emits `profile_secret_request` (no payload) while it has no secret; the api
answers `profile_secret` with `{status: "issued", secret}` the first time a consented
profile asks, `{status: "none"}` before consent and `{status: "taken"}` once the secret was
handed out (it is never shown twice). The conversation is the socket's own (saved by the
webchat bridge at `session_request`), never one named by the client.
"""

import logging
from typing import Any

import socketio
from sqlalchemy.orm import Session, sessionmaker
from starlette.concurrency import run_in_threadpool

from api.realtime.session_ids import is_valid_session_id
from api.services import consent, profile_access

logger = logging.getLogger(__name__)


class ProfileSecretHandler:
    def __init__(self, sio: socketio.AsyncServer, sessions: sessionmaker[Session]) -> None:
        self.sio = sio
        self.sessions = sessions
        sio.on("profile_secret_request", self.on_request)

    async def on_request(self, sid: str, data: Any = None) -> None:
        saved = await self.sio.get_session(sid)
        session_id = saved.get("session_id") if isinstance(saved, dict) else None
        if not is_valid_session_id(session_id):
            await self.sio.emit("profile_secret", {"status": "none"}, to=sid)
            return
        answer = await run_in_threadpool(self._issue, str(session_id))
        await self.sio.emit("profile_secret", answer, to=sid)

    def _issue(self, session_id: str) -> dict[str, str]:
        with self.sessions.begin() as session:
            if not consent.has_consented(session, session_id):
                return {"status": "none"}
            secret = profile_access.issue_secret(session, session_id)
            if secret is None:
                return {"status": "taken"}
            return {"status": "issued", "secret": secret}
