"""`intake anonymise`: JSON lines in, anonymised JSON lines out (contract in DESIGN.md).

Input, one object a line on stdin: ``{"text": "..."}``. Output, one line per input line:
``{"text": anonymised, "entities": [{"type": "NAVN", "start": 0, "end": 6}, ...]}`` with
offsets (Unicode code points, Python ``str`` indices) into the *input* text. Blank lines are
skipped. A line that is not a JSON object with a string ``text`` stops the command: an error
naming the line number (never its content) goes to stderr and the exit code is 1; the lines
before it have been written.
"""

from __future__ import annotations

import io
import json
import os
import sys

import typer


def _fail(lineno: int, reason: str) -> None:
    typer.echo(f"intake anonymise: line {lineno}: {reason}", err=True)
    raise typer.Exit(code=1)


def anonymise() -> None:
    """Anonymise JSON lines {"text": ...} from stdin; write {"text", "entities"} lines."""
    # Imported here so that `intake --help` and other commands do not load spaCy.
    from privacy.anonymiser import Anonymiser

    anonymiser = Anonymiser()
    # JSON lines are UTF-8 whatever the locale says.
    lines = io.TextIOWrapper(sys.stdin.buffer, encoding="utf-8")
    out = io.TextIOWrapper(sys.stdout.buffer, encoding="utf-8", write_through=True)
    lineno = 0
    while True:
        lineno += 1
        try:
            raw = lines.readline()
        except UnicodeDecodeError:
            _fail(lineno, "not valid UTF-8")
        if not raw:
            break
        if not raw.strip():
            continue
        try:
            obj = json.loads(raw)
        except json.JSONDecodeError as exc:
            _fail(lineno, f"not valid JSON ({exc.msg} at column {exc.colno})")
        except (ValueError, RecursionError):  # a 5,000-digit number, nesting 100,000 deep
            _fail(lineno, "JSON too large or too deeply nested for this reader")
        if not isinstance(obj, dict) or not isinstance(obj.get("text"), str):
            _fail(lineno, 'expected a JSON object with a string field "text"')
        text: str = obj["text"]
        if not _is_unicode(text):
            _fail(lineno, '"text" holds a lone surrogate ("\\ud800"), not Unicode text')
        result = anonymiser.anonymise(text)
        record = {
            "text": result.text,
            "entities": [{"type": e.type, "start": e.start, "end": e.end} for e in result.entities],
        }
        _write(out, json.dumps(record, ensure_ascii=False) + "\n")
    _write(out, "")
    out.detach()


def _is_unicode(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _write(out: io.TextIOWrapper, line: str) -> None:
    """Write (and flush); a reader that went away (`| head`) ends the command quietly, a
    failing output (a full disk) with a one-line error."""
    try:
        out.write(line)
        out.flush()
    except BrokenPipeError:
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        raise typer.Exit(code=0) from None
    except OSError as exc:
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        typer.echo(f"intake anonymise: cannot write the output ({exc.strerror})", err=True)
        raise typer.Exit(code=1) from None
