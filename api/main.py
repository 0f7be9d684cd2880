"""ASGI entry point: FastAPI (HTTP) wrapped by python-socketio (the webchat protocol)."""

import asyncio
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import socketio
from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles

from api import errors
from api.auth.config import AuthConfig
from api.auth.youth_grant import ensure_widget_client
from api.config import WEB_ROOT, Settings, get_settings, load_key_ring
from api.db.migrate import upgrade_to_head
from api.db.session import make_engine, make_sessionmaker
from api.gc_tuning import freeze_start_up_objects
from api.realtime import idle_job
from api.realtime.counsellor_socket import ConsoleNamespace
from api.realtime.profile_secret import ProfileSecretHandler
from api.realtime.webchat_bridge import WebchatBridge
from api.routes import (
    canned,
    consents,
    console,
    conversations,
    handback,
    handoffs,
    health,
    login,
    metrics,
    newsletter,
    oauth,
    pages,
    profile,
    stats,
    supervisor,
    underretning,
)
from api.routes import queue as queue_routes
from api.services import retention
from api.services.metrics import Metrics
from api.services.rasa_client import RasaClient
from api.services.rate_limit import RateLimiter
from api.services.relay import Relay
from intake.logging_setup import configure_logging
from privacy.anonymiser import anonymise, warm_up
from privacy.crypto import KeyRingError

logger = logging.getLogger(__name__)


def create_fastapi(settings: Settings, *, freeze_after_warm_up: bool = False) -> FastAPI:
    """`freeze_after_warm_up`: for the server process only (see api/gc_tuning.py); a test
    process that starts many apps must not freeze each one's objects for its lifetime."""
    # First, before anything opens: without a real key ring nothing may be stored.
    key_ring = load_key_ring(settings)
    engine = make_engine(settings.database_url)
    rasa = RasaClient(
        settings.rasa_endpoints,
        settings.rasa_timeout_seconds,
        max_in_flight=settings.rasa_max_in_flight,
    )

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        if settings.auto_migrate:
            upgrade_to_head(engine)
        ensure_widget_client(app.state.sessions)
        await asyncio.to_thread(warm_up)
        if freeze_after_warm_up:
            freeze_start_up_objects()
        job = (
            asyncio.create_task(_retention_job(app, settings.retention_job_interval_seconds))
            if settings.retention_job_enabled
            else None
        )
        idle_sweeps = (
            asyncio.create_task(idle_job.run_forever(app, settings))
            if settings.idle_job_enabled
            else None
        )
        logger.info("api ready; chat at %s/", settings.public_base_url)
        yield
        for task in (job, idle_sweeps):
            if task is not None:
                task.cancel()
        await rasa.aclose()
        engine.dispose()

    app = FastAPI(
        title="Ung Intake API",
        version="0.1.0",
        lifespan=lifespan,
        docs_url="/api/docs",
        openapi_url="/api/openapi.json",
    )
    errors.install(app)
    app.state.settings = settings
    app.state.engine = engine
    app.state.sessions = make_sessionmaker(engine)
    app.state.key_ring = key_ring
    app.state.rasa = rasa
    app.state.auth = AuthConfig.from_settings(settings)
    app.state.metrics = Metrics(app.state.sessions)
    rasa.on_queue_wait = app.state.metrics.observe_rasa_queue_wait
    app.state.mail_limiter = RateLimiter(
        settings.mail_burst_requests, settings.mail_requests_per_minute
    )
    app.include_router(health.router)
    app.include_router(metrics.router)
    app.include_router(oauth.router)
    app.include_router(login.router)
    app.include_router(handoffs.router)
    app.include_router(consents.router)
    app.include_router(profile.router)
    app.include_router(newsletter.router)
    app.include_router(stats.router)
    app.include_router(pages.router)
    app.include_router(queue_routes.router)
    app.include_router(conversations.router)
    app.include_router(handback.router)
    app.include_router(underretning.counsellor_router)
    app.include_router(underretning.youth_router)
    app.include_router(console.router)
    app.include_router(supervisor.router)
    app.include_router(canned.router)
    app.mount("/static", StaticFiles(directory=WEB_ROOT / "static"), name="static")
    app.mount(
        "/vendor/socket.io",
        StaticFiles(directory=WEB_ROOT / "node_modules" / "socket.io-client" / "dist"),
        name="vendor-socketio",
    )
    # The unmodified rasa-webchat UMD bundle, for the compatibility page (/compat).
    app.mount(
        "/vendor/rasa-webchat",
        StaticFiles(directory=WEB_ROOT / "node_modules" / "rasa-webchat" / "lib"),
        name="vendor-rasa-webchat",
    )
    return app


