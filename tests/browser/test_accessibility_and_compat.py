"""axe-core on the widget and the privacy notice; the unmodified rasa-webchat through the api."""

from typing import Any

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.browser.conftest import Session, new_session, screenshot
from tests.support.stack import PROJECT_ROOT, Stack

pytestmark = [pytest.mark.e2e, pytest.mark.browser]

AXE = PROJECT_ROOT / "web" / "node_modules" / "axe-core" / "axe.min.js"
WCAG = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]


def serious_violations(page: Page) -> list[dict[str, Any]]:
    page.add_script_tag(path=str(AXE))
    results: dict[str, Any] = page.evaluate(
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", WCAG
    )
    assert results["passes"], "axe checked nothing"
    return [
        {"id": v["id"], "impact": v["impact"], "nodes": [n["target"] for n in v["nodes"]]}
        for v in results["violations"]
        if v["impact"] in ("serious", "critical")
    ]


@pytest.fixture
def audited(browser: Browser, browser_stack: Stack) -> Any:
    # bypass_csp only so the test can inject axe-core; the pages themselves are unchanged.
    session = new_session(browser, browser_stack, bypass_csp=True)
    yield session
    session.context.close()
    assert session.traffic.foreign == []


def test_widget_has_no_serious_accessibility_violations(audited: Session) -> None:
    page = audited.page
    page.goto(audited.url("/"))
    expect(page.get_by_role("button", name="Ja, det er okay")).to_be_visible()
    assert serious_violations(page) == []
    page.get_by_role("button", name="Ja, det er okay").click()
    expect(page.get_by_role("button", name="Pige")).to_be_visible()
    page.get_by_role("button", name="Akut hjælp").click()
    assert serious_violations(page) == []
    page.get_by_role("link", name="Privatlivspolitik", exact=True).click()
    expect(page.get_by_role("dialog")).to_contain_text("Datatilsynet")
    assert serious_violations(page) == []


def test_widget_contrast_is_checked_and_would_be_caught(audited: Session) -> None:
    """The audit is not blind: a low-contrast message is reported as serious."""
    page = audited.page
    page.goto(audited.url("/"))
    expect(page.get_by_role("button", name="Ja, det er okay")).to_be_visible()
    page.locator(".msg--bot").first.evaluate("el => { el.style.color = '#c8ccd4'; }")
    assert "color-contrast" in {v["id"] for v in serious_violations(page)}


def test_privacy_notice_has_no_serious_accessibility_violations(audited: Session) -> None:
    page = audited.page
    page.goto(audited.url("/privatliv"))
    expect(page.get_by_role("heading", name="Privatlivspolitik")).to_be_visible()
    expect(page.locator("main")).to_contain_text("Borgergade 28, 5., 1300 København K")
    assert serious_violations(page) == []
    screenshot(page, "09-privatliv-page")


def test_unmodified_rasa_webchat_chats_through_the_api(youth: Session) -> None:
    page = youth.page
    page.goto(youth.url("/compat"))
    # rasa-webchat renders quick replies as clickable divs (.rw-reply), not buttons.
    consent = page.locator(".rw-reply", has_text="Ja, det er okay")
    expect(consent).to_be_visible()
    expect(page.locator(".rw-message").first).to_contain_text("anonym")
    screenshot(page, "10-rasa-webchat-compat")
    consent.click()
    expect(page.get_by_text("Hvad er dit køn?")).to_be_visible()
    page.locator(".rw-reply", has_text="Pige").click()
    expect(page.get_by_text("Hvor gammel er du?")).to_be_visible()
    # rasa-webchat keeps its own session under `chat_session`; the api confirmed it.
    stored = page.evaluate("() => sessionStorage.getItem('chat_session')")
    assert stored and '"session_id"' in stored
    # Its bundled Google Fonts @import is refused by the page's policy, so no request leaves.
    assert youth.traffic.foreign == []
