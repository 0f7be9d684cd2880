"""Reading the hand-written corpus, the fixed test split and counsellor feedback.

The corpus lives in `tagging/data/corpus/*.tsv` (`text<TAB>tag,tag`, empty tags = no tag).
Which examples are test examples is stored explicitly in `tagging/data/test_ids.txt` (one
example id a line), so adding data or changing a seed can never move an example between train
and test by accident. `tagging/data/test.tsv` is an export of the test split for
`intake tagger evaluate`.
"""

from __future__ import annotations

import hashlib
import json
import logging
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from tagging.taxonomy import UnknownTagError, validate_tags

logger = logging.getLogger(__name__)

DATA_DIR = Path(__file__).resolve().parent / "data"
CORPUS_DIR = DATA_DIR / "corpus"
TEST_IDS_FILE = DATA_DIR / "test_ids.txt"
TEST_TSV = DATA_DIR / "test.tsv"
# Evaluation-only sets written by other authors than the corpus (one TSV per set): measured
# after every training, never trained on, never used to choose anything.
EVAL_DIR = DATA_DIR / "eval"

_SPACE = re.compile(r"\s+")
# Only these end a line. `str.splitlines` also splits at U+2028, U+0085, form feeds and other
# separators a youth's message may hold, which broke a message in two and shifted every
# later line number (the feedback export could not be read back).
_LINE_END = re.compile(r"\r\n|\r|\n")


def file_lines(text: str) -> list[str]:
    """The lines of a file's text, split at LF, CRLF and CR only."""
    lines = _LINE_END.split(text)
    if lines and not lines[-1]:
        lines.pop()  # the file's final newline ends the last line; it starts no new one
    return lines


