"""Throughput and quality of the Danish anonymiser against Presidio's default recognizers,
measured in one run on the same messages (the eval set in tests/privacy/data/).

    python bench/anonymise.py [--seconds 3]

Needs the bench extra (presidio-analyzer). No spaCy English (or Danish) model can be
downloaded here, so Presidio runs its predefined recognizers on a blank spaCy pipeline: its
pattern and checksum recognizers (e-mail, phone, IP, URL, IBAN, credit card, ...) work, its
NER-based PERSON/LOCATION recognizer finds nothing. Both run pinned to one CPU core.
"""

from __future__ import annotations

import argparse
import logging
import os
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path

from privacy.anonymiser import Anonymiser, Entity
from privacy.anonymiser.entities import Candidate, resolve
from privacy.anonymiser.evaluation import GoldMessage, Scores, format_scores, load_gold, score

DATA = Path(__file__).resolve().parents[1] / "tests" / "privacy" / "data"

# Presidio's entity names mapped onto our placeholders (types matter only for typed recall).
PRESIDIO_TYPES = {
    "EMAIL_ADDRESS": "EMAIL",
    "PHONE_NUMBER": "TELEFON",
    "IP_ADDRESS": "IP",
    "URL": "URL",
    "IBAN_CODE": "KONTO",
    "CREDIT_CARD": "KONTO",
    "US_BANK_NUMBER": "KONTO",
    "PERSON": "NAVN",
    "LOCATION": "ADRESSE",
}


def presidio_analyser(workdir: Path) -> Callable[[str], Sequence[Entity]]:
    import spacy
    from presidio_analyzer import AnalyzerEngine
    from presidio_analyzer.nlp_engine import SpacyNlpEngine

    model = workdir / "blank_da"
    spacy.blank("da").to_disk(model)
    engine = SpacyNlpEngine(models=[{"lang_code": "en", "model_name": str(model)}])
    analyzer = AnalyzerEngine(nlp_engine=engine, supported_languages=["en"])

    def analyse(text: str) -> list[Entity]:
        results = analyzer.analyze(text=text, language="en")
        cands = [
            Candidate(r.start, r.end, PRESIDIO_TYPES.get(r.entity_type, "NAVN")) for r in results
        ]
        return resolve(cands)

    return analyse


def throughput(analyse: Callable[[str], object], texts: Sequence[str], seconds: float) -> float:
    done = 0
    start = time.perf_counter()
    while True:
        for text in texts:
            analyse(text)
        done += len(texts)
        elapsed = time.perf_counter() - start
        if elapsed >= seconds:
            return done / elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seconds", type=float, default=3.0, help="time per throughput run")
    args = parser.parse_args()
    logging.disable(logging.WARNING)  # Presidio warns about every recognizer it skips
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {sorted(os.sched_getaffinity(0))[0]})
    messages: list[GoldMessage] = []
    for split in ("dev", "test"):
        messages += load_gold(DATA / f"anonymiser_eval_{split}.txt")
    texts = [m.text for m in messages]

    ours = Anonymiser()
    with tempfile.TemporaryDirectory() as tmp:
        theirs = presidio_analyser(Path(tmp))
        results: dict[str, tuple[Scores, float]] = {}
        for name, analyse in (("ung-intake", ours.analyse), ("presidio", theirs)):
            analyse(texts[0])  # warm up
            results[name] = (score(messages, analyse), throughput(analyse, texts, args.seconds))

    print(f"{len(messages)} messages (dev + test split), one CPU core\n")
    for name, (scores, _) in results.items():
        print(format_scores(scores, f"== {name} =="))
        print()
    (o_s, o_t), (p_s, p_t) = results["ung-intake"], results["presidio"]
    kinds = sorted(o_s.gold)
    print(f"{'':<28} {'ung-intake':>11} {'presidio':>9}")
    for kind in kinds:
        print(f"{'recall ' + kind:<28} {o_s.recall(kind):>11.3f} {p_s.recall(kind):>9.3f}")
    print(f"{'recall all':<28} {o_s.overall_recall:>11.3f} {p_s.overall_recall:>9.3f}")
    print(
        f"{'ordinary words removed %':<28} {100 * o_s.ordinary_removed_share:>11.2f}"
        f" {100 * p_s.ordinary_removed_share:>9.2f}"
    )
    print(f"{'messages/s (one core)':<28} {o_t:>11.0f} {p_t:>9.0f}")
    print(f"\nthroughput ratio ung-intake / presidio: {o_t / p_t:.1f}x")
    print("target: >= 5000 messages/s ->", "met" if o_t >= 5000 else "NOT met")


if __name__ == "__main__":
    main()
