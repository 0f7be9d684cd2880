"""CLI contracts of DESIGN.md, run through the real `intake` app."""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner, Result

from intake.cli import app
from tagging.corpus import TEST_TSV
from tagging.taxonomy import TAG_IDS

runner = CliRunner()


def test_predict_contract_through_the_real_entry_point(model_dir: Path) -> None:
    lines = [
        {"text": "jeg vil bare sove og ikke vågne"},
        {"text": "min kæreste har slået op 💔"},
        {"text": "hej"},
    ]
    proc = subprocess.run(
        [sys.executable, "-m", "intake", "tagger", "predict"],
        input="".join(json.dumps(x, ensure_ascii=False) + "\n" for x in lines),
        capture_output=True,
        text=True,
        env={**os.environ, "TAGGER_MODEL_DIR": str(model_dir)},
        timeout=60,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    out = [json.loads(line) for line in proc.stdout.splitlines()]
    assert [o["text"] for o in out] == [x["text"] for x in lines]
    for o in out:
        assert set(o) == {"text", "tags", "scores", "crisis"}
        assert set(o["scores"]) == set(TAG_IDS)
        assert set(o["tags"]) <= set(TAG_IDS)
        assert isinstance(o["crisis"], bool)
    assert out[0]["crisis"] is True and "selvmordstanker" in out[0]["tags"]
    assert "kaerlighed" in out[1]["tags"]
    assert out[2]["tags"] == [] and out[2]["crisis"] is False


def test_the_tagger_commands_start_without_the_database_modules(model_dir: Path) -> None:
    # `intake tagger ...` runs the tagger's app alone; the rest of `intake` imports the
    # database, key-ring and Rasa modules (~0.4 s) that a predict script would wait for.
    probe = (
        "import sys\n"
        "from intake.entry import main\n"
        f"sys.argv = ['intake', 'tagger', 'versions', '--model-dir', {str(model_dir)!r}]\n"
        "try:\n    main()\nexcept SystemExit as exc:\n    assert not exc.code, exc.code\n"
        "print(sorted(m for m in ('sqlalchemy', 'api', 'privacy.crypto') if m in sys.modules))"
    )
    proc = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, timeout=60, check=False
    )
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.splitlines()[-1] == "[]"
    assert "* " + model_dir.joinpath("current").read_text().strip() in proc.stdout
    # Everything else still goes through the full command line.
    full = subprocess.run(
        [sys.executable, "-m", "intake", "--help"], capture_output=True, text=True, check=False
    )
    assert full.returncode == 0 and "tagger" in full.stdout and "retention" in full.stdout


@pytest.mark.parametrize(
    ("stdin", "fragment"),
    [
        ('{"text": "ok"}\nnot json\n', "stdin line 2: not valid JSON"),
        ('{"tekst": "hej"}\n', 'stdin line 1: expected an object with a string "text"'),
        ('["hej"]\n', "stdin line 1"),
        (b"\xff\xfe garbage\n", "stdin"),
        ('{"text": "ok"}\n{"text": "a\\ud800b"}\n', 'stdin line 2: "text" holds a lone surrogate'),
        ('{"text": ' + "[" * 100_000 + "]" * 100_000 + "}\n", "stdin line 1: JSON too large"),
        ('{"text": "ok", "n": ' + "9" * 5000 + "}\n", "stdin line 1: JSON too large"),
    ],
    ids=["not-json", "no-text", "list", "not-utf8", "lone-surrogate", "deep", "huge-number"],
)
def test_predict_bad_input_is_a_clear_error(
    model_dir: Path, stdin: str | bytes, fragment: str
) -> None:
    result = runner.invoke(app, ["tagger", "predict", "--model-dir", str(model_dir)], input=stdin)
    assert result.exit_code == 2
    assert fragment in result.output
    assert "Traceback" not in result.output
    if isinstance(stdin, str) and stdin.startswith('{"text": "ok"}'):  # answered before
        assert json.loads(result.stdout.splitlines()[0])["text"] == "ok"


def test_predict_without_a_model_says_how_to_train(tmp_path: Path) -> None:
    result = runner.invoke(app, ["tagger", "predict", "--model-dir", str(tmp_path)], input="{}\n")
    assert result.exit_code == 1
    assert "intake tagger train" in result.output
    assert "Traceback" not in result.output


