"""Bot silence after handoff, in Debian's Chromium against the real stack: once a counsellor
has the conversation, the youth's "hej" gets no bot reply in the widget (it reaches the
console); after "Giv tilbage til chatbotten" the widget says so, and the bot answers again."""

import time

import pytest
from playwright.sync_api import APIResponse, Route, expect

from tests.browser.conftest import Session, screenshot
from tests.browser.test_console import claim_new_handoff

pytestmark = [pytest.mark.e2e, pytest.mark.browser]

SILENCE_SECONDS = 5.0  # a Rasa turn takes well under a second; seconds when the machine is busy


def test_the_bot_stays_silent_until_the_counsellor_hands_back(
    youth: Session, console_page: Session
) -> None:
    claim_new_handoff(youth, console_page, "lone@vejle.dk", "Vejle Kommune")
    page = console_page.page

    # Held: "hej" reaches the counsellor, and no bot message appears in the widget.
    bot_messages = youth.page.locator(".msg--bot")
    before = bot_messages.count()
    youth.page.get_by_label("Skriv en besked").fill("hej")
    youth.page.keyboard.press("Enter")
    expect(page.locator("#conv-messages .msg--ungdom").last).to_contain_text("hej")
    time.sleep(SILENCE_SECONDS)
    assert bot_messages.count() == before
    screenshot(youth.page, "handback-01-silent")

    page.get_by_role("button", name="Giv tilbage til chatbotten").click()
    expect(page.locator("#status")).to_contain_text("givet tilbage til chatbotten")
    expect(bot_messages.last).to_contain_text("givet samtalen tilbage til chatbotten")

    greetings = bot_messages.filter(has_text="velkommen")
    greeted = greetings.count()  # the greeting at the start of the chat
    youth.page.get_by_label("Skriv en besked").fill("hej")
    youth.page.keyboard.press("Enter")
    expect(greetings).to_have_count(greeted + 1)  # Rasa's greeting, again
    screenshot(youth.page, "handback-02-bot-again")


def test_a_turn_written_while_the_console_loads_the_transcript_shows_once(
    youth: Session, console_page: Session
) -> None:
    # The transcript is read before the youth writes and answered after the live turn has
    # arrived: the console must still show that turn, and only once.
    page = console_page.page
    held: list[tuple[Route, APIResponse]] = []

    def hold_transcript(route: Route) -> None:
        held.append((route, route.fetch()))

    def hold_transcript_of(handoff_id: str) -> None:
        page.route(f"**/api/v1/conversations/{handoff_id}", hold_transcript)

    handoff_id = claim_new_handoff(
        youth, console_page, "rune@vejle.dk", "Vejle Kommune", before_claim=hold_transcript_of
    )
    page.wait_for_timeout(100)
    assert len(held) == 1, "the console did not ask for the transcript"
    youth.page.get_by_label("Skriv en besked").fill("er du der")
    youth.page.keyboard.press("Enter")
    expect(youth.page.locator(".msg--me").last).to_contain_text("er du der")
    page.wait_for_timeout(1000)  # the live turn reaches the console meanwhile
    route, stale = held[0]
    route.fulfill(response=stale)
    page.unroute(f"**/api/v1/conversations/{handoff_id}")
    youth_turns = page.locator("#conv-messages .msg--ungdom")
    expect(youth_turns.last).to_contain_text("er du der")
    expect(youth_turns.filter(has_text="er du der")).to_have_count(1)
    expect(youth_turns.filter(has_text="mobber mig")).to_have_count(1)
