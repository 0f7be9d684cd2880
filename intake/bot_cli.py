"""`intake bot ...`: train (cached by input hash), validate and story-test the Rasa bot."""

import subprocess
from collections.abc import Callable
from pathlib import Path

import typer
from rich.console import Console

from intake import rasa_bot

app = typer.Typer(help="Train, validate and test the Danish Rasa bot.", no_args_is_help=True)
console = Console(stderr=True)


def _run(step: str, action: Callable[[], None]) -> None:
    try:
        action()
    except rasa_bot.RasaNotInstalledError as exc:
        console.print(f"[red]{exc}[/red]")
        raise typer.Exit(2) from exc
    except subprocess.CalledProcessError as exc:
        console.print(f"[red]{step} failed (exit {exc.returncode})[/red]")
        raise typer.Exit(1) from exc


@app.command()
def train(force: bool = typer.Option(False, help="Train even if a cached model matches.")) -> None:
    """Train the bot if its inputs changed; print the model path."""

    def _train() -> None:
        path, trained = rasa_bot.ensure_trained(force=force)
        console.print(("trained " if trained else "cached model ") + str(path))
        print(path)

    _run("rasa train", _train)


@app.command("model-path")
def model_path() -> None:
    """Print where the model for the current inputs is (or will be)."""
    print(rasa_bot.model_path())


@app.command()
def validate() -> None:
    """`rasa data validate --fail-on-warnings` on the bot's domain and data."""
    _run("rasa data validate", rasa_bot.validate)


@app.command("test")
def test_stories(
    out: Path = typer.Option(Path("var/rasa-test-results"), help="Where Rasa writes reports."),
) -> None:
    """Run the story tests in bot/tests with --fail-on-prediction-errors."""
    _run("rasa test", lambda: rasa_bot.test_stories(out))
