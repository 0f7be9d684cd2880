"""Access tokens as signed JWTs following RFC 9068 (`typ: at+jwt`), and their validation.

Validation trusts nothing in the header except what it checks: the algorithm must be ES256
(so `none`, HS256 "signed" with the public key and every other algorithm are refused before
any key is used), `typ` must be `at+jwt`, and `iss`, `aud`, `exp`, `iat`, `sub`, `jti`,
`client_id` must be present and right. Revocation and account checks live in
api/auth/validation.py; this module is pure.
"""

import time
from dataclasses import dataclass, field
from typing import Any

from joserfc import jwt
from joserfc.errors import JoseError

from api.auth import scopes as scope_names
from api.auth.keys import ALGORITHM, SigningKey
from api.auth.secrets import new_token

ACCESS_TOKEN_TYPE = "at+jwt"  # noqa: S105  (the JWT typ of RFC 9068)
LEEWAY_SECONDS = 30


class InvalidAccessTokenError(Exception):
    """The bearer token is not a valid access token of this server (the reason is for logs,
    never for the caller)."""


@dataclass(frozen=True)
class AccessToken:
    """The verified claims of an access token."""

    subject: str
    client_id: str
    scopes: tuple[str, ...]
    jti: str
    expires_at: int
    # Token family (one login) for tokens issued to a counsellor; None for client tokens.
    family_id: str | None = None
    organisation_id: str | None = None
    claims: dict[str, Any] = field(default_factory=dict, repr=False)

    @property
    def is_client_token(self) -> bool:
        """Issued by client credentials: the client acts for itself, not for a person."""
        return self.family_id is None and self.subject == self.client_id


def mint_access_token(
    key: SigningKey,
    *,
    issuer: str,
    audience: str,
    subject: str,
    client_id: str,
    scope: str,
    lifetime_seconds: int,
    family_id: str | None = None,
    organisation_id: str | None = None,
    now: int | None = None,
) -> tuple[str, AccessToken]:
    issued_at = int(time.time()) if now is None else now
    claims: dict[str, Any] = {
        "iss": issuer,
        "aud": audience,
        "sub": subject,
        "client_id": client_id,
        "scope": scope,
        "iat": issued_at,
        "nbf": issued_at,
        "exp": issued_at + lifetime_seconds,
        "jti": new_token(16),
    }
    if family_id is not None:
        claims["sid"] = family_id
    if organisation_id is not None:
        claims["org"] = organisation_id
    header = {"alg": ALGORITHM, "typ": ACCESS_TOKEN_TYPE, "kid": key.kid}
    value = jwt.encode(header, claims, key.private, algorithms=[ALGORITHM])
    return value, _to_access_token(claims)


def _to_access_token(claims: dict[str, Any]) -> AccessToken:
    return AccessToken(
        subject=str(claims["sub"]),
        client_id=str(claims["client_id"]),
        scopes=tuple(scope_names.split(claims.get("scope"))),
        jti=str(claims["jti"]),
        expires_at=int(claims["exp"]),
        family_id=claims.get("sid"),
        organisation_id=claims.get("org"),
        claims=claims,
    )


def decode_access_token(
    key: SigningKey, value: str, *, issuer: str, audience: str, now: int | None = None
) -> AccessToken:
    """Verify signature, header and claims; raise InvalidAccessTokenError otherwise."""
    try:
        token = jwt.decode(value, key.public, algorithms=[ALGORITHM])
    except (JoseError, ValueError) as exc:
        raise InvalidAccessTokenError(f"signature or format: {type(exc).__name__}") from exc
    header = token.header
    if header.get("alg") != ALGORITHM or header.get("typ") != ACCESS_TOKEN_TYPE:
        raise InvalidAccessTokenError("header is not an ES256 at+jwt")
    registry = jwt.JWTClaimsRegistry(
        now=now,
        leeway=LEEWAY_SECONDS,
        iss={"essential": True, "value": issuer},
        aud={"essential": True, "value": audience},
        sub={"essential": True},
        exp={"essential": True},
        iat={"essential": True},
        jti={"essential": True},
        client_id={"essential": True},
    )
    try:
        registry.validate(token.claims)
    except JoseError as exc:
        raise InvalidAccessTokenError(f"claims: {type(exc).__name__}") from exc
    for name in ("scope", "sid", "org"):
        if name in token.claims and not isinstance(token.claims[name], str):
            raise InvalidAccessTokenError(f"claim {name} is not a string")
    return _to_access_token(token.claims)
