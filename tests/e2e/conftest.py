import secrets
from collections.abc import Iterator

import pytest

from tests.support.stack import Stack, free_port, running_stack

# Scrape credentials of the session's stack (api /metrics and the action server's metrics port).
METRICS_TOKEN = secrets.token_urlsafe(32)
ACTION_METRICS_PORT = free_port()


@pytest.fixture(scope="session")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    """The real product, started once per test session."""
    with running_stack(
        tmp_path_factory.mktemp("stack"),
        extra_env={"METRICS_TOKEN": METRICS_TOKEN, "ACTION_METRICS_PORT": str(ACTION_METRICS_PORT)},
    ) as running:
        yield running
