"""Routing conversations to Rasa processes: stable, spread, and few moves when the set changes."""

import os
import subprocess
import sys
import uuid

import pytest
from pydantic import ValidationError

from api.config import PROJECT_ROOT, Settings
from api.services.rasa_router import RasaRouter

TWO = ["http://127.0.0.1:5005", "http://127.0.0.1:5006"]
THREE = [*TWO, "http://127.0.0.1:5007"]
SENDERS = [uuid.UUID(int=i).hex for i in range(3000)]


def test_one_url_takes_everything() -> None:
    router = RasaRouter(["http://127.0.0.1:5005/"])
    assert {router.route(s) for s in SENDERS[:50]} == {"http://127.0.0.1:5005"}


def test_a_conversation_always_goes_to_the_same_process_whatever_the_order() -> None:
    forward, backward = RasaRouter(THREE), RasaRouter(list(reversed(THREE)))
    for sender in SENDERS[:500]:
        assert forward.route(sender) == forward.route(sender) == backward.route(sender)
        assert forward.ranking(sender)[0] == forward.route(sender)


def test_the_choice_does_not_depend_on_the_process_hash_seed() -> None:
    """Every api replica must agree: Python's salted hash() would not."""
    here = [RasaRouter(THREE).route(s) for s in SENDERS[:20]]
    code = (
        "from api.services.rasa_router import RasaRouter; import sys, uuid; "
        f"r = RasaRouter({THREE!r}); "
        "print(','.join(r.route(uuid.UUID(int=i).hex) for i in range(20)))"
    )
    for seed in ("1", "2"):
        out = subprocess.run(
            [sys.executable, "-c", code],
            cwd=PROJECT_ROOT,
            env={**os.environ, "PYTHONHASHSEED": seed},
            check=True,
            capture_output=True,
            text=True,
        ).stdout.strip()
        assert out.split(",") == here


@pytest.mark.parametrize("urls", [TWO, THREE])
def test_conversations_spread_evenly(urls: list[str]) -> None:
    router = RasaRouter(urls)
    share = 1 / len(urls)
    for url in urls:
        count = sum(router.route(s) == url for s in SENDERS)
        assert abs(count / len(SENDERS) - share) < 0.05, (url, count)


def test_adding_a_process_moves_only_what_it_takes_about_a_third() -> None:
    before, after = RasaRouter(TWO), RasaRouter(THREE)
    moved = [s for s in SENDERS if before.route(s) != after.route(s)]
    assert all(after.route(s) == THREE[2] for s in moved)
    assert 0.28 < len(moved) / len(SENDERS) < 0.39


def test_removing_a_process_moves_only_its_own_conversations() -> None:
    before, after = RasaRouter(THREE), RasaRouter(TWO)
    for sender in SENDERS:
        if before.route(sender) != THREE[2]:
            assert after.route(sender) == before.route(sender)


def test_no_urls_or_duplicates_are_refused() -> None:
    with pytest.raises(ValueError):
        RasaRouter([])
    with pytest.raises(ValueError):
        RasaRouter(["http://127.0.0.1:5005", "http://127.0.0.1:5005/"])


def test_settings_take_rasa_urls_and_keep_rasa_url_working() -> None:
    assert Settings(rasa_url="http://127.0.0.1:5005/").rasa_endpoints == ["http://127.0.0.1:5005"]
    settings = Settings(rasa_urls=" http://127.0.0.1:5005, http://127.0.0.1:5006/ ,")
    assert settings.rasa_endpoints == TWO


@pytest.mark.parametrize(
    "value", ["127.0.0.1:5005", "ftp://x", "http://127.0.0.1:5005,http://127.0.0.1:5005"]
)
def test_settings_refuse_bad_rasa_urls(value: str) -> None:
    with pytest.raises(ValidationError):
        Settings(rasa_urls=value)
