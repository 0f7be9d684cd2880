"""The OAuth2 authorization server: authlib's framework-agnostic AuthorizationServer and
grants, bound to one database session per request (the role authlib's Flask and Django
integrations play for their frameworks).

Registered: authorization code with PKCE (S256 only, always required), refresh token (rotating;
replaying a used one revokes its whole family), client credentials, the youth's profile-secret
grant (api/auth/youth_grant.py), and revocation (RFC 7009).
Nothing else: a request for the implicit or password grant is `unsupported_response_type` /
`unsupported_grant_type`.
"""

import logging
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

from authlib.oauth2 import AuthorizationServer
from authlib.oauth2.rfc6749 import (
    AccessDeniedError,
    InvalidScopeError,
    OAuth2Error,
    OAuth2Request,
    grants,
)
from authlib.oauth2.rfc6749.errors import InvalidRequestError
from authlib.oauth2.rfc7009 import RevocationEndpoint
from authlib.oauth2.rfc7636 import CodeChallenge
from fastapi import Response
from fastapi.responses import JSONResponse
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from api.auth import scopes as scope_names
from api.auth.config import AuthConfig
from api.auth.secrets import digest, matches_digest, new_token
from api.auth.tokens import InvalidAccessTokenError, decode_access_token, mint_access_token
from api.auth.youth_grant import ProfileSecretGrant
from api.db.models_auth import (
    AuthorizationCode,
    Counsellor,
    OAuthClient,
    RefreshToken,
    RevokedAccessToken,
    TokenFamily,
)
from api.services import accounts

logger = logging.getLogger(__name__)
# authlib logs issued tokens and codes at DEBUG ("Issue token %r ..."): never let them through.
logging.getLogger("authlib").setLevel(logging.INFO)


def _now() -> datetime:
    return datetime.now(UTC)


class RegisteredClient:
    """authlib's ClientMixin over an `oauth_clients` row."""

    def __init__(self, row: OAuthClient) -> None:
        self.row = row

    def get_client_id(self) -> str:
        return self.row.client_id

    def get_default_redirect_uri(self) -> None:
        return None  # redirect_uri is always required and matched exactly

    def get_allowed_scope(self, scope: str | None) -> str | None:
        """The requested scope if the client may have all of it (None: invalid_scope);
        no scope asked for means everything the client is registered for."""
        allowed = scope_names.split(self.row.scopes)
        requested = scope_names.split(scope)
        if not requested:
            return scope_names.join(allowed)
        if any(s not in allowed for s in requested):
            return None
        return scope_names.join(requested)

    def check_redirect_uri(self, redirect_uri: str) -> bool:
        return redirect_uri in self.row.redirect_uris  # exact string match, RFC 9700 2.1

    def check_client_secret(self, client_secret: str) -> bool:
        return matches_digest(client_secret, self.row.secret_hash)

    def check_endpoint_auth_method(self, method: str, endpoint: str) -> bool:
        return method == self.row.token_endpoint_auth_method

    def check_response_type(self, response_type: str) -> bool:
        return response_type == "code" and "authorization_code" in self.row.grant_types

    def check_grant_type(self, grant_type: str) -> bool:
        return grant_type in self.row.grant_types


@dataclass
class IssuedCode:
    """authlib's AuthorizationCodeMixin over an `oauth_authorization_codes` row."""

    row: AuthorizationCode

    @property
    def code_challenge(self) -> str:
        return self.row.code_challenge

    @property
    def code_challenge_method(self) -> str:
        return self.row.code_challenge_method

    def get_redirect_uri(self) -> str:
        return self.row.redirect_uri

    def get_scope(self) -> str:
        return self.row.scope


@dataclass
class PresentedRefreshToken:
    row: RefreshToken
    family: TokenFamily

    def check_client(self, client: RegisteredClient) -> bool:
        return self.family.client_id == client.get_client_id()

    def get_scope(self) -> str:
        return self.family.scope


@dataclass
class PresentedAccessToken:
    jti: str
    client_id: str
    expires_at: datetime

    def check_client(self, client: RegisteredClient) -> bool:
        return self.client_id == client.get_client_id()


