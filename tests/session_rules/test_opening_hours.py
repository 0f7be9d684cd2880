"""Opening hours with a fixed clock: parsing, open/closed, the next opening and how it is said
in Danish, across both DST changes of 2026 (29 March, 25 October in Europe/Copenhagen)."""

from datetime import UTC, datetime

import pytest

from api.services import opening_hours as oh

WEEKDAYS_14_22 = oh.parse("man-fre 14-22")


def utc(year: int, month: int, day: int, hour: int, minute: int) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=UTC)


def test_parse_days_ranges_minutes_and_groups() -> None:
    assert [(d, 14 * 60, 22 * 60) for d in range(5)] == WEEKDAYS_14_22
    assert oh.parse("lør-søn 16-20; ons 9.30-12") == [
        (2, 570, 720),
        (5, 960, 1200),
        (6, 960, 1200),
    ]
    assert oh.parse("alle 14-23") == [(d, 840, 1380) for d in range(7)]
    assert oh.parse("fre-man 18-24") == [(0, 1080, 1440), (4, 1080, 1440), (5, 1080, 1440),
                                          (6, 1080, 1440)]  # fmt: skip
    assert oh.parse("lukket") == []


@pytest.mark.parametrize(
    "text", ["", "hverdage 14-22", "man 22-14", "man 14-25", "man 14:75-16", "man-fre", "14-22"]
)
def test_bad_text_is_refused_with_a_reason(text: str) -> None:
    with pytest.raises(oh.HoursError):
        oh.parse(text)


def test_open_and_closed_in_winter_time() -> None:
    # Tuesday 10 November 2026, CET = UTC+1.
    assert not oh.is_open(WEEKDAYS_14_22, utc(2026, 11, 10, 12, 59))  # 13:59 local
    assert oh.is_open(WEEKDAYS_14_22, utc(2026, 11, 10, 13, 0))  # 14:00
    assert oh.is_open(WEEKDAYS_14_22, utc(2026, 11, 10, 20, 59))  # 21:59
    assert not oh.is_open(WEEKDAYS_14_22, utc(2026, 11, 10, 21, 0))  # 22:00


def test_open_in_summer_time_follows_local_clock() -> None:
    # Tuesday 9 June 2026, CEST = UTC+2: 14:00 local is 12:00 UTC.
    assert oh.is_open(WEEKDAYS_14_22, utc(2026, 6, 9, 12, 0))
    assert not oh.is_open(WEEKDAYS_14_22, utc(2026, 6, 9, 11, 59))


def test_next_opening_and_the_danish_words() -> None:
    tuesday_late = utc(2026, 11, 10, 22, 30)  # 23:30 local
    opening = oh.next_opening(WEEKDAYS_14_22, tuesday_late)
    assert opening == datetime(2026, 11, 11, 14, 0, tzinfo=oh.COPENHAGEN)
    assert oh.back_when_da(opening, tuesday_late) == "i morgen kl. 14"
    morning = utc(2026, 11, 10, 8, 0)
    opening = oh.next_opening(WEEKDAYS_14_22, morning)
    assert opening is not None and oh.back_when_da(opening, morning) == "i dag kl. 14"
    friday_night = utc(2026, 11, 13, 22, 0)
    opening = oh.next_opening(WEEKDAYS_14_22, friday_night)
    assert opening is not None and oh.back_when_da(opening, friday_night) == "på mandag kl. 14"
    half_past = oh.parse("ons 9.30-12")
    wednesday_noon = utc(2026, 11, 11, 11, 30)  # 12:30 local, just closed
    opening = oh.next_opening(half_past, wednesday_noon)
    assert (
        opening is not None and oh.back_when_da(opening, wednesday_noon) == "næste onsdag kl. 9.30"
    )
    assert oh.next_opening([], wednesday_noon) is None


def test_spring_forward_weekend() -> None:
    """Sunday 29 March 2026 the clocks go from 02:00 to 03:00. An organisation open on Sunday
    at 14 opens at 12:00 UTC that day (a fixed +1 would wrongly say 13:00 UTC)."""
    sundays = oh.parse("søn 14-20")
    saturday_evening = utc(2026, 3, 28, 20, 0)  # 21:00 CET
    opening = oh.next_opening(sundays, saturday_evening)
    assert opening is not None and opening.astimezone(UTC) == utc(2026, 3, 29, 12, 0)
    assert oh.back_when_da(opening, saturday_evening) == "i morgen kl. 14"
    assert not oh.is_open(sundays, utc(2026, 3, 29, 11, 59))
    assert oh.is_open(sundays, utc(2026, 3, 29, 12, 0))
    # Open across the gap: 01:00-04:00 local is only two real hours that night.
    night = oh.parse("søn 1-4")
    assert oh.is_open(night, utc(2026, 3, 29, 0, 30))  # 01:30 CET
    assert oh.is_open(night, utc(2026, 3, 29, 1, 30))  # 03:30 CEST
    assert not oh.is_open(night, utc(2026, 3, 29, 2, 0))  # 04:00 CEST


def test_fall_back_weekend() -> None:
    """Sunday 25 October 2026 02:00-03:00 happens twice; 14:00 that day is 13:00 UTC."""
    sundays = oh.parse("søn 14-20")
    opening = oh.next_opening(sundays, utc(2026, 10, 24, 20, 0))
    assert opening is not None and opening.astimezone(UTC) == utc(2026, 10, 25, 13, 0)
    assert not oh.is_open(sundays, utc(2026, 10, 25, 12, 30))  # 13:30 CET
    assert oh.is_open(sundays, utc(2026, 10, 25, 13, 0))
    night = oh.parse("søn 2-3")
    assert oh.is_open(night, utc(2026, 10, 25, 0, 30))  # 02:30 CEST
    assert oh.is_open(night, utc(2026, 10, 25, 1, 30))  # 02:30 CET, the second time
