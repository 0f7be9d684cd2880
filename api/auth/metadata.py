"""RFC 8414 authorization server metadata: exactly what this server does, nothing more."""

from typing import Any

from authlib.oauth2.rfc8414 import AuthorizationServerMetadata

from api.auth import scopes, youth_grant
from api.auth.config import AuthConfig


def server_metadata(config: AuthConfig) -> dict[str, Any]:
    issuer = config.issuer
    metadata = AuthorizationServerMetadata(
        issuer=issuer,
        authorization_endpoint=f"{issuer}/oauth/authorize",
        token_endpoint=f"{issuer}/oauth/token",
        revocation_endpoint=f"{issuer}/oauth/revoke",
        jwks_uri=f"{issuer}/oauth/jwks",
        scopes_supported=list(scopes.SUPPORTED_SCOPES),
        response_types_supported=["code"],
        response_modes_supported=["query"],
        grant_types_supported=[
            "authorization_code",
            "refresh_token",
            "client_credentials",
            youth_grant.GRANT_TYPE,
        ],
        token_endpoint_auth_methods_supported=["none", "client_secret_basic"],
        revocation_endpoint_auth_methods_supported=["none", "client_secret_basic"],
        code_challenge_methods_supported=["S256"],
        ui_locales_supported=["da"],
    )
    metadata.validate()
    return dict(metadata)
