import pytest

from intake.demographics import AgeBand, Gender, age_to_band, parse_age_band, parse_gender


@pytest.mark.parametrize(
    ("answer", "expected"),
    [
        ("pige", Gender.PIGE),
        ("Pige", Gender.PIGE),
        ("jeg er en pige", Gender.PIGE),
        ("dreng", Gender.DRENG),
        ("andet", Gender.ANDET),
        ("ikke-binær", Gender.ANDET),
        ("vil ikke sige", Gender.IKKE_OPLYST),
        ("spring over", Gender.IKKE_OPLYST),
        ("banan", None),
        ("", None),
        ("pige eller dreng", None),
    ],
)
def test_gender_answers(answer: str, expected: Gender | None) -> None:
    assert parse_gender(answer) == expected


@pytest.mark.parametrize(
    ("age", "band"),
    [
        (9, AgeBand.B10_12),
        (12, AgeBand.B10_12),
        (13, AgeBand.B13_15),
        (15, AgeBand.B13_15),
        (16, AgeBand.B16_18),
        (18, AgeBand.B16_18),
        (19, AgeBand.B19_24),
        (24, AgeBand.B19_24),
        (25, AgeBand.B25_PLUS),
        (60, AgeBand.B25_PLUS),
    ],
)
def test_band_boundaries(age: int, band: AgeBand) -> None:
    assert age_to_band(age) == band


@pytest.mark.parametrize(
    ("answer", "band"),
    [
        ("15", AgeBand.B13_15),
        ("jeg er 17 år", AgeBand.B16_18),
        ("femten", AgeBand.B13_15),
        ("spring over", AgeBand.IKKE_OPLYST),
        ("Vil ikke sige", AgeBand.IKKE_OPLYST),
        ("tusind", None),
        ("200", None),
        ("12 eller 13", None),
        ("", None),
    ],
)
def test_age_answers_become_bands(answer: str, band: AgeBand | None) -> None:
    assert parse_age_band(answer) == band
