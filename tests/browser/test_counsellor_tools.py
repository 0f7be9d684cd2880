"""Counsellor tools in a real browser (Debian's Chromium) against the real stack: a new handoff
rings the console (sound + browser notification), the cap refuses a claim and a counsellor
who frees up is offered the next handoff (with a canned reply inserted by "/" and the
post-conversation form on the way), and the supervisor's view of their organisation."""

import secrets
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from playwright.sync_api import Browser, expect

from api.db.models_auth import Counsellor
from api.db.session import make_engine, make_sessionmaker
from api.services import notes, queue
from privacy.crypto import ReloadingKeyRing
from tests.browser.conftest import Session, new_session, screenshot
from tests.browser.test_accessibility_and_compat import serious_violations
from tests.browser.test_console import DESKTOP, log_in
from tests.support.queue import Person, add_counsellor, waiting_handoff
from tests.support.stack import Stack

pytestmark = [pytest.mark.e2e, pytest.mark.browser]

# Records what the console asks of the browser: notifications shown and sounds played.
RECORDER = """
window.__notifications = [];
window.__plays = 0;
if (typeof window.Notification === "function") {
  const Real = window.Notification;
  class Recorded extends Real {
    constructor(title, options) {
      super(title, options);
      window.__notifications.push({ title: title, body: options && options.body });
    }
  }
  window.Notification = Recorded;
}
const realPlay = HTMLMediaElement.prototype.play;
HTMLMediaElement.prototype.play = function () {
  window.__plays += 1;
  return realPlay.call(this);
};
"""


def console_session(
    browser: Browser, stack: Stack, *, notifications: bool, bypass_csp: bool = False
) -> Session:
    # bypass_csp only where the test injects axe-core; the console itself is unchanged.
    session = new_session(browser, stack, bypass_csp=bypass_csp)
    if notifications:
        session.context.grant_permissions(["notifications"], origin=stack.api_url)
    session.context.add_init_script(RECORDER)
    session.page.set_viewport_size(DESKTOP)  # type: ignore[arg-type]
    return session


@pytest.fixture
def consoles(browser: Browser, browser_stack: Stack) -> Iterator[list[Session]]:
    opened: list[Session] = []
    yield opened
    for session in opened:
        session.context.close()
        assert session.traffic.foreign == [], "the console asked another site for something"


def person(stack: Stack, email: str, organisation: str, **kwargs: Any) -> Person:
    engine = make_engine(stack.database_url)
    try:
        return add_counsellor(
            make_sessionmaker(engine),
            email,
            organisation,
            redirect_uri=f"{stack.api_url}/console/callback",
            **kwargs,
        )
    finally:
        engine.dispose()


def stored_handoff(stack: Stack, **kwargs: Any) -> str:
    """A waiting handoff with a consented, stored problem description (written as the bridge
    would, with the stack's key ring)."""
    engine = make_engine(stack.database_url)
    try:
        assert stack.key_ring_file is not None
        handoff_id, _ = waiting_handoff(
            make_sessionmaker(engine), ReloadingKeyRing(stack.key_ring_file), **kwargs
        )
        return handoff_id
    finally:
        engine.dispose()


def action_handoff(stack: Stack, *, crisis: bool) -> str:
    """Consent, then POST /api/v1/handoffs, as the action server does (its client-credentials
    token)."""
    with httpx.Client(base_url=stack.api_url, timeout=20) as client:
        token = client.post(
            "/oauth/token",
            data={"grant_type": "client_credentials"},
            auth=(stack.env["ACTION_CLIENT_ID"], stack.env["ACTION_CLIENT_SECRET"]),
        ).json()["access_token"]
        conversation_id = secrets.token_hex(16)
        # The bot hands off only after the youth's "ja".
        consent = client.post(
            "/api/v1/consents",
            headers={"Authorization": f"Bearer {token}"},
            json={"conversation_id": conversation_id},
        )
        assert consent.status_code == 201, consent.text
        response = client.post(
            "/api/v1/handoffs",
            headers={"Authorization": f"Bearer {token}"},
            json={
                "conversation_id": conversation_id,
                "gender": "dreng",
                "age_band": "16-18",
                "crisis": crisis,
                "tagger_status": "ok",
                "tags": [{"tag": "selvskade", "score": 0.91}] if crisis else [],
            },
        )
        assert response.status_code == 201, response.text
        return str(response.json()["id"])


