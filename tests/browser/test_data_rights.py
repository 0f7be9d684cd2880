"""'Mine data' and 'Slet mine data' in the widget, in a real browser against the real stack:
after consent the browser holds the key to its own profile, sees everything stored (decrypted),
corrects its answers, downloads the export, and erases it all."""

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, expect

from tests.browser.conftest import Session, new_session, screenshot
from tests.browser.test_accessibility_and_compat import serious_violations
from tests.e2e.db_probe import all_rows, handoffs_for
from tests.support.stack import Stack

pytestmark = [pytest.mark.e2e, pytest.mark.browser]

PROBLEM = "jeg bliver mobbet i skolen og har det rigtig dårligt"


def _rows_for(database_url: str, conversation: str) -> dict[str, int]:
    counts: dict[str, int] = {}
    for table, rows in all_rows(database_url).items():
        n = sum(
            1
            for r in rows
            if conversation in (r.get("profile_id"), r.get("conversation_id"), r.get("id"))
        )
        if n:
            counts[table] = n
    return counts


def test_mine_data_shows_corrects_downloads_and_slet_erases(youth: Session) -> None:
    page = youth.page
    page.goto(youth.url("/"))
    page.get_by_role("button", name="Ja, det er okay").click()
    page.get_by_role("button", name="Pige").click()
    expect(page.locator(".msg--bot", has_text="Hvor gammel er du?")).to_be_visible()
    page.get_by_label("Skriv en besked").fill("15")
    page.keyboard.press("Enter")
    expect(page.locator(".msg--bot", has_text="Hvad har du lyst til at tale om?")).to_be_visible()
    page.get_by_label("Skriv en besked").fill(PROBLEM)
    page.keyboard.press("Enter")
    expect(page.locator(".msg--bot", has_text="sendt dig videre til en rådgiver")).to_be_visible()
    page.wait_for_function("() => localStorage.getItem('ung_intake_profile_secret')")
    conversation = page.evaluate("() => localStorage.getItem('ung_intake_session')")
    assert handoffs_for(youth.stack.database_url, conversation)

    page.get_by_role("button", name="Mine data", exact=True).click()
    dialog = page.get_by_role("dialog", name="Mine data")
    expect(dialog).to_contain_text("version 1.2")
    expect(dialog).to_contain_text("Køn: Pige")
    expect(dialog).to_contain_text("Alder: 13-15 år")
    expect(dialog).to_contain_text(PROBLEM)  # decrypted for its owner
    screenshot(page, "20-mine-data")

    with page.expect_download() as download_info:
        dialog.get_by_role("button", name="Hent mine data som fil").click()
    exported = json.loads(Path(download_info.value.path()).read_text(encoding="utf-8"))
    assert exported["profile"]["id"] == conversation
    assert any(PROBLEM in t["text"] for t in exported["transcript"])

    dialog.get_by_label("Køn").select_option("dreng")
    dialog.get_by_role("button", name="Gem rettelser").click()
    expect(dialog).to_contain_text("Dine rettelser er gemt.")
    [handoff] = handoffs_for(youth.stack.database_url, conversation)
    assert handoff["gender"] == "dreng"
    dialog.get_by_role("button", name="Luk").click()

    page.get_by_role("button", name="Slet mine data").click()
    dialog = page.get_by_role("dialog", name="Slet mine data")
    dialog.get_by_role("button", name="Slet alle mine data nu").click()
    expect(dialog).to_contain_text("Dine data er slettet")
    screenshot(page, "21-slet-mine-data")
    assert _rows_for(youth.stack.database_url, conversation) == {}
    assert page.evaluate(
        "() => [localStorage.getItem('ung_intake_session'),"
        " localStorage.getItem('ung_intake_profile_secret')]"
    ) == [None, None]
    erasures = all_rows(youth.stack.database_url)["erasure_log"]
    assert [e["reason"] for e in erasures].count("request") >= 1
    assert all(conversation not in json.dumps(e, default=str) for e in erasures)


@pytest.fixture
def audited(browser: Browser, browser_stack: Stack) -> Iterator[Session]:
    # bypass_csp only so the test can inject axe-core; the pages themselves are unchanged.
    session = new_session(browser, browser_stack, bypass_csp=True)
    yield session
    session.context.close()
    assert session.traffic.foreign == []


def test_data_rights_dialogs_have_no_serious_accessibility_violations(audited: Session) -> None:
    page = audited.page
    page.goto(audited.url("/"))
    page.get_by_role("button", name="Ja, det er okay").click()
    page.get_by_role("button", name="Dreng").click()
    expect(page.locator(".msg--bot", has_text="Hvor gammel er du?")).to_be_visible()
    page.get_by_label("Skriv en besked").fill("17")
    page.keyboard.press("Enter")
    expect(page.locator(".msg--bot", has_text="Hvad har du lyst til at tale om?")).to_be_visible()
    page.get_by_label("Skriv en besked").fill("jeg er ked af det")
    page.keyboard.press("Enter")
    expect(page.locator(".msg--bot", has_text="sendt dig videre til en rådgiver")).to_be_visible()
    page.wait_for_function("() => localStorage.getItem('ung_intake_profile_secret')")
    page.get_by_role("button", name="Mine data", exact=True).click()
    dialog = page.get_by_role("dialog", name="Mine data")
    expect(dialog.get_by_role("button", name="Gem rettelser")).to_be_visible()
    assert serious_violations(page) == []
    dialog.get_by_role("button", name="Luk").click()
    page.get_by_role("button", name="Slet mine data").click()
    expect(page.get_by_role("dialog", name="Slet mine data")).to_contain_text("Anonym statistik")
    assert serious_violations(page) == []
