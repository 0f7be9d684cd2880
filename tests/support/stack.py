"""Starts the real product (Rasa, action server, api) as subprocesses for end-to-end tests.

Each process gets free ports, a throwaway SQLite database and its own log file, so a test can
read every line the run wrote. Used once per test session (Rasa takes ~10-40 s to load).
"""

import os
import secrets
import signal
import socket
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import httpx

PROJECT_ROOT = Path(__file__).resolve().parents[2]
START_TIMEOUT_SECONDS = 240


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@dataclass
class Stack:
    workdir: Path
    api_url: str
    rasa_url: str  # the first Rasa process
    action_url: str
    database_url: str
    env: dict[str, str]
    key_ring_file: Path | None = None
    rasa_urls: list[str] = field(default_factory=list)  # every Rasa process, in RASA_URLS order
    processes: dict[str, subprocess.Popen[bytes]] = field(default_factory=dict)

    @property
    def log_dir(self) -> Path:
        return self.workdir / "logs"

    def logs(self) -> str:
        return "\n".join(p.read_text(errors="replace") for p in sorted(self.log_dir.glob("*.log")))

    def start(self, name: str, command: list[str], env: dict[str, str] | None = None) -> None:
        """Start `command` as `name`; `env` overrides some of the stack's variables."""
        log = (self.log_dir / f"{name}.log").open("ab")
        self.processes[name] = subprocess.Popen(
            command,
            cwd=PROJECT_ROOT,
            env={**self.env, **(env or {})},
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # own process group: stop() also ends worker children
        )

    def stop(self, name: str) -> None:
        process = self.processes.pop(name, None)
        if process is None or process.poll() is not None:
            return
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()

    def stop_all(self) -> None:
        for name in list(self.processes):
            self.stop(name)

    def wait_healthy(
        self,
        timeout: float = START_TIMEOUT_SECONDS,
        *,
        answering: bool = False,
        api_url: str | None = None,
    ) -> None:
        """Until /healthz of the api (or of `api_url`) says 200, or with `answering`, until it
        answers at all."""
        deadline = time.monotonic() + timeout
        last = ""
        while time.monotonic() < deadline:
            for name, process in self.processes.items():
                if process.poll() is not None:
                    raise RuntimeError(
                        f"{name} exited with {process.returncode}:\n{self.logs()[-3000:]}"
                    )
            try:
                response = httpx.get(f"{api_url or self.api_url}/healthz", timeout=3)
                if response.status_code == 200 or answering:
                    return
                last = response.text
            except httpx.HTTPError as exc:
                last = type(exc).__name__
            time.sleep(1)
        raise RuntimeError(f"stack not healthy after {timeout} s: {last}\n{self.logs()[-3000:]}")


def ensure_tagger() -> None:
    """The product's tagger model under models/tagger (trained once if missing, ~15 s)."""
    subprocess.run(
        [str(PROJECT_ROOT / ".venv" / "bin" / "intake"), "tagger", "train", "--if-missing"],
        cwd=PROJECT_ROOT,
        check=True,
        capture_output=True,
    )


def rasa_model() -> Path:
    """The cached model for the current bot inputs (trains only if the inputs changed)."""
    output = subprocess.run(
        [str(PROJECT_ROOT / ".venv" / "bin" / "intake"), "bot", "train"],
        cwd=PROJECT_ROOT,
        check=True,
        capture_output=True,
        text=True,
    )
    return Path(output.stdout.strip().splitlines()[-1])


def rasa_command(model: Path, port: int, api_token: str | None = None) -> list[str]:
    command = [
        str(PROJECT_ROOT / ".venv-rasa" / "bin" / "rasa"), "run",
        "--model", str(model),
        "--interface", "127.0.0.1",
        "--port", str(port),
        "--endpoints", "bot/endpoints.yml",
        "--credentials", "bot/credentials.yml",
        "--logging-config-file", "bot/logging.yml",
    ]  # fmt: skip
    if api_token is not None:
        # Only for tests that read trackers; the product never enables Rasa's HTTP API.
        # One argv item with "=": a random token may start with "-" (1 in 64 for
        # token_urlsafe), which argparse would otherwise read as an option.
        command += ["--enable-api", f"--auth-token={api_token}"]
    return command


def _generate_key_ring(key_ring_file: Path) -> None:
    subprocess.run(
        [str(PROJECT_ROOT / ".venv" / "bin" / "intake"), "keys", "generate",
         "--file", str(key_ring_file)],
        cwd=PROJECT_ROOT, check=True, capture_output=True,
    )  # fmt: skip


def api_command(port: int) -> list[str]:
    return [
        str(PROJECT_ROOT / ".venv" / "bin" / "uvicorn"), "--factory", "api.main:app",
        "--host", "127.0.0.1", "--port", str(port), "--no-access-log",
    ]  # fmt: skip


