"""Fixtures of the data-rights tests: the api on SQLite and PostgreSQL (from tests/api), a
local SMTP server (aiosmtpd) that keeps what it receives, and a fully populated profile."""

import socket
from collections.abc import Iterator
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from fastapi import FastAPI
from fastapi.testclient import TestClient
from pydantic import SecretStr

from api.config import Settings
from api.main import create_fastapi
from api.services import accounts, handoffs, newsletter, notes, stats, transcripts
from privacy.crypto import KeyRing
from tests.support.oauth import (
    BASE_URL,
    bearer,
    client_credentials_token,
    provision_action_client,
)
from tests.support.queue import add_counsellor
from tests.support.youth import consent_and_secret, exchange


@dataclass
class Mailbox:
    """What the local SMTP server received."""

    messages: list[EmailMessage] = field(default_factory=list)

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        message = message_from_bytes(envelope.content, policy=policy.default)
        assert isinstance(message, EmailMessage)
        self.messages.append(message)
        return "250 OK"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def mailbox() -> Iterator[Mailbox]:
    box = Mailbox()
    controller = Controller(box, hostname="127.0.0.1", port=_free_port())
    controller.start()
    box.port = controller.port  # type: ignore[attr-defined]
    try:
        yield box
    finally:
        controller.stop()


@pytest.fixture
def settings(database_url: str, tmp_path: Path, mailbox: Mailbox) -> Settings:
    return Settings(
        database_url=database_url,
        key_ring=SecretStr(KeyRing.generate().to_json()),
        oauth_signing_key_file=tmp_path / "oauth" / "signing-key.pem",
        rasa_url="http://127.0.0.1:9",
        action_server_url="http://127.0.0.1:9",
        health_timeout_seconds=0.5,
        smtp_host="127.0.0.1",
        smtp_port=mailbox.port,  # type: ignore[attr-defined]
        smtp_from="Ung Intake <noreply@ung-intake.test>",
        retention_job_enabled=False,
    )


@pytest.fixture
def client(settings: Settings) -> Iterator[TestClient]:
    with TestClient(create_fastapi(settings), base_url=BASE_URL) as test_client:
        yield test_client


@pytest.fixture
def app(client: TestClient) -> FastAPI:
    fastapi_app = client.app
    assert isinstance(fastapi_app, FastAPI)
    return fastapi_app


@pytest.fixture
def auth(app: FastAPI, client: TestClient, action_secret: str) -> dict[str, str]:
    """The action server's client-credentials token."""
    provision_action_client(app, action_secret)
    return bearer(client_credentials_token(client, action_secret))


PROFILE = "b0b0" * 8
OTHER = "c0c0" * 8
CANARY = "kanariefuglen-Zq9 har ondt i maven"
EMAIL = "ung.person@example.dk"
NOTE = "Privat note: tal om søvn næste gang"
NOTE_AUTHOR = "noter@aarhus.dk"


@dataclass
class Youth:
    profile_id: str
    secret: str
    headers: dict[str, str]


def _note_author(sessions: Any) -> str:
    """A counsellor to write the profile's note (created once per database)."""
    with sessions() as session:
        try:
            return accounts.find_counsellor(session, NOTE_AUTHOR).id
        except accounts.AccountError:
            pass
    return add_counsellor(sessions, NOTE_AUTHOR, "Aarhus Kommune").id


def populate(
    app: FastAPI, profile_id: str, *, close: bool = True, tags: tuple[str, ...] = ("angst",)
) -> str:
    """Consent, two turns, a handoff with a counsellor's note (closed and counted if `close`),
    a newsletter address;
    returns the browser's secret."""
    secret = consent_and_secret(app, profile_id)
    state = app.state
    with state.sessions.begin() as session:
        transcripts.append(
            session, profile_id, "ungdom", CANARY, list(tags), keys=state.key_ring, anonymise=str
        )
        transcripts.append(session, profile_id, "bot", "Tak.", keys=state.key_ring, anonymise=str)
    with state.sessions() as session:
        handoff, _ = handoffs.create_handoff(
            session,
            conversation_id=profile_id,
            gender="pige",
            age_band="13-15",
            crisis=False,
            tagger_status="ok",
            tags=[{"tag": t, "score": 0.9} for t in tags],
        )
        notes.add(
            session,
            handoff,
            _note_author(state.sessions),
            "privat",
            NOTE,
            keys=state.key_ring,
            anonymise=str,
        )
        if close:
            handoff.status = stats.STATUS_CLOSED
            stats.record_closed_conversation(
                session, handoff, outcome="hjulpet", organisation_id="org-a"
            )
        newsletter.subscribe(session, state.key_ring, profile_id, EMAIL)
        session.commit()
    return secret


@pytest.fixture
def youth(app: FastAPI, client: TestClient) -> Youth:
    secret = populate(app, PROFILE)
    token = exchange(client, secret)
    return Youth(PROFILE, secret, {"Authorization": f"Bearer {token}"})
