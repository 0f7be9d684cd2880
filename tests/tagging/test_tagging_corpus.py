from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest

from tagging.corpus import (
    TEST_TSV,
    DataError,
    Example,
    load_corpus,
    load_split,
    merge_feedback,
    read_feedback,
    read_tsv,
    read_tsv_lines,
    write_tsv,
)
from tagging.taxonomy import CRISIS_TAGS, TAG_IDS, UnknownTagError, validate_tags


def test_taxonomy_has_the_16_stable_ids_and_3_crisis_tags() -> None:
    assert TAG_IDS == (
        "ensomhed",
        "angst",
        "nedtrykthed",
        "selvskade",
        "selvmordstanker",
        "spiseforstyrrelse",
        "mobning",
        "familie",
        "vold_overgreb",
        "kaerlighed",
        "krop_seksualitet",
        "identitet",
        "misbrug",
        "skole_stress",
        "sorg",
        "venskab",
    )
    assert {"selvmordstanker", "selvskade", "vold_overgreb"} == CRISIS_TAGS


def test_validate_tags_orders_dedupes_and_rejects_unknown() -> None:
    assert validate_tags(["sorg", "angst", "sorg"]) == ["angst", "sorg"]
    with pytest.raises(UnknownTagError, match="selvmord"):
        validate_tags(["selvmord"])


def test_corpus_size_per_tag_and_no_tag_messages() -> None:
    examples = load_corpus()
    counts = Counter(t for ex in examples for t in ex.tags)
    assert {t: counts[t] for t in TAG_IDS if counts[t] < 60} == {}
    assert sum(1 for ex in examples if not ex.tags) >= 150


def test_split_is_stored_and_disjoint_and_exported() -> None:
    split = load_split()
    train_ids = {ex.id for ex in split.train}
    test_ids = {ex.id for ex in split.test}
    assert not train_ids & test_ids
    assert len(split.test) >= 250
    exported = read_tsv(TEST_TSV)
    assert sorted((e.text, e.tags) for e in exported) == sorted(
        (e.text, e.tags) for e in split.test
    )
    # every tag is represented in the test split
    assert {t for ex in split.test for t in ex.tags} == set(TAG_IDS)


def test_read_tsv_reports_file_and_line(tmp_path: Path) -> None:
    f = tmp_path / "x.tsv"
    f.write_text("text\ttags\nhej\t\nnoget\tukendt_tag\n", encoding="utf-8")
    with pytest.raises(DataError, match=r"x.tsv:3: unknown tag 'ukendt_tag'"):
        read_tsv(f)
    f.write_text("ingen tab her\n", encoding="utf-8")
    with pytest.raises(DataError, match="no tab"):
        read_tsv(f)


def test_read_tsv_takes_a_file_as_spreadsheets_and_windows_editors_save_it(
    tmp_path: Path,
) -> None:
    f = tmp_path / "excel.tsv"
    lines = [
        "text\ttags",
        "jeg er ked af det hele tiden\tNedtrykthed",
        "hej\t",
        "angst og mor\tAngst, FAMILIE",
    ]
    f.write_bytes(b"\xef\xbb\xbf" + "\r\n".join(lines).encode("utf-8") + b"\r\n")
    assert [(ex.text, ex.tags) for ex in read_tsv(f)] == [
        ("jeg er ked af det hele tiden", ("nedtrykthed",)),
        ("hej", ()),
        ("angst og mor", ("angst", "familie")),
    ]


@pytest.mark.parametrize("header", ["text\ttags", "besked\tkategorier", "Message\tLabels"])
@pytest.mark.parametrize(
    "tag_field", ["angst,familie", "angst; familie", "angst | familie", "angst familie"]
)
def test_read_tsv_takes_common_headers_and_tag_separators(
    tmp_path: Path, header: str, tag_field: str
) -> None:
    f = tmp_path / "set.tsv"
    f.write_text(f"{header}\nangst og mor\t{tag_field}\n\nhej\t\n", encoding="utf-8")
    assert read_tsv_lines(f) == [
        (2, Example("angst og mor", ("angst", "familie"))),
        (4, Example("hej", ())),
    ]


