"""Metrics the targets are stated in: per-tag P/R/F1, macro-F1, crisis recall and precision.

Crisis metrics are per message: a message is a crisis when it carries any crisis tag, and the
tagger "finds" it when it predicts any crisis tag. That is what decides whether the emergency
numbers are shown and the handoff is marked `akut`.
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Protocol

import numpy as np
import numpy.typing as npt

from tagging.taxonomy import CRISIS_TAGS, TAG_IDS


@dataclass(frozen=True)
class TagMetrics:
    precision: float
    recall: float
    f1: float
    support: int


@dataclass(frozen=True)
class Metrics:
    per_tag: dict[str, TagMetrics]
    macro_precision: float
    macro_recall: float
    macro_f1: float
    crisis_recall: float
    crisis_precision: float
    crisis_support: int
    n_messages: int
    extra: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @staticmethod
    def from_dict(data: dict[str, Any]) -> Metrics:
        per_tag = {k: TagMetrics(**v) for k, v in data["per_tag"].items()}
        rest = {k: v for k, v in data.items() if k != "per_tag"}
        return Metrics(per_tag=per_tag, **rest)


def _prf(tp: int, fp: int, fn: int) -> tuple[float, float, float]:
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return p, r, f


def compute_metrics(y_true: npt.NDArray[Any], y_pred: npt.NDArray[Any]) -> Metrics:
    """Metrics for (messages x tags) 0/1 matrices in taxonomy order.

    Macro averages run over tags that occur in `y_true` (a tag with no support has no defined
    recall; counting it as 0 would punish a small evaluation file for what it lacks).
    """
    t = np.asarray(y_true, dtype=bool)
    p = np.asarray(y_pred, dtype=bool)
    per_tag: dict[str, TagMetrics] = {}
    for i, tag in enumerate(TAG_IDS):
        tp = int(np.sum(t[:, i] & p[:, i]))
        fp = int(np.sum(~t[:, i] & p[:, i]))
        fn = int(np.sum(t[:, i] & ~p[:, i]))
        pr, rc, f1 = _prf(tp, fp, fn)
        per_tag[tag] = TagMetrics(round(pr, 4), round(rc, 4), round(f1, 4), int(t[:, i].sum()))
    present = [m for m in per_tag.values() if m.support > 0]
    crisis_cols = [i for i, tag in enumerate(TAG_IDS) if tag in CRISIS_TAGS]
    ct = t[:, crisis_cols].any(axis=1)
    cp = p[:, crisis_cols].any(axis=1)
    c_p, c_r, _ = _prf(int(np.sum(ct & cp)), int(np.sum(~ct & cp)), int(np.sum(ct & ~cp)))

    def mean(values: list[float]) -> float:
        return round(float(np.mean(values)), 4) if values else 0.0

    return Metrics(
        per_tag=per_tag,
        macro_precision=mean([m.precision for m in present]),
        macro_recall=mean([m.recall for m in present]),
        macro_f1=mean([m.f1 for m in present]),
        crisis_recall=round(c_r, 4),
        crisis_precision=round(c_p, 4),
        crisis_support=int(ct.sum()),
        n_messages=int(t.shape[0]),
    )


class Prediction(Protocol):
    """What `tag_errors` needs of a prediction (`predictor.TagPrediction` has it)."""

    @property
    def tags(self) -> list[str]: ...

    @property
    def scores(self) -> dict[str, float]: ...


@dataclass(frozen=True)
class TagError:
    """A message whose predicted tags differ from its labels, for an analyst to read."""

    line: int
    text: str
    expected: tuple[str, ...]
    predicted: tuple[str, ...]
    scores: Mapping[str, float]

    @property
    def missing(self) -> list[str]:
        return [t for t in self.expected if t not in self.predicted]

    @property
    def extra(self) -> list[str]:
        return [t for t in self.predicted if t not in self.expected]

    @property
    def crisis_missed(self) -> bool:
        """A crisis message with no crisis tag predicted: the emergency numbers were not shown."""
        return not CRISIS_TAGS.isdisjoint(self.expected) and CRISIS_TAGS.isdisjoint(self.predicted)

    @property
    def false_alarm(self) -> bool:
        return CRISIS_TAGS.isdisjoint(self.expected) and not CRISIS_TAGS.isdisjoint(self.predicted)

    def to_json(self) -> dict[str, Any]:
        return {
            "line": self.line,
            "text": self.text,
            "expected": list(self.expected),
            "predicted": list(self.predicted),
            "missing": self.missing,
            "extra": self.extra,
            "crisis_missed": self.crisis_missed,
            "false_alarm": self.false_alarm,
            "scores": dict(self.scores),
        }


def tag_errors(
    lines: Sequence[int],
    texts: Sequence[str],
    expected: Sequence[Sequence[str]],
    predictions: Sequence[Prediction],
) -> list[TagError]:
    """Every message whose predicted tag set is not its labelled one: missed crisis messages
    first (the worst failure), then false crisis alarms, then the rest, each in file order."""
    errors = [
        TagError(line, text, tuple(want), tuple(pred.tags), pred.scores)
        for line, text, want, pred in zip(lines, texts, expected, predictions, strict=True)
        if set(want) != set(pred.tags)
    ]
    return sorted(errors, key=lambda e: (not e.crisis_missed, not e.false_alarm, e.line))


def write_errors(path: Path, errors: Sequence[TagError]) -> None:
    """JSON lines, one error each. A file is written beside its target and moved into place,
    so an interrupted run never leaves half a report where the last complete one was; a
    symlink's target is what gets replaced. Anything else that exists (a pipe, `/dev/stdout`,
    a process substitution) is written to as it is: replacing it would put a plain file where
    a device or a FIFO was."""
    lines = "".join(json.dumps(e.to_json(), ensure_ascii=False) + "\n" for e in errors)
    try:
        target = path.resolve()
        is_special = target.exists() and not target.is_file()
    except (OSError, RuntimeError):  # a symlink loop, a directory we may not search
        target, is_special = path, True
    # `>(cmd)` is /dev/fd/N: it opens, but resolves to "pipe:[...]", a name that is nowhere.
    if is_special or (path.exists() and not target.exists()):
        with path.open("w", encoding="utf-8") as fh:
            fh.write(lines)
        return
    partial = target.with_name(f".{target.name}.partial")
    try:
        partial.write_text(lines, encoding="utf-8")
        os.replace(partial, target)
    finally:
        partial.unlink(missing_ok=True)
