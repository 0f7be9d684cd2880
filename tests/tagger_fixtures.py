"""One trained tagger per test session, shared read-only by the tagging and action tests."""

from __future__ import annotations

from pathlib import Path

import pytest

from tagging.predictor import Tagger, load_current
from tagging.train import TrainResult, train


@pytest.fixture(scope="session")
def trained(tmp_path_factory: pytest.TempPathFactory) -> TrainResult:
    model_dir = tmp_path_factory.mktemp("tagger-models")
    return train(model_dir, seed=4)


@pytest.fixture(scope="session")
def model_dir(trained: TrainResult) -> Path:
    return trained.version_dir.parent


@pytest.fixture(scope="session")
def tagger(model_dir: Path) -> Tagger:
    return load_current(model_dir)
