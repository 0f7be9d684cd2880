"""`intake tagger predict`'s loop: JSON lines in, one prediction line out per input, in order.

A batch is whatever input has arrived (at most `max_lines` lines): a caller that writes one
line and waits for the answer gets it at once, while a piped file is predicted in large
batches. With `jobs` > 1 the batches are predicted in worker processes side by side (the
tagger is pure Python per message, so one process uses one core) and written in input order
by a writer thread, so an answer never waits for more input to arrive. `spread_from` keeps a
caller that sends a line at a time in this process (no workers to start or to talk to) and
moves to the workers once a batch that large arrives, which is what a piped file sends.
"""

from __future__ import annotations

import codecs
import itertools
import json
import multiprocessing
import os
import queue
import signal
import threading
from collections.abc import Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass, field
from typing import Any, Protocol, TextIO

from tagging.corpus import is_unicode_text
from tagging.predictor import Tagger

# Large enough that a piped file costs few round trips to the workers, small enough that an
# interactive caller's few lines never wait behind a huge batch.
MAX_BATCH_LINES = 1000
# One read returns what has arrived, up to this much: a redirected file (`< in.jsonl`) fills
# whole 1000-line batches (a pipe hands over at most its 64 KiB, about 500 lines). Each
# predict call builds its own word cache, so fuller batches repeat less work: one process
# answered 20,000 lines in 8.0 s instead of 8.7.
_READ_BYTES = 1 << 20


class InputError(ValueError):
    """A line of input that is not a JSON object with a string "text" (message says which)."""


class Source(Protocol):
    """Binary input that can return what has arrived (`sys.stdin.buffer`, `io.BytesIO`)."""

    def read1(self, size: int = ..., /) -> bytes: ...


Batch = list[tuple[int, bytes]]


def read_batches(stream: Source, max_lines: int = MAX_BATCH_LINES) -> Iterator[Batch]:
    """(line number, line) batches of the non-blank lines of `stream`, each as soon as the
    lines have arrived (a read returns what is available rather than waiting to fill up)."""
    # The unfinished last line, in pieces: joined only once its newline arrives, so a very
    # long line costs one copy rather than one per read.
    pending: list[bytes] = []
    lineno = 0
    while True:
        chunk = stream.read1(_READ_BYTES)
        if not chunk:
            break
        if b"\n" not in chunk:
            pending.append(chunk)
            continue
        *lines, rest = b"".join([*pending, chunk]).split(b"\n")
        pending = [rest]
        batch: Batch = []
        for line in lines:
            lineno += 1
            if _has_content(lineno, line):
                batch.append((lineno, line))
            if len(batch) >= max_lines:
                yield batch
                batch = []
        if batch:
            yield batch
    last = b"".join(pending)
    if _has_content(lineno + 1, last):  # a last line without a newline
        yield [(lineno + 1, last)]


def _has_content(lineno: int, line: bytes) -> bool:
    """Not blank; a byte-order mark opening the first line (a Windows editor's) is not
    content either."""
    if lineno == 1:
        line = line.removeprefix(codecs.BOM_UTF8)
    return bool(line.strip())


@dataclass
class Parsed:
    """The lines of a batch that parsed: each one's text, and its "id" where it had one."""

    texts: list[str] = field(default_factory=list)
    # (id,) for a line with an "id" (null included), () for one without: a sentinel object
    # would not survive the trip to a worker process.
    ids: list[tuple[Any, ...]] = field(default_factory=list)


def parse_batch(batch: Batch) -> tuple[Parsed, InputError | None]:
    """The lines up to the first line without a "text", and the error that names that line
    (None when every line has one)."""
    parsed = Parsed()
    for lineno, line in batch:
        try:
            obj = _parse(lineno, line)
        except InputError as exc:
            return parsed, exc
        parsed.texts.append(obj["text"])
        parsed.ids.append((obj["id"],) if "id" in obj else ())
    return parsed, None


