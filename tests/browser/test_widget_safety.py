"""Quick exit, the emergency numbers, the data-rights entry points, embedding and requests."""

import pytest
from playwright.sync_api import Browser, expect

from tests.browser.conftest import (
    EXIT_URL,
    PROVIDER_ORIGIN,
    STRANGER_ORIGIN,
    Session,
    new_session,
    screenshot,
)
from tests.support.stack import Stack

pytestmark = [pytest.mark.e2e, pytest.mark.browser]

STORED = "() => [localStorage.length, sessionStorage.length]"


def start_chat(youth: Session) -> None:
    page = youth.page
    page.goto(youth.url("/"))
    page.get_by_role("button", name="Ja, det er okay").click()
    expect(page.get_by_role("button", name="Pige")).to_be_visible()
    # After consent the api hands the browser the key to its own data ("Mine data").
    page.wait_for_function("() => localStorage.getItem('ung_intake_profile_secret')")


def test_escape_twice_wipes_storage_and_history_and_leaves(youth: Session) -> None:
    page = youth.page
    page.goto("about:blank")
    start_chat(youth)
    assert page.evaluate(STORED) == [2, 1]  # the random id, the data key, and the transcript
    page.keyboard.press("Escape")
    page.keyboard.press("Escape")
    page.wait_for_url(EXIT_URL)
    expect(page.get_by_role("heading", name="Nyheder")).to_be_visible()
    assert youth.traffic.exits == [EXIT_URL]
    # The chat's history entry was replaced: Back does not bring it back.
    page.go_back()
    assert page.url == "about:blank"
    # Nothing is left in the browser for the chat's origin.
    page.goto(youth.url("/privatliv"))
    assert page.evaluate(STORED) == [0, 0]


def test_quick_exit_button_leaves_and_a_new_visit_starts_afresh(youth: Session) -> None:
    page = youth.page
    start_chat(youth)
    before = page.evaluate("() => localStorage.getItem('ung_intake_session')")
    page.get_by_role("button", name="Forlad siden hurtigt").click()
    page.wait_for_url(EXIT_URL)
    page.goto(youth.url("/"))
    expect(page.get_by_role("button", name="Ja, det er okay")).to_be_visible()
    expect(page.locator(".msg--me")).to_have_count(0)
    after = page.evaluate("() => localStorage.getItem('ung_intake_session')")
    assert after and after != before


def test_akut_help_is_always_one_press_away(youth: Session) -> None:
    page = youth.page
    start_chat(youth)
    akut = page.get_by_role("button", name="Akut hjælp")
    expect(akut).to_have_attribute("aria-expanded", "false")
    # Still visible after the conversation has scrolled.
    page.locator("#log").evaluate("el => el.scrollTo(0, el.scrollHeight)")
    expect(akut).to_be_in_viewport()
    akut.focus()
    page.keyboard.press("Enter")
    expect(akut).to_have_attribute("aria-expanded", "true")
    panel = page.get_by_role("region", name="Akut hjælp – ring nu")
    for number, href in (
        ("112", "tel:112"),
        ("70 201 201", "tel:70201201"),
        ("116 111", "tel:116111"),
    ):
        expect(panel.get_by_role("link", name=number)).to_have_attribute("href", href)
    expect(panel).to_contain_text("Livslinien")
    expect(panel).to_contain_text("Børnetelefonen")
    screenshot(page, "05-akut-hjaelp")


def test_data_entry_points_before_consent_say_nothing_is_stored(youth: Session) -> None:
    page = youth.page
    page.goto(youth.url("/"))
    expect(page.get_by_role("button", name="Ja, det er okay")).to_be_visible()
    page.wait_for_function("() => localStorage.getItem('ung_intake_session')")
    stored = page.evaluate("() => localStorage.getItem('ung_intake_session')")
    page.get_by_role("button", name="Slet mine data").click()
    dialog = page.get_by_role("dialog", name="Slet mine data")
    expect(dialog).to_contain_text("Vi har ikke gemt noget om dig")
    screenshot(page, "06-slet-mine-data-foer-samtykke")
    page.keyboard.press("Escape")
    expect(dialog).to_be_hidden()
    expect(page.get_by_role("button", name="Slet mine data")).to_be_focused()
    assert page.evaluate("() => localStorage.getItem('ung_intake_session')") == stored
    expect(page.get_by_role("button", name="Ja, det er okay")).to_be_visible()

    page.get_by_role("button", name="Mine data", exact=True).click()
    dialog = page.get_by_role("dialog", name="Mine data")
    expect(dialog).to_contain_text("først noget, når du har sagt ja")
    expect(dialog).to_contain_text(stored[:8])
    dialog.get_by_role("button", name="Luk").click()

    page.get_by_role("link", name="Privatlivspolitik", exact=True).click()
    dialog = page.get_by_role("dialog", name="Privatlivspolitik")
    expect(dialog).to_contain_text("Datatilsynet, Borgergade 28, 5., 1300 København K")
    expect(dialog).to_contain_text("33 19 32 00")
    screenshot(page, "07-privatliv-dialog")


