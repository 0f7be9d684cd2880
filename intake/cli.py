"""`intake`: the one command line for operators and analysts (see docs/DESIGN notes).

Each area registers its own Typer sub-app here, so `intake --help` lists everything.
"""

import typer

from tagging.cli import app as tagger_app

app = typer.Typer(
    name="intake",
    help="Ung Intake: operator and analyst commands.",
    no_args_is_help=True,
    add_completion=False,
)
app.add_typer(tagger_app, name="tagger")


@app.callback()
def main() -> None:
    """Ung Intake: operator and analyst commands."""


if __name__ == "__main__":
    app()
