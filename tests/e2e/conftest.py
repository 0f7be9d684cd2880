from collections.abc import Iterator

import pytest

from tests.support.stack import Stack, running_stack


@pytest.fixture(scope="session")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    """The real product, started once per test session."""
    with running_stack(tmp_path_factory.mktemp("stack")) as running:
        yield running