def test_a_new_akut_handoff_rings_and_shows_a_browser_notification(
    browser: Browser, browser_stack: Stack, consoles: list[Session]
) -> None:
    lise = person(browser_stack, "lise@vejle.dk", "Vejle Kommune")
    session = console_session(browser, browser_stack, notifications=True)
    consoles.append(session)
    page = session.page
    log_in(page, browser_stack, lise.email)
    expect(page.locator("#notify-ask")).to_be_hidden()  # already allowed: nothing to ask
    page.wait_for_function("() => window.__plays === 0")

    handoff_id = action_handoff(browser_stack, crisis=True)
    expect(page.locator("#status")).to_contain_text("AKUT: en ung venter")
    page.wait_for_function("() => window.__notifications.length === 1 && window.__plays >= 1")
    [shown] = page.evaluate("() => window.__notifications")
    assert shown == {"title": "AKUT: en ung venter", "body": "En akut samtale venter i køen."}
    expect(page.locator(f'li[data-handoff="{handoff_id}"]')).to_contain_text("AKUT")
    screenshot(page, "console-10-notification")

    # Not yet allowed: the console asks politely (and only when asked does the browser).
    other = console_session(browser, browser_stack, notifications=False)
    consoles.append(other)
    person(browser_stack, "ole@vejle.dk", "Vejle Kommune")
    log_in(other.page, browser_stack, "ole@vejle.dk")
    expect(other.page.locator("#notify-ask")).to_be_visible()
    other.page.get_by_role("button", name="Ikke nu").click()
    expect(other.page.locator("#notify-ask")).to_be_hidden()
    action_handoff(browser_stack, crisis=False)
    expect(other.page.locator("#status")).to_contain_text("En ung venter")
    other.page.wait_for_function("() => window.__plays >= 1")
    assert other.page.evaluate("() => window.__notifications.length") == 0  # falls back silently


def test_the_cap_refuses_a_claim_and_a_freed_counsellor_is_offered_the_next(
    browser: Browser, browser_stack: Stack, consoles: list[Session]
) -> None:
    anna = person(browser_stack, "anna@kolding.dk", "Kolding Kommune", cap=1)
    first = stored_handoff(browser_stack, tags=[("mobning", 0.8)])
    second = stored_handoff(browser_stack, tags=[("ensomhed", 0.7)])
    session = console_session(browser, browser_stack, notifications=False)
    consoles.append(session)
    page = session.page
    log_in(page, browser_stack, anna.email)

    page.locator(f'li[data-handoff="{first}"]').get_by_role("button", name="Tag samtalen").click()
    expect(page.locator("#conversation")).to_be_visible()
    page.locator(f'li[data-handoff="{second}"]').get_by_role("button", name="Tag samtalen").click()
    expect(page.locator("#status")).to_contain_text("Du har allerede 1 samtaler")
    expect(page.locator(f'li[data-handoff="{second}"]')).to_contain_text("Venter")
    screenshot(page, "console-11-cap")

    # A canned reply by "/": filter, choose with the keyboard, then send.
    reply = page.get_by_label("Skriv til den unge")
    reply.press_sequentially("/akut")
    expect(page.locator("#canned-menu")).to_be_visible()
    page.keyboard.press("Enter")
    expect(reply).to_have_value(
        "Hvis du er i fare lige nu, så ring 112. Du kan også ringe til Livslinien på "
        "70 201 201 eller Børnetelefonen på 116 111 – de har tavshedspligt."
    )
    page.keyboard.press("Enter")
    expect(page.locator(".msg--rådgiver").last).to_contain_text("ring 112")

    # The post-conversation form, then the offer of the next handoff.
    page.locator("#categories-fieldset").get_by_label("mobning").uncheck()
    page.locator("#categories-fieldset").get_by_label("ensomhed").check()
    page.get_by_label("Udfald").select_option("henvist")
    page.get_by_label("Henvist til").select_option("headspace")
    page.get_by_role("button", name="Afslut samtale").click()
    expect(page.locator("#offer")).to_be_visible()
    expect(page.locator("#offer-text")).to_contain_text("Du har plads til en ny samtale")
    # The offer is the head of this counsellor's queue (akut first, then the longest waiting;
    # handoffs of earlier tests in this stack may be ahead of `second`).
    offered = page.locator("#offer").get_attribute("data-handoff")
    head = page.locator("#queue-list li:not(.qitem--mine)").first
    expect(head).to_have_attribute("data-handoff", str(offered))
    page.locator("#offer").get_by_role("button", name="Tag samtalen").click()
    expect(page.locator("#conversation")).to_be_visible()
    expect(page.locator(f'li[data-handoff="{offered}"]')).to_contain_text("Din samtale")

    engine = make_engine(browser_stack.database_url)
    try:
        with make_sessionmaker(engine)() as db:
            from api.db.models_queue import HandoffAssignment

            assignment = db.get(HandoffAssignment, first)
            assert assignment is not None
            assert (assignment.outcome, assignment.referral) == ("henvist", "headspace")
    finally:
        engine.dispose()