def test_every_request_goes_to_the_api(youth: Session) -> None:
    page = youth.page
    start_chat(youth)
    page.get_by_role("button", name="Akut hjælp").click()
    page.get_by_role("link", name="Privatlivspolitik", exact=True).click()
    expect(page.get_by_role("dialog")).to_contain_text("Datatilsynet")
    page.goto(youth.url("/privatliv"))
    page.goto(youth.url("/widget/demo"))
    page.get_by_role("button", name="Chat anonymt").click()
    frame = page.frame_locator("iframe[title='Anonym chat med en rådgiver']")
    expect(frame.get_by_role("button", name="Pige")).to_be_visible()  # same anonymous id
    requests = youth.traffic.requests
    assert any(url.startswith("ws://") for url in requests), requests  # the socket is counted
    assert any(url.endswith("/static/chat.css") for url in requests)
    assert youth.traffic.foreign == []
    assert {url.split("/")[2] for url in requests} == {youth.stack.api_url.split("/")[2]}


def provider_page(stack: Stack) -> str:
    return (
        '<!doctype html><html lang="da"><title>Udbyder</title>'
        "<h1>Rådgivning for unge</h1>"
        f'<script src="{stack.api_url}/widget.js" async></script></html>'
    )


def test_one_script_tag_embeds_the_widget_on_a_provider_site(youth: Session) -> None:
    page = youth.page
    youth.traffic.provider_pages[f"{PROVIDER_ORIGIN}/"] = provider_page(youth.stack)
    page.goto(f"{PROVIDER_ORIGIN}/")
    launcher = page.get_by_role("button", name="Chat anonymt")
    launcher.click()
    expect(launcher).to_be_hidden()
    frame = page.frame_locator("iframe[title='Anonym chat med en rådgiver']")
    frame.get_by_role("button", name="Ja, det er okay").click()
    expect(frame.get_by_role("button", name="Pige")).to_be_visible()
    screenshot(page, "08-embedded-on-provider-site")
    frame.get_by_role("button", name="Minimér").click()
    expect(launcher).to_be_visible()
    expect(launcher).to_be_focused()
    launcher.click()
    frame.get_by_role("button", name="Forlad siden hurtigt").click()
    page.wait_for_url(EXIT_URL)  # the provider's page is replaced, not only the iframe
    assert youth.traffic.foreign == []
    assert {u.split("/")[2] for u in youth.traffic.requests} <= {
        youth.stack.api_url.split("/")[2],
        PROVIDER_ORIGIN.split("/")[2],
        EXIT_URL.split("/")[2],
    }


def test_escape_twice_on_the_provider_page_leaves_too(youth: Session) -> None:
    page = youth.page
    youth.traffic.provider_pages[f"{PROVIDER_ORIGIN}/"] = provider_page(youth.stack)
    page.goto(f"{PROVIDER_ORIGIN}/")
    page.get_by_role("button", name="Chat anonymt").click()
    frame = page.frame_locator("iframe[title='Anonym chat med en rådgiver']")
    expect(frame.get_by_role("button", name="Ja, det er okay")).to_be_visible()
    page.get_by_role("heading", name="Rådgivning for unge").click()  # focus on the host page
    page.keyboard.press("Escape")
    page.keyboard.press("Escape")
    page.wait_for_url(EXIT_URL)


def test_a_site_not_in_the_allowed_origins_cannot_frame_the_widget(
    browser: Browser, browser_stack: Stack
) -> None:
    session = new_session(browser, browser_stack)
    try:
        html = (
            '<!doctype html><html lang="da"><title>Fremmed</title>'
            f'<iframe title="chat" src="{browser_stack.api_url}/widget/"></iframe></html>'
        )
        session.traffic.provider_pages[f"{STRANGER_ORIGIN}/"] = html
        responses: list[str] = []
        session.page.on(
            "response",
            lambda r: (
                responses.append(r.headers.get("content-security-policy", ""))
                if r.url.endswith("/widget/")
                else None
            ),
        )
        session.page.goto(f"{STRANGER_ORIGIN}/")
        session.page.wait_for_timeout(1500)
        assert responses and f"frame-ancestors 'self' {PROVIDER_ORIGIN}" in responses[0]
        frame = session.page.frame_locator("iframe[title='chat']")
        expect(frame.locator("#quick-exit")).to_have_count(0)
    finally:
        session.context.close()