class S256CodeChallenge(CodeChallenge):
    """PKCE as RFC 9700 wants it: a code_challenge on every authorization request, method
    S256 stated explicitly (a missing method would mean `plain`), verifier always checked."""

    SUPPORTED_CODE_CHALLENGE_METHOD = ["S256"]  # noqa: RUF012  (authlib's class attribute)
    DEFAULT_CODE_CHALLENGE_METHOD = "S256"

    def validate_code_challenge(self, grant: Any, redirect_uri: str) -> None:
        data = grant.request.payload.data
        if not data.get("code_challenge"):
            raise InvalidRequestError("PKCE is required: missing 'code_challenge'")
        if data.get("code_challenge_method") != "S256":
            raise InvalidRequestError("PKCE: 'code_challenge_method' must be S256")
        super().validate_code_challenge(grant, redirect_uri)


class _IssuesTokens:
    """Routes authlib's token generation to IntakeAuthorizationServer.issue_tokens."""

    request: Any
    server: "IntakeAuthorizationServer"
    family: TokenFamily | None = None

    def generate_token(
        self,
        user: Counsellor | None = None,
        scope: str | None = None,
        grant_type: str | None = None,
        expires_in: int | None = None,
        include_refresh_token: bool = True,
    ) -> dict[str, Any]:
        client: RegisteredClient = self.request.client
        return self.server.issue_tokens(
            client=client,
            scope=scope or "",
            counsellor=user,
            family=self.family,
            include_refresh_token=include_refresh_token and self.family is not None,
        )


class AuthorizationCodeGrant(_IssuesTokens, grants.AuthorizationCodeGrant):
    TOKEN_ENDPOINT_AUTH_METHODS = ["none", "client_secret_basic"]  # noqa: RUF012

    def create_authorization_response(self, redirect_uri: str, grant_user: Any) -> Any:
        if grant_user is not None:
            # Grant what the client asked for and the person may have; nothing at all is a
            # refusal, not an empty token.
            held = scope_names.split(grant_user.scopes)
            granted = [s for s in scope_names.split(self.request.scope) if s in held]
            if not granted:
                raise AccessDeniedError(redirect_uri=redirect_uri)
            self.request.scope = scope_names.join(granted)
        return super().create_authorization_response(redirect_uri, grant_user)

    def save_authorization_code(self, code: str, request: OAuth2Request) -> None:
        data = request.payload.data
        self.server.session.add(
            AuthorizationCode(
                code_hash=digest(code),
                client_id=request.client.get_client_id(),
                counsellor_id=request.user.id,
                redirect_uri=data["redirect_uri"],
                scope=request.scope,
                code_challenge=data["code_challenge"],
                code_challenge_method=data["code_challenge_method"],
                expires_at=_now()
                + timedelta(seconds=self.server.config.authorization_code_lifetime_seconds),
            )
        )

    def query_authorization_code(self, code: str, client: RegisteredClient) -> IssuedCode | None:
        session = self.server.session
        row = session.scalar(
            select(AuthorizationCode).where(
                AuthorizationCode.code_hash == digest(code),
                AuthorizationCode.client_id == client.get_client_id(),
            )
        )
        if row is None:
            return None
        # Claim the code atomically: of two concurrent exchanges exactly one wins.
        claimed = session.execute(
            update(AuthorizationCode)
            .where(AuthorizationCode.id == row.id, AuthorizationCode.used_at.is_(None))
            .values(used_at=_now())
        )
        if getattr(claimed, "rowcount", 0) != 1:
            self._revoke_after_replay(row)
            return None
        if row.expires_at <= _now():
            return None
        return IssuedCode(row)

    def _revoke_after_replay(self, row: AuthorizationCode) -> None:
        session = self.server.session
        session.rollback()
        logger.warning("authorization code replayed; revoking what it issued")
        fresh = session.get(AuthorizationCode, row.id)
        if fresh is not None and fresh.family_id is not None:
            accounts.revoke_families(session, "code_replay", family_id=fresh.family_id)
        session.commit()

    def delete_authorization_code(self, authorization_code: IssuedCode) -> None:
        # Kept (used_at is set) so that a replay can still find and revoke the family.
        if self.family is not None:
            authorization_code.row.family_id = self.family.id

    def authenticate_user(self, authorization_code: IssuedCode) -> Counsellor | None:
        counsellor = self.server.session.get(Counsellor, authorization_code.row.counsellor_id)
        if counsellor is None or not self.server.may_keep_session(counsellor):
            return None
        self.family = self.server.new_family(
            client_id=authorization_code.row.client_id,
            counsellor=counsellor,
            scope=authorization_code.row.scope,
        )
        return counsellor


