"""Calibrated scores: the map itself, and a trained tagger that stores and applies it."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import numpy as np
import pytest

from tagging.calibration import Calibration, fit_calibration, fit_column, identity, reliability
from tagging.corpus import TEST_TSV, read_tsv
from tagging.model import COLUMNS, predict_proba
from tagging.predictor import ModelVersionError, Tagger, load_current
from tagging.store import load_model
from tagging.taxonomy import CRISIS_TAGS, TAG_IDS
from tagging.train import TrainResult


def _overconfident(n: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """Scores whose tag is really there with probability 0.2 + 0.6 * score."""
    rng = np.random.default_rng(seed)
    scores = rng.uniform(0.0, 1.0, n)
    return scores, (rng.uniform(0.0, 1.0, n) < 0.2 + 0.6 * scores).astype(int)


def test_the_map_turns_scores_into_how_often_the_tag_is_there() -> None:
    scores, truth = _overconfident(40_000, seed=1)
    column = fit_column(scores, truth)
    grid = np.linspace(0.1, 0.9, 9)
    assert np.allclose(np.interp(grid, column.x, column.y), 0.2 + 0.6 * grid, atol=0.05)
    # On fresh data from the same source the calibrated bins say what they mean; raw do not.
    fresh, fresh_truth = _overconfident(40_000, seed=2)
    calibrated = np.interp(fresh, column.x, column.y)
    bins = reliability(calibrated[:, None], fresh_truth[:, None])
    for b in bins:
        if b.n >= 500:  # a handful of pairs at an extreme say little
            assert abs(b.mean_score - b.observed) < 0.03, b
    assert sum(b.n for b in bins if b.n >= 500) > 0.99 * len(fresh)
    assert any(
        abs(b.mean_score - b.observed) > 0.1
        for b in reliability(fresh[:, None], fresh_truth[:, None])
    )


def test_the_map_keeps_the_order_of_scores_between_its_first_and_last_knot() -> None:
    scores, truth = _overconfident(5_000, seed=3)
    column = fit_column(scores, truth)
    inside = np.linspace(column.x[0], column.x[-1], 2_000)
    assert np.all(np.diff(np.interp(inside, column.x, column.y)) > 0)


def test_a_calibration_survives_metadata_json_and_malformed_knots_are_refused() -> None:
    rng = np.random.default_rng(4)
    scores = rng.uniform(0.0, 1.0, (3_000, len(COLUMNS)))
    truth = (rng.uniform(0.0, 1.0, scores.shape) < scores**2).astype(int)
    calibration = fit_calibration(scores, truth, COLUMNS)
    again = Calibration.from_dict(json.loads(json.dumps(calibration.to_dict())), COLUMNS)
    assert np.array_equal(again.apply(scores), calibration.apply(scores))
    broken = calibration.to_dict()
    broken["angst"]["x"] = broken["angst"]["x"][::-1]
    with pytest.raises(ValueError, match="angst"):
        Calibration.from_dict(broken, COLUMNS)
    assert np.array_equal(identity(COLUMNS).apply(scores), scores)


def _texts() -> list[str]:
    return [ex.text for ex in read_tsv(TEST_TSV)][:120]


def test_a_trained_tagger_shows_calibrated_scores_and_tags_by_them(
    trained: TrainResult, tagger: Tagger
) -> None:
    meta = json.loads((trained.version_dir / "metadata.json").read_text())
    calibration = Calibration.from_dict(meta["calibration"], COLUMNS)
    texts = _texts()
    raw = predict_proba(load_model(trained.version_dir), texts)
    expected = np.round(calibration.apply(raw)[:, : len(TAG_IDS)], 4)
    predictions = tagger.predict(texts)
    assert np.array_equal(np.array([[p.scores[t] for t in TAG_IDS] for p in predictions]), expected)
    assert not np.array_equal(expected, np.round(raw[:, : len(TAG_IDS)], 4))
    # Outside the crisis rule, a tag is set exactly when its shown score reaches its threshold.
    for pred in predictions:
        for tag in TAG_IDS:
            if tag in CRISIS_TAGS or abs(pred.scores[tag] - tagger.thresholds[tag]) < 1e-4:
                continue
            assert (tag in pred.tags) == (pred.scores[tag] >= tagger.thresholds[tag]), tag


def test_the_card_shows_how_often_a_score_comes_true(trained: TrainResult) -> None:
    card = (trained.version_dir / "card.md").read_text()
    assert "## Scores" in card
    assert "test split: pairs, mean score, tag true" in card
    assert "other authors' sets, pooled: pairs, mean score, tag true" in card
    assert "| 0.9–1.0 |" in card


def _version_with(model_dir: Path, tmp_path: Path, change: object) -> Path:
    root = tmp_path / "models"
    shutil.copytree(model_dir, root)
    meta_path = root / (root / "current").read_text().strip() / "metadata.json"
    meta = json.loads(meta_path.read_text())
    if change is None:
        del meta["calibration"]
    else:
        meta["calibration"] = change
    meta_path.write_text(json.dumps(meta))
    return root


def test_a_model_from_before_calibration_keeps_its_own_scores(
    model_dir: Path, tmp_path: Path, trained: TrainResult
) -> None:
    old = load_current(_version_with(model_dir, tmp_path, None))
    texts = _texts()
    raw = np.round(predict_proba(load_model(trained.version_dir), texts)[:, : len(TAG_IDS)], 4)
    shown = np.array([[p.scores[t] for t in TAG_IDS] for p in old.predict(texts)])
    assert np.array_equal(shown, raw)


def test_an_unreadable_calibration_says_retrain(model_dir: Path, tmp_path: Path) -> None:
    with pytest.raises(ModelVersionError, match="retrain"):
        load_current(_version_with(model_dir, tmp_path, {"angst": {"x": [0.5], "y": []}}))
