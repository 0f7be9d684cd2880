"""Print recall per type and the share of ordinary words removed on the evaluation set.

    python scripts/evaluate_anonymiser.py [--split dev|test|gen|all] [--errors]

The set lives in tests/privacy/data/anonymiser_eval_{dev,test,gen}.txt (gold spans inline);
`gen` was written by a second author before the detectors were tuned for it.
``--errors`` also lists missed entities and wrongly removed words (the eval set is
synthetic, written for this purpose: printing it leaks nobody's data).
"""

from __future__ import annotations

import argparse
from pathlib import Path

from privacy.anonymiser import Anonymiser
from privacy.anonymiser.evaluation import format_scores, load_gold, score

DATA = Path(__file__).resolve().parents[1] / "tests" / "privacy" / "data"
SPLITS = {
    "dev": ("dev",),
    "test": ("test",),
    "gen": ("gen",),
    "all": ("dev", "test", "gen"),
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--split", choices=sorted(SPLITS), default="all")
    parser.add_argument("--errors", action="store_true", help="list misses and false removals")
    args = parser.parse_args()
    anonymiser = Anonymiser()
    for split in SPLITS[args.split]:
        messages = load_gold(DATA / f"anonymiser_eval_{split}.txt")
        scores = score(messages, anonymiser.analyse)
        print(format_scores(scores, f"== {split} split: {len(messages)} messages =="))
        if args.errors:
            for kind, value, text in scores.misses:
                print(f"  MISS {kind:<10} {value!r:<28} in {text!r}")
            for word, text in scores.false_removals:
                print(f"  FALSE          {word!r:<28} in {text!r}")
        print()


if __name__ == "__main__":
    main()
