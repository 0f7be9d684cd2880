"""Starlette/FastAPI requests as authlib OAuth2 requests (the role of authlib's
`integrations/flask_oauth2/requests.py`). The body is read asynchronously up front, so the
authlib core (synchronous, database-bound) runs in the threadpool with everything it needs.

GET parameters come from the query string, POST parameters only from the form body: a token
request with credentials in its URL is not read.
"""

from collections import defaultdict
from collections.abc import Mapping, Sequence
from typing import Any

from authlib.oauth2.rfc6749 import InsecureTransportError, OAuth2Payload, OAuth2Request
from fastapi import HTTPException, status
from starlette.requests import Request


class StarletteOAuth2Payload(OAuth2Payload):
    def __init__(self, items: Sequence[tuple[str, str]]) -> None:
        self._datalist: defaultdict[str, list[str]] = defaultdict(list)
        for key, value in items:
            self._datalist[key].append(value)
        # First value wins, like werkzeug's MultiDict.get; duplicates stay visible in datalist.
        self._data = {key: values[0] for key, values in self._datalist.items()}

    @property
    def data(self) -> dict[str, str]:
        return self._data

    @property
    def datalist(self) -> defaultdict[str, list[str]]:
        return self._datalist


class StarletteOAuth2Request(OAuth2Request):
    def __init__(
        self,
        method: str,
        uri: str,
        headers: Mapping[str, str],
        query: Sequence[tuple[str, str]],
        form: Sequence[tuple[str, str]],
        client_ip: str,
    ) -> None:
        super().__init__(method=method, uri=uri, headers=headers)
        self._args = dict(query)
        self._form = dict(form)
        self.client_ip = client_ip
        self.payload = StarletteOAuth2Payload(form if method == "POST" else query)

    @property
    def args(self) -> dict[str, str]:
        return self._args

    @property
    def form(self) -> dict[str, str]:
        return self._form


async def oauth2_request(request: Request) -> StarletteOAuth2Request:
    """FastAPI dependency: the current request, body read, as an authlib request."""
    form: list[tuple[str, Any]] = []
    if request.method == "POST":
        content_type = request.headers.get("content-type", "")
        if content_type.startswith("application/x-www-form-urlencoded"):
            form = [(k, v) for k, v in (await request.form()).multi_items() if isinstance(v, str)]
    try:
        return StarletteOAuth2Request(
            method=request.method,
            uri=str(request.url),
            headers=request.headers,
            query=list(request.query_params.multi_items()),
            form=form,
            client_ip=request.client.host if request.client else "unknown",
        )
    except InsecureTransportError as exc:
        # OAuth over plain http is refused except on loopback (RFC 8252 7.3); behind a
        # TLS-terminating proxy run uvicorn with --proxy-headers.
        raise HTTPException(status.HTTP_400_BAD_REQUEST, "OAuth 2 requires https") from exc
