"""Bot silence after handoff, in Debian's Chromium against the real stack: once a counsellor
has the conversation, the youth's "hej" gets no bot reply in the widget (it reaches the
console); after "Giv tilbage til chatbotten" the widget says so, and the bot answers again."""

import time
from collections.abc import Iterator

import pytest
from playwright.sync_api import APIResponse, Browser, Route, expect

from api.db.session import make_engine, make_sessionmaker
from tests.browser.conftest import Session, new_session, screenshot
from tests.browser.test_console import DESKTOP, hand_off, log_in
from tests.support.queue import add_counsellor
from tests.support.stack import Stack

pytestmark = [pytest.mark.e2e, pytest.mark.browser]

SILENCE_SECONDS = 5.0  # a Rasa turn takes well under a second; seconds when the machine is busy


@pytest.fixture
def console_page(browser: Browser, browser_stack: Stack) -> Iterator[Session]:
    session = new_session(browser, browser_stack)
    session.page.set_viewport_size(DESKTOP)  # type: ignore[arg-type]
    yield session
    session.context.close()
    assert session.traffic.foreign == [], "the console asked another site for something"


def test_the_bot_stays_silent_until_the_counsellor_hands_back(
    youth: Session, console_page: Session, browser_stack: Stack
) -> None:
    engine = make_engine(browser_stack.database_url)
    add_counsellor(
        make_sessionmaker(engine),
        "lone@vejle.dk",
        "Vejle Kommune",
        redirect_uri=f"{browser_stack.api_url}/console/callback",
    )
    engine.dispose()
    handoff_id = hand_off(youth)
    page = console_page.page
    log_in(page, browser_stack, "lone@vejle.dk")
    page.locator(f'li[data-handoff="{handoff_id}"]').get_by_role(
        "button", name="Tag samtalen"
    ).click()
    expect(youth.page.locator(".msg--bot").last).to_contain_text("En rådgiver har taget")

    # Held: "hej" reaches the counsellor, and no bot message appears in the widget.
    bot_messages = youth.page.locator(".msg--bot")
    before = bot_messages.count()
    youth.page.get_by_label("Skriv en besked").fill("hej")
    youth.page.keyboard.press("Enter")
    expect(page.locator(".msg--ungdom").last).to_contain_text("hej")
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
    youth: Session, console_page: Session, browser_stack: Stack
) -> None:
    # The transcript is read before the youth writes and answered after the live turn has
    # arrived: the console must still show that turn, and only once.
    engine = make_engine(browser_stack.database_url)
    add_counsellor(
        make_sessionmaker(engine),
        "rune@vejle.dk",
        "Vejle Kommune",
        redirect_uri=f"{browser_stack.api_url}/console/callback",
    )
    engine.dispose()
    handoff_id = hand_off(youth)
    page = console_page.page
    log_in(page, browser_stack, "rune@vejle.dk")
    held: list[tuple[Route, APIResponse]] = []

    def hold_transcript(route: Route) -> None:
        held.append((route, route.fetch()))

    page.route(f"**/api/v1/conversations/{handoff_id}", hold_transcript)
    page.locator(f'li[data-handoff="{handoff_id}"]').get_by_role(
        "button", name="Tag samtalen"
    ).click()
    expect(youth.page.locator(".msg--bot").last).to_contain_text("En rådgiver har taget")
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
