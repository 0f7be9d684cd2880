"""`intake keys generate|status|rotate|rewrap|retire` against a real SQLite database."""

import base64
import stat
from pathlib import Path

from sqlalchemy import select
from typer.testing import CliRunner

from api.db.models_profiles import ProfileKey
from api.services import transcripts
from intake.cli import app
from privacy.crypto import KeyRing, read_key_ring_file
from tests.api.transcript_helpers import new_profile_id
from tests.db_fixtures import Db

runner = CliRunner()


def _keys(*args: str) -> tuple[int, str]:
    result = runner.invoke(app, ["keys", *args])
    return result.exit_code, result.output


def test_generate_writes_0600_and_refuses_to_overwrite(tmp_path: Path) -> None:
    path = tmp_path / "var" / "keyring.json"
    code, first_out = _keys("generate", "--file", str(path))
    assert code == 0
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    content = path.read_bytes()
    code, out = _keys("generate", "--file", str(path))
    assert code == 1
    assert "refusing to overwrite" in out
    code, _ = _keys("generate", "--file", str(path), "--if-missing")
    assert code == 0
    assert path.read_bytes() == content
    ring = read_key_ring_file(path)
    key = ring.active().key
    assert ring.active().id in first_out  # the output names the key ...
    for shown in (first_out, out):  # ... and never shows it, in any encoding
        assert key.hex() not in shown and base64.b64encode(key).decode() not in shown


def test_rotate_then_retire(sqlite_db: Db, tmp_path: Path) -> None:
    path = tmp_path / "keyring.json"
    assert _keys("generate", "--file", str(path))[0] == 0
    first = read_key_ring_file(path)
    pids = [new_profile_id() for _ in range(12)]
    with sqlite_db.sessions.begin() as session:
        for pid in pids:
            transcripts.append(session, pid, "ungdom", "hej", keys=first, anonymise=str.strip)

    # The active KEK cannot be retired.
    code, out = _keys(
        "retire", first.active().id, "--file", str(path), "--database-url", sqlite_db.url
    )
    assert code == 1
    assert "active key" in out

    db = ["--file", str(path), "--database-url", sqlite_db.url]
    code, out = _keys("rotate", *db, "--batch-size", "5", "--settle-seconds", "0")
    assert code == 0, out
    assert "12 data keys re-wrapped" in out
    second = read_key_ring_file(path)
    assert second.active().version == 2

    # A straggler wrapped by the old KEK (an api that had not yet seen the new ring).
    straggler = new_profile_id()
    with sqlite_db.sessions.begin() as session:
        transcripts.append(session, straggler, "bot", "hej", keys=first, anonymise=str.strip)
    code, out = _keys("retire", first.active().id, *db)
    assert code == 1
    assert "1 data keys are still wrapped" in out
    assert len(read_key_ring_file(path)) == 2

    assert _keys("rewrap", *db, "--settle-seconds", "0")[0] == 0
    code, out = _keys("retire", first.active().id, *db)
    assert code == 0, out
    final = read_key_ring_file(path)
    assert [k.id for k in final] == [second.active().id]
    assert stat.S_IMODE(path.stat().st_mode) == 0o600

    code, out = _keys("status", *db)
    assert code == 0
    with sqlite_db.sessions() as session:
        assert set(session.scalars(select(ProfileKey.kek_id))) == {second.active().id}
        for pid in [*pids, straggler]:
            assert transcripts.read(session, pid, keys=final)[0].text == "hej"


def test_rotate_reports_keys_it_cannot_unwrap(sqlite_db: Db, tmp_path: Path) -> None:
    path = tmp_path / "keyring.json"
    assert _keys("generate", "--file", str(path))[0] == 0
    with sqlite_db.sessions.begin() as session:
        transcripts.append(
            session, new_profile_id(), "ungdom", "x", keys=KeyRing.generate(), anonymise=str.strip
        )
    code, out = _keys(
        "rotate", "--file", str(path), "--database-url", sqlite_db.url, "--settle-seconds", "0"
    )
    assert code == 1
    assert "could not be unwrapped" in out
