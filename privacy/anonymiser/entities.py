"""Entity types, the public result objects, and how overlapping candidates are resolved."""

from __future__ import annotations

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


def resolve(candidates: Iterable[Candidate]) -> list[Entity]:
    """Keep the strongest, then longest, candidates that do not overlap; sorted by start."""
    ranked = sorted(candidates, key=lambda c: (PRIORITY[c.type], c.start - c.end, c.start))
    taken: list[Candidate] = []
    for cand in ranked:
        if cand.end <= cand.start:
            continue
        if all(cand.end <= t.start or cand.start >= t.end for t in taken):
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
