"""Behavioural tests of the trained tagger: invariance, direction, and the known traps."""

from __future__ import annotations

import pytest

from tagging.predictor import Tagger, TagPrediction
from tagging.taxonomy import TAG_IDS


def one(tagger: Tagger, text: str) -> TagPrediction:
    [pred] = tagger.predict([text])
    return pred


def test_prediction_shape(tagger: Tagger) -> None:
    pred = one(tagger, "mine forældre skal skilles og jeg er så ked af det")
    assert set(pred.scores) == set(TAG_IDS)
    assert all(0.0 <= s <= 1.0 for s in pred.scores.values())
    assert pred.tags == sorted(pred.tags, key=lambda t: pred.scores[t], reverse=True)
    assert "familie" in pred.tags
    assert tagger.predict([]) == []


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Mikkel fra min klasse mobber mig hver dag", "Ahmed fra min klasse mobber mig hver dag"),
        ("min kæreste Sofie har slået op med mig", "min kæreste Fatima har slået op med mig"),
        (
            "jeg har det så dårligt efter min mormor døde",
            "JEG HAR DET SÅ DÅRLIGT EFTER MIN MORMOR DØDE",
        ),
        ("jeg er så stresset over eksamen", "jeg er så stresset over eksamen!!!"),
    ],
)
def test_invariant_to_names_casing_and_punctuation(tagger: Tagger, a: str, b: str) -> None:
    assert one(tagger, a).tags == one(tagger, b).tags


@pytest.mark.parametrize(
    ("clean", "typo"),
    [
        ("jeg vil ikke leve mere", "jg vil ik leve mere"),
        ("jeg skærer i mig selv", "jeg skære i mig selv"),
        ("min far slår mig", "min far slåår mig"),
        ("jeg har lyst til at dø", "jeg har lyst til at døøø"),
    ],
)
def test_crisis_survives_typos(tagger: Tagger, clean: str, typo: str) -> None:
    assert one(tagger, clean).crisis
    assert one(tagger, typo).crisis


@pytest.mark.parametrize(
    "base",
    [
        "jeg har så mange afleveringer og kan ikke nå det",
        "min kæreste har slået op med mig",
        "jeg har ingen venner i min nye klasse",
    ],
)
def test_adding_a_suicidal_sentence_adds_selvmordstanker(tagger: Tagger, base: str) -> None:
    before = one(tagger, base)
    after = one(tagger, base + ". nogle gange vil jeg bare ikke leve mere")
    assert "selvmordstanker" not in before.tags
    assert "selvmordstanker" in after.tags and after.crisis
    assert after.scores["selvmordstanker"] > before.scores["selvmordstanker"]


@pytest.mark.parametrize(
    ("text", "expected", "forbidden"),
    [
        ("matematik slår mig ihjel 💀", "skole_stress", None),
        (
            "har aldrig haft selvmordstanker, er bare mega stresset over skolen",
            "skole_stress",
            "selvmordstanker",
        ),
        ("min veninde skærer i sig selv og jeg er bange for hende", "venskab", "selvskade"),
        ("min onkel tog sit eget liv sidste år", "sorg", "selvmordstanker"),
    ],
)
def test_traps_get_the_everyday_topic(
    tagger: Tagger, text: str, expected: str, forbidden: str | None
) -> None:
    pred = one(tagger, text)
    assert expected in pred.tags
    if forbidden:
        assert forbidden not in pred.tags


@pytest.mark.parametrize(
    "text",
    [
        "jeg vil bare sove og ikke vågne op igen",
        "har samlet piller i min skuffe",
        "vil ikke gøre noget men tænker på at dø hver dag",
        "for to år siden prøvede jeg at tage mit liv. det er ovre nu",
        "min onkel siger det er vores lille hemmelighed",
    ],
)
def test_indirect_and_past_crisis_is_found(tagger: Tagger, text: str) -> None:
    assert one(tagger, text).crisis


@pytest.mark.parametrize("text", ["hej", "er det anonymt?", "ved ikke", "tak for hjælpen 🙏"])
def test_small_talk_gets_no_tag(tagger: Tagger, text: str) -> None:
    pred = one(tagger, text)
    assert pred.tags == [] and not pred.crisis


@pytest.mark.parametrize(
    "text",
    [
        "min storebror tog sit eget liv i sommer",
        "en pige fra min klasse tog livet af sig i weekenden og vi fik det at vide i første time",
        "min morfar hængte sig da jeg var lille, nu spørger min lillesøster hvad der skete",
    ],
)
def test_someone_elses_suicide_is_grief(tagger: Tagger, text: str) -> None:
    pred = one(tagger, text)
    assert "sorg" in pred.tags
    assert "selvmordstanker" not in pred.tags


@pytest.mark.parametrize(
    "text",
    [
        "min storebror tog sit eget liv i sommer og nu vil jeg det samme",
        "efter min veninde tog livet af sig tænker jeg hver dag på at dø",
    ],
)
def test_own_thoughts_after_someone_elses_suicide_stay_a_crisis(tagger: Tagger, text: str) -> None:
    pred = one(tagger, text)
    assert "selvmordstanker" in pred.tags and pred.crisis


# People who appear in many abuse and bereavement-crisis messages; in ordinary news they must
# not raise an alarm (the eighth round found "min onkel har fået en ny bil" tagged as abuse).
_RELATIVES_AND_ADULTS = ["onkel", "stedfar", "mors kæreste", "fætter", "nabo", "bedstefar"]


@pytest.mark.parametrize("who", _RELATIVES_AND_ADULTS)
@pytest.mark.parametrize(
    "template",
    ["min {} har fået en ny bil", "min {} døde sidste år", "min {} flytter til aarhus"],
)
def test_ordinary_news_about_a_relative_is_not_a_crisis(
    tagger: Tagger, who: str, template: str
) -> None:
    assert not one(tagger, template.format(who)).crisis
