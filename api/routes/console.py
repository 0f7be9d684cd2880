"""The counsellor console (web/console): one page for `/console` and the OAuth redirect URI
`/console/callback`, its script and style, and a small config script. Same CSP as the widget:
only this origin, no inline script, no framing."""

import json
import os

from fastapi import APIRouter, Request
from fastapi.responses import FileResponse, Response

from api.config import WEB_ROOT, Settings

router = APIRouter(include_in_schema=False)

CONSOLE_ROOT = WEB_ROOT / "console"
_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'none'; "
    "form-action 'self'; frame-ancestors 'none'"
)
_HEADERS = {
    "Content-Security-Policy": _POLICY,
    "Referrer-Policy": "no-referrer",
    "X-Content-Type-Options": "nosniff",
    "Cache-Control": "no-store",
}


def _settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


@router.get("/console")
@router.get("/console/")
@router.get("/console/callback")
def console_page() -> FileResponse:
    return FileResponse(CONSOLE_ROOT / "index.html", media_type="text/html", headers=_HEADERS)


@router.get("/console/config.js")
def console_config(request: Request) -> Response:
    settings = _settings(request)
    config = {
        "clientId": os.environ.get("CONSOLE_CLIENT_ID", "console"),
        "redirectUri": f"{settings.public_base_url}/console/callback",
        "scope": "counsellor:chat",
    }
    return Response(
        f"window.UNG_CONSOLE_CONFIG = {json.dumps(config)};\n",
        media_type="text/javascript",
        headers={"Cache-Control": "no-cache", "X-Content-Type-Options": "nosniff"},
    )


@router.get("/console/console.js")
def console_script() -> FileResponse:
    return FileResponse(CONSOLE_ROOT / "console.js", media_type="text/javascript", headers=_HEADERS)


@router.get("/console/console.css")
def console_style() -> FileResponse:
    return FileResponse(CONSOLE_ROOT / "console.css", media_type="text/css", headers=_HEADERS)
