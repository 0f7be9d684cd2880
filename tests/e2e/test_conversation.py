"""A youth chats with the real Rasa bot through the api's socket.io bridge, in Danish."""

import pytest

from tests.e2e.db_probe import handoffs_for, rows_mentioning, transcript
from tests.support.stack import Stack
from tests.support.webchat_client import WebchatClient, texts

pytestmark = [pytest.mark.e2e, pytest.mark.asyncio(loop_scope="session")]

EMERGENCY_NUMBERS = ("112", "70 201 201", "116 111")
WEBCHAT_SHAPES = ({"text"}, {"text", "quick_replies"}, {"attachment"})


async def _start(stack: Stack) -> WebchatClient:
    client = WebchatClient(stack.api_url)
    await client.connect()
    return client


async def _greet_and_consent(client: WebchatClient) -> None:
    replies = await client.say("/greet")
    assert "anonym" in texts(replies)
    assert "/privatliv" in texts(replies)
    consent = replies[-1]
    assert [b["payload"] for b in consent["quick_replies"]] == ["/consent_yes", "/consent_no"]
    replies = await client.say("/consent_yes")
    assert "Hvad er dit køn?" in texts(replies)
    titles = [b["title"] for b in replies[-1]["quick_replies"]]
    assert titles == ["Pige", "Dreng", "Andet", "Vil ikke sige"]


async def test_full_intake_ends_in_a_handoff_with_age_band_and_gender(stack: Stack) -> None:
    client = await _start(stack)
    try:
        await _greet_and_consent(client)
        replies = await client.say("pige")
        assert "Hvor gammel er du?" in texts(replies)
        replies = await client.say("jeg er 15 år")
        assert "Hvad har du lyst til at tale om?" in texts(replies)
        replies = await client.say(
            "jeg hedder Mikkel og bliver mobbet i skolen, min mail er mikkel@example.com"
        )
        assert "sendt dig videre til en rådgiver" in texts(replies)
        for reply in replies:
            assert set(reply) in WEBCHAT_SHAPES, reply  # rasa-webchat drops any other shape
        # After the handoff the bot stays silent; the youth is told they are in the queue.
        replies = await client.say("hallo er der nogen?")
        assert "i kø" in texts(replies)
    finally:
        await client.close()
    [handoff] = handoffs_for(stack.database_url, client.session_id or "")
    assert handoff["gender"] == "pige"
    assert handoff["age_band"] == "13-15"
    assert handoff["status"] == "waiting"
    assert handoff["tagger_status"] == "ok"
    assert handoff["tags"][0]["tag"] == "mobning"
    assert handoff["priority"] == "normal"

    assert stack.key_ring_file is not None
    turns = transcript(stack.database_url, stack.key_ring_file, client.session_id or "")
    youth = [t.text for t in turns if t.role == "ungdom"]
    # Stored from consent on (the greeting and the "ja" came before the profile existed),
    # anonymised before encryption.
    assert youth == [
        "pige",
        "jeg er 15 år",
        "jeg hedder [NAVN] og bliver mobbet i skolen, min mail er [EMAIL]",
        "hallo er der nogen?",
    ]
    bot = [t.text for t in turns if t.role == "bot"]
    assert bot[0].startswith("Tak. Jeg stiller dig tre korte spørgsmål")
    assert any("sendt dig videre til en rådgiver" in text for text in bot)
    assert [t.seq for t in turns] == sorted(t.seq for t in turns)


async def test_refusing_consent_gives_emergency_numbers_and_stores_nothing(stack: Stack) -> None:
    client = await _start(stack)
    try:
        await client.say("/greet")
        replies = await client.say("/consent_no")
        text = texts(replies)
        assert "samtykke" in text
        for number in EMERGENCY_NUMBERS:
            assert number in text
        await client.say("jeg vil tale med en voksen")
    finally:
        await client.close()
    assert rows_mentioning(stack.database_url, client.session_id or "") == []


