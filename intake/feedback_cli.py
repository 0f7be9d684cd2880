"""`intake feedback export`: the counsellors' tag corrections as training feedback for the
tagger, one JSON line `{"text": anonymised, "tags": [...]}` each (the `--feedback FILE`
format of `intake tagger train`). The text is the youth's stored, anonymised problem
description, decrypted with the key ring; corrections of erased profiles are gone with them."""

import json
import os
import sys
from pathlib import Path

import typer
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, SQLAlchemyError

from api.config import get_settings, load_key_ring
from api.db.session import make_engine, make_sessionmaker
from api.services import queue
from privacy.crypto import KeyRingError

app = typer.Typer(help="Counsellors' tag corrections (tagger feedback).", no_args_is_help=True)


def _fail(message: str, code: int) -> typer.Exit:
    typer.echo(f"error: {message}", err=True)
    return typer.Exit(code)


def _missing_sqlite_file(database_url: str) -> str | None:
    """The path of a SQLite database that does not exist: reading it would create it."""
    try:
        url = make_url(database_url)
    except ArgumentError:
        return None  # reported when the engine is made
    if url.get_backend_name() != "sqlite" or url.database in (None, "", ":memory:"):
        return None
    return None if Path(str(url.database)).exists() else str(url.database)


@app.command("export")
def export() -> None:
    """Write every tag correction as a JSON line to stdout."""
    settings = get_settings()
    try:
        keys = load_key_ring(settings)
    except KeyRingError as exc:
        typer.echo(str(exc), err=True)
        raise typer.Exit(2) from None
    missing = _missing_sqlite_file(settings.database_url)
    if missing is not None:
        raise _fail(f"no database at {missing} (DATABASE_URL)", 2)
    try:
        engine = make_engine(settings.database_url)
    except ArgumentError:
        # The URL may hold a password: not echoed.
        raise _fail("DATABASE_URL is not a database URL", 2) from None
    try:
        with make_sessionmaker(engine)() as session:
            for line in queue.export_feedback(session, keys=keys):
                sys.stdout.write(json.dumps(line, ensure_ascii=False) + "\n")
        sys.stdout.flush()
    except SQLAlchemyError as exc:
        # The driver's first line ("no such table ...", "connection ... refused"); the
        # statement's parameters are hidden by the engine.
        reason = str(getattr(exc, "orig", None) or type(exc).__name__).splitlines()[0]
        raise _fail(f"cannot read the corrections from the database ({reason})", 1) from None
    except BrokenPipeError:
        # The reader went away (`| head`): stop quietly, as line-oriented tools do.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
    finally:
        engine.dispose()