def test_a_header_word_after_the_first_line_is_an_unknown_tag(tmp_path: Path) -> None:
    f = tmp_path / "set.tsv"
    f.write_text("hej\t\ntext\ttags\n", encoding="utf-8")
    with pytest.raises(DataError, match=r"set.tsv:2: unknown tag 'tags'"):
        read_tsv(f)


def test_feedback_validation_lists_every_bad_line(tmp_path: Path) -> None:
    f = tmp_path / "fb.jsonl"
    f.write_text(
        "\n".join(
            [
                json.dumps({"text": "jeg er så alene", "tags": ["ensomhed"]}),
                "{not json",
                json.dumps({"text": "x", "tags": ["nope"]}),
                json.dumps({"text": "", "tags": []}),
                json.dumps({"text": "y", "tags": "angst"}),
            ]
        ),
        encoding="utf-8-sig",  # a byte-order mark, as a Windows editor saves it: line 1 is fine
    )
    with pytest.raises(DataError) as info:
        read_feedback(f)
    msg = str(info.value)
    assert "4 bad feedback line(s)" in msg
    for fragment in (
        "line 2: not valid JSON",
        "line 3: unknown tag 'nope'",
        "line 4: 'text'",
        "line 5: 'tags'",
    ):
        assert fragment in msg


# Separators `str.splitlines` breaks at but a message may hold (a pasted text, a phone's
# line separator): only LF, CRLF and CR end a line.
_INNER_BREAKS = ["\u2028", "\u2029", "\x85", "\x0c", "\x0b", "\x1c"]


def test_feedback_as_exported_reads_back_whatever_the_text_holds(tmp_path: Path) -> None:
    f = tmp_path / "fb.jsonl"
    texts = [f"jeg er så alene{sep}og ked af det" for sep in _INNER_BREAKS]
    # As `intake feedback export` writes it: ensure_ascii=False keeps U+2028 as it is.
    f.write_text(
        "".join(
            json.dumps({"text": t, "tags": ["ensomhed"]}, ensure_ascii=False) + "\n" for t in texts
        ),
        encoding="utf-8",
    )
    assert [ex.text for ex in read_feedback(f)] == texts


def test_tsv_line_numbers_count_only_real_line_ends(tmp_path: Path) -> None:
    f = tmp_path / "set.tsv"
    rows = [f"ensom{sep}og ked\tensomhed" for sep in _INNER_BREAKS] + ["noget\tukendt_tag"]
    f.write_text("\n".join(rows) + "\n", encoding="utf-8")
    with pytest.raises(DataError, match=rf"set.tsv:{len(rows)}: unknown tag 'ukendt_tag'"):
        read_tsv(f)
    f.write_text("\n".join(rows[:-1]) + "\n", encoding="utf-8")
    assert [line for line, _ in read_tsv_lines(f)] == list(range(1, len(rows)))


def test_feedback_that_no_reader_can_take_is_a_bad_line_not_a_crash(tmp_path: Path) -> None:
    f = tmp_path / "fb.jsonl"
    f.write_text(
        "\n".join(
            [
                '{"text": "a\\ud800b", "tags": ["ensomhed"]}',
                '{"text": "x", "tags": []' + ', "n": ' + "[" * 100_000 + "]" * 100_000 + "}",
                '{"text": "x", "tags": [], "n": ' + "9" * 5000 + "}",
            ]
        ),
        encoding="utf-8",
    )
    with pytest.raises(DataError) as info:
        read_feedback(f)
    msg = str(info.value)
    assert "3 bad feedback line(s)" in msg
    assert "line 1: 'text' holds a lone surrogate" in msg
    assert "line 2: not JSON this reader can take" in msg and "line 3: not JSON" in msg


