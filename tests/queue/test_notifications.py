"""Live notices on the /console socket (real socket.io server, api under uvicorn, no Rasa):
a new handoff rings the consoles of the organisations that take it (and no other), a handoff
raised to `akut` rings again, and a counsellor who frees up is offered the next handoff."""

import asyncio
import secrets
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
from pydantic import SecretStr
from sqlalchemy.orm import Session, sessionmaker

from api.config import Settings
from api.db.session import make_engine, make_sessionmaker
from api.services import accounts
from api.services.accounts import RouteKind
from privacy.crypto import KeyRing
from tests.support.api_server import serving_api
from tests.support.oauth import ACTION_CLIENT_ID, bearer, client_credentials_token, console_tokens
from tests.support.queue import ConsoleClient, Person, add_counsellor, waiting_handoff

pytestmark = pytest.mark.asyncio(loop_scope="session")


@dataclass
class Live:
    url: str
    keys: KeyRing
    sessions: sessionmaker[Session]
    action_secret: str

    def token(self, person: Person) -> str:
        with httpx.Client(base_url=self.url) as client:
            token: str = console_tokens(client, email=person.email)["access_token"]  # type: ignore[arg-type]
            return token

    def handoff(self, **body: Any) -> httpx.Response:
        """Consent, then the handoff, as the action server sends them."""
        body.setdefault("conversation_id", secrets.token_hex(16))
        with httpx.Client(base_url=self.url) as client:
            token = client_credentials_token(client, self.action_secret)  # type: ignore[arg-type]
            consent = client.post(
                "/api/v1/consents",
                headers=bearer(token),
                json={"conversation_id": body["conversation_id"]},
            )
            assert consent.status_code in (200, 201), consent.text
            return client.post("/api/v1/handoffs", headers=bearer(token), json=body)

    async def console(self, person: Person) -> ConsoleClient:
        console = ConsoleClient(self.url)
        await console.connect(self.token(person))
        return console


@pytest.fixture
def live(tmp_path: Path) -> Iterator[Live]:
    keys = KeyRing.generate()
    settings = Settings(
        database_url=f"sqlite:///{tmp_path / 'intake.db'}",
        key_ring=SecretStr(keys.to_json()),
        oauth_signing_key_file=tmp_path / "oauth" / "signing-key.pem",
        rasa_url="http://127.0.0.1:9",
        retention_job_enabled=False,
    )
    with serving_api(settings) as url:
        engine = make_engine(settings.database_url)
        sessions = make_sessionmaker(engine)
        secret = secrets.token_urlsafe(32)
        with sessions() as session:
            accounts.ensure_action_client(session, ACTION_CLIENT_ID, secret)
            session.commit()
        yield Live(url, keys, sessions, secret)
        engine.dispose()


async def nothing(console: ConsoleClient, event: str, seconds: float = 1.0) -> bool:
    try:
        await console.next(event, timeout=seconds)
    except TimeoutError:
        return True
    return False


async def test_a_new_handoff_rings_only_the_organisations_that_take_it(live: Live) -> None:
    rikke = add_counsellor(live.sessions, "rikke@aarhus.dk", "Aarhus Kommune")
    sara = add_counsellor(
        live.sessions,
        "sara@spis.dk",
        "Spiseforstyrrelser NGO",
        routes=[(RouteKind.TAG, "spiseforstyrrelse")],
    )
    aarhus, spis = await live.console(rikke), await live.console(sara)
    try:
        created = live.handoff(tags=[{"tag": "mobning", "score": 0.8}])
        assert created.status_code == 201
        notice = await aarhus.next("handoff_waiting")
        assert notice == {"handoff_id": created.json()["id"], "priority": "normal"}
        assert await nothing(spis, "handoff_waiting")

        eating = live.handoff(tags=[{"tag": "spiseforstyrrelse", "score": 0.9}])
        assert (await spis.next("handoff_waiting"))["handoff_id"] == eating.json()["id"]
        assert (await aarhus.next("handoff_waiting"))["handoff_id"] == eating.json()["id"]
    finally:
        await aarhus.close()
        await spis.close()


