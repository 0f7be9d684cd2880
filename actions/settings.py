"""Settings of the action server, read from the environment (see .env.example)."""

from functools import lru_cache

from pydantic import SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict


class ActionSettings(BaseSettings):
    model_config = SettingsConfigDict(env_file=".env", extra="ignore")

    api_url: str = "http://127.0.0.1:8000"
    # Bearer secret the api expects on POST /api/v1/handoffs (until OAuth2 client
    # credentials replace it).
    action_api_secret: SecretStr = SecretStr("")
    api_timeout_seconds: float = 5.0


@lru_cache
def get_settings() -> ActionSettings:
    return ActionSettings()
