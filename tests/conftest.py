"""Shared fixtures: settings, databases (SQLite by default and the real PostgreSQL)."""

import os
import secrets
import uuid
from collections.abc import Iterator

import pytest

os.environ.setdefault("OMP_NUM_THREADS", "1")

pytest_plugins = ["tests.db_fixtures", "tests.tagger_fixtures"]

POSTGRES_ADMIN_URL = os.environ.get(
    "TEST_POSTGRES_ADMIN_URL", "postgresql://postgres@127.0.0.1:5432/postgres"
)


@pytest.fixture
def action_secret() -> str:
    return secrets.token_urlsafe(32)


@pytest.fixture(scope="session")
def postgres_database() -> Iterator[str]:
    """A throwaway database on the real PostgreSQL server, dropped afterwards."""
    import psycopg

    name = f"intake_test_{uuid.uuid4().hex[:12]}"
    try:
        admin = psycopg.connect(POSTGRES_ADMIN_URL, autocommit=True, connect_timeout=5)
    except psycopg.OperationalError as exc:
        pytest.fail(f"PostgreSQL on 127.0.0.1:5432 is required for these tests: {exc}")
    with admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    base = POSTGRES_ADMIN_URL.rsplit("/", 1)[0]
    try:
        yield f"{base}/{name}"
    finally:
        with psycopg.connect(POSTGRES_ADMIN_URL, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[str]:
    """Each test using this runs on the embedded default and on PostgreSQL."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path_factory.mktemp('db') / 'intake.db'}"
        return
    url: str = request.getfixturevalue("postgres_database")
    yield url
    # Leave PostgreSQL empty for the next test: drop every table this test's app created.
    from sqlalchemy import MetaData, create_engine

    engine = create_engine(url.replace("postgresql://", "postgresql+psycopg://", 1))
    metadata = MetaData()
    metadata.reflect(engine)
    metadata.drop_all(engine)
    engine.dispose()
