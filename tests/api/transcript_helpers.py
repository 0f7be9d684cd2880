"""Shared bits of the storage tests: a stand-in anonymiser and a unique profile id."""

import re
import subprocess
import uuid
from pathlib import Path

_CPR = re.compile(r"\b\d{6}-?\d{4}\b")


def stand_in_anonymiser(text: str) -> str:
    """NOT the Danish anonymiser (privacy.anonymiser, built separately): only CPR numbers, so
    the storage tests can see that `append` stores the anonymised text."""
    return _CPR.sub("[CPR]", text)


def new_profile_id() -> str:
    return uuid.uuid4().hex


def sqlite_file_bytes(db_path: str) -> bytes:
    """Everything SQLite keeps on disk for a database: main file, WAL and shared memory."""
    out = b""
    for suffix in ("", "-wal", "-shm", "-journal"):
        path = Path(db_path + suffix)
        if path.exists():
            out += path.read_bytes()
    return out


def pg_dump(database: str) -> bytes:
    return subprocess.run(
        ["pg_dump", "-h", "127.0.0.1", "-U", "postgres", database],
        check=True,
        capture_output=True,
        timeout=60,
    ).stdout
