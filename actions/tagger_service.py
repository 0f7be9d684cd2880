"""The problem tagger as the tag action sees it: loaded once, never fatal.

If no trained tagger is available the action still hands off, with no tags and
`status="unavailable"`, so a counsellor sees the handoff is untagged rather than "no problem".
"""

import logging
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any, Protocol

from actions.metrics import TAGGER_LATENCY

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
def _load_tagger() -> _Predictor | None:
    try:
        from tagging.predictor import load_current
    except ImportError:
        logger.warning("tagging library not installed; handoffs go untagged")
        return None
    try:
        tagger: _Predictor = load_current()
    except Exception as exc:  # any load failure must degrade to untagged, never crash a turn
        logger.warning("no usable tagger model (%s); handoffs go untagged", type(exc).__name__)
        return None
    logger.info("tagger model %s loaded", tagger.version)
    return tagger


def tag_text(text: str) -> TagResult:
    tagger = _load_tagger()
    if tagger is None or not text.strip():
        return TagResult(status=STATUS_UNAVAILABLE)
    with TAGGER_LATENCY.time():
        prediction = tagger.predict([text])[0]
    return TagResult(
        status=STATUS_OK,
        tags=list(prediction.tags),
        scores={tag: float(score) for tag, score in prediction.scores.items()},
        crisis=bool(prediction.crisis),
        model_version=tagger.version,
    )


def warm_up() -> None:
    """Load the model at server start so the first youth does not wait for it."""
    _load_tagger()
