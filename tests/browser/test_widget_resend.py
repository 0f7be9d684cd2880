"""The widget's side of crash safety, in a real browser: the api process hangs and is then
SIGKILLed while a youth chats with a counsellor. A message sent to the hung api (on the wire,
never acknowledged) and one written while it is down are both sent again after socket.io
reconnects to the restarted api, and each is stored exactly once, like the ones before.
The api runs alone on a SQLite file (relay phase: no Rasa needed)."""

from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from playwright.sync_api import Browser, expect

from api.db.session import make_engine, make_sessionmaker
from api.services import transcripts
from privacy.crypto.keyring_file import ReloadingKeyRing
from tests.browser.conftest import Session, new_session
from tests.support.api_process import ApiProcess, api_process
from tests.support.oauth import bearer, console_tokens
from tests.support.queue import add_counsellor, waiting_handoff

pytestmark = [pytest.mark.browser]


@pytest.fixture
def api(tmp_path: Path) -> Iterator[ApiProcess]:
    with api_process(tmp_path) as running:
        yield running


@pytest.fixture
def youth_page(browser: Browser, api: ApiProcess) -> Iterator[Session]:
    session = new_session(browser, api.stack)
    yield session
    session.context.close()


def test_a_message_written_while_the_api_is_down_is_sent_after_the_restart_once(
    api: ApiProcess, youth_page: Session
) -> None:
    keys = ReloadingKeyRing(api.key_ring_file)
    engine = make_engine(api.database_url)
    sessions = make_sessionmaker(engine)
    counsellor = add_counsellor(sessions, "rikke@aarhus.dk", "Aarhus Kommune")
    handoff_id, conversation = waiting_handoff(sessions, keys)
    with httpx.Client(base_url=api.url) as http:
        token = console_tokens(http, email=counsellor.email)["access_token"]  # type: ignore[arg-type]
    claim = httpx.post(f"{api.url}/api/v1/queue/{handoff_id}/claim", headers=bearer(token))
    assert claim.status_code == 200

    page = youth_page.page
    page.goto(youth_page.url("/privatliv"))  # same origin, to seed the browser's session id
    page.evaluate(f"() => localStorage.setItem('ung_intake_session', '{conversation}')")
    page.goto(youth_page.url("/"))
    box = page.get_by_label("Skriv en besked")

    def stored() -> Counter[str]:
        with sessions() as session:
            turns = transcripts.read(session, conversation, keys=keys)
        return Counter(t.text for t in turns if t.role == "ungdom")

    def wait_stored(text: str) -> None:
        for _ in range(100):
            if stored()[text]:
                return
            page.wait_for_timeout(200)
        raise AssertionError(f"{text!r} was never stored")

    box.fill("før nedbruddet")
    page.keyboard.press("Enter")
    wait_stored("før nedbruddet")

    api.freeze()
    box.fill("mens serveren hang")
    page.keyboard.press("Enter")  # written to the socket, never read: no ack comes
    page.wait_for_timeout(500)
    api.kill()
    expect(page.locator("#status")).not_to_have_text("", timeout=20_000)  # "afbrudt …"
    box.fill("mens serveren var nede")
    page.keyboard.press("Enter")
    expect(page.locator(".msg").last).to_contain_text("mens serveren var nede")

    api.start()
    wait_stored("mens serveren var nede")
    wait_stored("mens serveren hang")
    page.wait_for_timeout(1000)  # room for a double send, had there been one
    counts = stored()
    assert counts["før nedbruddet"] == 1
    assert counts["mens serveren var nede"] == 1
    assert counts["mens serveren hang"] == 1
    engine.dispose()
