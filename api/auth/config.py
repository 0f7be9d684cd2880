"""What the authorization server and the token validator need, built once per app."""

from dataclasses import dataclass

from api.auth.keys import SigningKey, load_or_create_signing_key
from api.auth.throttle import ThrottlePolicy
from api.config import Settings


@dataclass(frozen=True)
class AuthConfig:
    issuer: str
    audience: str
    key: SigningKey
    access_token_lifetime_seconds: int
    refresh_token_lifetime_seconds: int
    authorization_code_lifetime_seconds: int
    attestation_max_age_months: int
    throttle: ThrottlePolicy

    @classmethod
    def from_settings(cls, settings: Settings) -> "AuthConfig":
        return cls(
            issuer=settings.issuer,
            audience=settings.audience,
            key=load_or_create_signing_key(settings.oauth_signing_key_file),
            access_token_lifetime_seconds=settings.access_token_lifetime_seconds,
            refresh_token_lifetime_seconds=settings.refresh_token_lifetime_seconds,
            authorization_code_lifetime_seconds=settings.authorization_code_lifetime_seconds,
            attestation_max_age_months=settings.attestation_max_age_months,
            throttle=ThrottlePolicy(
                max_failures_per_account=settings.login_max_failures_per_account,
                max_failures_per_ip=settings.login_max_failures_per_ip,
                window_seconds=settings.login_window_seconds,
            ),
        )

    @property
    def token_endpoint(self) -> str:
        return f"{self.issuer}/oauth/token"
