"""The key-ring file: created 0600 and never overwritten in place, and a reader that notices
when an operator rotates or retires keys while the api runs."""

import contextlib
import logging
import os
import stat
import tempfile
import threading
import time
from pathlib import Path

from privacy.crypto.errors import KeyRingError, UnknownKeyError
from privacy.crypto.keyring import Kek, KeyRing

logger = logging.getLogger(__name__)


def read_key_ring_file(path: Path) -> KeyRing:
    where = f"KEY_RING_FILE {path}"
    try:
        mode = path.stat().st_mode
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise KeyRingError(
            f"{where} does not exist (create one with `intake keys generate --file {path}`)"
        ) from None
    except OSError as exc:
        raise KeyRingError(f"{where} cannot be read ({exc.strerror})") from None
    if mode & (stat.S_IRWXG | stat.S_IRWXO):
        logger.warning("key-ring file %s is readable by group or others; chmod 600 it", path)
    return KeyRing.from_json(text, where)


def create_key_ring_file(path: Path, ring: KeyRing) -> None:
    """Write a new file with mode 0600; refuses (FileExistsError) if anything is there."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(ring.to_json())
        handle.flush()
        os.fsync(handle.fileno())


def replace_key_ring_file(path: Path, ring: KeyRing) -> None:
    """Atomically replace an existing key-ring file (temp file 0600 + rename), so a reader
    sees either the old ring or the new one, never half a file."""
    fd, tmp = tempfile.mkstemp(prefix=".keyring-", dir=path.parent)
    try:
        os.fchmod(fd, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(ring.to_json())
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise


class ReloadingKeyRing:
    """A KeyProvider backed by the key-ring file, re-read when the file changes.

    `intake keys rotate` rewrites the file while the api runs: the api must start wrapping new
    data keys with the new active KEK within about `check_interval` seconds, and must be able to
    unwrap data keys already re-wrapped by the new KEK (an unknown id forces a re-read).
    """

    def __init__(self, path: Path, check_interval: float = 1.0) -> None:
        self.path = path
        self.check_interval = check_interval
        self._lock = threading.Lock()
        self._ring = read_key_ring_file(path)
        self._signature = self._stat_signature()
        self._checked_at = time.monotonic()

    def _stat_signature(self) -> tuple[int, int, int]:
        st = self.path.stat()
        return (st.st_mtime_ns, st.st_size, st.st_ino)

    def _refresh(self, force: bool) -> KeyRing:
        now = time.monotonic()
        if not force and now - self._checked_at < self.check_interval:
            return self._ring
        with self._lock:
            self._checked_at = now
            try:
                signature = self._stat_signature()
                if signature != self._signature:
                    self._ring = read_key_ring_file(self.path)
                    self._signature = signature
                    logger.info("key ring reloaded; active KEK %s", self._ring.active().id)
            except (OSError, KeyRingError):
                # Keep serving the last good ring: a half-edited file must not stop the api.
                logger.exception("key-ring file unreadable; keeping the previous ring")
            return self._ring

    def active(self) -> Kek:
        return self._refresh(force=False).active()

    def get(self, kek_id: str) -> Kek:
        try:
            return self._refresh(force=False).get(kek_id)
        except UnknownKeyError:
            return self._refresh(force=True).get(kek_id)

    def snapshot(self) -> KeyRing:
        return self._refresh(force=True)
