"""The problem-category taxonomy: 16 stable ids, Danish display names and crisis flags.

Ids are a contract with the database, the statistics and the counsellor console, so they never
change; display names may.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass


@dataclass(frozen=True)
class Tag:
    """One problem category."""

    id: str
    name_da: str
    crisis: bool = False


TAGS: tuple[Tag, ...] = (
    Tag("ensomhed", "Ensomhed"),
    Tag("angst", "Angst"),
    Tag("nedtrykthed", "Nedtrykthed og depression"),
    Tag("selvskade", "Selvskade", crisis=True),
    Tag("selvmordstanker", "Selvmordstanker", crisis=True),
    Tag("spiseforstyrrelse", "Spiseforstyrrelse"),
    Tag("mobning", "Mobning"),
    Tag("familie", "Familie og skilsmisse"),
    Tag("vold_overgreb", "Vold og overgreb", crisis=True),
    Tag("kaerlighed", "Kærlighed og kærestesorg"),
    Tag("krop_seksualitet", "Krop og seksualitet"),
    Tag("identitet", "Identitet og køn"),
    Tag("misbrug", "Alkohol og stoffer"),
    Tag("skole_stress", "Skole og pres"),
    Tag("sorg", "Sorg"),
    Tag("venskab", "Venskab"),
)

TAG_IDS: tuple[str, ...] = tuple(t.id for t in TAGS)
CRISIS_TAGS: frozenset[str] = frozenset(t.id for t in TAGS if t.crisis)
BY_ID: dict[str, Tag] = {t.id: t for t in TAGS}


class UnknownTagError(ValueError):
    """A tag id that is not in the taxonomy."""


def validate_tags(tags: Iterable[str]) -> list[str]:
    """Return the tags in taxonomy order without duplicates, or raise for an unknown id."""
    wanted = set()
    for tag in tags:
        if tag not in BY_ID:
            raise UnknownTagError(f"unknown tag {tag!r}; valid tags are: {', '.join(TAG_IDS)}")
        wanted.add(tag)
    return [t for t in TAG_IDS if t in wanted]


def is_crisis(tags: Iterable[str]) -> bool:
    """True when any of the tags is a crisis tag."""
    return any(t in CRISIS_TAGS for t in tags)