class RefreshTokenGrant(_IssuesTokens, grants.RefreshTokenGrant):
    TOKEN_ENDPOINT_AUTH_METHODS = ["none", "client_secret_basic"]  # noqa: RUF012
    INCLUDE_NEW_REFRESH_TOKEN = True

    def authenticate_refresh_token(self, refresh_token: str) -> PresentedRefreshToken | None:
        session = self.server.session
        row = session.scalar(
            select(RefreshToken).where(RefreshToken.token_hash == digest(refresh_token))
        )
        if row is None:
            return None
        family = row.family
        if family.revoked_at is not None:
            logger.info("refresh token of revoked family %s presented", family.id)
            return None
        claimed = session.execute(
            update(RefreshToken)
            .where(RefreshToken.id == row.id, RefreshToken.used_at.is_(None))
            .values(used_at=_now())
        )
        if getattr(claimed, "rowcount", 0) != 1:
            # A rotated token came back: someone holds a copy. End the whole login.
            session.rollback()
            accounts.revoke_families(session, "refresh_replay", family_id=family.id)
            session.commit()
            logger.warning("refresh token replayed; token family %s revoked", family.id)
            return None
        if family.expires_at <= _now():
            return None
        counsellor = session.get(Counsellor, family.counsellor_id)
        if counsellor is None or not self.server.may_keep_session(counsellor):
            session.rollback()
            accounts.revoke_families(session, "no_longer_allowed", family_id=family.id)
            session.commit()
            logger.info("refresh refused: counsellor %s may no longer log in", family.counsellor_id)
            return None
        self.family = family
        return PresentedRefreshToken(row=row, family=family)

    def authenticate_user(self, refresh_token: PresentedRefreshToken) -> Counsellor | None:
        return self.server.session.get(Counsellor, refresh_token.family.counsellor_id)

    def revoke_old_credential(self, refresh_token: PresentedRefreshToken) -> None:
        """Already marked used when it was claimed."""


class ClientCredentialsGrant(_IssuesTokens, grants.ClientCredentialsGrant):
    TOKEN_ENDPOINT_AUTH_METHODS = ["client_secret_basic"]  # noqa: RUF012

    def generate_token(
        self,
        user: Counsellor | None = None,
        scope: str | None = None,
        grant_type: str | None = None,
        expires_in: int | None = None,
        include_refresh_token: bool = True,
    ) -> dict[str, Any]:
        allowed = self.request.client.get_allowed_scope(scope)
        if allowed is None:
            raise InvalidScopeError()
        return super().generate_token(scope=allowed, include_refresh_token=False)


class TokenRevocationEndpoint(RevocationEndpoint):
    """RFC 7009. A refresh token revokes its whole family (logout); an access token is put
    on the deny list until it expires. Unknown tokens get 200 as the RFC asks."""

    CLIENT_AUTH_METHODS = ["none", "client_secret_basic"]  # noqa: RUF012

    def query_token(
        self, token_string: str, token_type_hint: str | None
    ) -> PresentedRefreshToken | PresentedAccessToken | None:
        server: IntakeAuthorizationServer = self.server
        if token_type_hint != "access_token":  # noqa: S105  (a hint name, not a secret)
            row = server.session.scalar(
                select(RefreshToken).where(RefreshToken.token_hash == digest(token_string))
            )
            if row is not None:
                return PresentedRefreshToken(row=row, family=row.family)
        try:
            token = decode_access_token(
                server.config.key,
                token_string,
                issuer=server.config.issuer,
                audience=server.config.audience,
            )
        except InvalidAccessTokenError:
            return None
        return PresentedAccessToken(
            jti=token.jti,
            client_id=token.client_id,
            expires_at=datetime.fromtimestamp(token.expires_at, UTC),
        )

    def revoke_token(
        self, token: PresentedRefreshToken | PresentedAccessToken, request: OAuth2Request
    ) -> None:
        session: Session = self.server.session
        if isinstance(token, PresentedRefreshToken):
            accounts.revoke_families(session, "revoked", family_id=token.family.id)
            logger.info("token family %s revoked by its client", token.family.id)
        elif session.get(RevokedAccessToken, token.jti) is None:
            session.add(RevokedAccessToken(jti=token.jti, expires_at=token.expires_at))
            logger.info("access token revoked by its client")


