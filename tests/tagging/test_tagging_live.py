"""A long-running process follows `current`: new versions load beside the old one, broken
ones never replace it, and a model trained after start is picked up."""

from __future__ import annotations

import logging
import shutil
import threading
from pathlib import Path

import pytest

from tagging.live import LiveTagger
from tagging.predictor import Tagger, load_version
from tagging.store import write_current
from tagging.train import TrainResult

SUICIDAL = "jeg vil bare sove og ikke vågne igen"


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


class CountingLoader:
    def __init__(self) -> None:
        self.calls: list[str] = []

    def __call__(self, version_dir: Path) -> Tagger:
        self.calls.append(version_dir.name)
        return load_version(version_dir)


@pytest.fixture
def models(tmp_path: Path, trained: TrainResult) -> Path:
    """A model dir of our own holding the trained version as "v1" and a copy as "v2"."""
    for name in ("v1", "v2"):
        shutil.copytree(trained.version_dir, tmp_path / name)
    write_current(tmp_path, "v1")
    return tmp_path


def test_a_new_current_version_loads_while_the_old_one_answers(models: Path) -> None:
    live = LiveTagger(models)
    first = live.get()
    assert first is not None and first.version == "v1"
    write_current(models, "v2")
    during = live.get()  # the switch happens in the background
    assert during is not None
    live.wait(timeout=60)
    after = live.get()
    assert after is not None and after.version == "v2"
    assert after.predict([SUICIDAL])[0].crisis


def test_a_broken_version_never_replaces_the_working_one(
    models: Path, caplog: pytest.LogCaptureFixture
) -> None:
    (models / "v2" / "model.skops").write_bytes(b"not a model")
    clock, loader = Clock(), CountingLoader()
    live = LiveTagger(models, retry_seconds=30, clock=clock, load=loader)
    assert live.get() is not None
    write_current(models, "v2")
    with caplog.at_level(logging.WARNING, logger="tagging.live"):
        live.get()
        live.wait(timeout=60)
    kept = live.get()
    assert kept is not None and kept.version == "v1"
    assert "v2 could not be loaded" in caplog.text and "keeping v1" in caplog.text
    assert loader.calls == ["v1", "v2"]  # not retried within the window ...
    clock.now = 31.0
    live.get()
    live.wait(timeout=60)
    assert loader.calls == ["v1", "v2", "v2"]  # ... but after it


def test_a_model_trained_after_start_is_picked_up(trained: TrainResult, tmp_path: Path) -> None:
    clock = Clock()
    live = LiveTagger(tmp_path, clock=clock)
    assert live.get() is None  # nothing trained yet: the action hands off untagged
    shutil.copytree(trained.version_dir, tmp_path / "v1")
    write_current(tmp_path, "v1")
    # No model loaded: the caller waits for the load rather than tagging nothing.
    tagger = live.get()
    assert tagger is not None and tagger.predict([SUICIDAL])[0].crisis


def test_a_missing_version_is_retried_when_its_files_arrive(
    trained: TrainResult, tmp_path: Path
) -> None:
    clock = Clock()
    live = LiveTagger(tmp_path, retry_seconds=30, clock=clock)
    write_current(tmp_path, "v1")  # the pointer written before the files are in place
    assert live.get() is None
    shutil.copytree(trained.version_dir, tmp_path / "v1")
    assert live.get() is None  # within the retry window
    clock.now = 30.0
    tagger = live.get()
    assert tagger is not None and tagger.version == "v1"


def test_an_unreadable_pointer_keeps_the_loaded_version(
    models: Path, caplog: pytest.LogCaptureFixture
) -> None:
    live = LiveTagger(models)
    assert live.get() is not None
    (models / "current").write_bytes(b"\xff\xfe\x00garbage")
    with caplog.at_level(logging.WARNING, logger="tagging.live"):
        for _ in range(3):
            kept = live.get()
            assert kept is not None and kept.version == "v1"
    assert caplog.text.count("cannot read the current tagger pointer") == 1


def test_callers_during_a_switch_always_get_a_tagger(models: Path) -> None:
    live = LiveTagger(models)
    assert live.get() is not None
    write_current(models, "v2")
    seen: list[str | None] = []

    def call() -> None:
        for _ in range(50):
            tagger = live.get()
            seen.append(None if tagger is None else tagger.version)

    threads = [threading.Thread(target=call) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    live.wait(timeout=60)
    assert None not in seen
    after = live.get()
    assert after is not None and after.version == "v2"