def test_model_dir_from_environment(model_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TAGGER_MODEL_DIR", str(model_dir))
    result = runner.invoke(app, ["tagger", "predict"], input='{"text": "hej"}\n')
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["tags"] == []


def test_evaluate_prints_table_macro_f1_and_crisis(model_dir: Path) -> None:
    result = runner.invoke(
        app, ["tagger", "evaluate", str(TEST_TSV), "--model-dir", str(model_dir)]
    )
    assert result.exit_code == 0, result.output
    for tag in TAG_IDS:
        assert tag in result.output
    assert "macro-F1:" in result.output
    assert "crisis recall:" in result.output and "crisis precision:" in result.output


def test_evaluate_without_crisis_messages_does_not_report_them_all_missed(
    model_dir: Path, tmp_path: Path
) -> None:
    calm = tmp_path / "calm.tsv"
    calm.write_text("hej\t\nmin matematiklærer giver alt for mange lektier\tskole_stress\n")
    result = runner.invoke(app, ["tagger", "evaluate", str(calm), "--model-dir", str(model_dir)])
    assert result.exit_code == 0, result.output
    assert "crisis recall: n/a" in result.output
    assert "(0 crisis messages of 2)" in result.output


def test_evaluate_bad_file_is_a_clear_error(model_dir: Path, tmp_path: Path) -> None:
    bad = tmp_path / "bad.tsv"
    bad.write_text("hej\tikke_et_tag\n", encoding="utf-8")
    result = runner.invoke(app, ["tagger", "evaluate", str(bad), "--model-dir", str(model_dir)])
    assert result.exit_code == 2
    assert "unknown tag 'ikke_et_tag'" in result.output
    assert "Traceback" not in result.output


def _evaluate_with_errors(model_dir: Path, labelled: Path, report: Path) -> Result:
    args = ["--errors", str(report), "--model-dir", str(model_dir)]
    return runner.invoke(app, ["tagger", "evaluate", str(labelled), *args])


def test_evaluate_writes_the_wrong_messages_missed_crisis_first(
    model_dir: Path, tmp_path: Path
) -> None:
    labelled = tmp_path / "set.tsv"
    # Labels chosen so that the model must disagree with lines 2, 4 and 5 and agree with 6.
    labelled.write_text(
        "text\ttags\n"
        "mine forældre skal skilles og jeg er så ked af det\tsorg\n"
        "\n"
        "jeg vil ikke leve mere, har tænkt på at tage mit liv hver dag\t\n"
        "hej\tselvmordstanker\n"
        "hej med dig\t\n",
        encoding="utf-8",
    )
    report = tmp_path / "fejl.jsonl"
    result = _evaluate_with_errors(model_dir, labelled, report)
    assert result.exit_code == 0, result.output
    assert "wrong tags on 3 of 4 messages (1 crisis message(s) missed, 1 false crisis" in (
        result.output
    )
    rows = [json.loads(line) for line in report.read_text(encoding="utf-8").splitlines()]
    assert [r["line"] for r in rows] == [5, 4, 2]
    missed, alarm, other = rows
    assert missed["text"] == "hej" and missed["crisis_missed"] and not missed["false_alarm"]
    assert missed["missing"] == ["selvmordstanker"] and missed["predicted"] == []
    assert alarm["false_alarm"] and "selvmordstanker" in alarm["extra"]
    assert alarm["expected"] == [] and alarm["missing"] == []
    assert other["missing"] == ["sorg"] and "familie" in other["extra"]
    assert not other["crisis_missed"] and not other["false_alarm"]
    assert set(other["scores"]) == set(TAG_IDS)
    assert other["scores"]["familie"] > other["scores"]["sorg"]
    assert not list(tmp_path.glob(".*partial"))


def test_evaluate_json_is_one_object_with_the_table_figures(
    model_dir: Path, tmp_path: Path
) -> None:
    labelled = tmp_path / "set.tsv"
    labelled.write_text(
        "mine forældre skal skilles og jeg er så ked af det\tfamilie\nhej\tselvmordstanker\n",
        encoding="utf-8",
    )
    report = tmp_path / "fejl.jsonl"
    args = ["--json", "--errors", str(report), "--model-dir", str(model_dir)]
    result = runner.invoke(app, ["tagger", "evaluate", str(labelled), *args])
    assert result.exit_code == 0, result.output
    figures = json.loads(result.stdout)
    assert figures["file"] == str(labelled)
    assert figures["model_version"] == (model_dir / "current").read_text().strip()
    assert figures["n_messages"] == 2 and figures["crisis_support"] == 1
    assert figures["crisis_recall"] == 0.0
    assert figures["per_tag"]["familie"] == {
        "precision": 1.0,
        "recall": 1.0,
        "f1": 1.0,
        "support": 1,
    }
    # Macro averages run over the two tags present: familie found, selvmordstanker missed.
    assert figures["macro_f1"] == 0.5
    wrong = len(report.read_text(encoding="utf-8").splitlines())
    assert wrong >= 1  # the crisis line at least
    assert f"wrong tags on {wrong} of 2" in result.stderr


def test_evaluate_errors_never_overwrite_the_evaluated_file(
    model_dir: Path, tmp_path: Path
) -> None:
    labelled = tmp_path / "set.tsv"
    labelled.write_text("hej\tselvmordstanker\n", encoding="utf-8")
    result = _evaluate_with_errors(model_dir, labelled, labelled)
    assert result.exit_code == 2
    assert "another file" in result.output
    assert labelled.read_text(encoding="utf-8") == "hej\tselvmordstanker\n"
    unwritable = tmp_path / "no-such-dir" / "fejl.jsonl"
    result = _evaluate_with_errors(model_dir, labelled, unwritable)
    assert result.exit_code == 2
    assert "cannot write" in result.output and "Traceback" not in result.output


def test_evaluate_errors_write_through_devices_pipes_and_symlinks(
    model_dir: Path, tmp_path: Path
) -> None:
    labelled = tmp_path / "set.tsv"
    labelled.write_text("hej\tselvmordstanker\n", encoding="utf-8")
    # `--errors /dev/null` replaced /dev/null with a plain file (as root). A device node of
    # the test's own stands in for it, so a regression cannot break the machine.
    device = tmp_path / "null"
    try:
        os.mknod(device, stat.S_IFCHR | 0o666, os.makedev(1, 3))
    except PermissionError:
        device = Path(os.devnull)  # not root: the real one cannot be replaced either
    assert _evaluate_with_errors(model_dir, labelled, device).exit_code == 0
    assert device.is_char_device()
    real = tmp_path / "reports" / "errors.jsonl"
    real.parent.mkdir()
    real.write_text("old\n", encoding="utf-8")
    link = tmp_path / "errors.jsonl"
    link.symlink_to(real)
    assert _evaluate_with_errors(model_dir, labelled, link).exit_code == 0
    assert link.is_symlink()  # the link stays; its target holds the new report
    assert json.loads(real.read_text(encoding="utf-8"))["line"] == 1
    assert sorted(p.name for p in real.parent.iterdir()) == ["errors.jsonl"]  # no leftovers
    fifo = tmp_path / "fifo"
    os.mkfifo(fifo)
    with subprocess.Popen(["cat", str(fifo)], stdout=subprocess.PIPE) as reader:
        assert _evaluate_with_errors(model_dir, labelled, fifo).exit_code == 0
        piped, _ = reader.communicate(timeout=30)
    assert json.loads(piped)["expected"] == ["selvmordstanker"] and fifo.is_fifo()
    result = _evaluate_with_errors(model_dir, labelled, Path("-"))
    assert result.exit_code == 2 and not Path("-").exists()


def test_train_if_missing_keeps_the_current_model(model_dir: Path) -> None:
    before = (model_dir / "current").read_text()
    result = runner.invoke(app, ["tagger", "train", "--if-missing", "--model-dir", str(model_dir)])
    assert result.exit_code == 0, result.output
    assert "not retraining" in result.output
    assert (model_dir / "current").read_text() == before


def test_train_rejects_bad_feedback_before_training(tmp_path: Path) -> None:
    fb = tmp_path / "fb.jsonl"
    fb.write_text('{"text": "hej", "tags": ["ikke_et_tag"]}\n', encoding="utf-8")
    result = runner.invoke(
        app, ["tagger", "train", "--feedback", str(fb), "--model-dir", str(tmp_path / "m")]
    )
    assert result.exit_code == 2
    assert "line 1: unknown tag 'ikke_et_tag'" in result.output
    assert not (tmp_path / "m" / "current").exists()


def test_train_refuses_feedback_that_changes_nothing_before_training(tmp_path: Path) -> None:
    from tagging.corpus import load_split

    known = load_split().train[0]  # a training message, with the tags it already has
    fb = tmp_path / "fb.jsonl"
    fb.write_text(json.dumps({"text": known.text, "tags": list(known.tags)}) + "\n")
    result = runner.invoke(
        app, ["tagger", "train", "--feedback", str(fb), "--model-dir", str(tmp_path / "m")]
    )
    assert result.exit_code == 2, result.output
    assert "changes nothing" in result.output and not (tmp_path / "m" / "current").exists()


@pytest.mark.parametrize(
    ("args", "fragment"),
    [
        (["--seed", "-1"], "--seed"),
        (["--seed", str(2**32)], "--seed"),
        (["--model-dir", "{tmp}/a-file"], "cannot use"),
    ],
    ids=["negative-seed", "seed-too-large", "model-dir-is-a-file"],
)
def test_train_refuses_bad_options_before_training(
    tmp_path: Path, args: list[str], fragment: str
) -> None:
    (tmp_path / "a-file").write_text("x", encoding="utf-8")
    args = [arg.replace("{tmp}", str(tmp_path)) for arg in args]
    if "--model-dir" not in args:
        args += ["--model-dir", str(tmp_path / "m")]
    result = runner.invoke(app, ["tagger", "train", *args])
    assert result.exit_code == 2, result.output
    assert fragment in result.output and "Traceback" not in result.output
    assert not (tmp_path / "m").exists()  # nothing trained or written
