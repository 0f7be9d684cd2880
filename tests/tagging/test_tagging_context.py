"""The clause-level person and denial checks look back a bounded distance from a match."""

from __future__ import annotations

from tagging.context import is_negated, is_other_person
from tagging.crisis import crisis_hits
from tagging.features import normalise

# Filler without subjects, negations or clause punctuation: one long clause.
_FILLER = "og så videre hele dagen lang "


def _clause(head: str, filler_words: int, tail: str) -> tuple[str, int]:
    body = head + _FILLER * (filler_words // 6) + tail
    return body, len(body) - len(tail)


def test_a_subject_within_the_lookback_decides_whose_it_is() -> None:
    clause, start = _clause("min veninde ", 300, "skærer i armen")
    assert len(clause) < 2000
    assert is_other_person(clause, start)


def test_a_subject_further_back_than_a_message_can_be_is_not_taken() -> None:
    # Beyond 2,000 characters (the longest message the api takes) the scan stops, so a long
    # unpunctuated text costs in proportion to its length, not to its square.
    clause, start = _clause("min veninde ", 600, "skærer i armen")
    assert start > 2000
    assert not is_other_person(clause, start)


def test_denials_are_judged_from_the_words_just_before_the_match() -> None:
    clause, start = _clause("jeg har det fint " + _FILLER * 400, 0, "ikke skære i mig selv")
    start = clause.index("skære")
    assert is_negated(clause, start, start + len("skære"))
    assert not is_negated(clause, clause.index("fint"), clause.index("fint") + 4)


def test_a_long_message_keeps_its_crisis_and_its_denials_far_apart() -> None:
    # The same message at the end of a very long text: found, and still someone else's when
    # the friend is named right before it.
    long_text = normalise(_FILLER * 2000 + ". jeg vil ikke leve mere")
    assert "selvmordstanker" in crisis_hits(long_text)
    friend = normalise(_FILLER * 2000 + ". min veninde siger hun vil ikke leve mere")
    assert "selvmordstanker" not in crisis_hits(friend)
