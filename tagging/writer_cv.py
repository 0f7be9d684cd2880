"""Writer-grouped cross-validation: how the recipe does on text by writers it has never read.

The fixed test split shares its author with the first corpus files, and the issue's
independent set will be written by someone else, so recipe decisions are made here: every
independent writer's file (`r12_*` onwards, one writer each) is scored by a model that was
trained without that writer. Writers are dealt into folds at random, the first author's files
are spread over all folds, and thresholds come from the same out-of-fold probabilities, the
way `train` chooses them. One run is one cross-validation (~30 s on two cores).

It is a decision set, not a holdout: its misses may be read (and were, for crisis-rule
patterns), so its crisis figures are optimistic; the evaluation sets stay unread.

    python -m tagging.writer_cv [--seed N]... [--per-tag]
"""

from __future__ import annotations

import argparse
import random
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import numpy.typing as npt
from threadpoolctl import threadpool_limits

from tagging.calibration import fit_calibration
from tagging.corpus import CORPUS_DIR, EVAL_DIR, TEST_IDS_FILE, load_split, read_tsv
from tagging.evaluate import Metrics, compute_metrics
from tagging.model import COLUMNS, decide, lexicon_matrix, training_targets
from tagging.taxonomy import TAG_IDS
from tagging.train import FOLDS, choose_thresholds, out_of_fold

# Files written by one independent writer each. Earlier files are the first author's; the
# counter-example files were written by several people to one narrow brief.
_WRITER_FILE = re.compile(r"r(?:1[2-9]|[2-9]\d)_\w+")
COUNTER_EXAMPLE_FILES = frozenset(
    {"r16_hverdagsvoksne", "r16_onkler", "r16_sorg", "r19_slaegt", "r19_bonusfamilie", "r19_voksne"}
)


def is_writer_file(stem: str) -> bool:
    return bool(_WRITER_FILE.fullmatch(stem)) and stem not in COUNTER_EXAMPLE_FILES


@dataclass(frozen=True)
class Rows:
    texts: list[str]
    tags: list[tuple[str, ...]]
    files: list[str]


@dataclass(frozen=True)
class WriterCvResult:
    seed: int
    writers: Metrics  # the independent writers' messages, each scored by a model without them
    everything: Metrics  # every training message, out of fold
    per_writer: dict[str, Metrics]
    thresholds: dict[str, float]


def training_rows(
    corpus_dir: Path = CORPUS_DIR,
    test_ids_file: Path = TEST_IDS_FILE,
    eval_dir: Path = EVAL_DIR,
) -> Rows:
    """The training messages (as `train` sees them) with the file each comes from."""
    train_ids = {ex.id for ex in load_split(corpus_dir, test_ids_file, eval_dir).train}
    rows = Rows([], [], [])
    for path in sorted(corpus_dir.glob("*.tsv")):
        for ex in read_tsv(path):
            if ex.id in train_ids:
                rows.texts.append(ex.text)
                rows.tags.append(tuple(ex.tags))
                rows.files.append(path.stem)
    return rows


def writer_folds(
    files: Sequence[str], seed: int, n_folds: int = FOLDS
) -> list[tuple[npt.NDArray[np.int_], npt.NDArray[np.int_]]]:
    """(train rows, held rows) per fold: a writer's file lies in one fold; other rows anywhere."""
    rng = random.Random(seed)  # noqa: S311 - a reproducible deal, not a secret
    writers = sorted({f for f in files if is_writer_file(f)})
    rng.shuffle(writers)
    fold_of_writer = {name: i % n_folds for i, name in enumerate(writers)}
    fold = np.array([fold_of_writer.get(f, rng.randrange(n_folds)) for f in files])
    return [(np.flatnonzero(fold != k), np.flatnonzero(fold == k)) for k in range(n_folds)]


def run(rows: Rows, seed: int, n_jobs: int = -1) -> WriterCvResult:
    y = training_targets(rows.tags)
    folds = writer_folds(rows.files, seed)
    raw_oof, _ = out_of_fold(rows.texts, y, folds, seed, lambda _step: None, n_jobs=n_jobs)
    # As `train` does: thresholds on the scale of scores calibrated on the same probabilities.
    oof = fit_calibration(raw_oof, y, COLUMNS).apply(raw_oof)
    with threadpool_limits(limits=1):
        lex = lexicon_matrix(rows.texts)
    thresholds = choose_thresholds(y, oof, lex)
    predicted = decide(oof, np.array([thresholds[c] for c in COLUMNS]), lex)
    truth = y[:, : len(TAG_IDS)]
    files = np.array(rows.files)
    scored = np.array([is_writer_file(f) for f in rows.files])
    per_writer = {
        name: compute_metrics(truth[files == name], predicted[files == name])
        for name in sorted(set(files[scored]))
    }
    return WriterCvResult(
        seed,
        compute_metrics(truth[scored], predicted[scored]),
        compute_metrics(truth, predicted),
        per_writer,
        thresholds,
    )


def _line(label: str, m: Metrics) -> str:
    return (
        f"{label}: macro-F1 {m.macro_f1:.4f}  crisis recall {m.crisis_recall:.4f}"
        f"  precision {m.crisis_precision:.4f}"
    )


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seed", type=int, action="append", help="fold seed (repeatable)")
    parser.add_argument("--per-tag", action="store_true", help="F1 per tag on the writers")
    args = parser.parse_args(argv)
    rows = training_rows()
    results = [run(rows, seed) for seed in args.seed or [4]]
    for r in results:
        print(_line(f"seed {r.seed} writers", r.writers))
        print(_line(f"seed {r.seed} all", r.everything))
        if args.per_tag:
            print("  " + "  ".join(f"{t} {r.writers.per_tag[t].f1:.3f}" for t in TAG_IDS))
    n = sum(is_writer_file(f) for f in rows.files)
    writers = len({f for f in rows.files if is_writer_file(f)})
    print(
        f"mean over {len(results)} seed(s), {n} messages by {writers} writers: "
        f"macro-F1 {np.mean([r.writers.macro_f1 for r in results]):.4f}  "
        f"crisis recall {np.mean([r.writers.crisis_recall for r in results]):.4f}  "
        f"precision {np.mean([r.writers.crisis_precision for r in results]):.4f}"
    )


if __name__ == "__main__":
    main()