def test_the_supervisor_sees_the_organisation_reads_notes_and_reassigns(
    browser: Browser, browser_stack: Stack, consoles: list[Session]
) -> None:
    org = "Horsens Kommune"
    kim = person(browser_stack, "kim@horsens.dk", org)
    bo = person(browser_stack, "bo@horsens.dk", org, cap=2)
    person(browser_stack, "chef@horsens.dk", org, role="supervisor")
    person(browser_stack, "chef@fredericia.dk", "Fredericia Kommune", role="supervisor")
    held = stored_handoff(browser_stack, tags=[("angst", 0.66)])
    waiting = stored_handoff(browser_stack, tags=[("sorg", 0.7)])
    engine = make_engine(browser_stack.database_url)
    sessions = make_sessionmaker(engine)
    with sessions() as db:
        counsellor = db.get(Counsellor, kim.id)
        assert counsellor is not None
        queue.claim(db, counsellor, held)  # Kim took one in the console earlier

    session = console_session(browser, browser_stack, notifications=False, bypass_csp=True)
    consoles.append(session)
    page = session.page
    log_in(page, browser_stack, "chef@horsens.dk")
    expect(page.locator("#who")).to_contain_text("(supervisor)")
    expect(page.locator("#supervisor")).to_be_visible()
    expect(page.locator(f'#sup-loads tr[data-counsellor="{kim.id}"]')).to_contain_text("1/3")
    expect(page.locator(f'#sup-loads tr[data-counsellor="{bo.id}"]')).to_contain_text("0/2")
    item = page.locator(f'#sup-conversations li[data-handoff="{held}"]')
    expect(item).to_contain_text("Kim")
    expect(item).to_contain_text("i gang")
    expect(page.locator("#sup-summary")).to_contain_text("venter")
    expect(page.locator(f'#queue-list li[data-handoff="{waiting}"]')).to_be_visible()

    # Kim has the conversation open in their own console.
    kims = console_session(browser, browser_stack, notifications=False)
    consoles.append(kims)
    log_in(kims.page, browser_stack, kim.email)
    kims.page.locator(f'li[data-handoff="{held}"]').get_by_role("button", name="Åbn").click()
    expect(kims.page.locator("#conversation")).to_be_visible()

    item.get_by_role("button", name="Læs med").click()
    expect(page.locator("#sup-reader-messages")).to_contain_text("jeg bliver mobbet i skolen")
    page.get_by_label("Note til rådgiveren").fill("Spørg ind til søvnen")
    page.get_by_role("button", name="Send note").click()
    expect(page.locator("#status")).to_contain_text("Noten er sendt")
    # Live in Kim's console, as a note (never in the chat with the youth).
    expect(kims.page.locator(".note--supervisor")).to_contain_text("Spørg ind til søvnen")
    expect(kims.page.locator("#conv-messages")).not_to_contain_text("Spørg ind til søvnen")
    screenshot(page, "console-12-supervisor")
    assert serious_violations(page) == []  # axe-core on the supervisor's view, reader open
    with sessions() as db:
        [note] = notes.for_handoff(db, held, keys=ReloadingKeyRing(browser_stack.key_ring_file))  # type: ignore[arg-type]
        assert (note.kind, note.text) == ("supervisor", "Spørg ind til søvnen")

    page.get_by_label("Flyt samtalen til").select_option(bo.id)
    page.get_by_role("button", name="Flyt", exact=True).click()
    expect(page.locator("#status")).to_contain_text("Samtalen er flyttet")
    expect(page.locator(f'#sup-loads tr[data-counsellor="{bo.id}"]')).to_contain_text("1/2")
    expect(page.locator(f'#sup-loads tr[data-counsellor="{kim.id}"]')).to_contain_text("0/3")
    expect(kims.page.locator("#status")).to_contain_text("flyttet samtalen til en kollega")
    expect(kims.page.locator("#conversation")).to_be_hidden()

    # Another organisation's supervisor sees none of it.
    other = console_session(browser, browser_stack, notifications=False)
    consoles.append(other)
    log_in(other.page, browser_stack, "chef@fredericia.dk")
    expect(other.page.locator("#sup-conversations")).to_contain_text("Ingen åbne samtaler")
    assert other.page.locator(f'li[data-handoff="{held}"]').count() == 0
    expect(other.page.locator("#sup-loads tr")).to_have_count(1)
    engine.dispose()
