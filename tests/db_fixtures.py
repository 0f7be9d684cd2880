"""Database and key-ring fixtures: a fresh SQLite file per test, and one throwaway PostgreSQL
database per test session (uniquely named, dropped at the end), emptied after each test.

`db` is parametrised over both backends, so a storage test written once runs on each.
"""

import os
import secrets
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import psycopg
import pytest
from sqlalchemy import Engine, text
from sqlalchemy.orm import Session, sessionmaker

import api.db.models  # noqa: F401  (registers every table on Base.metadata)
from api.db.base import Base
from api.db.migrate import upgrade_to_head
from api.db.session import make_engine, make_sessionmaker
from privacy.crypto import KeyRing

PG_ADMIN = os.environ.get("TEST_PG_ADMIN_URL", "postgresql://postgres@127.0.0.1:5432/postgres")


@dataclass
class Db:
    backend: str
    url: str
    engine: Engine
    sessions: sessionmaker[Session]
    name: str  # SQLite file path or PostgreSQL database name


@pytest.fixture(autouse=True, scope="session")
def _test_env() -> Iterator[None]:
    # Settings built in tests must not pick up a developer's key ring or database, nor the
    # ones `make test` exports for its own processes. Session scope: module- and
    # session-scoped fixtures build Settings too, before any function-scoped fixture runs.
    with pytest.MonkeyPatch.context() as patch:
        for name in ("KEY_RING", "KEY_RING_FILE", "DATABASE_URL"):
            patch.delenv(name, raising=False)
        patch.setenv("ACTION_API_SECRET", secrets.token_urlsafe(32))
        yield


@pytest.fixture
def key_ring() -> KeyRing:
    return KeyRing.generate()


@pytest.fixture(scope="session")
def pg_database() -> Iterator[str]:
    name = f"ung_test_{os.getpid()}_{uuid.uuid4().hex[:8]}"
    try:
        admin = psycopg.connect(PG_ADMIN, autocommit=True, connect_timeout=3)
    except psycopg.OperationalError as exc:
        pytest.fail(f"PostgreSQL must be running at {PG_ADMIN}: {exc}")
    with admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    url = PG_ADMIN.rsplit("/", 1)[0] + "/" + name
    engine = make_engine(url)
    upgrade_to_head(engine)
    engine.dispose()
    yield name
    with psycopg.connect(PG_ADMIN, autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _sqlite_db(tmp_path: Path) -> Iterator[Db]:
    path = tmp_path / "intake.db"
    url = f"sqlite:///{path}"
    engine = make_engine(url)
    upgrade_to_head(engine)
    yield Db("sqlite", url, engine, make_sessionmaker(engine), str(path))
    engine.dispose()


def _pg_db(name: str) -> Iterator[Db]:
    url = PG_ADMIN.rsplit("/", 1)[0] + "/" + name
    engine = make_engine(url)
    yield Db("postgresql", url, engine, make_sessionmaker(engine), name)
    # Every table the models know, so a table added later cannot leak rows into the next test.
    tables = ", ".join(f'"{table.name}"' for table in Base.metadata.sorted_tables)
    with engine.begin() as connection:
        connection.execute(text(f"TRUNCATE {tables} CASCADE"))
    engine.dispose()


@pytest.fixture
def sqlite_db(tmp_path: Path) -> Iterator[Db]:
    yield from _sqlite_db(tmp_path)


@pytest.fixture
def pg_db(pg_database: str) -> Iterator[Db]:
    yield from _pg_db(pg_database)


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def db(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Db]:
    if request.param == "sqlite":
        yield from _sqlite_db(tmp_path)
    else:
        yield from _pg_db(request.getfixturevalue("pg_database"))