async def test_a_handoff_raised_to_akut_rings_again(live: Live) -> None:
    rikke = add_counsellor(live.sessions, "rikke@aarhus.dk", "Aarhus Kommune")
    console = await live.console(rikke)
    try:
        conversation = secrets.token_hex(16)
        first = live.handoff(conversation_id=conversation)
        assert (await console.next("handoff_waiting"))["priority"] == "normal"
        again = live.handoff(conversation_id=conversation)  # same, not a crisis: no new ring
        assert again.status_code == 200
        assert await nothing(console, "handoff_waiting")
        akut = live.handoff(conversation_id=conversation, crisis=True)
        assert akut.status_code == 200
        notice = await console.next("handoff_waiting")
        assert notice == {"handoff_id": first.json()["id"], "priority": "akut"}
    finally:
        await console.close()


async def test_a_counsellor_who_frees_up_is_offered_the_oldest_most_urgent_handoff(
    live: Live,
) -> None:
    rikke = add_counsellor(live.sessions, "rikke@aarhus.dk", "Aarhus Kommune", cap=1)
    held, _ = waiting_handoff(live.sessions, live.keys)
    older, _ = waiting_handoff(live.sessions, live.keys)
    await asyncio.sleep(0.01)
    akut, _ = waiting_handoff(live.sessions, live.keys, crisis=True)
    token = live.token(rikke)
    console = await live.console(rikke)
    try:
        claim = httpx.post(f"{live.url}/api/v1/queue/{held}/claim", headers=bearer(token))
        assert claim.status_code == 200
        assert await nothing(console, "offer", 0.5)  # at the cap: nothing offered
        closed = httpx.post(
            f"{live.url}/api/v1/conversations/{held}/close",
            headers=bearer(token),
            json={"outcome": "hjulpet"},
        )
        assert closed.status_code == 204
        assert await console.next("offer") == {"handoff_id": akut, "priority": "akut"}
        # Released: the next one is offered, never the one just put back.
        assert httpx.post(f"{live.url}/api/v1/queue/{akut}/claim", headers=bearer(token)).is_success
        released = httpx.post(
            f"{live.url}/api/v1/conversations/{akut}/release", headers=bearer(token)
        )
        assert released.status_code == 204
        assert await console.next("offer") == {"handoff_id": older, "priority": "normal"}
    finally:
        await console.close()


async def test_a_supervisors_note_and_reassignment_reach_the_right_consoles(live: Live) -> None:
    rikke = add_counsellor(live.sessions, "rikke@aarhus.dk", "Aarhus Kommune")
    jonas = add_counsellor(live.sessions, "jonas@aarhus.dk", "Aarhus Kommune")
    leader = add_counsellor(live.sessions, "leder@aarhus.dk", "Aarhus Kommune", role="supervisor")
    handoff_id, _ = waiting_handoff(live.sessions, live.keys)
    assert httpx.post(
        f"{live.url}/api/v1/queue/{handoff_id}/claim", headers=bearer(live.token(rikke))
    ).is_success
    holder, colleague = await live.console(rikke), await live.console(jonas)
    try:
        note = httpx.post(
            f"{live.url}/api/v1/supervisor/conversations/{handoff_id}/notes",
            headers=bearer(live.token(leader)),
            json={"text": "Husk Børnetelefonen"},
        )
        assert note.status_code == 201
        assert await holder.next("note_added") == {"handoff_id": handoff_id}
        assert await nothing(colleague, "note_added")
        moved = httpx.post(
            f"{live.url}/api/v1/supervisor/conversations/{handoff_id}/reassign",
            headers=bearer(live.token(leader)),
            json={"counsellor_id": jonas.id},
        )
        assert moved.status_code == 204
        assert await holder.next("unassigned") == {"handoff_id": handoff_id}
        assert await colleague.next("assigned") == {"handoff_id": handoff_id}
    finally:
        await holder.close()
        await colleague.close()
