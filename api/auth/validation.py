"""Validating a bearer token on a protected route: the JWT checks (api/auth/tokens.py) plus
what only the database knows — revoked tokens, revoked logins (token families), disabled
clients and accounts. So revocation, logout, refresh replay and `intake users disable` take
effect at once, not when the short-lived access token would have expired."""

import logging
from datetime import UTC, datetime

from sqlalchemy.orm import Session

from api.auth.config import AuthConfig
from api.auth.scopes import PROFILE_SELF
from api.auth.tokens import AccessToken, InvalidAccessTokenError, decode_access_token
from api.auth.youth_grant import WIDGET_CLIENT_ID
from api.db.models_auth import Counsellor, OAuthClient, RevokedAccessToken, TokenFamily
from api.services import profile_access

logger = logging.getLogger(__name__)


def authenticate_bearer(session: Session, config: AuthConfig, value: str) -> AccessToken:
    token = decode_access_token(config.key, value, issuer=config.issuer, audience=config.audience)
    if session.get(RevokedAccessToken, token.jti) is not None:
        raise InvalidAccessTokenError("revoked")
    client = session.get(OAuthClient, token.client_id)
    if client is None or client.disabled_at is not None:
        raise InvalidAccessTokenError("client unknown or disabled")
    if token.family_id is not None:
        family = session.get(TokenFamily, token.family_id)
        if (
            family is None
            or family.revoked_at is not None
            or family.expires_at <= datetime.now(UTC)
            or family.counsellor_id != token.subject
        ):
            raise InvalidAccessTokenError("login revoked or expired")
        counsellor = session.get(Counsellor, token.subject)
        if counsellor is None or counsellor.disabled_at is not None:
            raise InvalidAccessTokenError("account disabled")
    elif token.client_id == WIDGET_CLIENT_ID:
        # A youth's token: its own profile only, and only while the profile's credential
        # exists (erasure deletes it, which ends every token at once).
        if token.scopes != (PROFILE_SELF,) or not profile_access.has_credential(
            session, token.subject
        ):
            raise InvalidAccessTokenError("profile erased or token not a profile token")
    elif token.subject != token.client_id:
        # Tokens for people are always tied to a login; a bare one was not issued here.
        raise InvalidAccessTokenError("person token without a login")
    return token
