"""The current tagger for a long-running process: follows `current` without a restart.

The action server keeps its tagger loaded, while analysts retrain (`intake tagger train`) and
roll back (`intake tagger use`) under it. Each call reads the `current` pointer (one small
file, ~20 µs against ~2 ms for a prediction). When the pointer names another version, that
version loads in a background thread while the loaded one keeps answering, so no youth waits
for a load, and a version that fails to load never replaces one that works. With no model
loaded yet, the caller loads it and waits (about a second): a crisis must not go untagged
for want of that second. A version that failed is tried again after `retry_seconds`, so a
model trained after the server started is picked up without a restart.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from pathlib import Path

from tagging.predictor import Tagger, load_version
from tagging.store import ArtefactError, default_model_dir, read_current

logger = logging.getLogger(__name__)

RETRY_SECONDS = 30.0


class LiveTagger:
    """Hands out the tagger version `current` names, loading a new one when it changes."""

    def __init__(
        self,
        model_dir: Path | None = None,
        *,
        retry_seconds: float = RETRY_SECONDS,
        clock: Callable[[], float] = time.monotonic,
        load: Callable[[Path], Tagger] = load_version,
    ) -> None:
        self._root = model_dir if model_dir is not None else default_model_dir()
        self._retry_seconds = retry_seconds
        self._clock = clock
        self._load_version = load
        self._tagger: Tagger | None = None
        self._failed_at: dict[str, float] = {}
        self._load_lock = threading.Lock()
        self._start_lock = threading.Lock()
        self._loader: threading.Thread | None = None
        self._warned_missing = False
        self._warned_unreadable = False

    def get(self) -> Tagger | None:
        """The loaded tagger (None if there is none yet), after noticing a new `current`."""
        tagger = self._tagger
        wanted = self._wanted()
        if wanted is None or (tagger is not None and tagger.version == wanted):
            return tagger
        if self._failed_recently(wanted):
            return tagger
        if tagger is None:
            self._load(wanted)
            return self._tagger
        self._load_in_background(wanted)
        return tagger

    def wait(self, timeout: float | None = None) -> None:
        """Block until a background load has finished (tests, orderly shutdown)."""
        loader = self._loader
        if loader is not None:
            loader.join(timeout)

    def _wanted(self) -> str | None:
        try:
            version = read_current(self._root)
        except (OSError, ValueError, ArtefactError) as exc:  # unreadable: keep what is loaded
            if not self._warned_unreadable:  # once, not once per message
                self._warned_unreadable = True
                logger.warning("cannot read the current tagger pointer (%s)", type(exc).__name__)
            return None
        self._warned_unreadable = False
        if version is None and self._tagger is None and not self._warned_missing:
            self._warned_missing = True
            logger.warning("no current tagger model in %s; handoffs go untagged", self._root)
        return version

    def _failed_recently(self, version: str) -> bool:
        failed_at = self._failed_at.get(version)
        return failed_at is not None and self._clock() - failed_at < self._retry_seconds

    def _load_in_background(self, version: str) -> None:
        with self._start_lock:
            if self._loader is not None and self._loader.is_alive():
                return
            self._loader = threading.Thread(
                target=self._load, args=(version,), name="tagger-load", daemon=True
            )
            self._loader.start()

    def _load(self, version: str) -> None:
        with self._load_lock:
            previous = self._tagger
            if (previous is not None and previous.version == version) or self._failed_recently(
                version
            ):
                return  # another caller got here first
            try:
                tagger = self._load_version(self._root / version)
                # The first prediction in a process builds spaCy's tokenizer (~0.5 s); pay it
                # here rather than in a youth's turn.
                tagger.predict(["hej"])
            except Exception as exc:  # a broken version must never take down a working one
                self._failed_at[version] = self._clock()
                logger.warning(
                    "tagger version %s could not be loaded (%s: %s); %s",
                    version,
                    type(exc).__name__,
                    exc,
                    "keeping " + previous.version if previous else "handoffs go untagged",
                )
                return
            self._failed_at.pop(version, None)
            self._tagger = tagger
            self._warned_missing = False
            logger.info(
                "tagger version %s loaded (was %s)",
                version,
                previous.version if previous else "none",
            )
