"""How the tagger's cost grows with the length of one message.

    python bench/tagger_long_text.py [--chars 200000] [--pieces 10] [--rounds 3]

One message of N characters without clause punctuation (the worst case for the clause-level
person and denial checks: the whole text is one clause) is tagged, and, as the baseline in
the same process, the same text cut into `pieces` separate messages. A tagger whose cost is
linear in the text gives a ratio near 1; one that rescans the clause for every match gives a
ratio near `pieces` (before the look-back bound in `tagging/context.py`, one 1 MB message
took ten minutes). Needs a trained model (`intake tagger train`).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time

from tagging.predictor import ModelNotFoundError, Tagger, load_current

# Everyday words with lexicon hits of several tags (family, low mood, school, a friend) and a
# crisis phrase in someone else's mouth, so every check runs many times per clause.
_PHRASE = (
    "min mor råber hele tiden og jeg er så ked af det og min veninde siger hun vil dø "
    "fordi eksamen er om en uge og jeg sover ikke om natten 😭 "
)


def _seconds(tagger: Tagger, texts: list[str]) -> float:
    start = time.perf_counter()
    tagger.predict(texts)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--chars", type=int, default=200_000)
    parser.add_argument("--pieces", type=int, default=10)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    try:
        tagger = load_current()
    except ModelNotFoundError as exc:
        sys.exit(f"{exc}")
    text = (_PHRASE * (args.chars // len(_PHRASE) + 1))[: args.chars]
    size = len(text) // args.pieces
    pieces = [text[i * size : (i + 1) * size] for i in range(args.pieces)]
    tagger.predict(pieces[:1])  # warm-up: spaCy's tokenizer and the caches
    whole, split = [], []
    for _ in range(args.rounds):  # alternating, so a burst of load hits both
        whole.append(_seconds(tagger, [text]))
        split.append(_seconds(tagger, pieces))
    w, s = statistics.median(whole), statistics.median(split)
    print(f"one message of {len(text):,} characters: {w:.3f} s (median of {args.rounds})")
    print(f"the same text as {args.pieces} messages of {size:,}: {s:.3f} s")
    print(f"ratio {w / s:.2f} (linear cost: ~1; rescanning the clause per match: ~{args.pieces})")


if __name__ == "__main__":
    main()
