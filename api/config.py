"""Settings of the api, from the environment or `.env` (see .env.example).

The OAuth2 signing key is read from `OAUTH_SIGNING_KEY_FILE` and generated there on first
run (see api/auth/keys.py), so the embedded defaults are safe without manual steps. Lifetimes
are bounded: a setting outside its range refuses to start rather than weaken RFC 9700 advice.
"""

from functools import lru_cache
from pathlib import Path
from urllib.parse import urlsplit

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from privacy.crypto import KeyProvider, KeyRing, KeyRingError, ReloadingKeyRing

PROJECT_ROOT = Path(__file__).resolve().parents[1]
WEB_ROOT = PROJECT_ROOT / "web"

_KNOWN_BAD_SECRETS = {"", "changeme", "change-me", "secret", "dev", "test", "password"}
MIN_SECRET_LENGTH = 32


def check_secret(name: str, secret: str) -> str:
    """Refuse an empty, well-known or short secret; `name` is the env name shown to operators."""
    if secret.lower() in _KNOWN_BAD_SECRETS or len(secret) < MIN_SECRET_LENGTH:
        raise ValueError(
            f"{name} must be a random value of at least {MIN_SECRET_LENGTH} characters "
            "(e.g. `python -c 'import secrets; print(secrets.token_urlsafe(32))'`)"
        )
    return secret


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_file=".env", extra="ignore")

    database_url: str = f"sqlite:///{PROJECT_ROOT / 'var' / 'intake.db'}"
    auto_migrate: bool = True

    rasa_url: str = "http://127.0.0.1:5005"
    # Several Rasa processes (comma-separated URLs); each conversation goes to one of them by a
    # stable hash of its id (api/services/rasa_router.py). Empty: RASA_URL alone.
    rasa_urls: str = ""
    rasa_timeout_seconds: float = 30.0
    # Turns in flight per Rasa process; more wait their turn in the api, first come first
    # served (docs/architecture.md, "Bridge overhead under load"). 0: no limit.
    rasa_max_in_flight: int = Field(default=2, ge=0)
    action_server_url: str = "http://127.0.0.1:5055"
    health_timeout_seconds: float = 2.0

    max_message_chars: int = 2000
    # A youth's messages per conversation (api/services/rate_limit.py): a burst of this many,
    # then this many per minute. A person typing stays far below; a script does not.
    chat_burst_messages: int = Field(default=10, ge=1)
    chat_messages_per_minute: int = Field(default=30, ge=1)
    # Worker threads the chat bridge's database work may use at once (a burst of turns queues
    # for them instead of taking the threads the HTTP routes share).
    bridge_db_threads: int = Field(default=4, ge=1, le=64)
    # HTTP routes that send e-mail (portability, newsletter sign-up), per client address.
    mail_burst_requests: int = Field(default=5, ge=1)
    mail_requests_per_minute: int = Field(default=2, ge=1)
    # Bearer token a Prometheus scraper sends to GET /metrics; empty: /metrics is off (404).
    metrics_token: SecretStr = SecretStr("")
    public_base_url: str = "http://127.0.0.1:8000"

    # Key-encryption keys (docs/encryption.md): a key-ring file (rotated online by
    # `intake keys rotate`) or the ring's JSON itself. One of the two is required.
    key_ring_file: Path | None = None
    key_ring: SecretStr | None = None

    # --- OAuth2 authorization server (docs/auth.md) ---
    # `iss` of every token and the metadata's issuer; empty means PUBLIC_BASE_URL.
    oauth_issuer: str = ""
    # `aud` of every access token (the api as resource server); empty means "<issuer>/api".
    oauth_audience: str = ""
    # PEM (PKCS#8) P-256 private key for ES256; generated with mode 0600 if missing.
    oauth_signing_key_file: Path = PROJECT_ROOT / "var" / "oauth" / "signing-key.pem"
    access_token_lifetime_seconds: int = Field(default=300, ge=60, le=900)
    # Absolute lifetime of a refresh-token family (one login); rotation never extends it.
    refresh_token_lifetime_seconds: int = Field(default=12 * 3600, ge=300, le=7 * 24 * 3600)
    authorization_code_lifetime_seconds: int = Field(default=60, ge=10, le=600)
    # Straffeattest and børneattest are valid for this many months after their issue date.
    attestation_max_age_months: int = Field(default=12, ge=1, le=60)
    login_max_failures_per_account: int = Field(default=5, ge=1)
    login_max_failures_per_ip: int = Field(default=20, ge=1)
    login_window_seconds: int = Field(default=15 * 60, ge=60)

    # socket.io fan-out across api processes (python-socketio's AsyncRedisManager), e.g.
    # redis://127.0.0.1:6379/0. Empty: the in-process manager (one api process).
    redis_url: str = ""
    # The Redis pub/sub channel of this deployment's socket.io messages.
    redis_channel: str = "ung-intake-socketio"
    # Told to a youth in the queue when no counsellor is online (Danish, after "Vi har åbent").
    counselling_opening_hours: str = "alle dage kl. 14–23"

    # Session rules (docs/counsellor.md): a youth silent this long in an open handoff (waiting
    # or with a counsellor) is asked "Er du der stadig?"; still silent this long after their
    # last message, the conversation is closed kindly (outcome `inaktiv`). The api's idle job
    # looks every IDLE_JOB_INTERVAL_SECONDS.
    idle_check_seconds: int = Field(default=10 * 60, ge=1)
    idle_close_seconds: int = Field(default=20 * 60, ge=1)
    idle_job_enabled: bool = True
    idle_job_interval_seconds: int = Field(default=30, ge=1)

    # Origins (scheme://host[:port], comma-separated) of counselling providers' sites that may
    # embed the widget (CSP frame-ancestors) and connect to the socket.io endpoint directly
    # (rasa-webchat on their own page). Empty: same origin only.
    widget_allowed_origins: str = ""
    # Where "Forlad siden hurtigt" (quick exit) sends the youth: a neutral, everyday site.
    widget_exit_url: str = "https://www.dr.dk/"

    # --- Data-subject rights (docs/privacy-promises.md) ---
    # Outgoing mail for portability (encrypted export) and the newsletter. Empty host: the
    # widget says e-mail is not available, nothing is sent.
    smtp_host: str = ""
    smtp_port: int = Field(default=25, ge=1, le=65535)
    smtp_from: str = "Ung Intake <noreply@ung-intake.invalid>"
    smtp_starttls: bool = False
    smtp_username: str = ""
    smtp_password: SecretStr = SecretStr("")
    # The api's daily retention job (profile data 2 years after the last activity).
    retention_job_enabled: bool = True
    retention_job_interval_seconds: int = Field(default=24 * 3600, ge=60)

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

    @property
    def rasa_endpoints(self) -> list[str]:
        """The Rasa processes conversations are routed to (RASA_URLS, else RASA_URL)."""
        urls = [u.strip().rstrip("/") for u in self.rasa_urls.split(",") if u.strip()]
        return urls or [self.rasa_url.rstrip("/")]

    @field_validator("rasa_url", "rasa_urls")
    @classmethod
    def _http_urls(cls, value: str) -> str:
        urls = [u.strip().rstrip("/") for u in value.split(",") if u.strip()]
        for url in urls:
            parts = urlsplit(url)
            if parts.scheme not in ("http", "https") or not parts.netloc:
                raise ValueError(f"RASA_URL(S) entries must be http(s) URLs, not {url!r}")
        if len(set(urls)) != len(urls):
            raise ValueError("RASA_URLS lists a URL twice")
        return value

    @field_validator("widget_exit_url")
    @classmethod
    def _absolute_web_url(cls, value: str) -> str:
        parts = urlsplit(value)
        if parts.scheme not in ("http", "https") or not parts.netloc:
            raise ValueError("WIDGET_EXIT_URL must be an absolute http(s) URL")
        return value

    @field_validator("public_base_url", "oauth_issuer", "oauth_audience")
    @classmethod
    def _no_trailing_slash(cls, value: str) -> str:
        return value.rstrip("/")

    @property
    def issuer(self) -> str:
        return self.oauth_issuer or self.public_base_url

    @property
    def audience(self) -> str:
        return self.oauth_audience or f"{self.issuer}/api"


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
    return Settings()