def _parse(lineno: int, line: bytes) -> dict[str, Any]:
    try:
        # A byte-order mark (files saved by Windows editors) can only open the first line.
        obj = json.loads(line.decode("utf-8-sig" if lineno == 1 else "utf-8"))
    except UnicodeDecodeError as exc:
        raise InputError(
            f'stdin line {lineno}: not UTF-8 text; expected JSON lines {{"text": ...}}'
        ) from exc
    except json.JSONDecodeError as exc:
        raise InputError(
            f"stdin line {lineno}: not valid JSON ({exc.msg} at column {exc.colno}); "
            'expected {"text": ...}'
        ) from exc
    except (ValueError, RecursionError) as exc:  # a 5,000-digit number, nesting 100,000 deep
        raise InputError(
            f"stdin line {lineno}: JSON too large or too deeply nested for this reader; "
            'expected {"text": ...}'
        ) from exc
    if not isinstance(obj, dict) or not isinstance(obj.get("text"), str):
        raise InputError(f'stdin line {lineno}: expected an object with a string "text"')
    if not is_unicode_text(obj["text"]):
        raise InputError(
            f'stdin line {lineno}: "text" holds a lone surrogate ("\\ud800"), not Unicode text'
        )
    return obj


def prediction_lines(tagger: Tagger, parsed: Parsed) -> str:
    """The output lines (DESIGN.md's contract) for `parsed`, newline-terminated. An input's
    "id" comes back first in its line, so a caller can match answers to questions whatever
    the order or duplicates of its texts."""
    lines = []
    for text, line_id, pred in zip(
        parsed.texts, parsed.ids, tagger.predict(parsed.texts), strict=True
    ):
        answer = {"text": text, "tags": pred.tags, "scores": pred.scores, "crisis": pred.crisis}
        if line_id:
            answer = {"id": line_id[0], **answer}
        lines.append(json.dumps(answer, ensure_ascii=False) + "\n")
    return "".join(lines)


def predict_stream(
    tagger: Tagger, source: Source, sink: TextIO, jobs: int = 1, spread_from: int = 0
) -> None:
    """Predict every line of `source` onto `sink`, with `jobs` worker processes once a batch
    of at least `spread_from` lines arrives (in this process before that, and with one job).
    On a line without a "text", every line before it is answered and then InputError is
    raised."""
    batches = read_batches(source)
    for batch in batches:
        if jobs > 1 and len(batch) >= spread_from:
            _predict_in_workers(tagger, itertools.chain([batch], batches), sink, jobs)
            return
        parsed, error = parse_batch(batch)
        if parsed.texts:
            sink.write(prediction_lines(tagger, parsed))
            sink.flush()
        if error is not None:
            raise error


def available_cores() -> int:
    """The cores this process may run on (its affinity mask, where the system has one)."""
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0))
    return os.cpu_count() or 1


# The tagger a worker process predicts with (set once per process by `_install`).
_worker_tagger: Tagger | None = None


def _install(tagger: Tagger) -> None:
    global _worker_tagger
    _worker_tagger = tagger
    # Ctrl-C reaches the whole process group: the parent stops reading and shuts the pool
    # down, and workers that died of it too would each print a traceback first.
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def _predict_in_worker(parsed: Parsed) -> str:
    assert _worker_tagger is not None, "worker started without a tagger"
    return prediction_lines(_worker_tagger, parsed)


_DONE = None


def _predict_in_workers(tagger: Tagger, batches: Iterable[Batch], sink: TextIO, jobs: int) -> None:
    # Forked workers share the loaded model with this process instead of unpickling a copy
    # each; elsewhere the tagger is pickled to them.
    methods = multiprocessing.get_all_start_methods()
    context = multiprocessing.get_context("fork" if "fork" in methods else "spawn")
    # Bounded: at most this many batches wait to be written, so a fast reader cannot pile up
    # a whole file's predictions in memory.
    in_flight: queue.Queue[Future[str] | None] = queue.Queue(maxsize=2 * jobs)
    failure: list[BaseException] = []

    def write_in_order() -> None:
        while (future := in_flight.get()) is not _DONE:
            try:
                sink.write(future.result())
                sink.flush()
            except BaseException as exc:  # reported by the reading thread
                failure.append(exc)
                for cancelled in iter(in_flight.get, _DONE):
                    cancelled.cancel()
                return

    writer: threading.Thread | None = None
    with ProcessPoolExecutor(
        max_workers=jobs, mp_context=context, initializer=_install, initargs=(tagger,)
    ) as pool:
        try:
            for batch in batches:
                parsed, error = parse_batch(batch)
                if failure:
                    break
                if parsed.texts:
                    in_flight.put(pool.submit(_predict_in_worker, parsed))
                    if writer is None:
                        # Only now: the pool forks its workers at the first submit, and a
                        # fork must not copy a running thread's half-held locks.
                        writer = threading.Thread(target=write_in_order, name="predict-writer")
                        writer.start()
                if error is not None:
                    raise error
        finally:
            if writer is not None:
                in_flight.put(_DONE)
                writer.join()
    if failure:
        raise failure[0]
