"""Scoring an anonymiser against gold-annotated messages (used by the evaluation script,
the benchmark and the metric tests).

Gold format, one message a line: ``jeg hedder {{NAVN:mikkel}} og bor i {{POSTNR:8000 Aarhus}}``;
lines starting with ``#`` and blank lines are skipped.

- *recall* of a type: the share of its gold entities whose every non-space character is
  covered by some predicted entity (what matters for privacy: was it removed?);
  *typed recall* demands the predicted entity have the same type.
- *ordinary words removed*: the share of words outside every gold span that a predicted
  entity overlaps.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from privacy.anonymiser.entities import TYPES, Entity

_MARK = re.compile(r"\{\{([A-ZÆØÅ]+):(.+?)\}\}")
_WORD = re.compile(r"\w+")


@dataclass(frozen=True)
class GoldMessage:
    text: str
    entities: tuple[Entity, ...]


def parse_line(line: str) -> GoldMessage:
    parts: list[str] = []
    entities: list[Entity] = []
    pos = 0
    length = 0
    for m in _MARK.finditer(line):
        before = line[pos : m.start()]
        parts.append(before)
        length += len(before)
        kind, value = m.group(1), m.group(2)
        if kind not in TYPES:
            raise ValueError(f"unknown entity type {kind!r}")
        entities.append(Entity(kind, length, length + len(value)))
        parts.append(value)
        length += len(value)
        pos = m.end()
    parts.append(line[pos:])
    return GoldMessage("".join(parts), tuple(entities))


def load_gold(path: Path) -> list[GoldMessage]:
    lines = path.read_text(encoding="utf-8").splitlines()
    return [parse_line(line) for line in lines if line.strip() and not line.startswith("#")]


@dataclass
class Scores:
    gold: dict[str, int] = field(default_factory=dict)
    found: dict[str, int] = field(default_factory=dict)
    typed: dict[str, int] = field(default_factory=dict)
    ordinary_words: int = 0
    ordinary_removed: int = 0
    misses: list[tuple[str, str, str]] = field(default_factory=list)  # (type, value, text)
    false_removals: list[tuple[str, str]] = field(default_factory=list)  # (word, text)

    def recall(self, kind: str, typed: bool = False) -> float:
        total = self.gold.get(kind, 0)
        hits = (self.typed if typed else self.found).get(kind, 0)
        return hits / total if total else float("nan")

    @property
    def overall_recall(self) -> float:
        total = sum(self.gold.values())
        return sum(self.found.values()) / total if total else float("nan")

    @property
    def ordinary_removed_share(self) -> float:
        return self.ordinary_removed / self.ordinary_words if self.ordinary_words else 0.0


def _covered(ent: Entity, text: str, predicted: Sequence[Entity], same_type: bool) -> bool:
    for i in range(ent.start, ent.end):
        if text[i].isspace():
            continue
        if not any(
            p.start <= i < p.end and (not same_type or p.type == ent.type) for p in predicted
        ):
            return False
    return True


def score(messages: Iterable[GoldMessage], analyse: Callable[[str], Sequence[Entity]]) -> Scores:
    s = Scores()
    for msg in messages:
        predicted = analyse(msg.text)
        for ent in msg.entities:
            s.gold[ent.type] = s.gold.get(ent.type, 0) + 1
            if _covered(ent, msg.text, predicted, same_type=False):
                s.found[ent.type] = s.found.get(ent.type, 0) + 1
            else:
                s.misses.append((ent.type, msg.text[ent.start : ent.end], msg.text))
            if _covered(ent, msg.text, predicted, same_type=True):
                s.typed[ent.type] = s.typed.get(ent.type, 0) + 1
        for w in _WORD.finditer(msg.text):
            if any(w.start() < g.end and w.end() > g.start for g in msg.entities):
                continue
            s.ordinary_words += 1
            if any(w.start() < p.end and w.end() > p.start for p in predicted):
                s.ordinary_removed += 1
                s.false_removals.append((w.group(), msg.text))
    return s


def format_scores(scores: Scores, title: str) -> str:
    lines = [title, f"{'type':<11} {'gold':>5} {'recall':>7} {'typed':>7}"]
    for kind in sorted(scores.gold):
        lines.append(
            f"{kind:<11} {scores.gold[kind]:>5} {scores.recall(kind):>7.3f}"
            f" {scores.recall(kind, typed=True):>7.3f}"
        )
    lines.append(f"{'all':<11} {sum(scores.gold.values()):>5} {scores.overall_recall:>7.3f}")
    lines.append(
        f"ordinary words removed: {scores.ordinary_removed}/{scores.ordinary_words}"
        f" = {100 * scores.ordinary_removed_share:.2f} %"
    )
    return "\n".join(lines)
