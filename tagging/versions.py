"""Which tagger versions exist, which one the bot uses, and when a new one may replace it.

`train` publishes a new version (points `current` at it) only when it finds at least every
crisis message of the fixed test split that the published one finds and keeps its macro-F1
within `MACRO_F1_SLACK`: a retrain on counsellor feedback must not quietly make the bot miss a
young person in crisis. A held-back version is still written with its model card, so an analyst
can read why and publish it by hand (`intake tagger use VERSION`), which is also how a version
is rolled back.
"""

from __future__ import annotations

import logging
import shutil
from dataclasses import dataclass
from pathlib import Path

from tagging.evaluate import Metrics
from tagging.predictor import Tagger, load_version
from tagging.store import (
    ArtefactError,
    check_versions,
    is_version_name,
    read_current_or_none,
    read_metadata,
    write_current,
)

logger = logging.getLogger(__name__)

# A retrain may cost this much macro-F1 on the fixed test split (about one message of a
# 20-message tag) and still be published; crisis recall may not fall at all.
MACRO_F1_SLACK = 0.01


class UnknownVersionError(ArtefactError):
    """No version of that name (a usage error, unlike a version that exists but is broken)."""


@dataclass(frozen=True)
class VersionSummary:
    """One version directory as the analyst sees it."""

    name: str
    current: bool
    created: str | None = None
    n_train: int | None = None
    feedback: bool = False
    metrics: Metrics | None = None
    # Why this installation cannot use it (another scikit-learn, unreadable files), if so.
    problem: str | None = None


def hold_back_reason(new: Metrics, published: Metrics | None) -> str | None:
    """Why `new` must not replace the published version (same test split), or None."""
    if published is None:
        return None
    if new.crisis_recall < published.crisis_recall:
        missed = round((published.crisis_recall - new.crisis_recall) * new.crisis_support)
        return (
            f"crisis recall on the fixed test split fell from {published.crisis_recall:.3f} "
            f"to {new.crisis_recall:.3f} ({missed} more crisis message(s) missed)"
        )
    if new.macro_f1 < published.macro_f1 - MACRO_F1_SLACK:
        return (
            f"macro-F1 on the fixed test split fell from {published.macro_f1:.3f} to "
            f"{new.macro_f1:.3f} (more than {MACRO_F1_SLACK} lower)"
        )
    return None


def list_versions(model_dir: Path) -> list[VersionSummary]:
    """Every version directory under `model_dir`, oldest first."""
    if not model_dir.is_dir():
        return []
    current = read_current_or_none(model_dir)
    found = [_summary(path, path.name == current) for path in model_dir.iterdir() if path.is_dir()]
    return sorted(found, key=lambda v: (v.created or "", v.name))


def _summary(version_dir: Path, current: bool) -> VersionSummary:
    try:
        metadata = read_metadata(version_dir)
    except ArtefactError as exc:
        return VersionSummary(version_dir.name, current, problem=str(exc))
    problem = None
    try:
        check_versions(metadata, version_dir)
    except ArtefactError as exc:
        problem = str(exc)
    data = metadata.get("data")
    if not isinstance(data, dict):
        data = {}
    created = metadata.get("created")
    n_train = data.get("n_train")
    try:
        metrics: Metrics | None = Metrics.from_dict(metadata["metrics"])
    except (KeyError, TypeError, ValueError):  # the figures are for reading; the model may work
        metrics = None
    return VersionSummary(
        version_dir.name,
        current,
        created=created if isinstance(created, str) else None,  # sorted by it
        n_train=n_train if isinstance(n_train, int) else None,
        feedback=bool(data.get("feedback")),
        metrics=metrics,
        problem=problem,
    )


def find_version(model_dir: Path, name: str) -> Path:
    """The directory of version `name`; UnknownVersionError for anything else (no paths)."""
    if not is_version_name(name):
        raise UnknownVersionError(f"{name!r} is not a version name")
    version_dir = model_dir / name
    if not version_dir.is_dir():
        known = ", ".join(v.name for v in list_versions(model_dir)) or "none"
        raise UnknownVersionError(f"no tagger version {name} in {model_dir} (versions: {known})")
    return version_dir


def use_version(model_dir: Path, name: str) -> tuple[str | None, Tagger]:
    """Point `current` at version `name` after proving it loads and predicts here; returns the
    version it replaces and the loaded tagger."""
    tagger = load_version(find_version(model_dir, name))
    tagger.predict(["hej"])  # a version that cannot answer must not become current
    previous = read_current_or_none(model_dir)  # a broken pointer is what `use` repairs
    write_current(model_dir, name)
    logger.info("tagger version %s published by hand (was %s)", name, previous)
    return previous, tagger


def prune_versions(model_dir: Path, keep: int, *, dry_run: bool = False) -> list[str]:
    """Delete all but the newest `keep` versions, never the current one; the names deleted
    (or, with `dry_run`, that would be), oldest first. Each version is ~45 MB on disk."""
    if keep < 1:
        raise ValueError("keep at least one version")
    found = list_versions(model_dir)
    newest = {v.name for v in found[-keep:]}
    doomed = [v.name for v in found if v.name not in newest and not v.current]
    for name in doomed if not dry_run else []:
        shutil.rmtree(model_dir / name)
        logger.info("tagger version %s deleted", name)
    return doomed
