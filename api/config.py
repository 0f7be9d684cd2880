"""Settings of the api, from the environment or `.env` (see .env.example).

Refuses to start with an empty or well-known secret: the run script generates local secrets
into var/local.env on first run, so the embedded defaults are safe without manual steps.
"""

from functools import lru_cache
from pathlib import Path

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
