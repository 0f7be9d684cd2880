"""Engine and session factory; SQLite gets WAL and a busy timeout so the bridge never blocks.

Both engines hide statement parameters from their error messages: a failed login lookup
would otherwise put a counsellor's e-mail address into the traceback the server logs."""

from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker

from api.db import text_guard


def make_engine(database_url: str) -> Engine:
    url = make_url(database_url)
    if url.get_backend_name() == "sqlite":
        if url.database and url.database != ":memory:":
            Path(url.database).parent.mkdir(parents=True, exist_ok=True)
        # As many kept connections as the worker threads that use them (anyio's 40): under
        # load, SQLAlchemy's default 5 made every extra thread open and close a connection
        # (with its PRAGMAs) per turn.
        engine = create_engine(
            url,
            connect_args={"check_same_thread": False},
            pool_size=40,
            max_overflow=20,
            hide_parameters=True,
        )

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA busy_timeout=5000")
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.close()

        text_guard.install(engine)
        return engine
    if url.get_backend_name() == "postgresql" and url.get_driver_name() in ("", "psycopg2"):
        # psycopg 3 is the driver we ship.
        url = url.set(drivername="postgresql+psycopg")
    engine = create_engine(
        url, pool_pre_ping=True, pool_size=10, max_overflow=20, hide_parameters=True
    )
    text_guard.install(engine)
    return engine


def make_sessionmaker(engine: Engine) -> sessionmaker[Session]:
    return sessionmaker(engine, expire_on_commit=False)
