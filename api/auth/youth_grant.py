"""A custom OAuth2 grant for the youth's browser: exchange the profile secret it received at
consent for an access token to its own anonymous profile only.

    POST /oauth/token
    grant_type=urn:ung-intake:params:oauth:grant-type:profile-secret
    &client_id=widget&secret=<the browser's secret>

The `widget` client is public (the page cannot keep a client secret) and may use only this
grant and only the `profile:self` scope. The token's `sub` is the profile id; it is short-lived
and comes without a refresh token (the browser keeps the secret and asks again). Validation
(api/auth/validation.py) checks on every request that the profile's credential still exists,
so erasure ends every token at once.
"""

import logging
from typing import Any

from authlib.oauth2.rfc6749 import grants
from authlib.oauth2.rfc6749.errors import (
    InvalidGrantError,
    InvalidRequestError,
    InvalidScopeError,
    UnauthorizedClientError,
)
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from api.auth import scopes as scope_names
from api.db.models_auth import OAuthClient
from api.services import profile_access

logger = logging.getLogger(__name__)

GRANT_TYPE = "urn:ung-intake:params:oauth:grant-type:profile-secret"
WIDGET_CLIENT_ID = "widget"


class ProfileSecretGrant(grants.BaseGrant, grants.TokenEndpointMixin):
    GRANT_TYPE = GRANT_TYPE
    TOKEN_ENDPOINT_AUTH_METHODS = ["none"]  # noqa: RUF012  (authlib's class attribute)

    def validate_token_request(self) -> None:
        client = self.authenticate_token_endpoint_client()
        if not client.check_grant_type(self.GRANT_TYPE):
            raise UnauthorizedClientError(
                f"The client is not authorized to use 'grant_type={self.GRANT_TYPE}'"
            )
        self.request.client = client
        requested = scope_names.split(self.request.payload.scope)
        if requested and requested != [scope_names.PROFILE_SELF]:
            raise InvalidScopeError()
        secret = self.request.payload.data.get("secret")
        if not isinstance(secret, str) or not secret:
            raise InvalidRequestError("missing 'secret'")
        profile_id = profile_access.profile_for_secret(self.server.session, secret)
        if profile_id is None:
            raise InvalidGrantError("unknown or erased profile secret")
        self.request.user = profile_id

    def create_token_response(self) -> tuple[int, dict[str, Any], list[tuple[str, str]]]:
        token = self.server.issue_youth_token(
            client_id=self.request.client.get_client_id(), profile_id=self.request.user
        )
        return 200, token, self.TOKEN_RESPONSE_HEADER


def ensure_widget_client(sessions: sessionmaker[Session]) -> bool:
    """Idempotent: the public `widget` client, allowed only this grant and `profile:self`.

    Safe when several api processes start at once against one database (True only for the
    process whose insert won)."""
    with sessions() as session:
        if session.get(OAuthClient, WIDGET_CLIENT_ID) is not None:
            return False
    return insert_widget_client(sessions)


def insert_widget_client(sessions: sessionmaker[Session]) -> bool:
    try:
        with sessions.begin() as session:
            session.add(
                OAuthClient(
                    client_id=WIDGET_CLIENT_ID,
                    name="Chatvindue (ungdom)",
                    secret_hash=None,
                    token_endpoint_auth_method="none",  # noqa: S106  (public client)
                    grant_types=[GRANT_TYPE],
                    redirect_uris=[],
                    scopes=scope_names.PROFILE_SELF,
                )
            )
    except IntegrityError:
        # Another api process inserted it between our look and our insert: same row, done.
        logger.info("oauth client %s provisioned by another process", WIDGET_CLIENT_ID)
        return False
    logger.info("oauth client %s provisioned", WIDGET_CLIENT_ID)
    return True
