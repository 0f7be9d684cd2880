"""Duty to report in Debian's Chromium against the real stack: the counsellor marks the
conversation ("Mulig underretning"); the widget offers the youth a voluntary contact-details
form with its own consent; without the tick nothing is stored; with it the counsellor's console
shows the details."""

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import Session, screenshot
from tests.browser.test_console import claim_new_handoff

pytestmark = [pytest.mark.e2e, pytest.mark.browser]

DETAILS = "Mikkel Hansen, 22 33 44 55, Vestergade 3, 8000 Aarhus C"


def test_marking_offers_the_youth_a_voluntary_form_and_the_counsellor_sees_the_answer(
    youth: Session, console_page: Session
) -> None:
    claim_new_handoff(youth, console_page, "signe@horsens.dk", "Horsens Kommune")
    page = console_page.page

    page.get_by_role("button", name="Mulig underretning").click()
    expect(page.locator("#underretning-status")).to_contain_text("Markeret som mulig underretning")

    dialog = youth.page.get_by_role("dialog")
    expect(dialog).to_contain_text("Dine kontaktoplysninger (frivilligt)")
    dialog.get_by_label("Navn, telefonnummer og adresse").fill(DETAILS)
    # The consent is its own tick: the browser will not send the form without it.
    consent = dialog.get_by_label("Ja, I må gemme mine kontaktoplysninger")
    dialog.get_by_role("button", name="Send mine oplysninger").click()
    assert consent.evaluate("box => !box.checkValidity()")
    consent.check()
    dialog.get_by_role("button", name="Send mine oplysninger").click()
    expect(dialog).to_contain_text("Dine oplysninger er gemt krypteret")
    # One request in all: the attempt without the tick sent nothing.
    sent = [url for url in youth.traffic.requests if url.endswith("/profile/contact-details")]
    assert len(sent) == 1, sent
    screenshot(youth.page, "underretning-01-youth")

    expect(page.locator("#underretning-status")).to_contain_text(
        "Den unge har givet kontaktoplysninger"
    )
    expect(page.locator("#underretning-status")).to_contain_text(DETAILS)
    screenshot(page, "underretning-02-console")
