"""Token, revocation, metadata (RFC 8414) and JWKS endpoints. The authorization endpoint
with its login page is in api/routes/login.py."""

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Response

from api.auth.metadata import server_metadata
from api.auth.requests import StarletteOAuth2Request, oauth2_request
from api.deps import AuthConfigDep, AuthServerDep, CurrentCounsellor

router = APIRouter(tags=["oauth"])

OAuth2RequestDep = Annotated[StarletteOAuth2Request, Depends(oauth2_request)]


def _finish(server: AuthServerDep, response: Response) -> Response:
    """Commit what a successful call did; an error leaves nothing but what it committed itself
    (the revocation after a replay)."""
    if response.status_code < 400:
        server.session.commit()
    else:
        server.session.rollback()
    return response


@router.post("/oauth/token")
def token(server: AuthServerDep, request: OAuth2RequestDep) -> Response:
    return _finish(server, server.create_token_response(request))


@router.post("/oauth/revoke")
def revoke(server: AuthServerDep, request: OAuth2RequestDep) -> Response:
    response: Response = server.create_endpoint_response("revocation", request)
    return _finish(server, response)


@router.get("/.well-known/oauth-authorization-server")
def metadata(config: AuthConfigDep) -> dict[str, Any]:
    return server_metadata(config)


@router.get("/oauth/jwks")
def jwks(config: AuthConfigDep, response: Response) -> dict[str, Any]:
    response.headers["Cache-Control"] = "public, max-age=300"
    return config.key.jwks()


@router.get("/api/v1/me")
def me(counsellor: CurrentCounsellor) -> dict[str, str]:
    """Who the console is logged in as (the console shows it; tests use it as the simplest
    route that needs a counsellor's token)."""
    return {
        "id": counsellor.id,
        "display_name": counsellor.display_name,
        "organisation_id": counsellor.organisation_id,
        "organisation": counsellor.organisation.name,
        "role": counsellor.role,
    }
