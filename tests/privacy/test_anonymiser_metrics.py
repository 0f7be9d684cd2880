"""Metric floors of issue 5 on the eval set (tests/privacy/data: dev, test and gen split), and
the scorer itself, so the floors cannot pass by a broken scorer."""

from __future__ import annotations

from pathlib import Path

import pytest

from privacy.anonymiser import Anonymiser, Entity
from privacy.anonymiser.evaluation import GoldMessage, load_gold, parse_line, score

DATA = Path(__file__).parent / "data"
FLOORS = {
    "CPR": 1.0,
    "TELEFON": 1.0,
    "EMAIL": 1.0,
    "NAVN": 0.95,
    "ADRESSE": 0.95,
    "SKOLE": 0.95,
    "BRUGERNAVN": 0.95,
}
MAX_ORDINARY_REMOVED = 0.02


@pytest.fixture(scope="module")
def messages() -> list[GoldMessage]:
    return load_gold(DATA / "anonymiser_eval_dev.txt") + load_gold(
        DATA / "anonymiser_eval_test.txt"
    )


def test_eval_set_is_big_and_varied(messages: list[GoldMessage]) -> None:
    assert len(messages) >= 200
    kinds = {e.type for m in messages for e in m.entities}
    assert kinds == {
        "NAVN", "CPR", "TELEFON", "EMAIL", "ADRESSE", "POSTNR", "SKOLE", "URL",
        "BRUGERNAVN", "KONTO", "IP",
    }  # fmt: skip
    assert sum(not m.entities for m in messages) >= 50  # messages with nothing to remove


@pytest.mark.parametrize("split", ["dev", "test", "gen"])
def test_floors(split: str) -> None:
    scores = score(load_gold(DATA / f"anonymiser_eval_{split}.txt"), Anonymiser().analyse)
    for kind, floor in FLOORS.items():
        assert scores.recall(kind) >= floor, (kind, scores.misses)
    assert scores.ordinary_removed_share <= MAX_ORDINARY_REMOVED, scores.false_removals


def test_parse_line() -> None:
    msg = parse_line("hej {{NAVN:mikkel}} ring {{TELEFON:22 33 44 55}}")
    assert msg.text == "hej mikkel ring 22 33 44 55"
    assert msg.entities == (Entity("NAVN", 4, 10), Entity("TELEFON", 16, 27))
    with pytest.raises(ValueError, match="unknown entity type"):
        parse_line("{{FOO:x}}")


def test_scorer_counts_misses_and_false_removals() -> None:
    msgs = [parse_line("hej {{NAVN:mikkel}} og {{NAVN:sofie}} er her")]
    nothing = score(msgs, lambda text: [])
    assert nothing.recall("NAVN") == 0.0 and nothing.ordinary_removed_share == 0.0
    everything = score(msgs, lambda text: [Entity("NAVN", 0, len(text))])
    assert everything.recall("NAVN") == 1.0 and everything.ordinary_removed_share == 1.0
    partial = score(msgs, lambda text: [Entity("NAVN", 4, 7)])  # "mik" only
    assert partial.recall("NAVN") == 0.0
    typed = score(msgs, lambda text: [Entity("URL", 4, 10), Entity("NAVN", 14, 19)])
    assert typed.recall("NAVN") == 1.0 and typed.recall("NAVN", typed=True) == 0.5
