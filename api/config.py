"""Settings of the api, from the environment or `.env` (see .env.example).

Refuses to start with an empty or well-known secret: the run script generates local secrets
into var/local.env on first run, so the embedded defaults are safe without manual steps.
"""

from functools import lru_cache
from pathlib import Path
from urllib.parse import urlsplit

from pydantic import SecretStr, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

PROJECT_ROOT = Path(__file__).resolve().parents[1]
WEB_ROOT = PROJECT_ROOT / "web"

_KNOWN_BAD_SECRETS = {"", "changeme", "change-me", "secret", "dev", "test", "password"}
MIN_SECRET_LENGTH = 32


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_file=".env", extra="ignore")

    database_url: str = f"sqlite:///{PROJECT_ROOT / 'var' / 'intake.db'}"
    auto_migrate: bool = True

    rasa_url: str = "http://127.0.0.1:5005"
    rasa_timeout_seconds: float = 30.0
    action_server_url: str = "http://127.0.0.1:5055"
    health_timeout_seconds: float = 2.0

    # Shared bearer secret of the action server (replaced by OAuth2 client credentials later).
    action_api_secret: SecretStr

    max_message_chars: int = 2000
    public_base_url: str = "http://127.0.0.1:8000"

    # Origins (scheme://host[:port], comma-separated) of counselling providers' sites that may
    # embed the widget (CSP frame-ancestors) and connect to the socket.io endpoint directly
    # (rasa-webchat on their own page). Empty: same origin only.
    widget_allowed_origins: str = ""
    # Where "Forlad siden hurtigt" (quick exit) sends the youth: a neutral, everyday site.
    widget_exit_url: str = "https://www.dr.dk/"

    @property
    def allowed_origins(self) -> list[str]:
        return [o.strip().rstrip("/") for o in self.widget_allowed_origins.split(",") if o.strip()]

    @field_validator("widget_allowed_origins")
    @classmethod
    def _origins_only(cls, value: str) -> str:
        for origin in (o.strip().rstrip("/") for o in value.split(",") if o.strip()):
            parts = urlsplit(origin)
            if parts.scheme not in ("http", "https") or not parts.netloc or parts.path:
                raise ValueError(
                    f"WIDGET_ALLOWED_ORIGINS entries must be origins like https://example.dk, "
                    f"not {origin!r}"
                )
        return value

    @field_validator("widget_exit_url")
    @classmethod
    def _absolute_web_url(cls, value: str) -> str:
        parts = urlsplit(value)
        if parts.scheme not in ("http", "https") or not parts.netloc:
            raise ValueError("WIDGET_EXIT_URL must be an absolute http(s) URL")
        return value

    @field_validator("action_api_secret")
    @classmethod
    def _refuse_weak_secret(cls, value: SecretStr) -> SecretStr:
        secret = value.get_secret_value()
        if secret.lower() in _KNOWN_BAD_SECRETS or len(secret) < MIN_SECRET_LENGTH:
            raise ValueError(
                f"ACTION_API_SECRET must be a random value of at least {MIN_SECRET_LENGTH} "
                "characters (e.g. `python -c 'import secrets; print(secrets.token_urlsafe(32))'`)"
            )
        return value


@lru_cache
def get_settings() -> Settings:
    return Settings()  # type: ignore[call-arg]  # required fields come from the environment
