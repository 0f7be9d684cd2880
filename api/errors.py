"""Error answers that can always be rendered.

FastAPI's 422 echoes the offending input; a JSON string with a lone UTF-16 surrogate
(`"\\ud800"`) is valid JSON but cannot be encoded as UTF-8, so the default handler failed with
a 500 while rendering its own 422. Here every string of the error body has such halves replaced
by U+FFFD, and the answer stays a 422.
"""

from typing import Any

from fastapi import FastAPI, Request, status
from fastapi.encoders import jsonable_encoder
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse

from api.db.text_guard import UnstorableTextError
from api.services.inbound import repair_text


def _repaired(value: Any) -> Any:
    if isinstance(value, str):
        return repair_text(value)
    if isinstance(value, list):
        return [_repaired(item) for item in value]
    if isinstance(value, dict):
        return {_repaired(key): _repaired(item) for key, item in value.items()}
    return value


async def validation_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    return JSONResponse(
        status_code=status.HTTP_422_UNPROCESSABLE_CONTENT,
        content={"detail": _repaired(jsonable_encoder(exc.errors()))},
    )


async def unstorable_text(request: Request, exc: Exception) -> JSONResponse:
    # Before any write (the statement never ran); the request's session is rolled back.
    return JSONResponse(
        status_code=status.HTTP_422_UNPROCESSABLE_CONTENT,
        content={"detail": "text with a NUL character or a lone surrogate cannot be stored"},
    )


def install(app: FastAPI) -> None:
    app.add_exception_handler(RequestValidationError, validation_error)
    app.add_exception_handler(UnstorableTextError, unstorable_text)
