"""`intake feedback export`: the counsellors' tag corrections as training feedback for the
tagger, one JSON line `{"text": anonymised, "tags": [...]}` each (the `--feedback FILE`
format of `intake tagger train`). The text is the youth's stored, anonymised problem
description, decrypted with the key ring; corrections of erased profiles are gone with them."""

import json
import sys

import typer

from api.config import get_settings, load_key_ring
from api.db.session import make_engine, make_sessionmaker
from api.services import queue
from privacy.crypto import KeyRingError

app = typer.Typer(help="Counsellors' tag corrections (tagger feedback).", no_args_is_help=True)


@app.command("export")
def export() -> None:
    """Write every tag correction as a JSON line to stdout."""
    settings = get_settings()
    try:
        keys = load_key_ring(settings)
    except KeyRingError as exc:
        typer.echo(str(exc), err=True)
        raise typer.Exit(2) from None
    engine = make_engine(settings.database_url)
    try:
        with make_sessionmaker(engine)() as session:
            for line in queue.export_feedback(session, keys=keys):
                sys.stdout.write(json.dumps(line, ensure_ascii=False) + "\n")
    finally:
        engine.dispose()
