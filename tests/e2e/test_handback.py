"""Bot silence after handoff, until the counsellor hands the conversation back, with the real
Rasa, action server and api: once a counsellor holds the conversation the youth's messages
reach only the counsellor (Rasa never answers, not even "hej"); after the hand-back they go to
Rasa again, and asking for an adult starts a new handoff."""

import asyncio

import httpx
import pytest

from api.db.session import make_engine, make_sessionmaker
from api.services.handback import HANDED_BACK_DA
from tests.e2e.db_probe import handoffs_for
from tests.support.oauth import bearer, console_tokens
from tests.support.queue import ConsoleClient, add_counsellor
from tests.support.stack import Stack
from tests.support.webchat_client import WebchatClient, texts

pytestmark = [pytest.mark.e2e, pytest.mark.asyncio(loop_scope="session")]

# Long enough for a Rasa turn on a busy 2-core machine (p50 ~45 ms, seconds under load).
SILENCE_SECONDS = 5.0


def counsellor_token(stack: Stack) -> str:
    engine = make_engine(stack.database_url)
    add_counsellor(make_sessionmaker(engine), "ida@handback.dk", "Hand-back Kommune")
    engine.dispose()
    with httpx.Client(base_url=stack.api_url, timeout=30) as client:
        token: str = console_tokens(client, email="ida@handback.dk")["access_token"]  # type: ignore[arg-type]
    return token


async def hand_off(client: WebchatClient) -> None:
    await client.say("/greet")
    await client.say("/consent_yes")
    await client.say("pige")
    await client.say("jeg er 15 år")
    replies = await client.say("jeg bliver mobbet i skolen hver dag")
    assert "sendt dig videre til en rådgiver" in texts(replies)


async def nothing_for(client: WebchatClient, seconds: float) -> None:
    await asyncio.sleep(seconds)
    assert client.inbox.empty(), [client.inbox.get_nowait() for _ in range(client.inbox.qsize())]


async def test_the_bot_is_silent_until_the_counsellor_hands_back(stack: Stack) -> None:
    youth = WebchatClient(stack.api_url)
    await youth.connect()
    console = ConsoleClient(stack.api_url)
    try:
        await hand_off(youth)
        [handoff] = handoffs_for(stack.database_url, youth.session_id or "")
        while not youth.inbox.empty():  # the queue place told after the handoff
            youth.inbox.get_nowait()
        token = counsellor_token(stack)
        await console.connect(token)
        claimed = httpx.post(
            f"{stack.api_url}/api/v1/queue/{handoff['id']}/claim", headers=bearer(token)
        )
        assert claimed.status_code == 200, claimed.text
        assert "En rådgiver har taget din samtale" in texts([await youth.inbox.get()])

        # Held by a counsellor: "hej" (which Rasa would answer with its greeting) reaches only
        # the counsellor's console, and nothing comes back to the youth from the bot.
        for message in ("hej", "jeg vil tale med en voksen", "/greet"):
            await youth.sio.emit("user_uttered", {"message": message})
            relayed = await console.next("youth_message", timeout=20)
            assert {k: relayed[k] for k in ("handoff_id", "text")} == {
                "handoff_id": handoff["id"],
                "text": message,
            }
            assert isinstance(relayed["seq"], int)  # stored before it was relayed
        await nothing_for(youth, SILENCE_SECONDS)
        assert len(handoffs_for(stack.database_url, youth.session_id or "")) == 1

        # Hand-back: the youth is told, and Rasa has the conversation again.
        back = httpx.post(
            f"{stack.api_url}/api/v1/conversations/{handoff['id']}/hand-back",
            headers=bearer(token),
        )
        assert back.status_code == 204, back.text
        assert texts([await asyncio.wait_for(youth.inbox.get(), 10)]) == HANDED_BACK_DA
        [closed] = handoffs_for(stack.database_url, youth.session_id or "")
        assert closed["status"] == "closed"

        replies = await youth.say("hej")
        assert "velkommen" in texts(replies)  # Rasa's greeting
        replies = await youth.say("jeg vil tale med en voksen")
        assert "sendt dig videre til en rådgiver" in texts(replies)
        statuses = sorted(
            h["status"] for h in handoffs_for(stack.database_url, youth.session_id or "")
        )
        assert statuses == ["closed", "waiting"]

        # A second hand-back of the same (closed) conversation is refused, not a 500.
        again = httpx.post(
            f"{stack.api_url}/api/v1/conversations/{handoff['id']}/hand-back",
            headers=bearer(token),
        )
        assert again.status_code == 404
    finally:
        await youth.close()
        await console.close()
