"""Two real Rasa processes behind one api: each conversation lands on the process the router
picks, stays there for every turn, and both processes get conversations. /healthz names each
process. Rasa's HTTP API is enabled (with a token) only here, to read where trackers live."""

import secrets
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from api.realtime.session_ids import new_session_id
from api.services.rasa_router import RasaRouter
from tests.support.stack import Stack, running_stack
from tests.support.webchat_client import WebchatClient, texts

pytestmark = [pytest.mark.e2e, pytest.mark.asyncio(loop_scope="session")]

TOKEN = secrets.token_urlsafe(24)
TURNS = ["/greet", "er du en robot", "tak"]
PER_PROCESS = 3


@pytest.fixture(scope="module")
def two_rasa(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    workdir: Path = tmp_path_factory.mktemp("two-rasa")
    with running_stack(workdir, rasa_processes=2, rasa_api_token=TOKEN) as stack:
        yield stack


def user_turns(rasa_url: str, sender_id: str) -> int:
    response = httpx.get(
        f"{rasa_url}/conversations/{sender_id}/tracker", params={"token": TOKEN}, timeout=10
    )
    response.raise_for_status()
    return sum(event.get("event") == "user" for event in response.json()["events"])


def conversations_for_each_process(urls: list[str]) -> list[str]:
    """Fresh ids until each process has PER_PROCESS of them by the router's choice."""
    router = RasaRouter(urls)
    chosen: dict[str, list[str]] = {url: [] for url in urls}
    while any(len(ids) < PER_PROCESS for ids in chosen.values()):
        session_id = new_session_id()
        if len(chosen[router.route(session_id)]) < PER_PROCESS:
            chosen[router.route(session_id)].append(session_id)
    return [session_id for ids in chosen.values() for session_id in ids]


async def test_each_conversation_stays_on_the_process_the_router_picks(two_rasa: Stack) -> None:
    urls = two_rasa.rasa_urls
    router = RasaRouter(urls)
    conversations = conversations_for_each_process(urls)
    for session_id in conversations:
        client = WebchatClient(two_rasa.api_url)
        await client.connect(session_id)
        try:
            for message in TURNS:
                replies = await client.say(message, quiet_seconds=0.6)
                assert "Prøv igen om lidt" not in texts(replies)
        finally:
            await client.close()

    landed: dict[str, list[str]] = {url: [] for url in urls}
    for session_id in conversations:
        counts = {url: user_turns(url, session_id) for url in urls}
        holders = [url for url, count in counts.items() if count]
        # Every turn on one process, none on the other.
        assert holders == [router.route(session_id)], counts
        assert counts[holders[0]] == len(TURNS)
        landed[holders[0]].append(session_id)
    assert all(len(ids) == PER_PROCESS for ids in landed.values()), landed


async def test_health_lists_both_processes_then_names_the_one_that_is_down(two_rasa: Stack) -> None:
    body = httpx.get(f"{two_rasa.api_url}/healthz", timeout=10).json()
    rasa = body["components"]["rasa"]
    assert rasa["ok"] is True
    assert [(p["url"], p["ok"]) for p in rasa["processes"]] == [
        (url, True) for url in two_rasa.rasa_urls
    ]

    two_rasa.stop("rasa2")  # last test of the module: the fixture's stack ends with it
    response = httpx.get(f"{two_rasa.api_url}/healthz", timeout=10)
    assert response.status_code == 503
    rasa = response.json()["components"]["rasa"]
    assert rasa["detail"] == "1 of 2 processes down"
    assert [(p["url"], p["ok"]) for p in rasa["processes"]] == [
        (two_rasa.rasa_urls[0], True),
        (two_rasa.rasa_urls[1], False),
    ]
