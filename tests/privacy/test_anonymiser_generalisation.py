"""Rules added for misses on the generalisation split (tests/privacy/data/anonymiser_eval_gen.txt),
each with the ordinary text it must leave alone."""

from __future__ import annotations

import pytest

from privacy.anonymiser import Anonymiser


@pytest.fixture(scope="module")
def anon() -> Anonymiser:
    return Anonymiser()


def found(anon: Anonymiser, text: str) -> list[tuple[str, str]]:
    return [(e.type, text[e.start : e.end]) for e in anon.analyse(text)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("cpr: 310109 - 1234", [("CPR", "310109 - 1234")]),
        ("mit personnummer er 01 02 10 1234", [("CPR", "01 02 10 1234")]),
        ("mit cpr er 12.05.09-1234", [("CPR", "12.05.09-1234")]),
        ("han hedder darkknight99 på discord", [("BRUGERNAVN", "darkknight99")]),
        ("sc: tobias2009", [("BRUGERNAVN", "tobias2009")]),
        ("bor på Kongens Vænge 14", [("ADRESSE", "Kongens Vænge 14")]),
        ("bor på Amager Strandvej 50", [("ADRESSE", "Amager Strandvej 50")]),
        ("Tobbe og Malthe tog min cykel", [("NAVN", "Tobbe"), ("NAVN", "Malthe")]),
        ("alle kalder ham Jonne", [("NAVN", "Jonne")]),
    ],
)
def test_found(anon: Anonymiser, text: str, expected: list[tuple[str, str]]) -> None:
    assert found(anon, text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "Efter skole går jeg bare hjem og sover",
        "vores klasse skal på lejrskole",
        "vi ses kl 12.30 på discord",
        "jeg så det på insta",
        "sc er lukket",
        "født 12 05 2009 1234 gange",  # grouped date without a cpr cue
        "Hjem og sove",
        "Efter Nørregade kommer Vestergade",
    ],
)
def test_left_alone(anon: Anonymiser, text: str) -> None:
    assert found(anon, text) == []


def test_capitalised_ordinary_word_starting_the_sentence_is_not_a_street_name(
    anon: Anonymiser,
) -> None:
    assert found(anon, "Hjem til Vestergade 4") == [("ADRESSE", "Vestergade 4")]
