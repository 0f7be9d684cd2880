"""Alembic environment: uses the engine of the api settings (or one handed in by the caller)."""

from alembic import context
from sqlalchemy import Connection

# Importing the model modules registers their tables on Base.metadata.
from api.db import (  # noqa: F401
    models,
    models_counsellor_tools,
    models_profiles,
    models_queue,
    models_rights,
    models_session,
    models_underretning,
)
from api.db.base import Base
from api.db.session import make_engine

target_metadata = Base.metadata


def _run(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=connection.dialect.name == "sqlite",
    )
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    connection = context.config.attributes.get("connection")
    if connection is not None:
        _run(connection)
        return
    from api.config import get_settings

    engine = make_engine(get_settings().database_url)
    with engine.connect() as conn:
        _run(conn)


if context.is_offline_mode():
    raise SystemExit("offline migrations are not supported; run against a database")
run_migrations_online()
