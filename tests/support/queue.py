"""Test helpers for the counsellors' side: organisations with routing rules, counsellors,
waiting handoffs with a consented (stored) problem description, and a console socket client."""

import asyncio
import secrets
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import socketio
from sqlalchemy.orm import Session, sessionmaker

from api.services import accounts, consent, handoffs, transcripts
from privacy.anonymiser import anonymise
from privacy.crypto import KeyProvider
from tests.support.oauth import CONSOLE_CLIENT_ID, CONSOLE_REDIRECT, PASSWORD


@dataclass
class Person:
    id: str
    email: str
    organisation_id: str


def add_counsellor(
    sessions: sessionmaker[Session],
    email: str,
    organisation: str,
    *,
    routes: list[tuple[accounts.RouteKind, str]] | None = None,
    redirect_uri: str = CONSOLE_REDIRECT,
    role: str = "counsellor",
    cap: int | None = None,
) -> Person:
    """A counsellor (valid attestations) of `organisation`, created with `routes` (default:
    takes every handoff) if it does not exist yet; the console client is provisioned too."""
    recent = date.today() - timedelta(days=30)
    with sessions() as session:
        try:
            org = accounts.find_organisation(session, organisation)
        except accounts.AccountError:
            org = accounts.add_organisation(
                session,
                name=organisation,
                kind="ngo",
                accreditation_id=f"RD-{secrets.token_hex(4)}",
                accredited_on=date(2024, 3, 1),
            )
            for kind, value in routes if routes is not None else [(accounts.RouteKind.ALL, "")]:
                accounts.add_route(session, org, kind, value)
        accounts.ensure_console_client(session, CONSOLE_CLIENT_ID, redirect_uri)
        counsellor = accounts.add_counsellor(
            session,
            organisation=org,
            email=email,
            display_name=email.split("@")[0].capitalize(),
            password=PASSWORD,
            straffeattest_issued_on=recent,
            boerneattest_issued_on=recent,
            role=role,
            conversation_cap=cap,
        )
        session.commit()
        return Person(counsellor.id, counsellor.email, org.id)


def waiting_handoff(
    sessions: sessionmaker[Session],
    keys: KeyProvider,
    *,
    conversation_id: str | None = None,
    problem: str | None = "jeg bliver mobbet i skolen",
    tags: list[tuple[str, float]] | None = None,
    age_band: str = "13-15",
    gender: str = "pige",
    crisis: bool = False,
) -> tuple[str, str]:
    """(handoff id, conversation id) of a waiting handoff; with `problem`, the youth has
    consented and the problem description is stored as their turn, as the bridge does."""
    conversation_id = conversation_id or secrets.token_hex(16)
    with sessions() as session:
        if problem is not None:
            consent.give(session, keys, conversation_id)
            transcripts.append(
                session, conversation_id, "ungdom", problem, keys=keys, anonymise=anonymise
            )
            session.commit()
        handoff, _ = handoffs.create_handoff(
            session,
            conversation_id=conversation_id,
            gender=gender,
            age_band=age_band,
            crisis=crisis,
            tagger_status="ok",
            tags=[{"tag": t, "score": s} for t, s in (tags or [("mobning", 0.87)])],
        )
        return handoff.id, conversation_id


class ConsoleClient:
    """The console's socket.io side: namespace /console, token in the connect auth."""

    NAMESPACE = "/console"

    def __init__(self, url: str) -> None:
        self.url = url
        self.sio = socketio.AsyncClient(reconnection=False)
        self.inbox: asyncio.Queue[tuple[str, Any]] = asyncio.Queue()
        for event in (
            "youth_message",
            "queue_changed",
            "assigned",
            "handoff_waiting",
            "offer",
            "note_added",
            "unassigned",
        ):
            self.sio.on(event, self._collector(event), namespace=self.NAMESPACE)

    def _collector(self, event: str) -> Any:
        async def collect(data: Any = None) -> None:
            await self.inbox.put((event, data))

        return collect

    async def connect(self, token: str | None) -> None:
        auth = {"token": token} if token is not None else None
        await self.sio.connect(
            self.url, namespaces=[self.NAMESPACE], transports=["websocket"], auth=auth
        )

    async def call(self, event: str, data: Any = None, timeout: float = 10) -> Any:
        return await self.sio.call(event, data, namespace=self.NAMESPACE, timeout=timeout)

    async def next(self, event: str, timeout: float = 10) -> Any:
        """The next `event` received (others received meanwhile are dropped)."""
        deadline = asyncio.get_running_loop().time() + timeout
        while True:
            remaining = deadline - asyncio.get_running_loop().time()
            name, data = await asyncio.wait_for(self.inbox.get(), timeout=max(remaining, 0.01))
            if name == event:
                return data

    async def close(self) -> None:
        await self.sio.disconnect()
