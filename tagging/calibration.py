"""Probability calibration: the model's scores mapped to how often the tag is really there.

The blended logistic regression and naive Bayes are sharper than the data warrant on text by
writers they have not read: on the writer-grouped cross-validation a score of 0.35 meant the
tag in 49 % of messages, and 0.99 in 96.5 %. `train` already has out-of-fold probabilities for
every training message, so it fits one monotone map per column on them (isotonic regression)
and the scores a counsellor sees are the mapped ones; thresholds are chosen on the same scale.

An isotonic fit is a step function, and a step turns different scores into ties. The map
here joins the centres of the steps by straight lines instead: as well calibrated on unseen
writers, and strictly increasing between the first and the last step, so it keeps the order
of the scores the thresholds cut.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from itertools import pairwise
from typing import Any

import numpy as np
import numpy.typing as npt
from sklearn.isotonic import IsotonicRegression

FloatArray = npt.NDArray[np.float64]


@dataclass(frozen=True)
class ColumnMap:
    """Piecewise-linear map through (x, y) knots; flat beyond the first and the last."""

    x: tuple[float, ...]
    y: tuple[float, ...]


@dataclass(frozen=True)
class Calibration:
    """One map per model column (the 16 tags and the any-crisis column), in column order."""

    columns: tuple[str, ...]
    maps: tuple[ColumnMap, ...]
    # The knots as arrays, made once: converting the tuples on every call was 24 of a
    # one-message call's 41 µs here.
    _arrays: tuple[tuple[FloatArray, FloatArray], ...] = field(
        init=False, repr=False, compare=False
    )

    def __post_init__(self) -> None:
        arrays = tuple((np.asarray(m.x), np.asarray(m.y)) for m in self.maps)
        object.__setattr__(self, "_arrays", arrays)  # frozen: set once, here

    def apply(self, probs: FloatArray) -> FloatArray:
        if probs.shape[1] != len(self.maps):
            raise ValueError(f"expected {len(self.maps)} columns, got {probs.shape[1]}")
        out = np.empty_like(probs, dtype=np.float64)
        for j, (x, y) in enumerate(self._arrays):
            out[:, j] = np.interp(probs[:, j], x, y)
        return out

    def to_dict(self) -> dict[str, dict[str, list[float]]]:
        return {
            c: {"x": list(m.x), "y": list(m.y)}
            for c, m in zip(self.columns, self.maps, strict=True)
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any], columns: Sequence[str]) -> Calibration:
        """The calibration stored by `to_dict` (a `metadata.json` entry), for these columns;
        KeyError/ValueError when a column is missing or its knots are malformed."""
        maps = []
        for column in columns:
            x = tuple(float(v) for v in data[column]["x"])
            y = tuple(float(v) for v in data[column]["y"])
            if not x or len(x) != len(y) or any(b < a for a, b in pairwise(x)):
                raise ValueError(f"calibration of {column!r} is not a list of increasing knots")
            maps.append(ColumnMap(x, y))
        return cls(tuple(columns), tuple(maps))


def fit_column(scores: FloatArray, truth: npt.NDArray[np.int_]) -> ColumnMap:
    """The centred isotonic map of one column's out-of-fold scores to its 0/1 truth."""
    order = np.argsort(scores, kind="stable")
    xs = scores[order]
    fitted = IsotonicRegression(y_min=0.0, y_max=1.0, increasing=True).fit_transform(
        xs, truth[order].astype(np.float64)
    )
    # Isotonic values rise block by block, so each distinct value is one contiguous block.
    values, starts = np.unique(fitted, return_index=True)
    ends = np.append(starts[1:], len(xs))
    centres = np.array([xs[a:b].mean() for a, b in zip(starts, ends, strict=True)])
    return ColumnMap(tuple(centres.tolist()), tuple(values.tolist()))


def fit_calibration(
    scores: FloatArray, truth: npt.NDArray[np.int_], columns: Sequence[str]
) -> Calibration:
    """One map per column of out-of-fold `scores` against the targets `truth`."""
    return Calibration(
        tuple(columns),
        tuple(fit_column(scores[:, j], truth[:, j]) for j in range(len(columns))),
    )


def identity(columns: Sequence[str]) -> Calibration:
    """Scores as the model gives them (artefacts trained before calibration)."""
    return Calibration(tuple(columns), tuple(ColumnMap((0.0, 1.0), (0.0, 1.0)) for _ in columns))


# Score bins of the model card's reliability table.
RELIABILITY_EDGES = (0.0, 0.1, 0.3, 0.5, 0.7, 0.9, 1.0)


@dataclass(frozen=True)
class ReliabilityBin:
    low: float
    high: float
    n: int
    mean_score: float
    observed: float  # share of these (message, tag) pairs where the tag is true


def reliability(
    scores: FloatArray, truth: npt.NDArray[np.int_], edges: Sequence[float] = RELIABILITY_EDGES
) -> list[ReliabilityBin]:
    """Per score bin over every (message, tag) pair: how many, their mean score and how often
    the tag was really there. Calibrated scores have the two close; empty bins are left out."""
    s = np.asarray(scores, dtype=np.float64).ravel()
    t = np.asarray(truth, dtype=np.float64).ravel()
    # The last bin includes 1.0.
    which = np.clip(np.searchsorted(edges, s, side="right") - 1, 0, len(edges) - 2)
    out = []
    for k, (low, high) in enumerate(pairwise(edges)):
        m = which == k
        if m.any():
            out.append(
                ReliabilityBin(low, high, int(m.sum()), float(s[m].mean()), float(t[m].mean()))
            )
    return out