def is_unicode_text(text: str) -> bool:
    """False for a string holding a lone surrogate (JSON's "\\ud800"), which no UTF-8 file,
    hash or tokenizer can take."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


class DataError(ValueError):
    """Malformed corpus, TSV or feedback input; the message names the file and line."""


@dataclass(frozen=True)
class Example:
    """One labelled message."""

    text: str
    tags: tuple[str, ...]

    @property
    def id(self) -> str:
        return example_id(self.text)


@dataclass(frozen=True)
class Split:
    train: list[Example]
    test: list[Example]
    # Other authors' evaluation sets by name (file stem); kept out of `train`.
    held_out: dict[str, list[Example]] = field(default_factory=dict)

    def evaluation_examples(self) -> list[Example]:
        """Every message the model must never train on: the test split and the held-out sets."""
        return [*self.test, *(ex for examples in self.held_out.values() for ex in examples)]


def example_id(text: str) -> str:
    """Stable id of a message: casing and spacing do not make a new example."""
    norm = _SPACE.sub(" ", text.casefold()).strip()
    return hashlib.sha256(norm.encode("utf-8")).hexdigest()[:16]


# A first line whose tag column holds one of these is a header, not a message.
_HEADER_TAG_FIELDS = frozenset(
    {"tag", "tags", "label", "labels", "kategori", "kategorier", "emne", "emner"}
)
# Tag ids hold letters and underscores only, so any of these can separate them.
_TAG_SEPARATORS = re.compile(r"[,;|\s]+")


def read_tsv(path: Path) -> list[Example]:
    """Read `text<TAB>tag,tag` lines; see `read_tsv_lines`."""
    return [example for _, example in read_tsv_lines(path)]


def read_tsv_lines(path: Path) -> list[tuple[int, Example]]:
    """Read `text<TAB>tag,tag` lines, each with its line number (from 1).

    Files as spreadsheets and Windows editors save them read the same: a UTF-8 byte-order
    mark is dropped, CRLF line ends are line ends, a first line such as `text<TAB>tags` is a
    header, tag ids are matched without regard to case, and commas, semicolons, bars or
    spaces separate them ("Angst, familie", "angst;familie")."""
    examples: list[tuple[int, Example]] = []
    try:
        lines = file_lines(path.read_text(encoding="utf-8-sig"))
    except OSError as exc:
        raise DataError(f"{path}: cannot read ({exc.strerror})") from exc
    except UnicodeDecodeError as exc:
        raise DataError(f"{path}: not UTF-8 text") from exc
    for lineno, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        text, sep, tag_field = line.partition("\t")
        if lineno == 1 and sep and tag_field.strip().lower() in _HEADER_TAG_FIELDS:
            continue
        if not sep:
            raise DataError(f"{path}:{lineno}: expected `text<TAB>tag,tag` (no tab found)")
        if not text.strip():
            raise DataError(f"{path}:{lineno}: empty text")
        raw_tags = [t.lower() for t in _TAG_SEPARATORS.split(tag_field) if t]
        try:
            tags = validate_tags(raw_tags)
        except UnknownTagError as exc:
            raise DataError(f"{path}:{lineno}: {exc}") from exc
        examples.append((lineno, Example(text.strip(), tuple(tags))))
    return examples


def write_tsv(path: Path, examples: Iterable[Example]) -> None:
    with path.open("w", encoding="utf-8") as fh:
        for ex in examples:
            fh.write(f"{ex.text}\t{','.join(ex.tags)}\n")


def load_corpus(corpus_dir: Path = CORPUS_DIR) -> list[Example]:
    """All corpus files in a fixed order; a duplicate message is a data error."""
    files = sorted(corpus_dir.glob("*.tsv"))
    if not files:
        raise DataError(f"{corpus_dir}: no *.tsv corpus files")
    examples: list[Example] = []
    seen: dict[str, Path] = {}
    for f in files:
        for ex in read_tsv(f):
            if ex.id in seen:
                raise DataError(f"{f}: duplicate message (also in {seen[ex.id].name})")
            seen[ex.id] = f
            examples.append(ex)
    return examples


def read_test_ids(path: Path = TEST_IDS_FILE) -> set[str]:
    return {ln.strip() for ln in file_lines(path.read_text(encoding="utf-8")) if ln.strip()}


def load_eval_sets(eval_dir: Path = EVAL_DIR) -> dict[str, list[Example]]:
    """Evaluation-only sets by file stem (none when the directory does not exist)."""
    return {f.stem: read_tsv(f) for f in sorted(eval_dir.glob("*.tsv"))}


def load_split(
    corpus_dir: Path = CORPUS_DIR,
    test_ids_file: Path = TEST_IDS_FILE,
    eval_dir: Path = EVAL_DIR,
) -> Split:
    """The corpus divided by the stored test ids; a corpus message that also appears in an
    evaluation-only set is left out of training."""
    examples = load_corpus(corpus_dir)
    test_ids = read_test_ids(test_ids_file)
    held_out = load_eval_sets(eval_dir)
    held_out_ids = {ex.id for exs in held_out.values() for ex in exs}
    train = [ex for ex in examples if ex.id not in test_ids and ex.id not in held_out_ids]
    test = [ex for ex in examples if ex.id in test_ids]
    missing = len(test_ids) - len(test)
    if missing:
        # A test example edited in place would silently join training; refuse instead.
        raise DataError(
            f"{test_ids_file}: {missing} test ids match no corpus message; "
            "restore the edited messages or regenerate the split deliberately"
        )
    return Split(train, test, held_out)


def data_hash(examples: Sequence[Example]) -> str:
    """Hash of texts and labels, order-independent, for artefact metadata."""
    h = hashlib.sha256()
    for line in sorted(f"{ex.text}\t{','.join(ex.tags)}" for ex in examples):
        h.update(line.encode("utf-8"))
        h.update(b"\n")
    return h.hexdigest()[:16]


def read_feedback(path: Path) -> list[Example]:
    """Counsellor corrections: JSON lines `{"text": anonymised, "tags": [...]}`.

    Every bad line is reported at once, so an analyst can fix the export in one go.
    """
    try:
        lines = file_lines(path.read_text(encoding="utf-8-sig"))
    except OSError as exc:
        raise DataError(f"{path}: cannot read feedback file ({exc.strerror})") from exc
    except UnicodeDecodeError as exc:
        raise DataError(f"{path}: feedback file is not UTF-8 text") from exc
    examples: list[Example] = []
    errors: list[str] = []
    for lineno, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            obj = json.loads(line)
        except json.JSONDecodeError as exc:
            errors.append(f"line {lineno}: not valid JSON ({exc.msg} at column {exc.colno})")
            continue
        except (ValueError, RecursionError):  # a 5,000-digit number, nesting 100,000 deep
            errors.append(f"line {lineno}: not JSON this reader can take (too large or deep)")
            continue
        if not isinstance(obj, dict):
            errors.append(f"line {lineno}: expected an object with 'text' and 'tags'")
            continue
        text = obj.get("text")
        tags = obj.get("tags")
        if not isinstance(text, str) or not text.strip():
            errors.append(f"line {lineno}: 'text' must be a non-empty string")
            continue
        if not is_unicode_text(text):
            errors.append(f"line {lineno}: 'text' holds a lone surrogate (not Unicode text)")
            continue
        if not isinstance(tags, list) or not all(isinstance(t, str) for t in tags):
            errors.append(f"line {lineno}: 'tags' must be a list of tag ids")
            continue
        try:
            valid = validate_tags(tags)
        except UnknownTagError as exc:
            errors.append(f"line {lineno}: {exc}")
            continue
        examples.append(Example(text.strip(), tuple(valid)))
    if not errors and not examples:
        raise DataError(f"{path}: no corrections in the feedback file")
    if errors:
        shown = "\n  ".join(errors[:20])
        more = f"\n  ... and {len(errors) - 20} more" if len(errors) > 20 else ""
        raise DataError(f"{path}: {len(errors)} bad feedback line(s):\n  {shown}{more}")
    return examples


@dataclass(frozen=True)
class MergeStats:
    """What a feedback file did to the training data, counted in messages."""

    added: int
    corrected: int  # a training message whose tags changed
    skipped_test: int  # the test split's or a held-out set's message: never trained on
    unchanged: int = 0  # a training message that already had these tags
    duplicates: int = 0  # lines overruled by a later line for the same message
    conflicts: int = 0  # ... of which gave other tags than the line that won

    @property
    def changed_anything(self) -> bool:
        return bool(self.added or self.corrected)

    def summary(self) -> str:
        text = (
            f"{self.added} added, {self.corrected} corrected, {self.unchanged} unchanged, "
            f"{self.skipped_test} skipped (test or held-out messages)"
        )
        if self.duplicates:
            text += (
                f"; {self.duplicates} line(s) overruled by a later line for the same message "
                f"({self.conflicts} with other tags)"
            )
        return text


_NOT_WORD = re.compile(r"[\W_]+")


def near_key(text: str) -> str:
    """A message with case, spacing, punctuation and emoji taken out: a correction of a test
    or held-out message with a "!" added is still that message."""
    return _NOT_WORD.sub(" ", text.casefold()).strip()


def merge_feedback(
    train: Sequence[Example], test: Sequence[Example], feedback: Sequence[Example]
) -> tuple[list[Example], MergeStats]:
    """Add corrections to the training data only.

    The feedback is in time order (`intake feedback export`), so of several lines for the
    same message the last one counts. A correction of a training message replaces its
    labels; one that matches a message of `test` (the test split and the held-out sets), also
    with other punctuation, is dropped, so those stay comparable across versions and are
    never trained on.
    """
    latest: dict[str, Example] = {}
    duplicates = conflicts = 0
    for ex in feedback:
        earlier = latest.pop(ex.id, None)  # re-inserted: the order is the last line's
        if earlier is not None:
            duplicates += 1
            conflicts += set(earlier.tags) != set(ex.tags)
        latest[ex.id] = ex
    test_keys = {near_key(ex.text) for ex in test}
    by_id: dict[str, Example] = {ex.id: ex for ex in train}
    added = corrected = unchanged = skipped = 0
    for ex in latest.values():
        if near_key(ex.text) in test_keys:
            skipped += 1
        elif ex.id not in by_id:
            added += 1
            by_id[ex.id] = ex
        elif set(by_id[ex.id].tags) == set(ex.tags):
            unchanged += 1
        else:
            corrected += 1
            by_id[ex.id] = ex
    stats = MergeStats(added, corrected, skipped, unchanged, duplicates, conflicts)
    logger.info("feedback merged: %s", stats.summary())
    return list(by_id.values()), stats
