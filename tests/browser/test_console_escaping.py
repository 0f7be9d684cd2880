"""HTML and JavaScript in messages arrive as text: a youth writes `<img src=x onerror=...>` and
`<script>` in the widget (as the problem description, stored, and live after the claim); the
counsellor's console shows the characters, creates no element from them, and no script runs,
in the console or back in the widget."""

import pytest
from playwright.sync_api import Dialog, Page, expect

from api.db.session import make_engine, make_sessionmaker
from tests.browser.conftest import Session
from tests.browser.test_console import log_in
from tests.browser.test_widget_flow import bot_says, session_id
from tests.e2e.db_probe import handoffs_for
from tests.support.queue import add_counsellor
from tests.support.stack import Stack

pytestmark = [pytest.mark.e2e, pytest.mark.browser]

IMG = '<img src=x onerror="window.__xss=1;alert(1)">'
SCRIPT = "<script>window.__xss=2;alert(2)</script>"
SVG = '<svg onload="window.__xss=3">'


def _watch(page: Page, dialogs: list[str]) -> None:
    def dismiss(dialog: Dialog) -> None:
        dialogs.append(dialog.message)
        dialog.dismiss()

    page.on("dialog", dismiss)


def _no_script_ran(page: Page) -> None:
    assert page.evaluate("() => window.__xss") is None
    assert (
        page.locator("img[src='x'], script:not([src]):has-text('__xss'), svg[onload]").count() == 0
    )


def test_markup_in_messages_is_shown_as_text_and_never_runs(
    youth: Session, console_page: Session, browser_stack: Stack
) -> None:
    engine = make_engine(browser_stack.database_url)
    add_counsellor(
        make_sessionmaker(engine),
        "xss@vejle.dk",
        "Vejle Kommune",
        redirect_uri=f"{browser_stack.api_url}/console/callback",
    )
    engine.dispose()
    dialogs: list[str] = []
    _watch(youth.page, dialogs)
    _watch(console_page.page, dialogs)

    page = youth.page
    page.goto(youth.url("/"))
    page.get_by_role("button", name="Ja, det er okay").click()
    page.get_by_role("button", name="Pige").click()
    bot_says(page, "Hvor gammel er du?")
    page.get_by_label("Skriv en besked").fill("14")
    page.keyboard.press("Enter")
    bot_says(page, "Hvad har du lyst til at tale om?")
    page.get_by_label("Skriv en besked").fill(f"de mobber mig {IMG} {SCRIPT}")
    page.keyboard.press("Enter")
    bot_says(page, "sendt dig videre til en rådgiver")
    expect(page.locator(".msg").filter(has_text="onerror=").first).to_be_visible()
    [handoff] = handoffs_for(browser_stack.database_url, session_id(page))

    console = console_page.page
    log_in(console, browser_stack, "xss@vejle.dk")
    console.locator(f'li[data-handoff="{handoff["id"]}"]').get_by_role(
        "button", name="Tag samtalen"
    ).click()
    messages = console.locator("#conv-messages")
    # The stored transcript: the markup's characters are there as text.
    expect(messages).to_contain_text("onerror=")
    expect(messages).to_contain_text("<script>")

    # Live, after the claim.
    page.get_by_label("Skriv en besked").fill(f"er du der? {SVG} {IMG}")
    page.keyboard.press("Enter")
    expect(console.locator(".msg--ungdom").last).to_contain_text(f"er du der? {SVG} {IMG}")
    # And back: the counsellor quotes it, the widget shows it as text too.
    console.get_by_label("Skriv til den unge").fill(f"Du skrev {IMG}")
    console.keyboard.press("Enter")
    expect(page.locator(".msg--bot").last).to_contain_text(f"Du skrev {IMG}")

    console.wait_for_timeout(500)  # an onerror on a broken image would have fired by now
    for p in (console, page):
        _no_script_ran(p)
    assert dialogs == []
