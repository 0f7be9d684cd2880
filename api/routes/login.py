"""The authorization endpoint and its Danish login page (authorization code + PKCE).

GET validates the authorization request (client, exact redirect URI, S256 PKCE, scopes) and
shows the form; POST validates it again, checks the login (rate limit, password, account,
attestations) and redirects back to the client with a one-time code. There is no separate
consent screen: the only clients are the platform's own. A request whose client or redirect
URI is not valid is never redirected anywhere: it gets an error page.
"""

import hmac
import logging
from pathlib import Path
from typing import Annotated, Any

from authlib.oauth2.rfc6749 import InvalidRequestError, OAuth2Error
from fastapi import APIRouter, Depends, Request, Response
from fastapi.templating import Jinja2Templates

from api.auth.requests import StarletteOAuth2Request, oauth2_request
from api.auth.secrets import new_token
from api.auth.server import IntakeAuthorizationServer
from api.config import WEB_ROOT
from api.deps import AuthServerDep
from api.services import accounts

logger = logging.getLogger(__name__)

router = APIRouter(tags=["oauth"])
templates = Jinja2Templates(directory=Path(WEB_ROOT / "login"))

OAuth2RequestDep = Annotated[StarletteOAuth2Request, Depends(oauth2_request)]
CSRF_COOKIE = "intake_login_csrf"
AUTHORIZATION_PARAMS = (
    "response_type",
    "client_id",
    "redirect_uri",
    "scope",
    "state",
    "code_challenge",
    "code_challenge_method",
)
PAGE_HEADERS = {
    "Cache-Control": "no-store",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "no-referrer",
    "Content-Security-Policy": (
        "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'; base-uri 'none'"
    ),
}


def _page(
    request: Request,
    oauth_request: StarletteOAuth2Request,
    *,
    status_code: int = 200,
    message: str | None = None,
    fatal: bool = False,
    client_name: str = "",
) -> Response:
    csrf_token = new_token(16)
    data = oauth_request.payload.data
    response = templates.TemplateResponse(
        request,
        "login.html",
        {
            "params": [(k, data[k]) for k in AUTHORIZATION_PARAMS if k in data],
            "csrf_token": csrf_token,
            "message": message,
            "fatal": fatal,
            "email": "" if fatal else data.get("email", ""),
            "client_name": client_name or "rådgiverkonsollen",
        },
        status_code=status_code,
        headers=PAGE_HEADERS,
    )
    if not fatal:
        response.set_cookie(
            CSRF_COOKIE,
            csrf_token,
            max_age=1800,
            path="/oauth/authorize",
            secure=request.url.scheme == "https",
            httponly=True,
            samesite="strict",
        )
    return response


def _refuse_request(
    request: Request,
    server: IntakeAuthorizationServer,
    oauth_request: StarletteOAuth2Request,
    error: OAuth2Error,
) -> Response:
    if error.redirect_uri:
        # The client and its redirect URI are valid: tell the client (RFC 6749 4.1.2.1).
        return server.handle_error_response(oauth_request, error)
    logger.info("authorization request refused without redirect: %s", error.error)
    return _page(
        request,
        oauth_request,
        status_code=400,
        fatal=True,
        message=(
            "Login-anmodningen er ugyldig (ukendt klient eller adresse). "
            f"Gå tilbage til konsollen, og prøv igen. Fejlkode: {error.error}"
        ),
    )


def _consent_grant(server: IntakeAuthorizationServer, oauth_request: StarletteOAuth2Request) -> Any:
    """The grant of a valid authorization request, else OAuth2Error."""
    try:
        return server.get_consent_grant(oauth_request)
    except ValueError as exc:
        # authlib puts the offending value into its error description and refuses to build
        # the error when that value holds a non-ASCII or control character.
        raise InvalidRequestError() from exc


@router.get("/oauth/authorize")
def authorize_page(
    request: Request, server: AuthServerDep, oauth_request: OAuth2RequestDep
) -> Response:
    try:
        grant = _consent_grant(server, oauth_request)
    except OAuth2Error as error:
        return _refuse_request(request, server, oauth_request, error)
    return _page(request, oauth_request, client_name=grant.client.row.name)


@router.post("/oauth/authorize")
def authorize_login(
    request: Request, server: AuthServerDep, oauth_request: OAuth2RequestDep
) -> Response:
    try:
        grant = _consent_grant(server, oauth_request)
    except OAuth2Error as error:
        return _refuse_request(request, server, oauth_request, error)
    client_name = grant.client.row.name
    form = oauth_request.form
    sent, expected = form.get("csrf_token", ""), request.cookies.get(CSRF_COOKIE, "")
    # As bytes: compare_digest refuses str with non-ASCII characters (a forged form or cookie).
    if (
        not sent
        or not expected
        or not hmac.compare_digest(
            sent.encode("utf-8", "surrogatepass"), expected.encode("utf-8", "surrogatepass")
        )
    ):
        return _page(
            request,
            oauth_request,
            status_code=400,
            message="Siden var udløbet. Prøv at logge ind igen.",
            client_name=client_name,
        )
    config = server.config
    try:
        counsellor = accounts.authenticate_counsellor(
            server.session,
            email=form.get("email", ""),
            password=form.get("password", ""),
            ip=oauth_request.client_ip,
            policy=config.throttle,
            attestation_max_age_months=config.attestation_max_age_months,
        )
    except accounts.LoginRefusedError as refused:
        server.session.commit()
        page = _page(
            request,
            oauth_request,
            status_code=refused.status_code,
            message=refused.message,
            client_name=client_name,
        )
        if refused.status_code == 429:
            page.headers["Retry-After"] = str(config.throttle.window_seconds)
        return page
    response: Response = server.create_authorization_response(
        request=oauth_request, grant_user=counsellor, grant=grant
    )
    if response.status_code < 400:
        server.session.commit()
        logger.info("counsellor %s logged in", counsellor.id)
    else:
        server.session.rollback()
    response.delete_cookie(CSRF_COOKIE, path="/oauth/authorize")
    return response
