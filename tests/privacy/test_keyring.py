"""Key ring: parsing, weak-key refusal, files (0600, no overwrite), reload on rotation."""

import base64
import json
import os
import secrets
import stat
from pathlib import Path

import pytest

from privacy.crypto import (
    KeyRing,
    KeyRingError,
    ReloadingKeyRing,
    UnknownKeyError,
    create_key_ring_file,
    read_key_ring_file,
    replace_key_ring_file,
)


def _ring_json(key: bytes, kek_id: str = "kek-1", version: int = 1) -> str:
    return json.dumps(
        {
            "active": kek_id,
            "keys": {kek_id: {"version": version, "key": base64.b64encode(key).decode()}},
        }
    )


def test_json_round_trip() -> None:
    ring = KeyRing.generate().with_new_active()
    again = KeyRing.from_json(ring.to_json(), "test")
    assert [(k.id, k.version, k.key) for k in again] == [(k.id, k.version, k.key) for k in ring]
    assert again.active().id == ring.active().id


def test_to_json_is_readable_by_hand() -> None:
    doc = json.loads(KeyRing.generate().to_json())
    assert doc["format"] == "ung-intake-keyring/1"
    (entry,) = doc["keys"].values()
    assert len(base64.b64decode(entry["key"])) == 32


@pytest.mark.parametrize(
    ("key", "reason"),
    [
        (bytes(32), "not random"),
        (b"\xff" * 32, "not random"),
        (secrets.token_bytes(16), "exactly 32 bytes"),
        (secrets.token_bytes(31), "exactly 32 bytes"),
        (b"changeme" * 4, "well-known default"),
        (bytes(range(32)), "well-known default"),
        (b"my-very-secret-passphrase-123456", "looks like text"),
        (bytes([1, 2, 3, 4]) * 8, "not random"),
    ],
)
def test_weak_keys_are_refused_without_showing_them(key: bytes, reason: str) -> None:
    with pytest.raises(KeyRingError, match=reason) as info:
        KeyRing.from_json(_ring_json(key), "KEY_RING")
    assert "KEY_RING" in str(info.value)
    assert base64.b64encode(key).decode() not in str(info.value)


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("", "not valid JSON"),
        ("[]", "JSON object"),
        ('{"keys": {}}', "needs 'active'"),
        ('{"active": "a", "keys": {}}', "no keys"),
        ('{"active": "a", "keys": {"a": "abc"}}', "version"),
        ('{"active": "a", "keys": {"a": {"version": 1, "key": "!!!"}}}', "base64|32 bytes"),
        ('{"format": "other/9", "active": "a", "keys": {}}', "unknown format"),
    ],
)
def test_malformed_rings_are_refused(text: str, reason: str) -> None:
    with pytest.raises(KeyRingError, match=reason):
        KeyRing.from_json(text, "KEY_RING")


def test_active_must_exist_and_versions_and_keys_be_unique() -> None:
    key = secrets.token_bytes(32)
    with pytest.raises(KeyRingError, match="active key"):
        KeyRing.from_json(_ring_json(key).replace('"active": "kek-1"', '"active": "nope"'), "x")
    keys: dict[str, dict[str, object]] = {
        "a": {"version": 1, "key": base64.b64encode(key).decode()},
        "b": {"version": 1, "key": base64.b64encode(secrets.token_bytes(32)).decode()},
    }
    doc = {"active": "a", "keys": keys}
    with pytest.raises(KeyRingError, match="unique version"):
        KeyRing.from_json(json.dumps(doc), "x")
    keys["b"] = {"version": 2, "key": base64.b64encode(key).decode()}
    with pytest.raises(KeyRingError, match="reuses the bytes"):
        KeyRing.from_json(json.dumps(doc), "x")


def test_cannot_retire_the_active_key() -> None:
    ring = KeyRing.generate()
    with pytest.raises(KeyRingError, match="active key"):
        ring.without(ring.active().id)
    with pytest.raises(UnknownKeyError):
        ring.without("nope")


def test_generated_rings_differ() -> None:
    assert KeyRing.generate().active().key != KeyRing.generate().active().key


def test_file_is_created_0600_and_never_overwritten(tmp_path: Path) -> None:
    path = tmp_path / "sub" / "keyring.json"
    ring = KeyRing.generate()
    create_key_ring_file(path, ring)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    before = path.read_bytes()
    with pytest.raises(FileExistsError):
        create_key_ring_file(path, KeyRing.generate())
    assert path.read_bytes() == before
    assert read_key_ring_file(path).active().key == ring.active().key


def test_replace_keeps_0600(tmp_path: Path) -> None:
    path = tmp_path / "keyring.json"
    create_key_ring_file(path, KeyRing.generate())
    rotated = read_key_ring_file(path).with_new_active()
    replace_key_ring_file(path, rotated)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert read_key_ring_file(path).active().id == rotated.active().id
    assert [p.name for p in tmp_path.iterdir()] == ["keyring.json"]


def test_missing_file_names_the_setting(tmp_path: Path) -> None:
    with pytest.raises(KeyRingError, match=r"KEY_RING_FILE .* does not exist"):
        read_key_ring_file(tmp_path / "none.json")


def test_reloading_ring_sees_rotation_and_survives_a_broken_file(tmp_path: Path) -> None:
    path = tmp_path / "keyring.json"
    create_key_ring_file(path, KeyRing.generate())
    provider = ReloadingKeyRing(path, check_interval=3600)
    first = provider.active()
    rotated = read_key_ring_file(path).with_new_active()
    replace_key_ring_file(path, rotated)
    # An unknown id forces a re-read at once, whatever the interval.
    assert provider.get(rotated.active().id).key == rotated.active().key
    assert provider.active().id == rotated.active().id
    assert provider.get(first.id).key == first.key
    path.write_text("{ half written")
    os.utime(path, ns=(1, 1))
    assert provider.snapshot().active().id == rotated.active().id
