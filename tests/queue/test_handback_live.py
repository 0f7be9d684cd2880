"""Hand-back through the real socket.io server (api in-process under uvicorn; Rasa unreachable
on port 9, so a message forwarded to Rasa is answered by the bridge's "Beklager, jeg kan ikke
svare lige nu"): while a counsellor holds the conversation nothing is forwarded; after the
hand-back the youth is told, and the next message goes to Rasa again."""

import asyncio

import pytest

from api.services.handback import HANDED_BACK_DA
from api.services.webchat import BOT_UNAVAILABLE_DA
from tests.queue.test_relay import Live, Youth, live  # noqa: F401  (the live api fixture)
from tests.support.queue import ConsoleClient, waiting_handoff
from tests.support.webchat_client import texts

pytestmark = pytest.mark.asyncio(loop_scope="session")


async def test_silent_while_held_then_forwarded_after_hand_back(live: Live) -> None:  # noqa: F811
    handoff_id, conversation = waiting_handoff(live.sessions, live.keys)
    token = live.token()
    youth = Youth(live.url)
    await youth.connect(conversation)
    console = ConsoleClient(live.url)
    await console.connect(token)
    try:
        assert live.post(f"/api/v1/queue/{handoff_id}/claim", token).status_code == 200
        assert "En rådgiver har taget" in (await youth.bot())["text"]

        assert await youth.send("hej") == {"ok": True, "stored": True, "duplicate": False}
        assert (await console.next("youth_message"))["text"] == "hej"
        await asyncio.sleep(1.0)
        assert youth.inbox.empty()  # not forwarded: Rasa's absence would have been reported

        assert live.post(f"/api/v1/conversations/{handoff_id}/hand-back", token).status_code == 204
        assert (await youth.bot())["text"] == HANDED_BACK_DA

        replies = await youth.say("hej igen")
        assert texts(replies) == BOT_UNAVAILABLE_DA  # forwarded to (the absent) Rasa
        again = live.post(f"/api/v1/conversations/{handoff_id}/hand-back", token)
        assert again.status_code == 404
    finally:
        await youth.close()
        await console.close()
