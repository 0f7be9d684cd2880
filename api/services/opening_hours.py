"""Weekly opening hours in Danish local time (Europe/Copenhagen), as an operator writes them:

    man-fre 14-22            lør-søn 16-20; ons 9.30-12        alle 14-23        lukket

Groups are separated by `;` or `,`; days are `man tir ons tor fre lør søn` (also `loer`,
`soen`), a range `man-fre`, or `alle`; times are `14`, `14:30` or `14.30`, the end after the
start (`24` is midnight). The schedule is stored as `[weekday, opening minute, closing
minute]` (Monday 0). Pure functions of the schedule and the time, so DST is tested with a fixed
clock: local times stay local across the change (14:00 is 13:00 UTC in winter, 12:00 in
summer).
"""

import re
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

COPENHAGEN = ZoneInfo("Europe/Copenhagen")

DAYS = {"man": 0, "tir": 1, "ons": 2, "tor": 3, "fre": 4, "lør": 5, "loer": 5, "søn": 6,
        "soen": 6}  # fmt: skip
DAY_NAMES_DA = ("mandag", "tirsdag", "onsdag", "torsdag", "fredag", "lørdag", "søndag")

Interval = tuple[int, int, int]  # weekday, opening minute, closing minute (local time)

_TIME = r"\d{1,2}(?:[:.]\d{2})?"
_GROUP = re.compile(rf"^(?P<days>\S+)\s+(?P<start>{_TIME})\s*-\s*(?P<end>{_TIME})$")


class HoursError(ValueError):
    """The text is not a schedule; the message says what is wrong (shown to the operator)."""


def _minute(value: str) -> int:
    hours, _, minutes = value.replace(".", ":").partition(":")
    total = int(hours) * 60 + int(minutes or 0)
    if int(minutes or 0) >= 60 or total > 24 * 60:
        raise HoursError(f"{value!r} is not a time of day")
    return total


def _days(value: str) -> list[int]:
    if value == "alle":
        return list(range(7))
    first, _, last = value.partition("-")
    if first not in DAYS or (last and last not in DAYS):
        raise HoursError(f"{value!r}: days are man, tir, ons, tor, fre, lør, søn, a range or alle")
    if not last:
        return [DAYS[first]]
    start, end = DAYS[first], DAYS[last]
    return [d % 7 for d in range(start, end + 1 if end >= start else end + 8)]


def parse(text: str) -> list[Interval]:
    """The schedule of `text`; `lukket` is a schedule that never opens. Raises HoursError."""
    cleaned = text.strip().lower()
    if cleaned == "lukket":
        return []
    schedule: list[Interval] = []
    for group in filter(None, (g.strip() for g in re.split(r"[;,]", cleaned))):
        match = _GROUP.match(group)
        if match is None:
            raise HoursError(f"{group!r}: write days and hours like 'man-fre 14-22'")
        start, end = _minute(match["start"]), _minute(match["end"])
        if end <= start:
            raise HoursError(f"{group!r}: the closing time must be after the opening time")
        schedule.extend((day, start, end) for day in _days(match["days"]))
    if not schedule:
        raise HoursError("no opening hours given (write 'lukket' for closed)")
    return sorted(set(schedule))


def is_open(schedule: list[Interval], now: datetime) -> bool:
    local = now.astimezone(COPENHAGEN)
    minute = local.hour * 60 + local.minute
    return any(day == local.weekday() and start <= minute < end for day, start, end in schedule)


def _local(day: date, minute: int) -> datetime:
    return datetime.combine(day, time(minute // 60, minute % 60), tzinfo=COPENHAGEN)


def next_opening(schedule: list[Interval], now: datetime) -> datetime | None:
    """The next opening after `now`, in Copenhagen time (None: never opens)."""
    local = now.astimezone(COPENHAGEN)
    for offset in range(8):
        day = local.date() + timedelta(days=offset)
        for weekday, start, _ in schedule:
            if weekday == day.weekday() and start < 24 * 60:
                candidate = _local(day, start)
                if candidate > now:
                    return candidate
    return None


def back_when_da(opening: datetime, now: datetime) -> str:
    """'i dag kl. 14', 'i morgen kl. 14.30', 'på mandag kl. 9' (Danish, local time)."""
    opening, local = opening.astimezone(COPENHAGEN), now.astimezone(COPENHAGEN)
    clock = f"kl. {opening.hour}" + (f".{opening.minute:02d}" if opening.minute else "")
    days = (opening.date() - local.date()).days
    if days == 0:
        return f"i dag {clock}"
    if days == 1:
        return f"i morgen {clock}"
    if days < 7:
        return f"på {DAY_NAMES_DA[opening.weekday()]} {clock}"
    return f"næste {DAY_NAMES_DA[opening.weekday()]} {clock}"
