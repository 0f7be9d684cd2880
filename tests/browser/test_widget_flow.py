"""A youth chats in the widget, in a real browser, with the real Rasa bot behind it."""

from typing import Any

import pytest
from playwright.sync_api import Locator, Page, expect

from tests.browser.conftest import Session, screenshot
from tests.e2e.db_probe import all_rows, handoffs_for

pytestmark = [pytest.mark.e2e, pytest.mark.browser]


def tab_to(page: Page, name: str, *, backwards: bool = False, limit: int = 40) -> None:
    """Move focus with the keyboard alone until the element named `name` has it."""
    key = "Shift+Tab" if backwards else "Tab"
    for _ in range(limit):
        page.keyboard.press(key)
        focused = page.evaluate(
            "() => { const e = document.activeElement;"
            " return e ? (e.textContent || '').trim() : ''; }"
        )
        if focused == name:
            return
    raise AssertionError(f"{name!r} cannot be reached with {key}")


def bot_says(page: Page, text: str) -> Locator:
    message = page.locator(".msg--bot", has_text=text).last
    expect(message).to_be_visible()
    return message


def expected_position(database_url: str, conversation_id: str) -> int:
    """The queue order computed independently of the api: akut first, then waiting time."""
    waiting: list[dict[str, Any]] = [
        row for row in all_rows(database_url)["handoffs"] if row["status"] == "waiting"
    ]
    waiting.sort(key=lambda r: (r["priority"] != "akut", r["created_at"], r["id"]))
    return [r["conversation_id"] for r in waiting].index(conversation_id) + 1


def session_id(page: Page) -> str:
    value = page.evaluate("() => localStorage.getItem('ung_intake_session')")
    assert isinstance(value, str) and value
    return value


def test_greeting_consent_intake_handoff_and_queue_position(youth: Session) -> None:
    page = youth.page
    page.goto(youth.url("/"))
    expect(page.locator("#anonymity")).to_contain_text("Du er anonym")
    expect(page.get_by_role("link", name="Privatlivspolitik", exact=True)).to_be_visible()
    bot_says(page, "anonym")
    expect(page.get_by_role("button", name="Ja, det er okay")).to_be_visible()
    screenshot(page, "01-greeting-consent")

    # Keyboard only: reach the consent button with Tab and press Enter.
    tab_to(page, "Ja, det er okay")
    page.keyboard.press("Enter")
    bot_says(page, "Hvad er dit køn?")
    expect(page.get_by_role("group", name="Svarmuligheder").get_by_role("button")).to_have_text(
        ["Pige", "Dreng", "Andet", "Vil ikke sige"]
    )
    # After a quick reply the focus is back in the message field.
    expect(page.get_by_label("Skriv en besked")).to_be_focused()
    screenshot(page, "02-gender")
    tab_to(page, "Pige", backwards=True)
    page.keyboard.press("Enter")

    bot_says(page, "Hvor gammel er du?")
    page.keyboard.type("jeg er 15 år")
    page.keyboard.press("Enter")
    bot_says(page, "Hvad har du lyst til at tale om?")
    page.keyboard.type("jeg bliver mobbet i skolen og har det rigtig dårligt")
    page.keyboard.press("Enter")
    bot_says(page, "sendt dig videre til en rådgiver")

    conversation = session_id(page)
    [handoff] = handoffs_for(youth.stack.database_url, conversation)
    assert (handoff["gender"], handoff["age_band"]) == ("pige", "13-15")
    assert handoff["tagger_status"] == "ok"  # the stack trains the tagger before it starts
    assert handoff["tags"][0]["tag"] == "mobning"
    position = expected_position(youth.stack.database_url, conversation)
    wanted = "Du er den næste i køen." if position == 1 else f"Du er nummer {position} i køen."
    expect(page.locator("#queue")).to_have_text(wanted)
    bot_says(page, "i køen")
    screenshot(page, "03-handoff-queue")

    # Writing while waiting: the bot stays silent and the place in the queue is repeated.
    page.keyboard.type("hallo er der nogen?")
    page.keyboard.press("Enter")
    bot_says(page, "Du er i kø til en rådgiver")
    expect(page.locator("#queue")).to_have_text(wanted)

    # Reload: the same anonymous id, the same transcript, the queue place sent again.
    shown = page.locator(".msg").all_inner_texts()
    page.reload()
    expect(page.locator(".msg")).to_have_count(len(shown))
    assert page.locator(".msg").all_inner_texts() == shown
    assert session_id(page) == conversation
    expect(page.locator("#queue")).to_have_text(wanted)
    screenshot(page, "04-reloaded-in-queue")
