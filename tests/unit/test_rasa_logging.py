"""Rasa's REST channel must not log a youth's message when the api abandons a turn."""

import os
import socket
import subprocess
import uuid
from pathlib import Path

from tests.support.stack import PROJECT_ROOT, rasa_command

PROBE = PROJECT_ROOT / "tests" / "support" / "rasa_rest_cancel_probe.py"
RASA_PYTHON = PROJECT_ROOT / ".venv-rasa" / "bin" / "python"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def _rasa_log_of_an_abandoned_turn(canary: str, *logging_config: str) -> str:
    # -I: the probe's folder must not shadow the standard library (tests/support/queue.py).
    result = subprocess.run(
        [str(RASA_PYTHON), "-I", str(PROBE), str(_free_port()), canary, *logging_config],
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
        # Sanic reads SANIC_* settings from the environment (the action server sets one).
        env={
            **{k: v for k, v in os.environ.items() if not k.startswith("SANIC_")},
            "RASA_TELEMETRY_ENABLED": "false",  # as rasa_env() runs Rasa: no phoning home
        },
    )
    return result.stdout + result.stderr


def test_an_abandoned_turn_logs_no_message_text_with_the_projects_logging_config() -> None:
    canary = f"kanariefugl{uuid.uuid4().hex}"
    # Without the config, Rasa logs the text ("rest.message.received.timeout"): the probe
    # really reaches that path, so the check below can fail.
    assert canary in _rasa_log_of_an_abandoned_turn(canary)
    log = _rasa_log_of_an_abandoned_turn(canary, "bot/logging.yml")
    assert canary not in log
    assert "control line from another rasa logger" in log  # other errors still logged


def test_every_rasa_command_uses_the_logging_config_and_its_own_log_level() -> None:
    procfile = (PROJECT_ROOT / "Procfile").read_text(encoding="utf-8")
    rasa_line = next(line for line in procfile.splitlines() if line.startswith("rasa:"))
    assert "--logging-config-file bot/logging.yml" in rasa_line
    # The app's LOG_LEVEL=DEBUG must not turn on Rasa's debug log, which holds message text.
    assert 'LOG_LEVEL="${RASA_LOG_LEVEL:-INFO}"' in rasa_line
    command = rasa_command(Path("model.tar.gz"), 5005)
    assert command[command.index("--logging-config-file") + 1] == "bot/logging.yml"
