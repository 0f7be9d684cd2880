"""The API the bot's action server calls: load the current model once, then predict in batches.

from tagging.predictor import load_current
tagger = load_current()
[pred] = tagger.predict(["jeg vil bare sove og ikke vågne"])
pred.crisis, pred.tags, pred.scores
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np
from threadpoolctl import ThreadpoolController

from tagging.calibration import Calibration, identity
from tagging.model import COLUMNS, FloatArray, decide, lexicon_matrix, predict_proba
from tagging.store import (
    ArtefactError,
    ModelNotFoundError,
    ModelVersionError,
    check_versions,
    default_model_dir,
    load_model,
    read_current,
    read_metadata,
)
from tagging.taxonomy import CRISIS_TAGS, TAG_IDS

__all__ = [
    "ArtefactError",
    "ModelNotFoundError",
    "ModelVersionError",
    "TagPrediction",
    "Tagger",
    "load_current",
    "load_version",
]

logger = logging.getLogger(__name__)


# Well below the 16,384-entry caches in features/crisis, so a chunk never evicts itself.
_CHUNK = 4096


@lru_cache(maxsize=1)
def _threads() -> ThreadpoolController:
    """Discovering the BLAS/OpenMP libraries costs ~3 ms; do it once, limit per call (~15 µs)."""
    return ThreadpoolController()


@dataclass(frozen=True)
class TagPrediction:
    """Tags for one message, highest probability first; `crisis` if any crisis tag is set."""

    tags: list[str]
    scores: dict[str, float]
    crisis: bool


class Tagger:
    """A loaded tagger version. Thread-safe for prediction (no state changes after init)."""

    def __init__(
        self,
        pipeline: Any,
        thresholds: dict[str, float],
        version: str,
        calibration: Calibration | None = None,
    ) -> None:
        missing = [t for t in COLUMNS if t not in thresholds]
        if missing:
            raise ModelVersionError(
                f"model {version} has no thresholds for {', '.join(missing)}; "
                "retrain with `intake tagger train`"
            )
        self._pipeline = pipeline
        # Artefacts from before calibration keep their scores (and thresholds) as they were.
        self._calibration = calibration if calibration is not None else identity(COLUMNS)
        self._thresholds: FloatArray = np.array([thresholds[t] for t in COLUMNS], dtype=float)
        self.version = version

    @property
    def thresholds(self) -> dict[str, float]:
        return {t: float(v) for t, v in zip(COLUMNS, self._thresholds, strict=True)}

    def predict(self, texts: list[str]) -> list[TagPrediction]:
        """Tags for each text, in order. Large batches are split into chunks that fit the
        normalisation and crisis-rule caches (each text is looked up by several stages)."""
        out: list[TagPrediction] = []
        for start in range(0, len(texts), _CHUNK):
            out.extend(self._predict_chunk(texts[start : start + _CHUNK]))
        return out

    def _predict_chunk(self, texts: list[str]) -> list[TagPrediction]:
        if not texts:
            return []
        with _threads().limit(limits=1):
            probs = self._calibration.apply(predict_proba(self._pipeline, texts))
        decided = decide(probs, self._thresholds, lexicon_matrix(texts))
        rounded = np.round(probs[:, : len(TAG_IDS)], 4).tolist()
        out: list[TagPrediction] = []
        for row, decided_row in zip(rounded, decided.tolist(), strict=True):
            scores = dict(zip(TAG_IDS, row, strict=True))
            tags = [t for t, d in zip(TAG_IDS, decided_row, strict=True) if d]
            tags.sort(key=scores.__getitem__, reverse=True)
            out.append(TagPrediction(tags, scores, not CRISIS_TAGS.isdisjoint(tags)))
        return out


def load_version(version_dir: Path) -> Tagger:
    """Load one version directory, checking library versions before unpickling anything."""
    if not version_dir.is_dir():
        raise ModelNotFoundError(
            f"no tagger model at {version_dir}; train one with `intake tagger train`"
        )
    metadata = read_metadata(version_dir)
    check_versions(metadata, version_dir)
    thresholds = _thresholds(metadata, version_dir)
    calibration = _calibration(metadata, version_dir)
    pipeline = load_model(version_dir)
    logger.info("loaded tagger version %s", version_dir.name)
    return Tagger(pipeline, thresholds, version_dir.name, calibration)


def _thresholds(metadata: dict[str, Any], version_dir: Path) -> dict[str, float]:
    stored = metadata.get("thresholds")
    if not isinstance(stored, dict):
        raise ModelVersionError(
            f"{version_dir}: metadata has no thresholds; retrain with `intake tagger train`"
        )
    thresholds: dict[str, float] = {}
    for tag, value in stored.items():
        # bool is an int to Python; a threshold of `true` is a damaged file, not 1.0.
        if isinstance(value, bool) or not isinstance(value, int | float) or not 0 <= value <= 1:
            raise ModelVersionError(
                f"{version_dir}: metadata has threshold {value!r} for {tag!r} (not a number "
                "from 0 to 1); retrain with `intake tagger train`"
            )
        thresholds[str(tag)] = float(value)
    return thresholds


def _calibration(metadata: dict[str, Any], version_dir: Path) -> Calibration | None:
    stored = metadata.get("calibration")
    if stored is None:  # trained before calibration
        return None
    try:
        return Calibration.from_dict(stored, COLUMNS)
    except (KeyError, TypeError, ValueError) as exc:
        raise ModelVersionError(
            f"{version_dir}: metadata has an unreadable calibration ({exc}); "
            "retrain with `intake tagger train`"
        ) from exc


def load_current(model_dir: Path | None = None) -> Tagger:
    """Load the version named in `<model_dir>/current` (default: `default_model_dir()`)."""
    root = model_dir if model_dir is not None else default_model_dir()
    version = read_current(root)
    if version is None:
        raise ModelNotFoundError(
            f"no current tagger model in {root}; train one with `intake tagger train`"
        )
    return load_version(root / version)
