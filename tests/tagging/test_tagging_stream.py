"""`intake tagger predict`'s stream: batches as input arrives, worker processes, order, errors."""

from __future__ import annotations

import contextlib
import io
import json
import os
import signal
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from tagging.corpus import TEST_TSV, read_tsv
from tagging.predictor import Tagger
from tagging.stream import InputError, available_cores, predict_stream, read_batches


class Trickle:
    """A source that hands out its bytes a few at a time, as a slow pipe would."""

    def __init__(self, data: bytes, step: int) -> None:
        self._data = data
        self._step = step

    def read1(self, size: int = -1) -> bytes:
        piece, self._data = self._data[: self._step], self._data[self._step :]
        return piece


def _lines(texts: list[str]) -> bytes:
    return "".join(json.dumps({"text": t}, ensure_ascii=False) + "\n" for t in texts).encode()


@pytest.fixture(scope="module")
def texts() -> list[str]:
    # Every test message, four times over (1,252): more than one batch, repeats across them.
    return [ex.text for ex in read_tsv(TEST_TSV)] * 4


def test_lines_survive_any_split_of_the_input() -> None:
    data = 'a\n\n  \n{"text": "blåbær 💔"}\nlast'.encode()
    for step in (1, 2, 3, 7, len(data)):
        got = [line for batch in read_batches(Trickle(data, step)) for line in batch]
        # Blank lines are skipped but counted, so errors name the line an editor shows.
        assert got == [(1, b"a"), (4, '{"text": "blåbær 💔"}'.encode()), (5, b"last")]


def test_a_batch_is_what_has_arrived_up_to_the_limit() -> None:
    data = b"1\n2\n3\n4\n5\n"
    assert [len(b) for b in read_batches(Trickle(data, 4))] == [2, 2, 1]
    assert [len(b) for b in read_batches(io.BytesIO(data), max_lines=2)] == [2, 2, 1]


@pytest.mark.parametrize("jobs", [1, 2])
def test_workers_answer_every_line_in_order_as_one_process_does(
    tagger: Tagger, texts: list[str], jobs: int
) -> None:
    expected = [tagger.predict([t])[0] for t in texts[:40]]
    sink = io.StringIO()
    predict_stream(tagger, io.BytesIO(_lines(texts)), sink, jobs=jobs)
    out = [json.loads(line) for line in sink.getvalue().splitlines()]
    assert [o["text"] for o in out] == texts
    assert [(o["tags"], o["crisis"]) for o in out[:40]] == [(p.tags, p.crisis) for p in expected]
    if jobs > 1:
        one = io.StringIO()
        predict_stream(tagger, io.BytesIO(_lines(texts)), one, jobs=1)
        assert sink.getvalue() == one.getvalue()


@pytest.mark.parametrize("jobs", [1, 2])
def test_a_bad_line_is_named_after_every_line_before_it_is_answered(
    tagger: Tagger, texts: list[str], jobs: int
) -> None:
    good = texts * 2  # more than one batch before the bad line
    data = _lines(good) + b'{"tekst": "hej"}\n' + _lines(["kommer aldrig med"])
    sink = io.StringIO()
    expected = f'stdin line {len(good) + 1}: expected an object with a string "text"'
    with pytest.raises(InputError, match=expected):
        predict_stream(tagger, io.BytesIO(data), sink, jobs=jobs)
    assert [json.loads(line)["text"] for line in sink.getvalue().splitlines()] == good


@pytest.mark.parametrize("jobs", [1, 2])
def test_an_input_id_comes_back_with_its_answer(tagger: Tagger, jobs: int) -> None:
    ids: list[object] = [7, "a-7", None, {"row": 3}, [1, 2]]
    lines = [{"id": i, "text": "jeg bliver mobbet"} for i in ids] + [{"text": "uden id"}]
    data = b"".join(json.dumps(line).encode() + b"\n\n" for line in lines * 10)
    sink = io.StringIO()
    predict_stream(tagger, io.BytesIO(data), sink, jobs=jobs, spread_from=0)
    out = [json.loads(line) for line in sink.getvalue().splitlines()]
    # Blank lines get no answer; the ids say which answer is whose.
    assert [o.get("id", "none") for o in out] == [*ids, "none"] * 10
    assert [next(iter(o)) for o in out[:2]] == ["id", "id"]  # first, as a key to match on
    assert all(o["tags"] == ["mobning"] for o in out if "id" in o)


def test_a_byte_order_mark_before_the_first_line_is_not_part_of_it(tagger: Tagger) -> None:
    sink = io.StringIO()
    predict_stream(tagger, io.BytesIO(b"\xef\xbb\xbf" + _lines(["hej", "hej igen"])), sink)
    assert [json.loads(line)["text"] for line in sink.getvalue().splitlines()] == [
        "hej",
        "hej igen",
    ]


def test_a_byte_order_mark_alone_on_the_first_line_is_a_blank_line(tagger: Tagger) -> None:
    sink = io.StringIO()
    predict_stream(tagger, io.BytesIO(b"\xef\xbb\xbf\r\n" + _lines(["hej"])), sink)
    assert [json.loads(line)["text"] for line in sink.getvalue().splitlines()] == ["hej"]


