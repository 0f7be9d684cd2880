"""A rasa-webchat-shaped socket.io client for tests: same events, same payloads."""

import asyncio
from typing import Any

import socketio


class WebchatClient:
    def __init__(self, url: str) -> None:
        self.url = url
        self.sio = socketio.AsyncClient(reconnection=False)
        self.session_id: str | None = None
        self._confirmed: asyncio.Future[str] | None = None
        self.inbox: asyncio.Queue[dict[str, Any]] = asyncio.Queue()
        self.sio.on("session_confirm", self._on_confirm)
        self.sio.on("bot_uttered", self._on_bot_uttered)

    async def _on_confirm(self, data: Any) -> None:
        session_id = data if isinstance(data, str) else data["session_id"]
        if self._confirmed is not None and not self._confirmed.done():
            self._confirmed.set_result(session_id)

    async def _on_bot_uttered(self, data: dict[str, Any]) -> None:
        await self.inbox.put(data)

    async def connect(self, session_id: str | None = None) -> str:
        self._confirmed = asyncio.get_running_loop().create_future()
        await self.sio.connect(self.url, transports=["websocket"])
        await self.sio.emit("session_request", {"session_id": session_id})
        self.session_id = await asyncio.wait_for(self._confirmed, timeout=10)
        return self.session_id

    async def say(
        self, message: str, quiet_seconds: float = 1.5, timeout: float = 30
    ) -> list[dict[str, Any]]:
        """Send one message; collect replies until none arrive for `quiet_seconds`."""
        await self.sio.emit("user_uttered", {"message": message, "session_id": self.session_id})
        replies = [await asyncio.wait_for(self.inbox.get(), timeout=timeout)]
        while True:
            try:
                replies.append(await asyncio.wait_for(self.inbox.get(), timeout=quiet_seconds))
            except TimeoutError:
                return replies

    async def close(self) -> None:
        await self.sio.disconnect()


def texts(replies: list[dict[str, Any]]) -> str:
    return "\n".join(str(reply.get("text", "")) for reply in replies)
