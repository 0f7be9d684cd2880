"""The test stack's Rasa command line survives any token secrets.token_urlsafe can return."""

import argparse
from pathlib import Path

import pytest

from tests.support.stack import rasa_command


def parsed_token(command: list[str]) -> str | None:
    # The same argparse rule Rasa's own `rasa run` parser applies to its -t/--auth-token option.
    parser = argparse.ArgumentParser()
    parser.add_argument("-t", "--auth-token")
    known, _ = parser.parse_known_args(command[2:])
    token: str | None = known.auth_token
    return token


@pytest.mark.parametrize("token", ["-leading-dash", "--double", "plain_Token-1"])
def test_rasa_command_passes_any_url_safe_token(token: str) -> None:
    assert parsed_token(rasa_command(Path("model.tar.gz"), 5005, token)) == token


def test_rasa_command_without_token_leaves_api_off() -> None:
    command = rasa_command(Path("model.tar.gz"), 5005)
    assert "--enable-api" not in command
    assert parsed_token(command) is None