def test_merge_feedback_never_touches_the_test_split() -> None:
    train = [Example("a b c", ("angst",)), Example("d e f", ())]
    test = [Example("Test Besked", ("sorg",))]
    feedback = [
        Example("test  besked", ("angst",)),  # same message as a test one (case/space)
        Example("d e f", ("venskab",)),  # correction of a training message
        Example("ny besked", ("misbrug",)),
    ]
    merged, stats = merge_feedback(train, test, feedback)
    assert (stats.added, stats.corrected, stats.skipped_test) == (1, 1, 1)
    by_text = {ex.text: ex.tags for ex in merged}
    assert by_text["d e f"] == ("venskab",)
    assert "test  besked" not in by_text and "Test Besked" not in by_text


def test_merge_feedback_counts_messages_and_the_last_line_wins() -> None:
    train = [Example("a b c", ("angst",)), Example("d e f", ("venskab",))]
    test = [Example("Jeg er så stresset over eksamen", ("skole_stress",))]
    feedback = [
        Example("ny besked", ("misbrug",)),
        Example("Ny  Besked", ("familie",)),  # the same message later: this one counts
        Example("d e f", ("venskab",)),  # what it had already
        Example("a b c", ("sorg",)),
        Example("a b c", ("sorg",)),  # repeated, same tags
        Example("jeg er så stresset over eksamen!! 😩", ("angst",)),  # a test message
    ]
    merged, stats = merge_feedback(train, test, feedback)
    assert (stats.added, stats.corrected, stats.unchanged, stats.skipped_test) == (1, 1, 1, 1)
    assert (stats.duplicates, stats.conflicts) == (2, 1)
    assert stats.changed_anything
    by_text = {ex.text: ex.tags for ex in merged}
    assert by_text["Ny  Besked"] == ("familie",) and "ny besked" not in by_text
    assert by_text["a b c"] == ("sorg",) and len(merged) == 3
    assert "2 line(s) overruled" in stats.summary() and "1 unchanged" in stats.summary()
    _, nothing = merge_feedback(train, test, [Example("d e f", ("venskab",))])
    assert not nothing.changed_anything


def test_an_empty_feedback_file_is_an_error(tmp_path: Path) -> None:
    f = tmp_path / "fb.jsonl"
    f.write_text("\n  \n", encoding="utf-8")
    with pytest.raises(DataError, match="no corrections"):
        read_feedback(f)


def test_held_out_sets_are_loaded_by_name_and_kept_out_of_training(tmp_path: Path) -> None:
    corpus = load_split(eval_dir=tmp_path / "absent")
    assert corpus.held_out == {}
    borrowed = corpus.train[0]  # a training message that another author also wrote
    eval_dir = tmp_path / "eval"
    eval_dir.mkdir()
    write_tsv(eval_dir / "forfatter_b.tsv", [borrowed, Example("helt ny besked", ("sorg",))])
    write_tsv(eval_dir / "forfatter_c.tsv", [Example("en tredje", ())])

    split = load_split(eval_dir=eval_dir)
    assert sorted(split.held_out) == ["forfatter_b", "forfatter_c"]
    assert [ex.text for ex in split.held_out["forfatter_b"]] == [borrowed.text, "helt ny besked"]
    assert borrowed.id not in {ex.id for ex in split.train}
    assert len(split.train) == len(corpus.train) - 1
    assert split.test == corpus.test
    assert {ex.text for ex in split.evaluation_examples()} >= {"helt ny besked", "en tredje"}


def test_feedback_never_adds_a_held_out_message(tmp_path: Path) -> None:
    eval_dir = tmp_path / "eval"
    eval_dir.mkdir()
    write_tsv(eval_dir / "forfatter_b.tsv", [Example("Min Hund Er Død", ("sorg",))])
    split = load_split(eval_dir=eval_dir)
    feedback = [Example("min hund er død", ("sorg",)), Example("ny besked", ("misbrug",))]
    merged, stats = merge_feedback(split.train, split.evaluation_examples(), feedback)
    assert (stats.added, stats.skipped_test) == (1, 1)
    assert "min hund er død" not in {ex.text for ex in merged}
