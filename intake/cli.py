"""`intake`: the one command line for operators and analysts (see docs/DESIGN notes).

Each area registers its own Typer sub-app here, so `intake --help` lists everything.
"""

import typer

from intake import org_rules_cli  # noqa: F401  (registers `orgs hours|retention`)
from intake.accounts_cli import clients_app, orgs_app, users_app
from intake.bot_cli import app as bot_app
from intake.feedback_cli import app as feedback_app
from intake.rights_cli import retention_app, stats_command
from privacy.cli import anonymise
from privacy.keys_cli import app as keys_app
from tagging.cli import app as tagger_app

app = typer.Typer(
    name="intake",
    help="Ung Intake: operator and analyst commands.",
    no_args_is_help=True,
    add_completion=False,
)
app.add_typer(bot_app, name="bot")
app.add_typer(tagger_app, name="tagger")
app.add_typer(keys_app, name="keys")
app.add_typer(orgs_app, name="orgs")
app.add_typer(users_app, name="users")
app.add_typer(clients_app, name="clients")
app.add_typer(retention_app, name="retention")
app.add_typer(feedback_app, name="feedback")


@app.callback()
def main() -> None:
    """Ung Intake: operator and analyst commands."""


app.command("anonymise")(anonymise)
app.command("stats")(stats_command)


if __name__ == "__main__":
    app()
