"""The counsellor console in a real browser (Debian's Chromium) against the real stack: a
youth hands off in the widget; a counsellor logs in through the OAuth code + PKCE flow, sees
the handoff in the queue, claims it, reads the stored transcript and replies; the youth sees
the reply. A counsellor of another organisation does not see the handoff."""

from collections.abc import Callable, Iterator

import pytest
from playwright.sync_api import Browser, Page, expect

from api.db.session import make_engine, make_sessionmaker
from api.services.accounts import RouteKind
from tests.browser.conftest import Session, new_session, screenshot
from tests.browser.test_widget_flow import bot_says, session_id
from tests.e2e.db_probe import handoffs_for
from tests.support.oauth import PASSWORD
from tests.support.queue import add_counsellor
from tests.support.stack import Stack

pytestmark = [pytest.mark.e2e, pytest.mark.browser]

DESKTOP = {"width": 1280, "height": 900}


@pytest.fixture
def counsellor_browser(browser: Browser, browser_stack: Stack) -> Iterator[Session]:
    session = new_session(browser, browser_stack)
    session.page.set_viewport_size(DESKTOP)  # type: ignore[arg-type]
    yield session
    session.context.close()
    assert session.traffic.foreign == [], "the console asked another site for something"


def provision(stack: Stack) -> None:
    engine = make_engine(stack.database_url)
    sessions = make_sessionmaker(engine)
    redirect = f"{stack.api_url}/console/callback"
    add_counsellor(sessions, "mette@odense.dk", "Odense Kommune", redirect_uri=redirect)
    add_counsellor(
        sessions,
        "sara@spis.dk",
        "Spiseforstyrrelser NGO",
        routes=[(RouteKind.TAG, "spiseforstyrrelse")],
        redirect_uri=redirect,
    )
    engine.dispose()


def log_in(page: Page, stack: Stack, email: str) -> None:
    page.goto(f"{stack.api_url}/console")
    page.get_by_role("button", name="Log ind").click()
    page.get_by_label("E-mail").fill(email)
    page.get_by_label("Adgangskode").fill(PASSWORD)
    page.get_by_role("button", name="Log ind").click()
    expect(page.locator("#who")).to_contain_text("Logget ind som")
    assert page.url == f"{stack.api_url}/console"  # the code left the address bar
    expect(page.locator("#queue-summary")).not_to_be_empty()


def hand_off(youth: Session) -> str:
    page = youth.page
    page.goto(youth.url("/"))
    page.get_by_role("button", name="Ja, det er okay").click()
    page.get_by_role("button", name="Dreng").click()
    bot_says(page, "Hvor gammel er du?")
    page.get_by_label("Skriv en besked").fill("16")
    page.keyboard.press("Enter")
    bot_says(page, "Hvad har du lyst til at tale om?")
    page.get_by_label("Skriv en besked").fill("de andre i klassen mobber mig hver dag")
    page.keyboard.press("Enter")
    bot_says(page, "sendt dig videre til en rådgiver")
    [handoff] = handoffs_for(youth.stack.database_url, session_id(page))
    return str(handoff["id"])


def claim_new_handoff(
    youth: Session,
    console: Session,
    email: str,
    organisation: str,
    *,
    before_claim: Callable[[str], None] | None = None,
) -> str:
    """A new counsellor `email` of `organisation` logs in to `console` and claims the handoff
    the youth makes; returns its id once the youth has been told. `before_claim` gets the
    handoff id just before the click."""
    stack = youth.stack
    engine = make_engine(stack.database_url)
    add_counsellor(
        make_sessionmaker(engine),
        email,
        organisation,
        redirect_uri=f"{stack.api_url}/console/callback",
    )
    engine.dispose()
    handoff_id = hand_off(youth)
    log_in(console.page, stack, email)
    if before_claim is not None:
        before_claim(handoff_id)
    console.page.locator(f'li[data-handoff="{handoff_id}"]').get_by_role(
        "button", name="Tag samtalen"
    ).click()
    expect(youth.page.locator(".msg--bot").last).to_contain_text("En rådgiver har taget")
    return handoff_id


