"""The chat page, the Danish privacy notice and locally served assets (no CDN, ever)."""

from fastapi import APIRouter
from fastapi.responses import FileResponse

from api.config import WEB_ROOT

router = APIRouter(include_in_schema=False)


@router.get("/")
def chat_page() -> FileResponse:
    return FileResponse(WEB_ROOT / "chat" / "index.html", media_type="text/html")


@router.get("/privatliv")
def privacy_notice() -> FileResponse:
    return FileResponse(WEB_ROOT / "privacy" / "privatliv.html", media_type="text/html")
