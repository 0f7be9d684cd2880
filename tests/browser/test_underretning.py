"""Duty to report in Debian's Chromium against the real stack: the counsellor marks the
conversation ("Mulig underretning"); the widget offers the youth a voluntary contact-details
form with its own consent; without the tick nothing is stored; with it the counsellor's console
shows the details."""

from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, expect

from api.db.session import make_engine, make_sessionmaker
from tests.browser.conftest import Session, new_session, screenshot
from tests.browser.test_console import DESKTOP, hand_off, log_in
from tests.support.queue import add_counsellor
from tests.support.stack import Stack

pytestmark = [pytest.mark.e2e, pytest.mark.browser]

DETAILS = "Mikkel Hansen, 22 33 44 55, Vestergade 3, 8000 Aarhus C"


@pytest.fixture
def console_page(browser: Browser, browser_stack: Stack) -> Iterator[Session]:
    session = new_session(browser, browser_stack)
    session.page.set_viewport_size(DESKTOP)  # type: ignore[arg-type]
    yield session
    session.context.close()
    assert session.traffic.foreign == [], "the console asked another site for something"


def test_marking_offers_the_youth_a_voluntary_form_and_the_counsellor_sees_the_answer(
    youth: Session, console_page: Session, browser_stack: Stack
) -> None:
    engine = make_engine(browser_stack.database_url)
    add_counsellor(
        make_sessionmaker(engine),
        "signe@horsens.dk",
        "Horsens Kommune",
        redirect_uri=f"{browser_stack.api_url}/console/callback",
    )
    engine.dispose()
    handoff_id = hand_off(youth)
    page = console_page.page
    log_in(page, browser_stack, "signe@horsens.dk")
    page.locator(f'li[data-handoff="{handoff_id}"]').get_by_role(
        "button", name="Tag samtalen"
    ).click()
    expect(youth.page.locator(".msg--bot").last).to_contain_text("En rådgiver har taget")

    page.get_by_role("button", name="Mulig underretning").click()
    expect(page.locator("#underretning-status")).to_contain_text("Markeret som mulig underretning")

    dialog = youth.page.get_by_role("dialog")
    expect(dialog).to_contain_text("Dine kontaktoplysninger (frivilligt)")
    dialog.get_by_label("Navn, telefonnummer og adresse").fill(DETAILS)
    # The consent is its own tick: the browser will not send the form without it.
    dialog.get_by_role("button", name="Send mine oplysninger").click()
    expect(page.locator("#underretning-status")).not_to_contain_text("har givet")
    dialog.get_by_label("Ja, I må gemme mine kontaktoplysninger").check()
    dialog.get_by_role("button", name="Send mine oplysninger").click()
    expect(dialog).to_contain_text("Dine oplysninger er gemt krypteret")
    screenshot(youth.page, "underretning-01-youth")

    expect(page.locator("#underretning-status")).to_contain_text(
        "Den unge har givet kontaktoplysninger"
    )
    expect(page.locator("#underretning-status")).to_contain_text(DETAILS)
    screenshot(page, "underretning-02-console")
