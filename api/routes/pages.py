"""The youth widget, its embedding loader, the Danish privacy notice and the rasa-webchat
compatibility page. Every asset comes from this api (npm or our own files): no CDN, no web
fonts, no analytics. Each page carries a Content-Security-Policy that makes the browser refuse
any other origin, so a third-party request cannot slip in through a dependency either.
"""

import json
from pathlib import Path

from fastapi import APIRouter, Request
from fastapi.responses import FileResponse, Response

from api.config import WEB_ROOT, Settings

router = APIRouter(include_in_schema=False)

WIDGET_PAGE = WEB_ROOT / "widget" / "index.html"
LOADER = WEB_ROOT / "widget" / "loader.js"
DEMO_PAGE = WEB_ROOT / "widget" / "demo.html"
PRIVACY_PAGE = WEB_ROOT / "privacy" / "privatliv.html"
COMPAT_DIR = WEB_ROOT / "compat"

_BASE_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'none'; "
    "form-action 'self'"
)
# rasa-webchat injects <style> tags (one of them @imports Google Fonts, which this policy
# blocks): inline styles are allowed on the compatibility page only.
_COMPAT_POLICY = _BASE_POLICY.replace("style-src 'self'", "style-src 'self' 'unsafe-inline'")


def _settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


def _frame_ancestors(settings: Settings) -> str:
    return " ".join(["frame-ancestors 'self'", *settings.allowed_origins])


def _page(path: Path, settings: Settings, policy: str = _BASE_POLICY) -> FileResponse:
    return FileResponse(
        path,
        media_type="text/html",
        headers={
            "Content-Security-Policy": f"{policy}; {_frame_ancestors(settings)}",
            "Referrer-Policy": "no-referrer",
            "X-Content-Type-Options": "nosniff",
            # A shared computer's browser cache should not keep the pages a youth visited.
            "Cache-Control": "no-store",
        },
    )


def _script(body: str) -> Response:
    return Response(
        body,
        media_type="text/javascript",
        headers={"Cache-Control": "no-cache", "X-Content-Type-Options": "nosniff"},
    )


@router.get("/")
def chat_page(request: Request) -> FileResponse:
    """The widget as a full page: where a youth chats without a provider's site around it."""
    return _page(WIDGET_PAGE, _settings(request))


@router.get("/widget")
@router.get("/widget/")
def widget_page(request: Request) -> FileResponse:
    """The widget inside a provider's iframe (injected by /widget.js)."""
    return _page(WIDGET_PAGE, _settings(request))


@router.get("/widget/config.js")
def widget_config(request: Request) -> Response:
    config = {"exitUrl": _settings(request).widget_exit_url}
    return _script(f"window.UNG_INTAKE_CONFIG = {json.dumps(config)};\n")


@router.get("/widget.js")
def widget_loader(request: Request) -> Response:
    """The one script tag a provider embeds; it injects the widget's iframe."""
    exit_url = json.dumps(_settings(request).widget_exit_url)
    return _script(LOADER.read_text(encoding="utf-8").replace('"__EXIT_URL__"', exit_url))


@router.get("/widget/demo")
def widget_demo(request: Request) -> FileResponse:
    """A provider's page embedding the widget with the one script tag (example and test)."""
    return _page(DEMO_PAGE, _settings(request))


@router.get("/privatliv")
def privacy_notice(request: Request) -> FileResponse:
    return _page(PRIVACY_PAGE, _settings(request))


@router.get("/compat")
def compat_page(request: Request) -> FileResponse:
    """The unmodified npm rasa-webchat widget chatting through this api."""
    return _page(COMPAT_DIR / "index.html", _settings(request), _COMPAT_POLICY)


@router.get("/compat/compat.js")
def compat_script() -> Response:
    return _script((COMPAT_DIR / "compat.js").read_text(encoding="utf-8"))
