"""Overlap resolution answers as a check against every span would, in logarithmic time."""

from __future__ import annotations

import random

from privacy.anonymiser import Anonymiser
from privacy.anonymiser.entities import PRIORITY, Candidate, SpanSet, resolve


def _overlaps(spans: list[tuple[int, int]], start: int, end: int) -> bool:
    return any(not (end <= s or start >= e) for s, e in spans)


def _resolve_by_hand(candidates: list[Candidate]) -> list[tuple[str, int, int]]:
    ranked = sorted(candidates, key=lambda c: (PRIORITY[c.type], c.start - c.end, c.start))
    taken: list[Candidate] = []
    for c in ranked:
        if c.end > c.start and all(c.end <= t.start or c.start >= t.end for t in taken):
            taken.append(c)
    return [(c.type, c.start, c.end) for c in sorted(taken)]


def test_span_set_agrees_with_checking_every_span() -> None:
    rng = random.Random(7)
    for _ in range(300):
        # Overlapping, touching and empty spans, as detectors propose them.
        spans = [(s, s + rng.randint(0, 6)) for s in (rng.randint(0, 60) for _ in range(8))]
        span_set = SpanSet(spans)
        for start in range(0, 66):
            for end in range(start + 1, min(start + 8, 68)):
                assert span_set.overlaps(start, end) == _overlaps(spans, start, end), (
                    spans,
                    start,
                    end,
                )


def test_resolve_keeps_what_checking_every_taken_span_keeps() -> None:
    rng = random.Random(11)
    types = sorted(PRIORITY)
    for _ in range(300):
        candidates = [
            Candidate(s, s + rng.randint(0, 9), rng.choice(types))
            for s in (rng.randint(0, 80) for _ in range(12))
        ]
        got = [(e.type, e.start, e.end) for e in resolve(candidates)]
        assert got == _resolve_by_hand(candidates)


def test_a_long_entity_dense_text_is_anonymised_completely() -> None:
    line = "jeg hedder Peter og bor på Vestergade 12, ring 12345678 eller skriv a@b.dk. "
    result = Anonymiser().anonymise(line * 400)
    assert "12345678" not in result.text and "a@b.dk" not in result.text
    assert result.text.count("[TELEFON]") == 400 and result.text.count("[EMAIL]") == 400
