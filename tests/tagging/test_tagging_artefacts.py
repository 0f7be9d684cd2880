"""Versioned artefacts: metadata, current pointer, safe loading, version mismatch, feedback."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
import sklearn
from typer.testing import CliRunner

from intake.cli import app
from tagging.corpus import EVAL_DIR, load_split
from tagging.predictor import ModelNotFoundError, ModelVersionError, load_current
from tagging.taxonomy import TAG_IDS
from tagging.train import TrainResult


def test_version_directory_holds_model_metadata_card_and_plots(trained: TrainResult) -> None:
    vdir = trained.version_dir
    for name in ("model.skops", "metadata.json", "card.md", "confusion.png", "pr_crisis.png"):
        assert (vdir / name).is_file(), name
    assert (vdir.parent / "current").read_text().strip() == vdir.name
    meta = json.loads((vdir / "metadata.json").read_text())
    assert meta["versions"]["scikit-learn"] == sklearn.__version__
    assert set(meta["thresholds"]) == {*TAG_IDS, "_crisis_any"}
    assert meta["seed"] == 4
    assert len(meta["data"]["train_hash"]) == 16 and meta["data"]["n_test"] > 0
    assert meta["metrics"]["macro_f1"] == trained.metrics.macro_f1
    card = (vdir / "card.md").read_text()
    assert "macro-F1" in card and "crisis recall" in card and "pr_crisis.png" in card
    assert meta["model"]["estimator"].startswith("one-vs-rest ")
    assert f"Model: {meta['model']['estimator']}" in card


def test_held_out_sets_are_scored_in_metadata_and_card(trained: TrainResult) -> None:
    held_out = load_split().held_out
    assert held_out, f"the repository ships at least one held-out set in {EVAL_DIR}"
    meta = json.loads((trained.version_dir / "metadata.json").read_text())
    card = (trained.version_dir / "card.md").read_text()
    assert set(meta["held_out"]) == set(held_out) == set(trained.held_out_metrics)
    for name, examples in held_out.items():
        entry = meta["held_out"][name]
        assert entry["n"] == len(examples) == entry["metrics"]["n_messages"]
        assert 0.0 < entry["metrics"]["macro_f1"] <= 1.0
        assert f"| `{name}` | {len(examples)} |" in card


def _copy(model_dir: Path, tmp_path: Path) -> Path:
    dst = tmp_path / "models"
    shutil.copytree(model_dir, dst)
    return dst


def test_other_sklearn_version_fails_with_retrain_message(model_dir: Path, tmp_path: Path) -> None:
    root = _copy(model_dir, tmp_path)
    version = (root / "current").read_text().strip()
    meta_path = root / version / "metadata.json"
    meta = json.loads(meta_path.read_text())
    meta["versions"]["scikit-learn"] = "0.24.2"
    meta_path.write_text(json.dumps(meta))
    with pytest.raises(ModelVersionError, match="retrain with `intake tagger train`"):
        load_current(root)
    result = CliRunner().invoke(app, ["tagger", "predict", "--model-dir", str(root)], input="")
    assert result.exit_code == 1 and "0.24.2" in result.output and "retrain" in result.output


def test_missing_model_and_dangling_pointer(tmp_path: Path) -> None:
    with pytest.raises(ModelNotFoundError, match="intake tagger train"):
        load_current(tmp_path)
    (tmp_path / "current").write_text("gone\n")
    with pytest.raises(ModelNotFoundError):
        load_current(tmp_path)


def test_unexpected_types_in_the_artefact_are_refused(model_dir: Path, tmp_path: Path) -> None:
    import skops.io as sio

    root = _copy(model_dir, tmp_path)
    version = (root / "current").read_text().strip()
    # An artefact carrying a type the tagger never writes must not be loaded.
    sio.dump({"payload": Path("/tmp")}, root / version / "model.skops")
    with pytest.raises(ModelVersionError, match="refusing to load"):
        load_current(root)


def test_feedback_merges_into_training_and_card_compares(model_dir: Path, tmp_path: Path) -> None:
    root = _copy(model_dir, tmp_path)
    previous = (root / "current").read_text().strip()
    test_text = load_split().test[0].text
    fb = tmp_path / "corrections.jsonl"
    fb.write_text(
        "\n".join(
            json.dumps(x, ensure_ascii=False)
            for x in [
                {"text": "min papfar drikker hver aften og råber", "tags": ["familie", "misbrug"]},
                {"text": "jeg er blevet fyret fra mit fritidsjob", "tags": []},
                {"text": test_text, "tags": ["angst"]},
            ]
        )
        + "\n",
        encoding="utf-8",
    )
    result = CliRunner().invoke(
        app, ["tagger", "train", "--feedback", str(fb), "--model-dir", str(root)]
    )
    assert result.exit_code == 0, result.output
    new = (root / "current").read_text().strip()
    assert new != previous
    meta = json.loads((root / new / "metadata.json").read_text())
    assert meta["data"]["feedback"]["added"] == 2
    assert meta["data"]["feedback"]["skipped_test"] == 1
    assert "feedback: 2 added, 0 corrected, 0 unchanged, 1 skipped" in result.output
    assert meta["compared_to"]["version"] == previous
    card = (root / new / "card.md").read_text()
    assert f"vs {previous}" in card and "ΔF1" in card