async def _retention_job(app: FastAPI, interval_seconds: int) -> None:
    """Daily (by default) retention run inside the api: deletes profile data 2 years after the
    last activity. A failed run is logged and retried at the next interval."""
    while True:
        try:
            await asyncio.to_thread(retention.run, app.state.sessions, engine=app.state.engine)
        except Exception:
            logger.exception("retention run failed; next attempt in %d s", interval_seconds)
        await asyncio.sleep(interval_seconds)


def socket_origins(settings: Settings) -> list[str] | None:
    """Who may open a socket.io connection: None means same origin only (the widget's iframe
    is served by this api); configured provider sites are added for rasa-webchat embedded on
    their own pages."""
    if not settings.allowed_origins:
        return None
    own = settings.public_base_url.rstrip("/")
    return [own, *(o for o in settings.allowed_origins if o != own)]


def client_manager(settings: Settings) -> socketio.AsyncManager | None:
    """With REDIS_URL, rooms are shared by every api process through Redis pub/sub; without
    it (None) python-socketio keeps them in this process."""
    if not settings.redis_url:
        return None
    logger.info("socket.io rooms shared through Redis")
    return socketio.AsyncRedisManager(settings.redis_url, channel=settings.redis_channel)


def create_app(
    settings: Settings | None = None, *, freeze_after_warm_up: bool = False
) -> socketio.ASGIApp:
    settings = settings or get_settings()
    fastapi_app = create_fastapi(settings, freeze_after_warm_up=freeze_after_warm_up)
    sio = socketio.AsyncServer(
        async_mode="asgi",
        cors_allowed_origins=socket_origins(settings),
        logger=False,
        client_manager=client_manager(settings),
    )
    relay = Relay(
        sio,
        fastapi_app.state.sessions,
        keys=fastapi_app.state.key_ring,
        anonymise=anonymise,
        metrics=fastapi_app.state.metrics,
    )
    bridge = WebchatBridge(
        sio,
        fastapi_app.state.rasa,
        fastapi_app.state.sessions,
        settings.max_message_chars,
        keys=fastapi_app.state.key_ring,
        anonymise=anonymise,
        opening_hours=settings.counselling_opening_hours,
        relay=relay,
        limiter=RateLimiter(settings.chat_burst_messages, settings.chat_messages_per_minute),
        metrics=fastapi_app.state.metrics,
        db_threads=settings.bridge_db_threads,
    )
    fastapi_app.state.webchat = bridge
    fastapi_app.state.relay = relay
    ConsoleNamespace(
        sio, fastapi_app.state.sessions, fastapi_app.state.auth, relay, settings.max_message_chars
    )
    fastapi_app.state.profile_secrets = ProfileSecretHandler(sio, fastapi_app.state.sessions)
    return socketio.ASGIApp(sio, other_asgi_app=fastapi_app, socketio_path="socket.io")


def app() -> socketio.ASGIApp:
    """Factory for `uvicorn --factory api.main:app`."""
    configure_logging()
    try:
        return create_app(freeze_after_warm_up=True)
    except KeyRingError as exc:
        raise SystemExit(f"api refuses to start: {exc}") from None