async def test_asking_for_an_adult_after_consent_hands_off_at_once(stack: Stack) -> None:
    client = await _start(stack)
    try:
        await _greet_and_consent(client)
        replies = await client.say("jeg vil tale med en voksen")
        assert "sendt dig videre til en rådgiver" in texts(replies)
    finally:
        await client.close()
    [handoff] = handoffs_for(stack.database_url, client.session_id or "")
    assert handoff["gender"] == "ikke_oplyst"
    assert handoff["age_band"] == "ikke_oplyst"
    assert handoff["tagger_status"] == "not_run"


async def test_skipping_age_and_declining_gender_are_stored_as_not_given(stack: Stack) -> None:
    client = await _start(stack)
    try:
        await _greet_and_consent(client)
        replies = await client.say("banan")  # not a gender answer: asked again
        assert "Vælg gerne en af knapperne" in texts(replies)
        replies = await client.say("vil ikke sige")
        assert "Hvor gammel er du?" in texts(replies)
        replies = await client.say("tusind")  # not an age: asked again
        assert "som et tal" in texts(replies)
        replies = await client.say("spring over")
        assert "Hvad har du lyst til at tale om?" in texts(replies)
        await client.say("min mor og far skændes hele tiden")
    finally:
        await client.close()
    [handoff] = handoffs_for(stack.database_url, client.session_id or "")
    assert (handoff["gender"], handoff["age_band"]) == ("ikke_oplyst", "ikke_oplyst")


async def test_stop_in_the_middle_ends_kindly(stack: Stack) -> None:
    client = await _start(stack)
    try:
        await _greet_and_consent(client)
        replies = await client.say("stop")
        assert "Pas godt på dig selv" in texts(replies)
    finally:
        await client.close()
    assert handoffs_for(stack.database_url, client.session_id or "") == []


async def test_off_topic_gets_a_helpful_answer(stack: Stack) -> None:
    client = await _start(stack)
    try:
        await client.say("/greet")
        replies = await client.say("hvem vandt fodboldkampen i går")
        text = texts(replies)
        assert "jeg vil tale med en voksen" in text
    finally:
        await client.close()


async def test_reconnecting_with_the_same_session_id_resumes_the_conversation(
    stack: Stack,
) -> None:
    client = await _start(stack)
    await _greet_and_consent(client)
    session_id = client.session_id
    await client.close()
    again = WebchatClient(stack.api_url)
    assert await again.connect(session_id) == session_id
    try:
        replies = await again.say("dreng")
        assert "Hvor gammel er du?" in texts(replies)
    finally:
        await again.close()


async def test_overlong_message_is_refused_politely(stack: Stack) -> None:
    client = await _start(stack)
    try:
        replies = await client.say("a" * 100_000)
        assert "for lang" in texts(replies)
    finally:
        await client.close()


async def test_withdrawing_consent_deletes_what_was_stored(stack: Stack) -> None:
    client = await _start(stack)
    try:
        await _greet_and_consent(client)
        await client.say("dreng")
        assert rows_mentioning(stack.database_url, client.session_id or "") != []
        replies = await client.say("jeg trækker mit samtykke tilbage")
        assert "slettet" in texts(replies)
    finally:
        await client.close()
    assert rows_mentioning(stack.database_url, client.session_id or "") == []


async def test_indirect_crisis_shows_emergency_numbers_at_once_and_goes_first(
    stack: Stack,
) -> None:
    client = await _start(stack)
    try:
        await _greet_and_consent(client)
        await client.say("vil ikke sige")
        await client.say("16")
        replies = await client.say("jeg har samlet piller sammen og vil bare sove og ikke vågne")
        text = texts(replies)
        for number in EMERGENCY_NUMBERS:
            assert number in text
        # The emergency numbers come before the handoff confirmation.
        assert text.index("70 201 201") < text.index("sendt dig videre")
    finally:
        await client.close()
    [handoff] = handoffs_for(stack.database_url, client.session_id or "")
    assert handoff["priority"] == "akut"
    assert handoff["crisis"]
    assert "selvmordstanker" in [t["tag"] for t in handoff["tags"]]
