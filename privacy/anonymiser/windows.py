"""Where in a message a backtracking pattern can match at all.

Python's `re` tries a pattern at every position of the text; the street and school patterns
backtrack over up to three words at each one, which made them the slowest detectors. Each such
pattern needs a short literal part (a street suffix before a number, a school word) that a
cheap search finds first. A match can begin at most a few whitespace runs before that part, so
scanning can start there (and, for patterns that end with the part, stop after its last
occurrence) without changing what is found: tests/privacy/test_anonymiser_prefilters.py
compares windowed and whole-text results.
"""

from __future__ import annotations

import re

_SPACE_RUN = re.compile(r"\s+")


def start_before(text: str, pos: int, runs: int) -> int:
    """The end of the `runs`-th whitespace run before `pos` (0 if there are fewer): no match
    spanning at most `runs - 1` whitespace runs before `pos` can start earlier."""
    ends = [m.end() for m in _SPACE_RUN.finditer(text, 0, pos)]
    return ends[-runs] if len(ends) >= runs else 0