def test_counsellor_claims_a_handoff_and_the_youth_gets_the_reply(
    youth: Session, counsellor_browser: Session, browser: Browser, browser_stack: Stack
) -> None:
    provision(browser_stack)
    handoff_id = hand_off(youth)

    page = counsellor_browser.page
    log_in(page, browser_stack, "mette@odense.dk")
    item = page.locator(f'li[data-handoff="{handoff_id}"]')
    expect(item).to_contain_text("Dreng, 16-18 år")
    expect(item).to_contain_text("Venter")
    screenshot(page, "console-01-queue")

    item.get_by_role("button", name="Tag samtalen").click()
    expect(page.locator("#conversation")).to_be_visible()
    # The stored transcript so far (anonymised), the youth's problem description included.
    expect(page.locator("#conv-messages")).to_contain_text("mobber mig hver dag")
    expect(youth.page.locator(".msg--bot").last).to_contain_text("En rådgiver har taget")
    expect(youth.page.locator("#queue")).to_have_text("")

    # Counsellor -> youth, with the typing indicator on the way.
    page.get_by_label("Skriv til den unge").press_sequentially("Hej, jeg hedder Mette")
    expect(youth.page.locator("#typing")).to_have_text("Rådgiveren skriver …")
    page.keyboard.press("Enter")
    expect(youth.page.locator(".msg--bot").last).to_contain_text("Hej, jeg hedder Mette")
    # Youth -> counsellor, live.
    youth.page.get_by_label("Skriv en besked").fill("hej mette <b>tak</b>")
    youth.page.keyboard.press("Enter")
    expect(page.locator(".msg--ungdom").last).to_contain_text("hej mette <b>tak</b>")
    assert page.locator("#conv-messages b").count() == 0  # shown as text, never as HTML
    screenshot(page, "console-02-conversation")

    # Tag correction, then close with an outcome.
    page.get_by_text("Ret tags").click()
    page.locator("#tags-fieldset").get_by_label("mobning").check()
    page.locator("#tags-fieldset").get_by_label("skole_stress").check()
    page.get_by_role("button", name="Gem tags").click()
    expect(page.locator("#status")).to_contain_text("Tags er gemt")
    page.get_by_label("Udfald").select_option("hjulpet")
    page.get_by_role("button", name="Afslut samtale").click()
    expect(page.locator("#status")).to_contain_text("Samtalen er afsluttet")
    expect(youth.page.locator(".msg--bot").last).to_contain_text("afsluttet samtalen")
    [handoff] = [h for h in handoffs_for(browser_stack.database_url, session_id(youth.page))]
    assert handoff["status"] == "closed"

    # Another organisation never saw it.
    other = new_session(browser, browser_stack)
    try:
        log_in(other.page, browser_stack, "sara@spis.dk")
        expect(other.page.locator("#queue-summary")).to_have_text("Ingen venter lige nu.")
        assert other.page.locator(f'li[data-handoff="{handoff_id}"]').count() == 0
    finally:
        other.context.close()

    # A reload keeps the login through a refresh, and the refresh token rotates.
    def refresh_token() -> str:
        value = page.evaluate("() => JSON.parse(sessionStorage.getItem('ung_console_tokens'))")
        return str(value["refresh_token"])

    before = refresh_token()
    page.reload()
    expect(page.locator("#who")).to_contain_text("Logget ind som")
    expect(page.locator("#queue-summary")).not_to_be_empty()
    assert refresh_token() != before

    # Log out: the refresh token is revoked and the console is back at the login.
    page.get_by_role("button", name="Log ud").click()
    expect(page.locator("#login")).to_be_visible()
    assert page.evaluate("() => sessionStorage.getItem('ung_console_tokens')") is None
