"""The bridge without a working Rasa: the youth gets a Danish answer at once, never a hang."""

from collections.abc import Iterator

import pytest
from pydantic import SecretStr

from api.config import Settings
from api.services.webchat import BOT_UNAVAILABLE_DA
from privacy.crypto import KeyRing
from tests.support.api_server import serving_api
from tests.support.webchat_client import WebchatClient, texts

pytestmark = pytest.mark.asyncio(loop_scope="session")


@pytest.fixture
def api_without_rasa(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    settings = Settings(
        database_url=f"sqlite:///{tmp_path_factory.mktemp('db') / 'intake.db'}",
        oauth_signing_key_file=tmp_path_factory.mktemp("oauth") / "key.pem",
        key_ring=SecretStr(KeyRing.generate().to_json()),
        rasa_url="http://127.0.0.1:9",  # nothing listens here
        rasa_timeout_seconds=2,
        max_message_chars=50,
    )
    with serving_api(settings) as url:
        yield url


async def test_rasa_down_gives_try_again_with_emergency_numbers(api_without_rasa: str) -> None:
    client = WebchatClient(api_without_rasa)
    await client.connect()
    try:
        replies = await client.say("hej", quiet_seconds=0.5, timeout=10)
    finally:
        await client.close()
    assert texts(replies) == BOT_UNAVAILABLE_DA
    assert "Prøv igen om lidt" in BOT_UNAVAILABLE_DA
    for number in ("112", "70 201 201", "116 111"):
        assert number in BOT_UNAVAILABLE_DA


async def test_invalid_session_ids_are_replaced_by_fresh_random_ones(api_without_rasa: str) -> None:
    client = WebchatClient(api_without_rasa)
    try:
        session_id = await client.connect("../../etc/passwd")
        assert session_id != "../../etc/passwd"
        assert len(session_id) == 32
    finally:
        await client.close()


async def test_malformed_events_get_a_clear_answer(api_without_rasa: str) -> None:
    client = WebchatClient(api_without_rasa)
    await client.connect()
    try:
        await client.sio.emit("user_uttered", {"message": 42})
        reply = await client.inbox.get()
        assert "kunne ikke læse din besked" in reply["text"]
        replies = await client.say("x" * 51, quiet_seconds=0.5)
        assert "højst 50 tegn" in texts(replies)
    finally:
        await client.close()
