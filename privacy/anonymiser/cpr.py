"""CPR numbers: ddmmyy-xxxx, with a dash, a space or nothing between the two halves.

The halves may also be split by a spaced dash ("310109 - 1234"); after a cue the date
itself may be grouped ("01 02 10 1234").

Since 2007 CPR numbers need not satisfy the modulus-11 check, so the only structural test
is a valid day and month. After a cue ("cpr", "personnummer") any ten digits in that shape
count, because a young person may type a number with a typo in the date.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from privacy.anonymiser.entities import Candidate

_CPR = re.compile(
    r"(?<![\d+])(?<!\d[ .-])([0-3]\d)([01]\d)(\d\d)(?:[ -]?|\s?[-–]\s?)\d{4}(?![\d])(?![ .-]\d)"
)
# After a cue the date may be grouped too ("01 02 10 1234", "01.02.10-1234").
_CPR_GROUPED = re.compile(
    r"(?<![\d+])(?<!\d[ .-])([0-3]\d)[ .]([01]\d)[ .](\d\d)\s?[-–]?\s?\d{4}(?![\d])(?![ .-]\d)"
)
_CUE = re.compile(r"\b(?:cpr|personnummer|person nummer|personnr)")  # in lower-cased text
_DAYS = (31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)


def valid_date(day: int, month: int, year: int) -> bool:
    """Is ddmmyy a real date? 29 February only in years divisible by four (yy = 00 too)."""
    if not 1 <= month <= 12 or day < 1 or day > _DAYS[month - 1]:
        return False
    return not (month == 2 and day == 29 and year % 4 != 0)


def find_cpr(text: str) -> Iterator[Candidate]:
    cued = _CUE.search(text.lower()) is not None
    for m in _CPR.finditer(text):
        day, month, year = int(m.group(1)), int(m.group(2)), int(m.group(3))
        if cued or valid_date(day, month, year):
            yield Candidate(m.start(), m.end(), "CPR")
    if cued:
        for m in _CPR_GROUPED.finditer(text):
            yield Candidate(m.start(), m.end(), "CPR")
