"""The newsletter's one-click unsubscribe link: GET (the link in the mail) and POST (RFC 8058
List-Unsubscribe-Post from mail clients) both delete the address at once."""

from typing import Annotated

from fastapi import APIRouter, Query
from fastapi.responses import HTMLResponse

from api.deps import SessionDep
from api.services import newsletter

router = APIRouter(include_in_schema=False)

_PAGE = """<!doctype html>
<html lang="da"><head><meta charset="utf-8"><meta name="viewport"
content="width=device-width, initial-scale=1"><title>Nyhedsbrev – Ung Intake</title></head>
<body><main><h1>Nyhedsbrev</h1><p>{message}</p></main></body></html>"""
DONE_DA = "Du er afmeldt. Vi har slettet din e-mailadresse."
NOTHING_DA = "Der er ingen tilmelding til dette link. Måske er du allerede afmeldt."
_HEADERS = {
    "Content-Security-Policy": "default-src 'none'; base-uri 'none'; form-action 'none'",
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-store",
}


def _unsubscribe(session: SessionDep, token: str) -> HTMLResponse:
    removed = newsletter.unsubscribe_by_token(session, token)
    session.commit()
    return HTMLResponse(_PAGE.format(message=DONE_DA if removed else NOTHING_DA), headers=_HEADERS)


@router.get("/nyhedsbrev/afmeld")
def unsubscribe_link(
    session: SessionDep, token: Annotated[str, Query(max_length=256)] = ""
) -> HTMLResponse:
    return _unsubscribe(session, token)


@router.post("/nyhedsbrev/afmeld")
def unsubscribe_one_click(
    session: SessionDep, token: Annotated[str, Query(max_length=256)] = ""
) -> HTMLResponse:
    return _unsubscribe(session, token)
