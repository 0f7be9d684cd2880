"""`intake orgs|users|clients ...`: organisations, counsellor accounts and OAuth clients.

Each command migrates the database to the newest schema first (as the api does at start),
works in one transaction, and prints what it did. Passwords are read from a hidden prompt or
stdin, never from the command line (it would end up in the shell history and `ps`).
"""

import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime

import typer
from rich.console import Console
from sqlalchemy import select
from sqlalchemy.orm import Session

from api.auth import scopes as scope_names
from api.auth.secrets import new_token
from api.config import get_settings
from api.db.migrate import upgrade_to_head
from api.db.models_auth import Counsellor, Organisation, RoutingRule
from api.db.session import make_engine, make_sessionmaker
from api.services import accounts

console = Console(stderr=True)
orgs_app = typer.Typer(
    help="Accredited organisations and their routing rules.", no_args_is_help=True
)
users_app = typer.Typer(help="Counsellor accounts.", no_args_is_help=True)
clients_app = typer.Typer(help="OAuth2 clients (console, action server).", no_args_is_help=True)


@contextmanager
def _session() -> Iterator[Session]:
    engine = make_engine(get_settings().database_url)
    try:
        upgrade_to_head(engine)
        with make_sessionmaker(engine)() as session:
            try:
                yield session
                session.commit()
            except accounts.AccountError as exc:
                session.rollback()
                console.print(f"[red]{exc}[/red]")
                raise typer.Exit(1) from exc
    finally:
        engine.dispose()


