"""Throughput and quality of the Danish anonymiser against Presidio's default recognizers,
measured in one run on the same messages (the eval set in tests/privacy/data/).

    python bench/anonymise.py [--seconds 3] [--no-presidio]

Throughput is measured on the eval messages (~34 characters) and on the 105-character chat
messages of bench/encrypted_write.py, next to a fixed reference workload (SHA-256 chains and
integer sums) run in the same process: on a shared machine absolute figures move with the
load, the ratio "messages per reference unit" much less. Quality is scored on the dev, test
and gen splits. Presidio needs the bench extra (presidio-analyzer); without it, or with
--no-presidio, only ung-intake is measured. No spaCy English (or Danish) model can be
downloaded here, so Presidio runs its predefined recognizers on a blank spaCy pipeline: its
pattern and checksum recognizers (e-mail, phone, IP, URL, IBAN, credit card, ...) work, its
NER-based PERSON/LOCATION recognizer finds nothing. Both run pinned to one CPU core.
"""

from __future__ import annotations

import argparse
import hashlib
import logging
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path

from privacy.anonymiser import Anonymiser, Entity
from privacy.anonymiser.entities import Candidate, resolve
from privacy.anonymiser.evaluation import GoldMessage, Scores, format_scores, load_gold, score

DATA = Path(__file__).resolve().parents[1] / "tests" / "privacy" / "data"
SPLITS = ("dev", "test", "gen")

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


def reference_units(seconds: float) -> float:
    """A fixed CPU workload (no anonymiser code) in units/s, to normalise throughput."""
    done = 0
    start = time.perf_counter()
    while True:
        digest = b"ung-intake"
        for _ in range(1000):
            digest = hashlib.sha256(digest).digest()
        sum(i * i for i in range(2000))
        done += 1
        elapsed = time.perf_counter() - start
        if elapsed >= seconds:
            return done / elapsed


def chat_messages(n: int = 500) -> list[str]:
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    from bench.encrypted_write import _messages

    return _messages(n)


def normalised_throughput(
    analyse: Callable[[str], object], texts: Sequence[str], seconds: float, rounds: int = 5
) -> tuple[float, float, float]:
    """Median messages/s, median reference units/s and the median of their per-round ratio,
    interleaving the two so load bursts hit both."""
    rates, refs = [], []
    for _ in range(rounds):
        refs.append(reference_units(seconds / rounds))
        rates.append(throughput(analyse, texts, seconds / rounds))
    ratio = statistics.median(r / u for r, u in zip(rates, refs, strict=True))
    return statistics.median(rates), statistics.median(refs), ratio


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seconds", type=float, default=3.0, help="time per throughput run")
    parser.add_argument("--no-presidio", action="store_true", help="measure ung-intake only")
    args = parser.parse_args()
    logging.disable(logging.WARNING)  # Presidio warns about every recognizer it skips
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {sorted(os.sched_getaffinity(0))[0]})
    messages: list[GoldMessage] = []
    for split in SPLITS:
        messages += load_gold(DATA / f"anonymiser_eval_{split}.txt")
    texts = [m.text for m in messages]
    chat = chat_messages()

    ours = Anonymiser()
    analysers: dict[str, Callable[[str], Sequence[Entity]]] = {"ung-intake": ours.analyse}
    with tempfile.TemporaryDirectory() as tmp:
        if not args.no_presidio:
            try:
                analysers["presidio"] = presidio_analyser(Path(tmp))
            except ImportError:
                print("presidio-analyzer not installed: measuring ung-intake only\n")
        results: dict[str, tuple[Scores, float]] = {}
        for name, analyse in analysers.items():
            analyse(texts[0])  # warm up
            results[name] = (score(messages, analyse), throughput(analyse, texts, args.seconds))
        chat_rate, ref_rate, chat_ratio = normalised_throughput(ours.analyse, chat, args.seconds)

    print(f"{len(messages)} messages ({' + '.join(SPLITS)} split), one CPU core\n")
    for name, (scores, _) in results.items():
        print(format_scores(scores, f"== {name} =="))
        print()
    names = list(results)
    o_s = results["ung-intake"][0]
    print(f"{'':<28}" + "".join(f" {n:>11}" for n in names))
    for kind in sorted(o_s.gold):
        print(
            f"{'recall ' + kind:<28}"
            + "".join(f" {results[n][0].recall(kind):>11.3f}" for n in names)
        )
    print(f"{'recall all':<28}" + "".join(f" {results[n][0].overall_recall:>11.3f}" for n in names))
    print(
        f"{'ordinary words removed %':<28}"
        + "".join(f" {100 * results[n][0].ordinary_removed_share:>11.2f}" for n in names)
    )
    print(f"{'messages/s (eval set)':<28}" + "".join(f" {results[n][1]:>11.0f}" for n in names))
    if "presidio" in results:
        ratio = results["ung-intake"][1] / results["presidio"][1]
        print(f"\nthroughput ratio ung-intake / presidio: {ratio:.1f}x")
    mean_len = sum(map(len, chat)) / len(chat)
    print(
        f"\n{mean_len:.0f}-character chat messages: {chat_rate:.0f} messages/s; reference "
        f"workload {ref_rate:.0f} units/s in the same run; {chat_ratio:.2f} messages per "
        "reference unit"
    )
    print("target: >= 5000 messages/s ->", "met" if chat_rate >= 5000 else "NOT met (see load)")


if __name__ == "__main__":
    main()
