"""The api alone as a real process (uvicorn, its own SQLite file and key ring), which a test
may kill with SIGKILL and start again on the same database: no Rasa, no action server (the
conversation is in the counsellor relay phase, which needs neither)."""

import os
import signal
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx

from tests.support.stack import PROJECT_ROOT, Stack, free_port

UNREACHABLE = "http://127.0.0.1:9"  # discard port: Rasa and the action server are not needed


class ApiProcess:
    def __init__(self, workdir: Path, extra_env: dict[str, str] | None = None) -> None:
        port = free_port()
        self.url = f"http://127.0.0.1:{port}"
        self.key_ring_file = workdir / "keyring.json"
        self.database_url = f"sqlite:///{workdir / 'intake.db'}"
        subprocess.run(
            [str(PROJECT_ROOT / ".venv" / "bin" / "intake"), "keys", "generate",
             "--file", str(self.key_ring_file)],
            cwd=PROJECT_ROOT, check=True, capture_output=True,
        )  # fmt: skip
        env = dict(os.environ)
        env.pop("KEY_RING", None)
        env.update(
            KEY_RING_FILE=str(self.key_ring_file),
            OAUTH_SIGNING_KEY_FILE=str(workdir / "oauth" / "signing-key.pem"),
            DATABASE_URL=self.database_url,
            PUBLIC_BASE_URL=self.url,
            RASA_URL=UNREACHABLE,
            ACTION_SERVER_URL=UNREACHABLE,
            RETENTION_JOB_ENABLED="false",
            LOG_LEVEL="INFO",
        )
        env.update(extra_env or {})
        self.stack = Stack(
            workdir=workdir,
            api_url=self.url,
            rasa_url=UNREACHABLE,
            action_url=UNREACHABLE,
            database_url=self.database_url,
            env=env,
            key_ring_file=self.key_ring_file,
        )
        self.stack.log_dir.mkdir(parents=True, exist_ok=True)
        self.command = [
            str(PROJECT_ROOT / ".venv" / "bin" / "uvicorn"), "--factory", "api.main:app",
            "--host", "127.0.0.1", "--port", str(port), "--no-access-log",
        ]  # fmt: skip

    def start(self, timeout: float = 60) -> None:
        """Start and wait until the api answers with its database up (Rasa is down on
        purpose, so /healthz says "degraded")."""
        self.stack.start("api", self.command)
        process = self.stack.processes["api"]
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if process.poll() is not None:
                raise RuntimeError(f"api exited with {process.returncode}:\n{self.logs()}")
            try:
                body = httpx.get(f"{self.url}/healthz", timeout=3).json()
                if body["components"]["database"]["ok"]:
                    return
            except (httpx.HTTPError, ValueError, KeyError):
                pass
            time.sleep(0.2)
        raise RuntimeError(f"api not up after {timeout} s:\n{self.logs()}")

    def freeze(self) -> None:
        """SIGSTOP: the connections stay open, but nothing is read or answered (a hung
        process); what a client sends now sits unread in a socket buffer until the kill."""
        os.killpg(self.stack.processes["api"].pid, signal.SIGSTOP)

    def kill(self) -> None:
        """SIGKILL: no shutdown handler, no flush, no goodbye to the sockets."""
        process = self.stack.processes.pop("api")
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=10)
        assert process.returncode == -signal.SIGKILL

    def logs(self) -> str:
        return self.stack.logs()[-3000:]

    def stop(self) -> None:
        self.stack.stop_all()


@contextmanager
def api_process(workdir: Path, extra_env: dict[str, str] | None = None) -> Iterator[ApiProcess]:
    api = ApiProcess(workdir, extra_env)
    api.start()
    try:
        yield api
    finally:
        api.stop()
