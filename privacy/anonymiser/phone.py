"""Danish phone numbers: eight digits in the usual groupings, optionally with +45 / 0045.

Groupings seen in the wild: 12345678, 12 34 56 78, 1234 5678, 12-34-56-78, 70 201 201.
Real Danish numbers start with 2-9, but people (and test sets) write 12 34 56 78 as "a number", so
anything from 1 is taken: privacy beats precision here. Dates
(12.08.2008) and year ranges (2018-2019) are the remaining ones and are filtered out.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from privacy.anonymiser.entities import Candidate

_PHONE = re.compile(
    r"(?<![\w+])(?<!\d[ .-])"
    r"(?P<prefix>(?:\(\s*\+?45\s*\)|\+\s?45|0045)[ .-]?)?"
    r"(?P<number>[1-9]\d(?:[ .-]?\d){6})"
    r"(?!\d)(?![ .-]\d)"
)
# Public numbers the bot and notice themselves give (Livslinien, Datatilsynet, Headspace,
# Børns Vilkår...): not personal data, and a transcript must keep them readable.
PUBLIC_NUMBERS = frozenset({"70201201", "33193200", "35555557", "70706000"})
_DATE = re.compile(r"\d{1,2}([./-])\d{1,2}\1\d{4}")
_YEARS = re.compile(r"(19|20)\d\d\s?[-–]\s?(19|20)\d\d")


def find_phone(text: str) -> Iterator[Candidate]:
    for m in _PHONE.finditer(text):
        number = m.group("number")
        if re.sub(r"\D", "", number) in PUBLIC_NUMBERS:
            continue
        if not m.group("prefix") and (_DATE.fullmatch(number) or _YEARS.fullmatch(number)):
            continue
        # Groups of one digit ("2 3 4 5 6 7 8 9") are counting, not a number.
        groups = re.split(r"[ .-]", number)
        if any(len(g) < 2 for g in groups):
            continue
        yield Candidate(m.start(), m.end(), "TELEFON")