class IntakeAuthorizationServer(AuthorizationServer):
    """One per request: bound to that request's database session."""

    def __init__(self, session: Session, config: AuthConfig) -> None:
        super().__init__(scopes_supported=list(scope_names.SUPPORTED_SCOPES))
        self.session = session
        self.config = config
        self.register_grant(AuthorizationCodeGrant, [S256CodeChallenge(required=True)])
        self.register_grant(RefreshTokenGrant)
        self.register_grant(ClientCredentialsGrant)
        self.register_grant(ProfileSecretGrant)
        self.register_endpoint(TokenRevocationEndpoint)

    # --- authlib hooks -----------------------------------------------------------------

    def query_client(self, client_id: str) -> RegisteredClient | None:
        if not isinstance(client_id, str) or not client_id or "\x00" in client_id:
            return None  # invalid_client, as for any unknown id (PostgreSQL rejects a NUL)
        row = self.session.get(OAuthClient, client_id)
        if row is None or row.disabled_at is not None:
            return None
        return RegisteredClient(row)

    def save_token(self, token: dict[str, Any], request: OAuth2Request) -> None:
        """Tokens are persisted when issued (issue_tokens)."""

    def send_signal(self, name: str, *args: Any, **kwargs: Any) -> None:
        """No signals."""

    def create_oauth2_request(self, request: Any) -> OAuth2Request:
        if not isinstance(request, OAuth2Request):
            raise TypeError("build the request with api.auth.requests.oauth2_request")
        return request

    def create_json_request(self, request: Any) -> Any:
        raise NotImplementedError("no JSON endpoints")

    def handle_response(self, status_code: int, payload: Any, headers: Any) -> Response:
        header_map = dict(headers)
        if isinstance(payload, dict):
            header_map.pop("Content-Type", None)
            return JSONResponse(payload, status_code=status_code, headers=header_map)
        return Response(payload or b"", status_code=status_code, headers=header_map)

    def handle_error_response(self, request: OAuth2Request, error: OAuth2Error) -> Response:
        logger.info("oauth request refused: %s", error.error)
        response: Response = super().handle_error_response(request, error)
        return response

    # --- tokens ------------------------------------------------------------------------

    def may_keep_session(self, counsellor: Counsellor) -> bool:
        return accounts.may_keep_session(
            counsellor, date.today(), self.config.attestation_max_age_months
        )

    def new_family(self, *, client_id: str, counsellor: Counsellor, scope: str) -> TokenFamily:
        family = TokenFamily(
            client_id=client_id,
            counsellor_id=counsellor.id,
            scope=scope,
            expires_at=_now() + timedelta(seconds=self.config.refresh_token_lifetime_seconds),
        )
        self.session.add(family)
        self.session.flush()
        return family

    def issue_youth_token(self, *, client_id: str, profile_id: str) -> dict[str, Any]:
        """An access token for one anonymous profile (`sub`), scope `profile:self` only."""
        access_token, _ = mint_access_token(
            self.config.key,
            issuer=self.config.issuer,
            audience=self.config.audience,
            subject=profile_id,
            client_id=client_id,
            scope=scope_names.PROFILE_SELF,
            lifetime_seconds=self.config.access_token_lifetime_seconds,
        )
        logger.info("issued a profile:self token to client %s", client_id)
        return {
            "token_type": "Bearer",
            "access_token": access_token,
            "expires_in": self.config.access_token_lifetime_seconds,
            "scope": scope_names.PROFILE_SELF,
        }

    def issue_tokens(
        self,
        *,
        client: RegisteredClient,
        scope: str,
        counsellor: Counsellor | None,
        family: TokenFamily | None,
        include_refresh_token: bool,
    ) -> dict[str, Any]:
        access_token, _ = mint_access_token(
            self.config.key,
            issuer=self.config.issuer,
            audience=self.config.audience,
            subject=counsellor.id if counsellor is not None else client.get_client_id(),
            client_id=client.get_client_id(),
            scope=scope,
            lifetime_seconds=self.config.access_token_lifetime_seconds,
            family_id=family.id if family is not None else None,
            organisation_id=counsellor.organisation_id if counsellor is not None else None,
        )
        token: dict[str, Any] = {
            "token_type": "Bearer",
            "access_token": access_token,
            "expires_in": self.config.access_token_lifetime_seconds,
            "scope": scope,
        }
        if include_refresh_token and family is not None:
            refresh_token = new_token(32)
            self.session.add(RefreshToken(token_hash=digest(refresh_token), family_id=family.id))
            token["refresh_token"] = refresh_token
        logger.info(
            "issued tokens to client %s%s",
            client.get_client_id(),
            f" for counsellor {counsellor.id}" if counsellor is not None else "",
        )
        return token
