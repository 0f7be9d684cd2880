"""The problem tagger as the tag action sees it: loaded once per version, never fatal.

If no trained tagger is available the action still hands off, with no tags and
`status="unavailable"`, so a counsellor sees the handoff is untagged rather than "no problem".
A retrained or rolled-back model is picked up without restarting the server (`LiveTagger`).
"""

import logging
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any, Protocol

from actions.metrics import TAGGER_LATENCY, TAGGER_MODEL, TAGGER_UNAVAILABLE

logger = logging.getLogger(__name__)

STATUS_OK = "ok"
STATUS_UNAVAILABLE = "unavailable"


@dataclass(frozen=True)
class TagResult:
    status: str
    tags: list[str] = field(default_factory=list)
    scores: dict[str, float] = field(default_factory=dict)
    crisis: bool = False
    model_version: str | None = None


class _Predictor(Protocol):
    version: str

    def predict(self, texts: list[str]) -> list[Any]: ...


@lru_cache(maxsize=1)
def _live_tagger() -> Any:
    try:
        from tagging.live import LiveTagger
    except ImportError:
        logger.warning("tagging library not installed; handoffs go untagged")
        return None
    return LiveTagger()


def _current_tagger() -> _Predictor | None:
    live = _live_tagger()
    if live is None:
        return None
    tagger: _Predictor | None = live.get()
    return tagger


def tag_text(text: str) -> TagResult:
    tagger = _current_tagger()
    if tagger is None or not text.strip():
        if tagger is None:
            TAGGER_UNAVAILABLE.inc()
        return TagResult(status=STATUS_UNAVAILABLE)
    try:
        with TAGGER_LATENCY.time():
            prediction = tagger.predict([text])[0]
    except Exception as exc:  # never fatal: the youth is handed off untagged, not dropped
        # The type only: a message or traceback could carry the youth's text.
        logger.error("tagger %s failed: %s", tagger.version, type(exc).__name__)
        TAGGER_UNAVAILABLE.inc()
        return TagResult(status=STATUS_UNAVAILABLE)
    TAGGER_MODEL.info({"version": tagger.version})
    return TagResult(
        status=STATUS_OK,
        tags=list(prediction.tags),
        scores={tag: float(score) for tag, score in prediction.scores.items()},
        crisis=bool(prediction.crisis),
        model_version=tagger.version,
    )


def warm_up() -> None:
    """Load the model at server start so the first youth does not wait for it."""
    _current_tagger()
