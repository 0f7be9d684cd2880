"""The cheap necessary-condition checks that let messages skip detectors must never hide an
entity: every detector's result with the check is compared with its result without it."""

from __future__ import annotations

import random
import re
from pathlib import Path

import pytest

from privacy.anonymiser import Anonymiser
from privacy.anonymiser.entities import Candidate, resolve
from privacy.anonymiser.evaluation import load_gold

DATA = Path(__file__).parent / "data"


@pytest.fixture(scope="module")
def anon() -> Anonymiser:
    return Anonymiser()


@pytest.fixture(scope="module")
def texts() -> list[str]:
    gold = [
        m.text for s in ("dev", "test", "gen") for m in load_gold(DATA / f"anonymiser_eval_{s}.txt")
    ]
    rng = random.Random(5)
    words = " ".join(gold).split()
    salad = [" ".join(rng.choice(words) for _ in range(rng.randint(2, 20))) for _ in range(3000)]
    variants = [t.upper() for t in gold] + [t.title() for t in gold] + [t.lower() for t in gold]
    variants += [t.replace(" ", "\n", 2) for t in gold]
    return gold + salad + variants


def _names_without_prefilter(anon: Anonymiser, text: str) -> list[Candidate]:
    nlp, matcher = anon._nlp, anon._matcher  # test-only look inside: run the rules ungated
    return anon._names.find(nlp.make_doc(text), matcher, [])


def test_name_prefilter_is_a_necessary_condition(anon: Anonymiser, texts: list[str]) -> None:
    skipped = 0
    for text in texts:
        if not anon._names.may_contain(text):
            skipped += 1
            assert _names_without_prefilter(anon, text) == [], text
    # The check must actually skip something, or it is dead weight.
    assert skipped > 100


def test_name_prefilter_lets_cues_and_names_through(anon: Anonymiser) -> None:
    for text in ("jeg hedder xqzt", "min lærer Xqzt", "Xqzt skrev til mig", "mikkel", "Mikkels"):
        assert anon._names.may_contain(text), text
    assert not anon._names.may_contain("jeg er så ked af det og kan ikke sove")


def test_function_words_are_never_names_by_identity_rule(anon: Anonymiser) -> None:
    # "ingen" and "ikke" are in the name lists by accident; "X er min mor" must not make them names.
    for text in ("ingen er min ven", "det er ikke er min lærer"):
        assert [e for e in anon.analyse(text) if e.type == "NAVN"] == [], text
    assert [e.type for e in anon.analyse("Hans er min morfar")] == ["NAVN"]


def test_regex_prefilters_change_nothing(anon: Anonymiser, texts: list[str]) -> None:
    from privacy.anonymiser import engine

    ungated_detectors = engine.ungated_detectors(anon._lexicon)
    skipped = 0
    for text in texts:
        gated = resolve(
            c
            for may_match, detect in anon._regex_detectors
            if may_match(text)
            for c in detect(text)
        )
        skipped += sum(not may_match(text) for may_match, _ in anon._regex_detectors)
        ungated = resolve(c for detect in ungated_detectors for c in detect(text))
        assert gated == ungated, text
    assert skipped > 1000


def test_detector_internal_checks_change_nothing(
    anon: Anonymiser, texts: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from privacy.anonymiser import engine

    def run_all() -> list[list[Candidate]]:
        return [
            sorted(c for detect in engine.ungated_detectors(anon._lexicon) for c in detect(text))
            for text in texts
        ]

    gated = run_all()
    from privacy.anonymiser import addresses, handles, schools

    always = re.compile("")
    monkeypatch.setattr(addresses, "_street_window", lambda text: 0)
    monkeypatch.setattr(addresses, "_LIVE_WORD", always)
    monkeypatch.setattr(addresses, "_FOUR_DIGITS", always)
    monkeypatch.setattr(schools, "_SCHOOL_HINTS", ("",))
    monkeypatch.setattr(schools, "_school_window", lambda text, low: (0, len(text)))
    monkeypatch.setattr(schools, "_compound_window", lambda text, low: (0, len(text)))
    monkeypatch.setattr(handles, "_platform_word", lambda text: True)
    assert run_all() == gated


def test_lower_cased_patterns_find_what_the_case_insensitive_ones_find(
    texts: list[str],
) -> None:
    from privacy.anonymiser import addresses, contact, cpr, handles, schools

    pairs = [
        (schools._SCHOOL_LOW, schools._SCHOOL),
        (schools._SCHOOL_WORD_ALONE, re.compile(schools._SCHOOL_WORD_ALONE.pattern, re.I)),
        (addresses._SUFFIX_THEN_NUMBER, re.compile(addresses._SUFFIX_THEN_NUMBER.pattern, re.I)),
        (handles._PLATFORM_START, re.compile(handles._PLATFORM_START.pattern, re.I)),
        (contact._MAIL_WORD_LOW, contact._MAIL_WORD),
        (addresses._LIVE_WORD, re.compile(addresses._LIVE_WORD.pattern, re.I)),
        (cpr._CUE, re.compile(cpr._CUE.pattern, re.I)),
    ]
    for text in texts:
        low = text.lower()
        first = addresses._SUFFIX_THEN_NUMBER.search(low)
        assert (addresses.suffix_before_number(low) is None) == (first is None), text
        for fast, reference in pairs:
            assert [m.span() for m in fast.finditer(low)] == [
                m.span() for m in reference.finditer(text)
            ], (fast.pattern[:30], text)
