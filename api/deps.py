"""Typed dependencies: each route states what it needs in its signature.

Everything comes from `app.state` (set by `create_app`), so tests build an app with their own
settings and database without touching globals.

Access: `require_scope(...)` for any bearer token with those scopes; `CurrentCounsellor` for a
person logged in through the console; `ActionClient` for the action server's own
client-credentials token with `handoff:create`. Refusals follow RFC 6750: 401 with
`WWW-Authenticate: Bearer error="invalid_token"` or 403 with `error="insufficient_scope"`.
"""

import logging
import math
from collections.abc import Callable, Iterator
from typing import Annotated

from fastapi import Depends, HTTPException, Request, status
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from api.auth import scopes as scope_names
from api.auth.config import AuthConfig
from api.auth.server import IntakeAuthorizationServer
from api.auth.tokens import AccessToken, InvalidAccessTokenError
from api.auth.validation import authenticate_bearer
from api.config import Settings
from api.db.models_auth import Counsellor
from api.services.rate_limit import RateLimiter

logger = logging.getLogger(__name__)


def _settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


def _engine(request: Request) -> Engine:
    engine: Engine = request.app.state.engine
    return engine


def _db_session(request: Request) -> Iterator[Session]:
    with request.app.state.sessions() as session:
        yield session


def _auth_config(request: Request) -> AuthConfig:
    config: AuthConfig = request.app.state.auth
    return config


SettingsDep = Annotated[Settings, Depends(_settings)]
EngineDep = Annotated[Engine, Depends(_engine)]
SessionDep = Annotated[Session, Depends(_db_session)]
AuthConfigDep = Annotated[AuthConfig, Depends(_auth_config)]


def _auth_server(session: SessionDep, config: AuthConfigDep) -> IntakeAuthorizationServer:
    return IntakeAuthorizationServer(session, config)


AuthServerDep = Annotated[IntakeAuthorizationServer, Depends(_auth_server)]

_bearer = HTTPBearer(auto_error=False)


def _unauthorized(error: str | None = None) -> HTTPException:
    challenge = 'Bearer realm="ung-intake"'
    if error:
        challenge += f', error="{error}"'
    return HTTPException(
        status_code=status.HTTP_401_UNAUTHORIZED,
        detail="missing or invalid access token",
        headers={"WWW-Authenticate": challenge},
    )


def _access_token(
    session: SessionDep,
    config: AuthConfigDep,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> AccessToken:
    if credentials is None:
        raise _unauthorized()
    try:
        return authenticate_bearer(session, config, credentials.credentials)
    except InvalidAccessTokenError as exc:
        logger.info("bearer token refused: %s", exc)
        raise _unauthorized("invalid_token") from exc


AccessTokenDep = Annotated[AccessToken, Depends(_access_token)]


def require_scope(*needed: str) -> Callable[[AccessToken], AccessToken]:
    """A dependency that passes a valid token holding every scope in `needed`."""
    unknown = scope_names.unknown(needed)
    if unknown:
        raise ValueError(f"unknown scopes {unknown}")

    def _check(token: AccessTokenDep) -> AccessToken:
        if not set(needed) <= set(token.scopes):
            raise HTTPException(
                status_code=status.HTTP_403_FORBIDDEN,
                detail="insufficient scope",
                headers={
                    "WWW-Authenticate": (
                        f'Bearer realm="ung-intake", error="insufficient_scope", '
                        f'scope="{" ".join(needed)}"'
                    )
                },
            )
        return token

    return _check


def _current_counsellor(
    token: Annotated[AccessToken, Depends(require_scope(scope_names.COUNSELLOR_CHAT))],
    session: SessionDep,
) -> Counsellor:
    if token.family_id is None:
        raise HTTPException(status.HTTP_403_FORBIDDEN, "a counsellor's login is required")
    counsellor = session.get(Counsellor, token.subject)
    if counsellor is None or counsellor.disabled_at is not None:
        raise _unauthorized("invalid_token")
    return counsellor


CurrentCounsellor = Annotated[Counsellor, Depends(_current_counsellor)]


def _current_supervisor(counsellor: CurrentCounsellor) -> Counsellor:
    """A console login whose account has the supervisor role (of its own organisation only:
    every supervisor query is filtered by `organisation_id`)."""
    if counsellor.role != "supervisor":
        raise HTTPException(status.HTTP_403_FORBIDDEN, "a supervisor's login is required")
    return counsellor


CurrentSupervisor = Annotated[Counsellor, Depends(_current_supervisor)]


def _action_client(
    token: Annotated[AccessToken, Depends(require_scope(scope_names.HANDOFF_CREATE))],
) -> AccessToken:
    if not token.is_client_token:
        raise HTTPException(status.HTTP_403_FORBIDDEN, "the action server's own token is required")
    return token


ActionClient = Annotated[AccessToken, Depends(_action_client)]


def _youth_profile(
    token: Annotated[AccessToken, Depends(require_scope(scope_names.PROFILE_SELF))],
) -> str:
    # Only the widget's profile-secret grant issues tokens for a profile (api/auth/
    # youth_grant.py); a counsellor's token with `profile:self` names no anonymous profile.
    from api.auth.youth_grant import WIDGET_CLIENT_ID

    if token.client_id != WIDGET_CLIENT_ID or token.family_id is not None:
        raise HTTPException(
            status.HTTP_403_FORBIDDEN,
            "a youth's own profile token is required",
            headers={"WWW-Authenticate": 'Bearer realm="ung-intake", error="insufficient_scope"'},
        )
    return token.subject


# The anonymous profile id the bearer token belongs to (scope `profile:self`).
YouthProfile = Annotated[str, Depends(_youth_profile)]

TOO_MANY_REQUESTS_DA = "For mange forsøg på kort tid. Vent lidt, og prøv igen."


def _mail_rate_limited(profile_id: YouthProfile, request: Request) -> str:
    """Routes that send e-mail, per profile (a youth's token is their only identity): a
    burst, then a few a minute; past that a 429 with Retry-After and a Danish message."""
    limiter: RateLimiter = request.app.state.mail_limiter
    wait = limiter.acquire(f"mail:{profile_id}")
    if wait > 0:
        logger.info("mail route rate-limited for profile %s", profile_id)
        raise HTTPException(
            status.HTTP_429_TOO_MANY_REQUESTS,
            TOO_MANY_REQUESTS_DA,
            headers={"Retry-After": str(math.ceil(wait))},
        )
    return profile_id


# YouthProfile, rate-limited for the routes that send e-mail.
MailingYouthProfile = Annotated[str, Depends(_mail_rate_limited)]
