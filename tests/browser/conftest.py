"""A real browser (Debian's Chromium through Playwright) against the real stack.

Every request the browser makes is recorded. Requests to the api go through; the quick-exit
site and the provider sites used for embedding are answered here by stubs; anything else is
aborted and counted as a third-party request, so no test ever reaches the internet.
"""

import os
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import (
    Browser,
    BrowserContext,
    Page,
    Playwright,
    Route,
    ViewportSize,
    expect,
    sync_playwright,
)

from tests.support.stack import PROJECT_ROOT, Stack, running_stack

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--disable-background-networking",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-default-apps",
    "--disable-extensions",
    # The stub provider sites are answered inside the browser, which Chrome counts as a public
    # address space; its Local Network Access checks would then refuse the api on 127.0.0.1.
    # In production both sides are public, so the check does not apply there.
    "--disable-features=LocalNetworkAccessChecks,BlockInsecurePrivateNetworkRequests",
]
EXIT_URL = "https://www.dr.dk/"  # the default WIDGET_EXIT_URL
# Provider sites, answered by stubs in the browser (nothing listens on these ports);
# localhost and 127.0.0.1 are different sites, so the widget is embedded cross-site.
PROVIDER_ORIGIN = "http://localhost:18765"  # in WIDGET_ALLOWED_ORIGINS
STRANGER_ORIGIN = "http://localhost:18766"  # not allowed to embed the widget
SCREENSHOTS = PROJECT_ROOT / "test-artifacts" / "screenshots"
PHONE: ViewportSize = {"width": 390, "height": 844}
# A turn through Rasa and the action server can take seconds on a busy 2-core machine.
expect.set_options(timeout=20_000)


def origin_of(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


@pytest.fixture(scope="session")
def browser_stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    """The real product, once per session, allowing one provider site to embed the widget."""
    with running_stack(
        tmp_path_factory.mktemp("browser-stack"),
        extra_env={"WIDGET_ALLOWED_ORIGINS": PROVIDER_ORIGIN, "WIDGET_EXIT_URL": EXIT_URL},
    ) as running:
        yield running


# Package scope, not session: Playwright's sync API runs its own event loop in this thread while
# it is open, which pytest-asyncio's tests (tests/e2e) cannot share. It closes after the last
# browser test.
@pytest.fixture(scope="package")
def playwright_instance() -> Iterator[Playwright]:
    if not os.access(CHROMIUM, os.X_OK):
        pytest.fail(f"{CHROMIUM} is missing: run `bash scripts/setup.sh` (installs chromium)")
    with sync_playwright() as playwright:
        yield playwright


@pytest.fixture(scope="package")
def browser(playwright_instance: Playwright) -> Iterator[Browser]:
    browser = playwright_instance.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
    yield browser
    browser.close()


@dataclass
class Traffic:
    """Every URL the browser asked for, by where it went."""

    api_origin: str
    requests: list[str] = field(default_factory=list)
    foreign: list[str] = field(default_factory=list)
    exits: list[str] = field(default_factory=list)
    provider_pages: dict[str, str] = field(default_factory=dict)

    def handle(self, route: Route) -> None:
        url = route.request.url
        self.requests.append(url)
        if origin_of(url) == self.api_origin:
            route.continue_()
        elif url.startswith(EXIT_URL):
            self.exits.append(url)
            route.fulfill(
                status=200,
                content_type="text/html; charset=utf-8",
                body='<!doctype html><html lang="da"><title>Nyheder</title><h1>Nyheder</h1>',
            )
        elif url in self.provider_pages:
            route.fulfill(
                status=200, content_type="text/html; charset=utf-8", body=self.provider_pages[url]
            )
        else:
            self.foreign.append(url)
            route.abort()


@dataclass
class Session:
    context: BrowserContext
    page: Page
    traffic: Traffic
    stack: Stack

    def url(self, path: str) -> str:
        return f"{self.stack.api_url}{path}"


def new_session(browser: Browser, stack: Stack, *, bypass_csp: bool = False) -> Session:
    context = browser.new_context(
        viewport=PHONE, locale="da-DK", bypass_csp=bypass_csp, service_workers="block"
    )
    context.set_default_timeout(30_000)
    traffic = Traffic(api_origin=stack.api_url)
    context.route("**/*", traffic.handle)
    page = context.new_page()
    page.on("websocket", lambda ws: traffic.requests.append(ws.url))
    return Session(context=context, page=page, traffic=traffic, stack=stack)


@pytest.fixture
def youth(browser: Browser, browser_stack: Stack) -> Iterator[Session]:
    """A fresh phone browser with nothing stored, as a youth would arrive."""
    session = new_session(browser, browser_stack)
    yield session
    session.context.close()
    assert session.traffic.foreign == [], "the page asked another site for something"


@pytest.fixture
def console_page(browser: Browser, browser_stack: Stack) -> Iterator[Session]:
    """A fresh desktop browser for the counsellor console."""
    session = new_session(browser, browser_stack)
    session.page.set_viewport_size({"width": 1280, "height": 900})
    yield session
    session.context.close()
    assert session.traffic.foreign == [], "the console asked another site for something"


def screenshot(page: Page, name: str) -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=False)
    return path
