"""The api's Rasa client keeps at most `max_in_flight` turns open per Rasa process; the rest
wait in the api in arrival order, and the wait counts toward the timeout."""

import asyncio
from collections.abc import AsyncIterator
from typing import Any

import pytest
from aiohttp import web
from aiohttp.test_utils import TestServer

from api.services.rasa_client import RasaClient, RasaUnavailableError


class SlowRasa:
    """A REST channel that answers after `seconds` and records what it saw."""

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self.open = 0
        self.most_open = 0
        self.started: list[str] = []

    async def webhook(self, request: web.Request) -> web.Response:
        body = await request.json()
        self.open += 1
        self.most_open = max(self.most_open, self.open)
        self.started.append(body["message"])
        try:
            await asyncio.sleep(self.seconds)
        finally:
            self.open -= 1
        return web.json_response([{"recipient_id": body["sender"], "text": body["message"]}])


async def serve(rasa: SlowRasa) -> AsyncIterator[str]:
    app = web.Application()
    app.router.add_post("/webhooks/rest/webhook", rasa.webhook)
    server = TestServer(app, host="127.0.0.1")
    await server.start_server()
    try:
        yield str(server.make_url("")).rstrip("/")
    finally:
        await server.close()


@pytest.fixture
async def slow_rasa() -> AsyncIterator[tuple[SlowRasa, str]]:
    rasa = SlowRasa(seconds=0.15)
    async for url in serve(rasa):
        yield rasa, url


async def send_in_order(client: RasaClient, count: int) -> list[list[dict[str, Any]]]:
    """`count` turns of different conversations, each leaving just after the one before."""
    jobs: list[asyncio.Task[list[dict[str, Any]]]] = []
    for number in range(count):
        jobs.append(asyncio.create_task(client.send(f"sender-{number}", f"turn {number}")))
        await asyncio.sleep(0.005)
    return await asyncio.gather(*jobs)


async def test_at_most_max_in_flight_turns_reach_rasa_and_the_rest_go_in_order(
    slow_rasa: tuple[SlowRasa, str],
) -> None:
    rasa, url = slow_rasa
    client = RasaClient([url], timeout_seconds=10, max_in_flight=2)
    try:
        replies = await send_in_order(client, 6)
    finally:
        await client.aclose()
    assert rasa.most_open == 2
    assert rasa.started == [f"turn {number}" for number in range(6)]
    assert [reply[0]["text"] for reply in replies] == [f"turn {number}" for number in range(6)]


async def test_without_a_limit_every_turn_goes_at_once(slow_rasa: tuple[SlowRasa, str]) -> None:
    rasa, url = slow_rasa
    client = RasaClient([url], timeout_seconds=10)
    try:
        await send_in_order(client, 6)
    finally:
        await client.aclose()
    assert rasa.most_open == 6


async def test_a_turn_that_waits_too_long_for_its_place_is_refused(
    slow_rasa: tuple[SlowRasa, str],
) -> None:
    rasa, url = slow_rasa
    rasa.seconds = 1.0
    client = RasaClient([url], timeout_seconds=0.5, max_in_flight=1)
    try:
        results = await asyncio.gather(
            client.send("a", "first"), client.send("b", "second"), return_exceptions=True
        )
    finally:
        await client.aclose()
    # The first times out at Rasa, the second while still waiting in the api: Rasa never saw it.
    assert all(isinstance(result, RasaUnavailableError) for result in results)
    assert rasa.started == ["first"]


async def test_each_turn_that_waited_reports_how_long(slow_rasa: tuple[SlowRasa, str]) -> None:
    _rasa, url = slow_rasa
    waits: list[float] = []
    client = RasaClient([url], timeout_seconds=10, max_in_flight=1, on_queue_wait=waits.append)
    try:
        await send_in_order(client, 3)
    finally:
        await client.aclose()
    # The first went straight through; the second waited for one turn, the third for two.
    assert len(waits) == 2
    assert 0.1 < waits[0] < waits[1]
    assert waits[1] > 0.25


def test_queue_waits_are_a_histogram_without_labels() -> None:
    from api.services.metrics import Metrics

    metrics = Metrics(sessions=None)  # type: ignore[arg-type]  # no scrape of the database here
    metrics.observe_rasa_queue_wait(0.03)
    metrics.observe_rasa_queue_wait(1.2)
    sample = {
        (s.name, tuple(sorted(s.labels.items()))): s.value
        for family in metrics.rasa_queue_wait.collect()
        for s in family.samples
    }
    assert sample[("intake_rasa_queue_wait_seconds_count", ())] == 2
    assert sample[("intake_rasa_queue_wait_seconds_bucket", (("le", "0.05"),))] == 1
