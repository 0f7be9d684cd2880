"""Settings of the api, from the environment or `.env` (see .env.example).

Refuses to start with an empty or well-known secret: the run script generates local secrets
into var/local.env on first run, so the embedded defaults are safe without manual steps.
"""

from functools import lru_cache
from pathlib import Path

from pydantic import SecretStr, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from privacy.crypto import KeyProvider, KeyRing, KeyRingError, ReloadingKeyRing

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

    # Key-encryption keys (docs/encryption.md): a key-ring file (rotated online by
    # `intake keys rotate`) or the ring's JSON itself. One of the two is required.
    key_ring_file: Path | None = None
    key_ring: SecretStr | None = None

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


NO_KEY_RING_MESSAGE = (
    "no key ring: set KEY_RING_FILE to a key-ring file (create one with "
    "`intake keys generate --file var/keyring.json`) or KEY_RING to the ring's JSON. "
    "Transcripts are stored only encrypted, so the api does not start without one."
)


def load_key_ring(settings: Settings) -> KeyProvider:
    """The key ring the api encrypts with. Raises KeyRingError naming the setting at fault."""
    if settings.key_ring_file is not None and settings.key_ring is not None:
        raise KeyRingError("set KEY_RING_FILE or KEY_RING, not both")
    if settings.key_ring_file is not None:
        return ReloadingKeyRing(settings.key_ring_file)
    if settings.key_ring is not None:
        return KeyRing.from_json(settings.key_ring.get_secret_value(), "KEY_RING")
    raise KeyRingError(NO_KEY_RING_MESSAGE)


@lru_cache
def get_settings() -> Settings:
    return Settings()  # type: ignore[call-arg]  # required fields come from the environment
