"""Tagger benchmark: train time, predict throughput, and a plain baseline on the same split.

    .venv/bin/python bench/tagger.py [--messages 20000]

The baseline is what the issue calls the floor: TF-IDF (word 1-2 grams) + logistic
regression, one-vs-rest, a fixed 0.5 threshold, no lexicon, no tuned thresholds. Both are trained
on the same training data and scored on the same fixed test split in this one run, so the
printed ratios compare like with like; the other authors' evaluation sets (tagging/data/eval) are
scored the same way.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import random
import tempfile
import time
import timeit
from collections.abc import Callable
from pathlib import Path

os.environ.setdefault("OMP_NUM_THREADS", "1")

import numpy as np
import numpy.typing as npt
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.multiclass import OneVsRestClassifier
from sklearn.pipeline import Pipeline
from threadpoolctl import threadpool_limits

from tagging.corpus import load_split
from tagging.evaluate import Metrics, compute_metrics
from tagging.model import label_matrix
from tagging.predictor import Tagger, load_current
from tagging.stream import available_cores, predict_stream
from tagging.train import train


def machine_reference_ms() -> float:
    """`python -m timeit "sum(range(10**6))"` in this process: how fast the machine runs
    plain Python right now, so figures from different days can be compared."""
    return min(timeit.repeat("sum(range(10**6))", number=10, repeat=5)) / 10 * 1000


def baseline(
    train_x: list[str], train_y: list[tuple[str, ...]], test_sets: list[list[str]]
) -> tuple[list[npt.NDArray[np.int_]], float, Pipeline]:
    started = time.perf_counter()
    pipe = Pipeline(
        [
            ("tfidf", TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True)),
            # balanced classes: with ~60 positives per tag an unweighted model never reaches
            # 0.5 and scores 0; this is the fairest "plain" version.
            (
                "clf",
                OneVsRestClassifier(
                    LogisticRegression(C=10, class_weight="balanced", max_iter=2000)
                ),
            ),
        ]
    )
    with threadpool_limits(limits=1):
        pipe.fit(train_x, label_matrix(train_y))
        fitted = time.perf_counter() - started
        preds = [(pipe.predict_proba(texts) >= 0.5).astype(int) for texts in test_sets]
    return preds, fitted, pipe


def cpu_throughput(predict: Callable[[list[str]], object], texts: list[str]) -> float:
    """Messages per CPU-second of one batch call, with one BLAS thread."""
    with threadpool_limits(limits=1):
        started = time.process_time()
        predict(texts)
        return len(texts) / (time.process_time() - started)


def stream_throughput(tagger: Tagger, texts: list[str]) -> dict[int, float]:
    """Wall msg/s of `intake tagger predict`'s loop (JSON lines in and out) with one worker
    process per core and with one process, alternated twice; the best of each."""
    data = "".join(json.dumps({"text": t}, ensure_ascii=False) + "\n" for t in texts).encode()
    best: dict[int, float] = {}
    for jobs in (1, available_cores()) * 2:
        started = time.perf_counter()
        predict_stream(tagger, io.BytesIO(data), io.StringIO(), jobs=jobs)
        rate = len(texts) / (time.perf_counter() - started)
        best[jobs] = max(best.get(jobs, 0.0), rate)
    return best


def row(name: str, m: Metrics) -> str:
    return f"{name:<22}{m.macro_f1:>10.3f}{m.crisis_recall:>16.3f}{m.crisis_precision:>19.3f}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--messages", type=int, default=20000)
    args = parser.parse_args()

    reference_start = machine_reference_ms()
    split = load_split()
    test_x = [ex.text for ex in split.test]
    y_test = label_matrix([ex.tags for ex in split.test])

    with tempfile.TemporaryDirectory() as tmp:
        started = time.perf_counter()
        result = train(Path(tmp))
        train_wall = time.perf_counter() - started
        tagger = load_current(Path(tmp))

        # Unique inputs (a corpus message plus a counter), so no cache sees a repeat.
        rng = random.Random(0)
        pool = [ex.text for ex in [*split.train, *split.test]]
        stream = [f"{rng.choice(pool)} {i}" for i in range(args.messages)]
        long_stream = [f"{rng.choice(pool)}. {rng.choice(pool)}" for _ in range(args.messages)]
        tagger.predict(stream[:200])  # warm-up: spaCy tokenizer, lazy imports
        throughput = {}
        for name, texts in (("one message", stream), ("two messages joined", long_stream)):
            wall, cpu = time.perf_counter(), time.process_time()
            tagger.predict(texts)
            throughput[name] = (
                len(texts) / (time.perf_counter() - wall),
                len(texts) / (time.process_time() - cpu),
            )
        started = time.perf_counter()
        for text in stream[:500]:
            tagger.predict([text])
        single_ms = (time.perf_counter() - started) / 500 * 1000
        by_jobs = stream_throughput(tagger, stream)

    held_out = list(split.held_out.items())
    (base_pred, *base_held_out), base_s, base_pipe = baseline(
        [ex.text for ex in split.train],
        [ex.tags for ex in split.train],
        [test_x, *([ex.text for ex in examples] for _, examples in held_out)],
    )
    base_rate = cpu_throughput(base_pipe.predict_proba, stream)
    reference_end = machine_reference_ms()
    base = compute_metrics(y_test, base_pred)
    ours = result.metrics

    print(f"data: {len(split.train)} training messages, fixed test split of {len(split.test)}")
    print(
        f"train (5-fold thresholds + final fit + card + save): {train_wall:.1f} s wall "
        f"({result.seconds:.1f} s fitting); baseline fit: {base_s:.1f} s"
    )
    load = os.getloadavg()[0]
    for name, (wall_rate, cpu_rate) in throughput.items():
        print(
            f"predict throughput ({name}, batch of {args.messages}): {wall_rate:,.0f} msg/s "
            f"wall, {cpu_rate:,.0f} msg/s per CPU-second"
        )
    cores = max(by_jobs)
    print(
        f"intake tagger predict (JSON lines, batch of {args.messages}): "
        f"{by_jobs[1]:,.0f} msg/s wall in one process (--jobs 1), {by_jobs[cores]:,.0f} msg/s "
        f"with {cores} workers (the default here) ({by_jobs[cores] / by_jobs[1]:.2f}x)"
    )
    print(
        f"plain baseline predict_proba on the same batch: {base_rate:,.0f} msg per CPU-second; "
        f"the tagger costs {base_rate / throughput['one message'][1]:.1f}x its time per message"
    )
    # Most of the work is per character, so msg/s falls as the corpus the stream is drawn
    # from gets longer messages; characters per second compare runs across corpus changes.
    mean_chars = sum(map(len, stream)) / len(stream)
    print(
        f"stream messages: {mean_chars:.0f} characters on average; "
        f"{throughput['one message'][1] * mean_chars:,.0f} characters per CPU-second"
    )
    print(
        f"one message per call: {single_ms:.1f} ms; machine load average at the end: "
        f"{load:.2f} on {os.cpu_count()} cores (other processes slow the wall figures)"
    )
    print(
        f'machine: python -m timeit "sum(range(10**6))" {reference_start:.1f} ms at the start, '
        f"{reference_end:.1f} ms at the end (10.3 ms on 2026-11-27's quiet machine; "
        "a higher figure means every absolute figure above is slower by about as much)"
    )
    print()
    print(f"{'model':<22}{'macro-F1':>10}{'crisis recall':>16}{'crisis precision':>19}")
    print(row("baseline tfidf+logreg", base))
    print(row("tagger", ours))

    def ratio(a: float, b: float) -> str:
        return f"{a / b:.2f}x" if b else "n/a (baseline 0)"

    print(
        f"{'ratio tagger/baseline':<22}{ratio(ours.macro_f1, base.macro_f1):>10}"
        f"{ratio(ours.crisis_recall, base.crisis_recall):>16}"
        f"{ratio(ours.crisis_precision, base.crisis_precision):>19}"
    )
    for (name, examples), pred in zip(held_out, base_held_out, strict=True):
        y_set = label_matrix([ex.tags for ex in examples])
        print()
        print(f"other author's set {name} ({len(examples)} messages, never trained on):")
        print(row("baseline tfidf+logreg", compute_metrics(y_set, pred)))
        print(row("tagger", result.held_out_metrics[name]))
    print()
    print(
        "targets (issue 4): macro-F1 >= 0.90, crisis recall >= 0.98 at precision >= 0.70, "
        ">= 5,000 messages/s, train < 60 s"
    )


if __name__ == "__main__":
    main()
