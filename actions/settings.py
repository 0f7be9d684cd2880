"""Settings of the action server, read from the environment (see .env.example)."""

from functools import lru_cache

from pydantic import SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict


class ActionSettings(BaseSettings):
    model_config = SettingsConfigDict(env_file=".env", extra="ignore")

    api_url: str = "http://127.0.0.1:8000"
    # OAuth2 client credentials of the action server (provisioned by `intake clients
    # provision`; `make run` generates them into var/local.env).
    action_client_id: str = "intake-actions"
    action_client_secret: SecretStr = SecretStr("")
    # Token endpoint; empty means "<API_URL>/oauth/token".
    oauth_token_url: str = ""
    api_timeout_seconds: float = 5.0

    @property
    def token_url(self) -> str:
        return self.oauth_token_url or f"{self.api_url.rstrip('/')}/oauth/token"


@lru_cache
def get_settings() -> ActionSettings:
    return ActionSettings()