@contextmanager
def running_api(workdir: Path, *, database_url: str) -> Iterator[Stack]:
    """The api process alone (no Rasa, no action server): for the relay phase."""
    api_port = free_port()
    key_ring_file = workdir / "keyring.json"
    _generate_key_ring(key_ring_file)
    env = dict(os.environ)
    env.pop("KEY_RING", None)
    env.update(
        KEY_RING_FILE=str(key_ring_file),
        OAUTH_SIGNING_KEY_FILE=str(workdir / "oauth" / "signing-key.pem"),
        DATABASE_URL=database_url,
        PUBLIC_BASE_URL=f"http://127.0.0.1:{api_port}",
        RASA_URL="http://127.0.0.1:9",
        ACTION_SERVER_URL="http://127.0.0.1:9",
        RETENTION_JOB_ENABLED="false",
        LOG_LEVEL="WARNING",
    )
    stack = Stack(
        workdir=workdir,
        api_url=f"http://127.0.0.1:{api_port}",
        rasa_url="http://127.0.0.1:9",
        action_url="http://127.0.0.1:9",
        database_url=database_url,
        env=env,
        key_ring_file=key_ring_file,
    )
    stack.log_dir.mkdir(parents=True, exist_ok=True)
    try:
        stack.start("api", api_command(api_port))
        stack.wait_healthy(answering=True)
        yield stack
    finally:
        stack.stop_all()


@contextmanager
def running_stack(
    workdir: Path,
    extra_env: dict[str, str] | None = None,
    *,
    rasa_processes: int = 1,
    rasa_api_token: str | None = None,
) -> Iterator[Stack]:
    """`rasa_processes` Rasa servers sharing one model, the api routing between them."""
    model = rasa_model()
    ensure_tagger()
    api_port, action_port = free_port(), free_port()
    rasa_ports = [free_port() for _ in range(rasa_processes)]
    rasa_urls = [f"http://127.0.0.1:{port}" for port in rasa_ports]
    database_url = f"sqlite:///{workdir / 'intake.db'}"
    env = dict(os.environ)
    env.pop("KEY_RING", None)
    key_ring_file = workdir / "keyring.json"
    _generate_key_ring(key_ring_file)
    env.update(
        KEY_RING_FILE=str(key_ring_file),
        ACTION_CLIENT_ID="intake-actions",
        ACTION_CLIENT_SECRET=secrets.token_urlsafe(32),
        OAUTH_SIGNING_KEY_FILE=str(workdir / "oauth" / "signing-key.pem"),
        DATABASE_URL=database_url,
        API_URL=f"http://127.0.0.1:{api_port}",
        PUBLIC_BASE_URL=f"http://127.0.0.1:{api_port}",
        RASA_URL=rasa_urls[0],
        RASA_URLS=",".join(rasa_urls),
        ACTION_SERVER_URL=f"http://127.0.0.1:{action_port}",
        ACTION_SERVER_PORT=str(action_port),
        ACTION_ENDPOINT_URL=f"http://127.0.0.1:{action_port}/webhook",
        RASA_TELEMETRY_ENABLED="false",
        TF_CPP_MIN_LOG_LEVEL="2",
        # As the Procfile runs Rasa (RASA_TF_THREADS in scripts/local_env.sh).
        TF_INTER_OP_PARALLELISM_THREADS="1",
        TF_INTRA_OP_PARALLELISM_THREADS="1",
        OMP_NUM_THREADS="1",
        LOG_LEVEL="INFO",
    )
    env.update(extra_env or {})
    stack = Stack(
        workdir=workdir,
        api_url=f"http://127.0.0.1:{api_port}",
        rasa_url=rasa_urls[0],
        rasa_urls=rasa_urls,
        action_url=f"http://127.0.0.1:{action_port}",
        database_url=database_url,
        env=env,
        key_ring_file=key_ring_file,
    )
    stack.log_dir.mkdir(parents=True, exist_ok=True)
    venv = PROJECT_ROOT / ".venv" / "bin"
    # The action server's OAuth client, as `make run` provisions it (idempotent).
    with (stack.log_dir / "provision.log").open("ab") as provision_log:
        subprocess.run(
            [str(venv / "intake"), "clients", "provision"],
            cwd=PROJECT_ROOT,
            env=env,
            check=True,
            stdout=provision_log,
            stderr=subprocess.STDOUT,
        )
    try:
        for index, port in enumerate(rasa_ports):
            name = "rasa" if index == 0 else f"rasa{index + 1}"
            stack.start(name, rasa_command(model, port, rasa_api_token))
        stack.start("actions", [str(venv / "python"), "-m", "actions.server"])
        stack.start("api", api_command(api_port))
        stack.wait_healthy()
        yield stack
    finally:
        stack.stop_all()
