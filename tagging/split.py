"""Make the fixed test split once (a deliberate act: `python -m tagging.split --seed 4`).

Stratified by each message's rarest tag so every tag has test examples; the result is written
to `test_ids.txt` and `test.tsv` and committed, so training never reshuffles it.
"""

from __future__ import annotations

import argparse
import random
from collections import Counter, defaultdict

from tagging.corpus import TEST_IDS_FILE, TEST_TSV, Example, load_corpus, write_tsv


def choose_test(examples: list[Example], seed: int, fraction: float) -> list[Example]:
    counts = Counter(t for ex in examples for t in ex.tags)
    groups: dict[str, list[Example]] = defaultdict(list)
    for ex in examples:
        key = min(ex.tags, key=lambda t: (counts[t], t)) if ex.tags else "<none>"
        groups[key].append(ex)
    rng = random.Random(seed)  # noqa: S311 - a reproducible shuffle, not a secret
    chosen: list[Example] = []
    for key in sorted(groups):
        group = sorted(groups[key], key=lambda e: e.id)
        rng.shuffle(group)
        chosen.extend(group[: round(len(group) * fraction)])
    return chosen


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seed", type=int, default=4)
    parser.add_argument("--fraction", type=float, default=0.25)
    args = parser.parse_args()
    examples = load_corpus()
    test = choose_test(examples, args.seed, args.fraction)
    test_ids = {ex.id for ex in test}
    TEST_IDS_FILE.write_text("".join(f"{i}\n" for i in sorted(test_ids)), encoding="utf-8")
    write_tsv(TEST_TSV, [ex for ex in examples if ex.id in test_ids])
    print(f"test split: {len(test_ids)} of {len(examples)} messages")


if __name__ == "__main__":
    main()
