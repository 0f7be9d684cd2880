"""The server process freezes its start-up objects for the collector (api/gc_tuning.py)."""

import gc
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from api.config import Settings
from api.main import create_fastapi
from tests.support.oauth import BASE_URL


@pytest.fixture(autouse=True)
def _unfrozen() -> Iterator[None]:
    gc.unfreeze()
    yield
    gc.unfreeze()


def test_the_server_freezes_what_it_loaded_after_warm_up(settings: Settings) -> None:
    with TestClient(create_fastapi(settings, freeze_after_warm_up=True), base_url=BASE_URL):
        assert gc.get_freeze_count() > 10_000  # libraries, name lists, tokenizer


def test_an_app_made_in_a_test_process_freezes_nothing(settings: Settings) -> None:
    with TestClient(create_fastapi(settings), base_url=BASE_URL):
        assert gc.get_freeze_count() == 0