def _date(value: str, what: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError as exc:
        console.print(f"[red]{what}: use YYYY-MM-DD[/red]")
        raise typer.Exit(2) from exc


# --- orgs ---------------------------------------------------------------------------------


@orgs_app.command("add")
def orgs_add(
    name: str = typer.Argument(..., help="Name, e.g. 'Aarhus Kommune'."),
    kind: accounts.OrganisationKind = typer.Option(..., help="kommune or ngo."),
    accreditation_id: str = typer.Option(..., help="Rådgivning Danmark accreditation id."),
    accredited_on: str = typer.Option(..., help="Accreditation date, YYYY-MM-DD."),
) -> None:
    """Add an organisation accredited by Rådgivning Danmark."""
    with _session() as session:
        organisation = accounts.add_organisation(
            session,
            name=name,
            kind=kind.value,
            accreditation_id=accreditation_id,
            accredited_on=_date(accredited_on, "--accredited-on"),
        )
        print(organisation.id)


@orgs_app.command("list")
def orgs_list() -> None:
    """Organisations with their accreditation and routing rules."""
    with _session() as session:
        for organisation in session.scalars(select(Organisation).order_by(Organisation.name)):
            rules = session.scalars(
                select(RoutingRule).where(RoutingRule.organisation_id == organisation.id)
            ).all()
            routes = ", ".join(f"{r.kind}={r.value}" if r.value else r.kind for r in rules)
            print(
                f"{organisation.id}\t{organisation.name}\t{organisation.kind}\t"
                f"{organisation.accreditation_id}\t{organisation.accredited_on}\t{routes or '-'}"
            )


@orgs_app.command("cap")
def orgs_cap(
    organisation: str = typer.Argument(..., help="Organisation id, name or accreditation id."),
    max_conversations: int = typer.Argument(..., help="Concurrent conversations (1-20)."),
) -> None:
    """How many conversations each counsellor of the organisation may hold at once."""
    with _session() as session:
        org = accounts.find_organisation(session, organisation)
        accounts.set_organisation_cap(session, org, max_conversations)
        console.print(f"conversation cap of {org.name}: {max_conversations}")


@orgs_app.command("route")
def orgs_route(
    organisation: str = typer.Argument(..., help="Organisation id, name or accreditation id."),
    all_handoffs: bool = typer.Option(False, "--all", help="Take every handoff."),
    tag: list[str] = typer.Option([], "--tag", help="Take handoffs with this tag (repeatable)."),
    age_band: list[str] = typer.Option(
        [], "--age-band", help="Take handoffs of this age band (repeatable)."
    ),
) -> None:
    """Say which handoffs an organisation takes (rules add up; adding one twice is a no-op)."""
    if not (all_handoffs or tag or age_band):
        console.print("[red]give --all, --tag or --age-band[/red]")
        raise typer.Exit(2)
    with _session() as session:
        org = accounts.find_organisation(session, organisation)
        if all_handoffs:
            accounts.add_route(session, org, accounts.RouteKind.ALL)
        for value in tag:
            accounts.add_route(session, org, accounts.RouteKind.TAG, value)
        for value in age_band:
            accounts.add_route(session, org, accounts.RouteKind.AGE_BAND, value)
        console.print(f"routing rules of {org.name} updated")


# --- users --------------------------------------------------------------------------------


def _read_password(from_stdin: bool) -> str:
    if from_stdin:
        return sys.stdin.readline().rstrip("\n")
    password: str = typer.prompt("Password", hide_input=True, confirmation_prompt=True)
    return password


@users_app.command("add")
def users_add(
    email: str = typer.Argument(..., help="Login e-mail."),
    organisation: str = typer.Option(..., "--org", help="Organisation id, name or accr. id."),
    name: str = typer.Option("", help="Display name."),
    straffeattest: str = typer.Option(..., help="Issue date of the straffeattest, YYYY-MM-DD."),
    boerneattest: str = typer.Option(..., help="Issue date of the børneattest, YYYY-MM-DD."),
    scope: list[str] = typer.Option(
        list(scope_names.DEFAULT_COUNSELLOR_SCOPES), "--scope", help="Grantable scope."
    ),
    password_stdin: bool = typer.Option(False, help="Read the password from stdin."),
    role: accounts.Role = typer.Option(
        accounts.Role.COUNSELLOR, help="counsellor, or supervisor (sees the organisation)."
    ),
    max_conversations: int | None = typer.Option(
        None, help="Own cap on concurrent conversations (default: the organisation's)."
    ),
) -> None:
    """Add a counsellor (or supervisor) account."""
    password = _read_password(password_stdin)
    with _session() as session:
        counsellor = accounts.add_counsellor(
            session,
            organisation=accounts.find_organisation(session, organisation),
            email=email,
            display_name=name,
            password=password,
            straffeattest_issued_on=_date(straffeattest, "--straffeattest"),
            boerneattest_issued_on=_date(boerneattest, "--boerneattest"),
            scopes=scope,
            role=role.value,
            conversation_cap=max_conversations,
        )
        print(counsellor.id)


@users_app.command("role")
def users_role(email: str, role: accounts.Role = typer.Argument(...)) -> None:
    """Make an account a supervisor of its organisation, or a counsellor again."""
    with _session() as session:
        accounts.set_role(session, email, role.value)
        console.print(f"{email} is now {role.value}")


@users_app.command("cap")
def users_cap(
    email: str,
    max_conversations: int | None = typer.Argument(
        None, help="Concurrent conversations; leave out for the organisation's cap."
    ),
) -> None:
    """Set (or clear) one counsellor's cap on concurrent conversations."""
    with _session() as session:
        accounts.set_counsellor_cap(session, email, max_conversations)
        console.print(f"cap of {email}: {max_conversations or 'the organisation default'}")


@users_app.command("disable")
def users_disable(email: str) -> None:
    """Disable an account: no more logins, and its sessions end at once."""
    with _session() as session:
        accounts.disable_counsellor(session, email)
        console.print(f"{email} disabled; its sessions are revoked")


@users_app.command("attestations")
def users_attestations(
    email: str,
    straffeattest: str | None = typer.Option(None, help="New issue date, YYYY-MM-DD."),
    boerneattest: str | None = typer.Option(None, help="New issue date, YYYY-MM-DD."),
) -> None:
    """Record renewed attestations."""
    with _session() as session:
        accounts.set_attestations(
            session,
            email,
            straffeattest_issued_on=_date(straffeattest, "--straffeattest")
            if straffeattest
            else None,
            boerneattest_issued_on=_date(boerneattest, "--boerneattest") if boerneattest else None,
        )


@users_app.command("list")
def users_list() -> None:
    """Accounts, their organisation and whether they may log in today."""
    settings = get_settings()
    with _session() as session:
        for counsellor in session.scalars(select(Counsellor).order_by(Counsellor.email)):
            problems = accounts.attestation_problems(
                counsellor, date.today(), settings.attestation_max_age_months
            )
            state = (
                "disabled"
                if counsellor.disabled_at
                else ("attestation: " + ", ".join(problems) if problems else "ok")
            )
            print(f"{counsellor.email}\t{counsellor.organisation.name}\t{counsellor.role}\t{state}")


# --- clients ------------------------------------------------------------------------------


@clients_app.command("add")
def clients_add(
    client_id: str,
    name: str = typer.Option("", help="Shown on the login page."),
    grant: list[str] = typer.Option(
        ..., "--grant", help="authorization_code, refresh_token or client_credentials."
    ),
    scope: list[str] = typer.Option(..., "--scope", help="Allowed scope (repeatable)."),
    redirect_uri: list[str] = typer.Option([], "--redirect-uri", help="Exact redirect URI."),
    confidential: bool = typer.Option(
        False, help="Generate a client secret (printed once) for client_secret_basic."
    ),
    secret_env: str | None = typer.Option(
        None, help="Take the client secret from this environment variable instead."
    ),
) -> None:
    """Register an OAuth2 client."""
    secret = os.environ.get(secret_env, "") if secret_env else None
    if confidential and secret is None:
        secret = new_token(32)
    with _session() as session:
        accounts.add_client(
            session,
            client_id=client_id,
            name=name,
            grant_types=grant,
            scopes=scope,
            redirect_uris=redirect_uri,
            secret=secret,
        )
    if confidential and not secret_env:
        console.print("client secret (shown once):")
        print(secret)


@clients_app.command("disable")
def clients_disable(client_id: str) -> None:
    """Disable a client: no new tokens, and its tokens stop working."""
    with _session() as session:
        accounts.disable_client(session, client_id)


@clients_app.command("provision")
def clients_provision(
    console_redirect_uri: str = typer.Option(
        "", help="Redirect URI of the console; default <PUBLIC_BASE_URL>/console/callback."
    ),
) -> None:
    """Idempotently register the action server's client (ACTION_CLIENT_ID and
    ACTION_CLIENT_SECRET from the environment) and the counsellor console (public client
    CONSOLE_CLIENT_ID, default `console`). Used by `make run` and the end-to-end tests."""
    client_id = os.environ.get("ACTION_CLIENT_ID", "intake-actions")
    secret = os.environ.get("ACTION_CLIENT_SECRET", "")
    console_id = os.environ.get("CONSOLE_CLIENT_ID", "console")
    redirect = console_redirect_uri or f"{get_settings().public_base_url}/console/callback"
    with _session() as session:
        changed_action = accounts.ensure_action_client(session, client_id, secret)
        changed_console = accounts.ensure_console_client(session, console_id, redirect)
    stamp = datetime.now().isoformat(timespec="seconds")
    console.print(
        f"{stamp} oauth clients: {client_id} {'updated' if changed_action else 'ok'}, "
        f"{console_id} {'updated' if changed_console else 'ok'}"
    )
