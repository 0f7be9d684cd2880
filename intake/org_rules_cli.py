"""`intake orgs hours|retention`: an organisation's opening hours and transcript retention
(api/services/organisation_rules.py). Registered on the `orgs` sub-app."""

import typer

from api.services import accounts, organisation_rules
from intake.accounts_cli import _session, console, orgs_app

DEFAULT = "default"


@orgs_app.command("hours")
def orgs_hours(
    organisation: str = typer.Argument(..., help="Organisation id, name or accreditation id."),
    schedule: str | None = typer.Argument(
        None,
        help="Weekly hours, Copenhagen time, e.g. 'man-fre 14-22; lør-søn 16-20' or 'lukket'. "
        "Omit to show the current hours.",
    ),
    clear: bool = typer.Option(False, "--clear", help="Follow the platform's hours again."),
) -> None:
    """Set (or show, or --clear) the weekly opening hours of an organisation."""
    with _session() as session:
        org = accounts.find_organisation(session, organisation)
        if clear or schedule is not None:
            try:
                organisation_rules.set_opening_hours(session, org, None if clear else schedule)
            except organisation_rules.RuleError as exc:
                console.print(f"[red]{exc}[/red]")
                raise typer.Exit(2) from exc
        row = organisation_rules.settings_of(session, org.id)
        text = row.opening_hours_text if row is not None else None
        print(f"{org.name}\t{text or 'platform hours'}")


@orgs_app.command("retention")
def orgs_retention(
    organisation: str = typer.Argument(..., help="Organisation id, name or accreditation id."),
    period: str | None = typer.Argument(
        None,
        help="Keep transcripts of its conversations this long after the last activity, e.g. "
        "30d or 6w (at most the platform's 2 years); 'default' for the platform's. Omit to show.",
    ),
) -> None:
    """Set (or show) how long transcripts of an organisation's conversations are kept."""
    with _session() as session:
        org = accounts.find_organisation(session, organisation)
        if period is not None:
            try:
                days = (
                    None if period == DEFAULT else organisation_rules.parse_retention_days(period)
                )
            except organisation_rules.RuleError as exc:
                console.print(f"[red]{exc}[/red]")
                raise typer.Exit(2) from exc
            organisation_rules.set_transcript_retention(session, org, days)
        row = organisation_rules.settings_of(session, org.id)
        days = row.transcript_retention_days if row is not None else None
        print(f"{org.name}\t{f'{days} days' if days else 'platform default (2 years)'}")
