"""Two real api processes share socket.io rooms through the real Redis (127.0.0.1:6379):
the youth is connected to process A, the counsellor to process B, and messages flow both ways.
The same setup without REDIS_URL shows the test can fail: nothing crosses."""

import asyncio
import os
import secrets
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest

from api.db.migrate import upgrade_to_head
from api.db.session import make_engine, make_sessionmaker
from privacy.crypto import KeyRing
from tests.support.oauth import bearer, console_tokens
from tests.support.queue import ConsoleClient, add_counsellor, waiting_handoff
from tests.support.stack import PROJECT_ROOT, Stack, free_port
from tests.support.webchat_client import WebchatClient

pytestmark = [pytest.mark.redis, pytest.mark.asyncio(loop_scope="session")]

REDIS_URL = "redis://127.0.0.1:6379/0"


def redis_is_up() -> bool:
    import redis

    try:
        return bool(redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2).ping())
    except redis.RedisError:
        return False


def wait_until_serving(stack: Stack, url: str, timeout: float = 60) -> None:
    """Up when it answers HTTP (its health says "degraded": there is no Rasa here)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for name, process in stack.processes.items():
            if process.poll() is not None:
                raise RuntimeError(f"{name} exited:\n{stack.logs()[-3000:]}")
        try:
            httpx.get(f"{url}/.well-known/oauth-authorization-server", timeout=2)
            return
        except httpx.HTTPError:
            time.sleep(0.3)
    raise RuntimeError(f"{url} not serving after {timeout} s:\n{stack.logs()[-3000:]}")


@contextmanager
def two_apis(workdir: Path, keys: KeyRing, redis_url: str) -> Iterator[tuple[str, str]]:
    database_url = f"sqlite:///{workdir / 'intake.db'}"
    engine = make_engine(database_url)
    upgrade_to_head(engine)  # before both start, so they do not race to migrate
    engine.dispose()
    port_a, port_b = free_port(), free_port()
    env = dict(os.environ)
    env.pop("KEY_RING_FILE", None)
    env.update(
        DATABASE_URL=database_url,
        KEY_RING=keys.to_json(),
        OAUTH_SIGNING_KEY_FILE=str(workdir / "oauth" / "signing-key.pem"),
        # One public address (the load balancer's), so tokens are valid on both.
        PUBLIC_BASE_URL=f"http://127.0.0.1:{port_a}",
        REDIS_URL=redis_url,
        REDIS_CHANNEL=f"ung-intake-test-{secrets.token_hex(6)}",
        RASA_URL="http://127.0.0.1:9",
        LOG_LEVEL="WARNING",
    )
    stack = Stack(workdir, "", "", "", database_url, env)
    stack.log_dir.mkdir(parents=True, exist_ok=True)
    for name, port in (("api-a", port_a), ("api-b", port_b)):
        stack.start(
            name,
            [str(PROJECT_ROOT / ".venv" / "bin" / "uvicorn"), "--factory", "api.main:app",
             "--host", "127.0.0.1", "--port", str(port), "--no-access-log"],
        )  # fmt: skip
    try:
        for port in (port_a, port_b):
            wait_until_serving(stack, f"http://127.0.0.1:{port}")
        yield f"http://127.0.0.1:{port_a}", f"http://127.0.0.1:{port_b}"
    finally:
        stack.stop_all()


async def exchange(url_a: str, url_b: str, workdir: Path, keys: KeyRing) -> tuple[str, str]:
    """Youth on A, counsellor on B; returns (what the youth got, what the counsellor got),
    empty strings for what did not arrive."""
    engine = make_engine(f"sqlite:///{workdir / 'intake.db'}")
    sessions = make_sessionmaker(engine)
    rikke = add_counsellor(sessions, "rikke@aarhus.dk", "Aarhus Kommune")
    handoff_id, conversation = waiting_handoff(sessions, keys)
    engine.dispose()
    with httpx.Client(base_url=url_b) as client:
        token: str = console_tokens(client, email=rikke.email)["access_token"]  # type: ignore[arg-type]
        claimed = client.post(f"/api/v1/queue/{handoff_id}/claim", headers=bearer(token))
        assert claimed.status_code == 200, claimed.text

    youth = WebchatClient(url_a)
    await youth.connect(conversation)
    console = ConsoleClient(url_b)
    await console.connect(token)
    try:
        ack = await youth.sio.call(
            "user_uttered", {"message": "hej fra proces A", "session_id": conversation}
        )
        assert ack == {"ok": True, "stored": True, "duplicate": False}
        try:
            got_counsellor = (await console.next("youth_message", timeout=5))["text"]
        except TimeoutError:
            got_counsellor = ""
        ack = await console.call(
            "counsellor_message", {"handoff_id": handoff_id, "text": "hej fra proces B"}
        )
        assert ack["ok"] is True
        try:
            got_youth = (await asyncio.wait_for(youth.inbox.get(), timeout=5))["text"]
        except TimeoutError:
            got_youth = ""
        return got_youth, got_counsellor
    finally:
        await youth.close()
        await console.close()


async def test_youth_on_one_process_and_counsellor_on_another_chat_through_redis(
    tmp_path: Path,
) -> None:
    if not redis_is_up():
        pytest.fail(f"Redis must be running at {REDIS_URL} for this test")
    keys = KeyRing.generate()
    with two_apis(tmp_path, keys, REDIS_URL) as (url_a, url_b):
        got_youth, got_counsellor = await exchange(url_a, url_b, tmp_path, keys)
    assert got_counsellor == "hej fra proces A"
    assert got_youth == "hej fra proces B"


async def test_without_redis_the_processes_do_not_share_rooms(tmp_path: Path) -> None:
    keys = KeyRing.generate()
    with two_apis(tmp_path, keys, "") as (url_a, url_b):
        got_youth, got_counsellor = await exchange(url_a, url_b, tmp_path, keys)
    assert (got_youth, got_counsellor) == ("", "")
