"""`intake feedback export` when the database or the settings are wrong: a one-line error,
never a traceback, and no database file created by reading."""

from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from api.config import get_settings
from intake.cli import app
from privacy.crypto import KeyRing


@pytest.fixture(autouse=True)
def key_ring(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setenv("KEY_RING", KeyRing.generate().to_json())
    get_settings.cache_clear()
    yield
    get_settings.cache_clear()


def _export(monkeypatch: pytest.MonkeyPatch, database_url: str) -> tuple[int, str]:
    monkeypatch.setenv("DATABASE_URL", database_url)
    get_settings.cache_clear()
    result = CliRunner().invoke(app, ["feedback", "export"])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result.exit_code, result.output


def test_a_missing_sqlite_file_is_named_and_not_created(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    missing = tmp_path / "intake.db"
    code, output = _export(monkeypatch, f"sqlite:///{missing}")
    assert (code, f"no database at {missing}" in output) == (2, True)
    assert not missing.exists()


def test_a_database_without_the_tables_is_a_clear_error(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    import sqlite3

    empty = tmp_path / "other.db"
    sqlite3.connect(empty).close()
    code, output = _export(monkeypatch, f"sqlite:///{empty}")
    assert code == 1 and "no such table" in output, output


def test_an_unreachable_database_is_a_clear_error(monkeypatch: pytest.MonkeyPatch) -> None:
    code, output = _export(monkeypatch, "postgresql+psycopg://nobody:hemmelig@127.0.0.1:9/x")
    assert code == 1 and "cannot read the corrections" in output, output
    assert "hemmelig" not in output


def test_a_url_that_is_not_one_is_named_without_echoing_it(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    code, output = _export(monkeypatch, "hemmelig-not-a-url")
    assert code == 2 and "DATABASE_URL is not a database URL" in output
    assert "hemmelig" not in output


def test_a_bad_setting_is_named_without_its_value() -> None:
    import os
    import subprocess
    import sys

    env = {**os.environ, "AUTO_MIGRATE": "hemmelig"}
    proc = subprocess.run(
        [sys.executable, "-m", "intake", "feedback", "export"],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        check=False,
    )
    assert proc.returncode == 2, proc.stderr
    assert "configuration: AUTO_MIGRATE" in proc.stderr and "Traceback" not in proc.stderr
    assert "hemmelig" not in proc.stderr
