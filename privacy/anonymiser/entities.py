"""Entity types, the public result objects, and how overlapping candidates are resolved."""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterable
from dataclasses import dataclass
from typing import NamedTuple

# Placeholder names (without brackets). A stronger detector wins an overlap: an e-mail
# address contains a domain that looks like a URL, an account number contains digits that
# look like a phone number, a handle can be a name.
PRIORITY: dict[str, int] = {
    "EMAIL": 0,
    "URL": 1,
    "IP": 1,
    "CPR": 2,
    "KONTO": 2,
    "TELEFON": 3,
    "BRUGERNAVN": 4,
    "ADRESSE": 5,
    "POSTNR": 5,
    "SKOLE": 6,
    "NAVN": 7,
}
TYPES = frozenset(PRIORITY)


@dataclass(frozen=True, slots=True)
class Entity:
    """A span of personal data: ``text[start:end]`` is replaced by ``[type]``."""

    type: str
    start: int
    end: int


@dataclass(frozen=True, slots=True)
class AnonymisedText:
    """The anonymised text and the entities found, with offsets into the *input* text."""

    text: str
    entities: tuple[Entity, ...]


class Candidate(NamedTuple):
    """A detector's proposal, before overlaps are resolved."""

    start: int
    end: int
    type: str


class SpanSet:
    """Spans that do not overlap, kept sorted, with a logarithmic overlap test.

    Checking each candidate against every span taken so far made a long, entity-dense text
    cost the square of its length (200,000 characters: 25 s)."""

    def __init__(self, spans: Iterable[tuple[int, int]] = ()) -> None:
        self._starts: list[int] = []
        self._ends: list[int] = []
        # Merged where they overlap or touch: the same overlap answers for any non-empty span.
        for start, end in sorted(spans):
            if self._ends and start <= self._ends[-1]:
                self._ends[-1] = max(self._ends[-1], end)
            else:
                self._starts.append(start)
                self._ends.append(end)

    def overlaps(self, start: int, end: int) -> bool:
        """True when the non-empty span [start, end) shares a character with a span here."""
        i = bisect_right(self._starts, start)
        # The span starting last at or before `start` reaches furthest of those (they are
        # sorted and disjoint); the first starting after it is the nearest on the right.
        return (i > 0 and self._ends[i - 1] > start) or (
            i < len(self._starts) and self._starts[i] < end
        )

    def add(self, start: int, end: int) -> None:
        """Add a span that overlaps none here."""
        i = bisect_right(self._starts, start)
        self._starts.insert(i, start)
        self._ends.insert(i, end)


def resolve(candidates: Iterable[Candidate]) -> list[Entity]:
    """Keep the strongest, then longest, candidates that do not overlap; sorted by start."""
    ranked = sorted(candidates, key=lambda c: (PRIORITY[c.type], c.start - c.end, c.start))
    taken: list[Candidate] = []
    spans = SpanSet()
    for cand in ranked:
        if cand.end <= cand.start:
            continue
        if not spans.overlaps(cand.start, cand.end):
            spans.add(cand.start, cand.end)
            taken.append(cand)
    taken.sort()
    return [Entity(c.type, c.start, c.end) for c in taken]


def render(text: str, entities: Iterable[Entity]) -> str:
    """Replace each (sorted, non-overlapping) entity by its placeholder."""
    parts: list[str] = []
    pos = 0
    for ent in entities:
        parts.append(text[pos : ent.start])
        parts.append(f"[{ent.type}]")
        pos = ent.end
    parts.append(text[pos:])
    return "".join(parts)