def test_bytes_that_are_not_utf8_are_named_by_line(tagger: Tagger) -> None:
    with pytest.raises(InputError, match="stdin line 2: not UTF-8"):
        predict_stream(tagger, io.BytesIO(b'{"text": "hej"}\n\xff\xfe\n'), io.StringIO())


def _predict_process(model_dir: Path, *args: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "intake", "tagger", "predict", *args],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "TAGGER_MODEL_DIR": str(model_dir)},
        # Its own process group, so a test can send it (and only it) a terminal's Ctrl-C.
        start_new_session=True,
    )


def _ask(proc: subprocess.Popen[str], text: str) -> dict[str, object]:
    assert proc.stdin is not None and proc.stdout is not None
    proc.stdin.write(json.dumps({"text": text}) + "\n")
    proc.stdin.flush()
    answer: dict[str, object] = json.loads(proc.stdout.readline())
    return answer


# A batching that waited for more input would hang on the first answer: fail in 2 minutes,
# not the suite's 10.
@pytest.mark.timeout(120)
@pytest.mark.parametrize("jobs", ["1", "2"])
def test_a_caller_gets_each_answer_before_sending_the_next_line(model_dir: Path, jobs: str) -> None:
    proc = _predict_process(model_dir, "--jobs", jobs)
    assert proc.stdin is not None and proc.stdout is not None
    try:
        for text in ["jeg vil bare sove og ikke vågne", "hej", "min kæreste har slået op"]:
            assert _ask(proc, text)["text"] == text  # blocks until the answer comes
        proc.stdin.close()
        assert proc.wait(timeout=60) == 0
    finally:
        proc.kill()


@pytest.mark.timeout(120)
def test_by_default_a_line_at_a_time_stays_in_one_process_and_a_file_spreads_over_the_cores(
    model_dir: Path, texts: list[str]
) -> None:
    proc = _predict_process(model_dir)  # no --jobs
    assert proc.stdin is not None and proc.stdout is not None
    stdin = proc.stdin
    try:
        for text in ["hej", "min kæreste har slået op"]:
            assert _ask(proc, text)["text"] == text
        assert _children(proc.pid) == []  # answered without starting workers

        feeder = threading.Thread(
            target=lambda: (stdin.write(_lines(texts).decode()), stdin.flush())
        )
        feeder.start()  # all at once, as a piped file arrives
        answered = [json.loads(proc.stdout.readline())["text"] for _ in texts]
        feeder.join(timeout=60)
        assert answered == texts
        cores = available_cores()
        # The workers stay until input ends; with one core there are none to start.
        assert len(_children(proc.pid)) == (cores if cores > 1 else 0)
        stdin.close()
        assert proc.wait(timeout=60) == 0
    finally:
        proc.kill()


def test_a_reader_that_leaves_early_ends_predict_quietly(model_dir: Path, texts: list[str]) -> None:
    proc = _predict_process(model_dir, "--jobs", "2")
    assert proc.stdin is not None and proc.stdout is not None and proc.stderr is not None
    stdin = proc.stdin

    def feed() -> None:
        # More than the pipes hold: predict is still writing when the reader goes away.
        with contextlib.suppress(BrokenPipeError):
            stdin.write(_lines(texts * 4).decode())
            stdin.close()

    feeder = threading.Thread(target=feed)
    feeder.start()
    try:
        assert json.loads(proc.stdout.readline())["text"] == texts[0]
        proc.stdout.close()
        assert proc.wait(timeout=120) == 0
        assert "Traceback" not in proc.stderr.read()
    finally:
        proc.kill()
        feeder.join(timeout=10)


def _children(pid: int) -> list[int]:
    """Process ids whose parent is `pid` (Linux /proc)."""
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        with contextlib.suppress(OSError):
            # The command name in parentheses may hold spaces; the parent id follows it.
            if int(stat.read_text().rsplit(")", 1)[1].split()[1]) == pid:
                found.append(int(stat.parent.name))
    return found


@pytest.mark.timeout(120)
def test_ctrl_c_stops_predict_and_its_workers_without_tracebacks(model_dir: Path) -> None:
    proc = _predict_process(model_dir, "--jobs", "2")
    try:
        assert _ask(proc, "hej")["tags"] == []
        workers = _children(proc.pid)
        assert len(workers) == 2
        os.killpg(proc.pid, signal.SIGINT)  # what a terminal's Ctrl-C sends
        assert proc.wait(timeout=60) != 0
        assert proc.stderr is not None
        assert "Traceback" not in proc.stderr.read()
        assert not any(Path(f"/proc/{pid}/stat").exists() for pid in workers)
    finally:
        proc.kill()


@pytest.mark.timeout(120)
def test_a_worker_that_dies_is_a_clear_error(model_dir: Path) -> None:
    proc = _predict_process(model_dir, "--jobs", "2")
    try:
        assert _ask(proc, "hej")["crisis"] is False
        for pid in _children(proc.pid):
            os.kill(pid, signal.SIGKILL)  # as the kernel's out-of-memory killer would
        assert proc.stdin is not None and proc.stderr is not None
        with contextlib.suppress(BrokenPipeError):
            proc.stdin.write(json.dumps({"text": "jeg er ked af det"}) + "\n")
            proc.stdin.close()
        assert proc.wait(timeout=60) == 1
        stderr = proc.stderr.read()
        assert "worker process stopped unexpectedly" in stderr
        assert "Traceback" not in stderr
    finally:
        proc.kill()
