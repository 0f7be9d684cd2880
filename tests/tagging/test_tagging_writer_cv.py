"""Writer-grouped cross-validation never scores a writer with a model that read them."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import numpy.typing as npt
import pytest

from tagging import train
from tagging.corpus import Example, example_id, write_tsv
from tagging.model import COLUMNS
from tagging.writer_cv import is_writer_file, run, training_rows, writer_folds


@pytest.mark.parametrize(
    ("stem", "expected"),
    [
        ("r12_emner", True),
        ("r17_a", True),
        ("r23_nyt", True),
        ("r16_sorg", False),
        ("r16_onkler", False),
        ("r9_krise", False),
        ("r2_a", False),
        ("blandet", False),
    ],
)
def test_independent_writer_files_are_recognised(stem: str, expected: bool) -> None:
    assert is_writer_file(stem) is expected


def test_a_writer_lies_in_exactly_one_fold_and_the_first_author_in_several() -> None:
    files = ["angst"] * 40 + ["r12_a"] * 7 + ["r13_b"] * 5 + ["r14_c"] * 3 + ["r15_d"] * 4
    folds = writer_folds(files, seed=4)
    held = [set(map(int, rows)) for _, rows in folds]
    assert sorted(i for rows in held for i in rows) == list(range(len(files)))
    for writer in ("r12_a", "r13_b", "r14_c", "r15_d"):
        rows = {i for i, f in enumerate(files) if f == writer}
        assert sum(rows <= h for h in held) == 1
    first_author = {i for i, f in enumerate(files) if f == "angst"}
    assert sum(bool(first_author & h) for h in held) >= 3
    for (train_rows, _), h in zip(folds, held, strict=True):
        assert not set(map(int, train_rows)) & h
    assert [h.tolist() for _, h in writer_folds(files, seed=4)] == [sorted(h) for h in held]


def _corpus(tmp_path: Path) -> tuple[Path, Path, Path]:
    corpus_dir, eval_dir = tmp_path / "corpus", tmp_path / "eval"
    corpus_dir.mkdir()
    eval_dir.mkdir()
    first = [Example(f"jeg er ked af det nummer {i}", ("nedtrykthed",)) for i in range(12)]
    test_message = Example("testbesked der aldrig trænes på", ("angst",))
    write_tsv(corpus_dir / "nedtrykthed.tsv", [*first, test_message])
    for name in ("r12_a", "r13_b", "r14_c"):
        msgs = [Example(f"{name} skriver om skolen {i}", ("skole_stress",)) for i in range(6)]
        write_tsv(corpus_dir / f"{name}.tsv", msgs)
    write_tsv(corpus_dir / "r16_sorg.tsv", [Example("min onkel døde", ("sorg",))])
    write_tsv(eval_dir / "holdout.tsv", [Example("r12_a skriver om skolen 0", ("skole_stress",))])
    test_ids = tmp_path / "test_ids.txt"
    test_ids.write_text(example_id(test_message.text) + "\n", encoding="utf-8")
    return corpus_dir, test_ids, eval_dir


def test_training_rows_leave_out_test_and_evaluation_messages(tmp_path: Path) -> None:
    rows = training_rows(*_corpus(tmp_path))
    assert "testbesked der aldrig trænes på" not in rows.texts
    assert "r12_a skriver om skolen 0" not in rows.texts
    assert rows.files.count("r12_a") == 5
    assert len(rows.texts) == len(rows.tags) == len(rows.files) == 12 + 5 + 6 + 6 + 1


def test_each_writer_is_scored_by_a_model_that_never_saw_them(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    rows = training_rows(*_corpus(tmp_path))
    seen: list[tuple[set[str], set[str]]] = []

    def fake_fold(
        features: object,
        y: npt.NDArray[np.int_],
        train_rows: npt.NDArray[np.int_],
        held_rows: npt.NDArray[np.int_],
        seed: int,
    ) -> npt.NDArray[np.float64]:
        seen.append(({rows.files[i] for i in train_rows}, {rows.files[i] for i in held_rows}))
        return np.zeros((len(held_rows), len(COLUMNS)))

    monkeypatch.setattr(train, "_fold_probabilities", fake_fold)
    result = run(rows, seed=4, n_jobs=1)
    assert len(seen) == train.FOLDS
    for trained_on, scored in seen:
        assert not {f for f in scored if f.startswith(("r12", "r13", "r14"))} & trained_on
    assert set(result.per_writer) == {"r12_a", "r13_b", "r14_c"}
    # All-zero probabilities say nothing, so calibration turns each into the tag's share of
    # the training rows (17 of 30 for skole_stress), and the F1-best threshold then tags
    # every message: every writer tag is found.
    assert result.writers.per_tag["skole_stress"].recall == 1.0
    assert result.thresholds["skole_stress"] <= 17 / 30
    assert result.writers.per_tag["skole_stress"].support == 17
