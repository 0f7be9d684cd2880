"""The factored lexicon scans find exactly what the plain per-tag patterns find."""

from __future__ import annotations

import re

import pytest

from tagging import crisis
from tagging.alternation import factor, split_top
from tagging.context import ClauseIndex
from tagging.corpus import load_corpus
from tagging.features import normalise
from tagging.lexicon import _COMPILED, topic_matches


@pytest.fixture(scope="module")
def texts() -> list[str]:
    corpus = [normalise(ex.text) for ex in load_corpus()]
    # Edge cases: a match at the very start and end, overlapping stems, nothing at all.
    return [*corpus, "", "angst", "ingen venner ingen venner", "bange. bange, bange"]


def test_split_top_respects_groups_classes_and_escapes() -> None:
    assert split_top(r"a(?:b|c)|[|x]|d\|e") == ["a(?:b|c)", "[|x]", r"d\|e"]


def test_factor_keeps_the_language() -> None:
    alts = [r"(?:tage|tog) mit liv", r"tal\w*", r"\bven\b", r"(?:ikke|ik)? at", "tog fat"]
    plain = re.compile(r"(?<!\w)(?:" + "|".join(alts) + ")")
    fast = re.compile(r"(?<!\w)" + factor(alts))
    for text in [
        "tog mit liv",
        "tage mit liv",
        "talte",
        "ven",
        "venner",
        " at",
        "ik at",
        "tog fat",
        "x",
    ]:
        assert bool(plain.search(text)) == bool(fast.search(text)), text


def test_topic_matches_equal_the_plain_patterns(texts: list[str]) -> None:
    assert sum(len(topic_matches(t)) for t in texts) > 1000  # not vacuous
    for text in texts:
        plain = sorted((i, m.start()) for i, p in enumerate(_COMPILED) for m in p.finditer(text))
        assert sorted(topic_matches(text)) == plain, text


def test_crisis_gates_equal_the_plain_patterns(texts: list[str]) -> None:
    rules = crisis.RULES
    plain_any = re.compile(
        crisis._WORD_START
        + "(?:"
        + "|".join(crisis._inner(r) for rs in rules.values() for r in rs)
        + ")"
    )
    plain_by_tag = {
        tag: re.compile(crisis._WORD_START + "(?:" + "|".join(crisis._inner(r) for r in rs) + ")")
        for tag, rs in rules.items()
    }
    fired = 0
    for text in texts:
        assert bool(plain_any.search(text)) == bool(crisis._ANY.search(text)), text
        fired += bool(crisis._ANY.search(text))
        for tag, pattern in plain_by_tag.items():
            starts = [m.start() for m in pattern.finditer(text)]
            assert [m.start() for m in crisis._ANY_BY_TAG[tag].finditer(text)] == starts, text
    assert fired > 100  # the comparison is not vacuous


def _analyse_rule_by_rule(text: str) -> dict[str, frozenset[str]]:
    """The crisis analysis as first written: every rule of a tag over every clause it hits."""
    found: dict[str, set[str]] = {tag: set() for tag in crisis.RULES}
    index = ClauseIndex.of(text)
    for tag, rules in crisis.RULES.items():
        hit = sorted({index.number(m.start()) for m in crisis._ANY_BY_TAG[tag].finditer(text)})
        for k in hit:
            clause = index.clause(k).strip()
            everyday = crisis.is_everyday(index, k)
            for rule in rules:
                found[tag].update(crisis._outcomes(rule, clause, everyday, text))
        if hit:
            found[tag].update(crisis.spanning_outcomes(tag, text, index))
    return {tag: frozenset(outcomes) for tag, outcomes in found.items()}


def test_crisis_analysis_runs_only_the_matching_rules_with_the_same_outcomes(
    texts: list[str],
) -> None:
    fired = 0
    for text in texts:
        expected = _analyse_rule_by_rule(text)
        assert crisis._analyse.__wrapped__(text) == tuple(expected.items()), text
        fired += any(expected.values())
    assert fired > 1000  # not vacuous
