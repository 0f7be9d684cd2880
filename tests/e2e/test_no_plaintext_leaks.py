"""A canary in a youth's messages must appear in no log line and no file the run wrote."""

import time
import uuid
from pathlib import Path

import pytest

from tests.support.stack import PROJECT_ROOT, Stack
from tests.support.webchat_client import WebchatClient, texts

pytestmark = [pytest.mark.e2e, pytest.mark.asyncio(loop_scope="session")]

SKIP_DIRS = {".git", ".venv", ".venv-rasa", "node_modules", ".mypy_cache", ".ruff_cache"}
MAX_FILE_BYTES = 200 * 1024 * 1024


def _files_written_since(root: Path, since: float) -> list[Path]:
    found = []
    for path in root.rglob("*"):
        if any(part in SKIP_DIRS for part in path.relative_to(root).parts):
            continue
        try:
            stat = path.stat()
        except OSError:
            continue
        if path.is_file() and stat.st_mtime >= since and stat.st_size < MAX_FILE_BYTES:
            found.append(path)
    return found


async def test_canary_in_messages_reaches_no_log_and_no_file(stack: Stack) -> None:
    started = time.time() - 1
    canary = f"kanariefugl{uuid.uuid4().hex}"
    client = WebchatClient(stack.api_url)
    await client.connect()
    try:
        await client.say(f"hej {canary}")
        await client.say("/consent_yes")
        await client.say("andet")
        await client.say("17")
        replies = await client.say(f"jeg er ked af det {canary} og min CPR er 010203-1234")
        assert "rådgiver" in texts(replies)
        await client.say(f"er der nogen {canary}")
    finally:
        await client.close()

    needles = [canary.encode(), b"010203-1234"]
    assert canary not in stack.logs()
    written = _files_written_since(PROJECT_ROOT, started) + _files_written_since(
        stack.workdir, started
    )
    # WAL mode: fresh writes land in intake.db-wal first.
    assert any(p.name.startswith("intake.db") for p in written), "the database was not written"
    leaks = [str(p) for p in written if any(n in p.read_bytes() for n in needles)]
    assert leaks == []
