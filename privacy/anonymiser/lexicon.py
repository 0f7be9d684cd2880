"""The shipped word lists (``privacy/data/``), loaded once per process.

The lists are made by ``scripts/extract_name_lists.py``; nothing is downloaded or read from
a large data set at run time.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path

DATA_DIR = Path(__file__).resolve().parents[1] / "data"


def _read(name: str) -> frozenset[str]:
    lines = (DATA_DIR / name).read_text(encoding="utf-8").splitlines()
    return frozenset(line.strip().lower() for line in lines if line and not line.startswith("#"))


@dataclass(frozen=True)
class Lexicon:
    """Lower-cased word sets the detectors consult."""

    first_names: frozenset[str]
    surnames: frozenset[str]
    name_words: frozenset[str]  # names that are also ordinary words ("hans", "bo", "storm")
    common_words: frozenset[str]  # frequent ordinary Danish words
    places: frozenset[str]  # towns and countries: never a person's name on their own

    def is_name(self, low: str) -> bool:
        return low in self.first_names or low in self.surnames

    def is_word(self, low: str) -> bool:
        """True when ``low`` can be an ordinary word (so a name only with context)."""
        return low in self.name_words or low in self.common_words or low in self.places


@cache
def load_lexicon() -> Lexicon:
    return Lexicon(
        first_names=_read("first_names.txt"),
        surnames=_read("surnames.txt"),
        name_words=_read("name_words.txt"),
        common_words=_read("common_words.txt"),
        places=_read("places.txt"),
    )
