"""The `intake` executable: the full command line, or only the tagger's part of it.

`intake tagger predict` is started by scripts, often once per file or per batch, and needs
none of the database, key-ring or Rasa modules the other commands import (about 0.4 s of
imports on a machine at its usual speed, 0.9 s on a slow day, out of ~3 s to the first
answer). So `intake tagger ...` runs the tagger's Typer app on its own; everything else,
including `intake --help`, goes through the full app in `intake.cli`.
"""

import sys

from pydantic import ValidationError


def main() -> None:
    if sys.argv[1:2] == ["tagger"]:
        from tagging.cli import app as tagger_app

        tagger_app(args=sys.argv[2:], prog_name="intake tagger")
        return
    from intake.cli import app

    try:
        app()
    except ValidationError as exc:
        # The settings (environment, .env) of any command: one line per bad variable, never
        # its value (it may be a password or a key).
        for error in exc.errors():
            name = "_".join(str(part) for part in error["loc"]).upper() or exc.title
            print(f"error: configuration: {name}: {error['msg']}", file=sys.stderr)
        sys.exit(2)
