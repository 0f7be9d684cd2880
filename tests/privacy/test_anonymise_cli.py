"""`intake anonymise`: the JSON-lines contract of DESIGN.md, end to end in a subprocess."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def run(stdin: bytes) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(
        [sys.executable, "-m", "intake", "anonymise"],
        input=stdin,
        capture_output=True,
        cwd=ROOT,
        timeout=120,
        check=False,
    )


def test_json_lines_in_and_out() -> None:
    lines = [
        {"text": "jeg hedder Sofie og mit nr er 22 33 44 55"},
        {"text": "ingen personlige data her 😊"},
        {"text": "æøå: bor på Åvej 3, 8000 Aarhus C"},
    ]
    stdin = "".join(json.dumps(x, ensure_ascii=False) + "\n" for x in lines).encode()
    proc = run(stdin + b"\n")  # a trailing blank line is skipped
    assert proc.returncode == 0, proc.stderr
    out = [json.loads(line) for line in proc.stdout.decode("utf-8").splitlines()]
    assert len(out) == 3
    assert out[0] == {
        "text": "jeg hedder [NAVN] og mit nr er [TELEFON]",
        "entities": [
            {"type": "NAVN", "start": 11, "end": 16},
            {"type": "TELEFON", "start": 30, "end": 41},
        ],
    }
    assert out[1] == {"text": lines[1]["text"], "entities": []}
    src = lines[2]["text"]
    assert [(e["type"], src[e["start"] : e["end"]]) for e in out[2]["entities"]] == [
        ("ADRESSE", "Åvej 3"),
        ("POSTNR", "8000 Aarhus C"),
    ]


def test_bad_line_is_an_error_without_traceback_or_content() -> None:
    stdin = b'{"text": "jeg hedder mikkel"}\n{"text": 120805}\n{"text": "aldrig"}\n'
    proc = run(stdin)
    assert proc.returncode == 1
    assert proc.stdout.decode().splitlines() == [
        json.dumps(
            {"text": "jeg hedder [NAVN]", "entities": [{"type": "NAVN", "start": 11, "end": 17}]}
        )
    ]
    err = proc.stderr.decode()
    assert "line 2" in err and "Traceback" not in err and "120805" not in err


def test_invalid_json_names_the_line() -> None:
    proc = run(b"not json at all 120805-1234\n")
    assert proc.returncode == 1
    err = proc.stderr.decode()
    assert "line 1" in err and "not valid JSON" in err
    assert "120805" not in err and "Traceback" not in err


def test_input_no_reader_can_take_is_a_bad_line_not_a_traceback() -> None:
    first = b'{"text": "jeg hedder mikkel"}\n'
    for bad, reason in (
        (b'{"text": "120805-1234 \\ud800"}\n', "lone surrogate"),
        (b'{"text": "x", "n": ' + b"9" * 5000 + b"}\n", "too large"),
        (b'{"text": ' + b"[" * 100_000 + b"]" * 100_000 + b"}\n", "too large"),
    ):
        proc = run(first + bad)
        err = proc.stderr.decode()
        assert proc.returncode == 1, err
        assert "line 2" in err and reason in err
        assert "Traceback" not in err and "120805" not in err
        assert len(proc.stdout.decode().splitlines()) == 1  # the good line was answered


def test_a_full_disk_is_a_one_line_error() -> None:
    if not Path("/dev/full").is_char_device():
        return
    with open("/dev/full", "wb") as full:
        proc = subprocess.run(
            [sys.executable, "-m", "intake", "anonymise"],
            input=b'{"text": "jeg hedder mikkel"}\n',
            stdout=full,
            stderr=subprocess.PIPE,
            cwd=ROOT,
            timeout=120,
            check=False,
        )
    err = proc.stderr.decode()
    assert proc.returncode == 1 and "cannot write" in err and "Traceback" not in err
