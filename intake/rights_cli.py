"""`intake retention run [--dry-run]` and `intake stats`: the operator's retention run and the
analysts' statistics table with charts.

Both open the database of `DATABASE_URL` (the api's default SQLite file otherwise) and migrate
it to the newest schema first, as the api does at start.
"""

from collections import defaultdict
from pathlib import Path

import typer
from rich.console import Console
from rich.table import Table

from api.config import get_settings
from api.db.migrate import upgrade_to_head
from api.db.session import make_engine, make_sessionmaker
from api.services import retention, stats

console = Console()
retention_app = typer.Typer(
    help="Delete profile data 2 years after the last activity.", no_args_is_help=True
)


@retention_app.command("run")
def retention_run(
    dry_run: bool = typer.Option(False, "--dry-run", help="Only count what is due."),
) -> None:
    """Delete every profile whose last activity is more than 2 years ago (logged without
    content; a newsletter address stays until unsubscribed)."""
    engine = make_engine(get_settings().database_url)
    try:
        upgrade_to_head(engine)
        report = retention.run(make_sessionmaker(engine), dry_run=dry_run, engine=engine)
    finally:
        engine.dispose()
    when = report.cutoff.date().isoformat()
    by_organisation = report.organisation_retention
    if dry_run:
        console.print(f"{report.due} profiles with no activity since before {when} (dry run).")
        console.print(
            f"{by_organisation.due} transcripts past an organisation's shorter retention (dry run)."
        )
        return
    console.print(
        f"{by_organisation.transcripts_deleted} transcripts past an organisation's shorter "
        f"retention deleted ({by_organisation.entries_deleted} entries)."
    )
    console.print(
        f"{report.due} profiles with no activity since before {when}: {report.erased} erased, "
        f"{report.kept_for_newsletter} kept only for the newsletter."
    )
    for table, count in sorted(report.rows_deleted.items()):
        console.print(f"  {table}: {count} rows deleted")
    for table, count in sorted(report.auth_rows_pruned.items()):
        console.print(f"  {table}: {count} expired rows pruned")


def stats_command(
    charts: Path = typer.Option(Path("var/stats"), "--charts", help="Folder for the PNG charts."),
    organisation: str | None = typer.Option(
        None, "--organisation", help="Only this organisation id."
    ),
) -> None:
    """Print the published statistics (cells under 5 suppressed): by gender, age band and
    problem, then by outcome and referral; write PNG charts."""
    engine = make_engine(get_settings().database_url)
    try:
        upgrade_to_head(engine)
        with make_sessionmaker(engine)() as session:
            groups = stats.publish(stats.cells(session, organisation_id=organisation))
            outcomes = stats.publish_outcomes(
                stats.outcome_cells(session, organisation_id=organisation)
            )
    finally:
        engine.dispose()
    table = _suppressed_table(
        "Afsluttede samtaler", ("organisation", "måned", "køn", "alder", "emne")
    )
    for row in stats.as_rows(groups):
        table.add_row(
            row["organisation_id"] or "–",
            row["month"],
            row["gender"],
            row["age_band"],
            row["tag"],
            _count(row["count"]),
            style="bold" if row["tag"] == stats.TOTAL else None,
        )
    console.print(table)
    table = _suppressed_table(
        "Udfald og henvisninger", ("organisation", "måned", "udfald", "henvist til")
    )
    for row in stats.outcome_rows(outcomes):
        table.add_row(
            row["organisation_id"] or "–",
            row["month"],
            row["outcome"],
            row["referral"] or ("" if row["outcome"] == stats.TOTAL else "–"),
            _count(row["count"]),
            style="bold" if row["outcome"] == stats.TOTAL else None,
        )
    console.print(table)
    written = write_charts(groups, charts) + write_outcome_chart(outcomes, charts)
    for path in written:
        console.print(f"chart: {path}")


def _suppressed_table(title: str, columns: tuple[str, ...]) -> Table:
    """A table of published cells: the given columns, then the count (• where hidden)."""
    table = Table(title=f"{title} (celler under {stats.MIN_CELL} skjult: •)")
    for column in columns:
        table.add_column(column)
    table.add_column("antal", justify="right")
    return table


def _count(count: int | None) -> str:
    return "•" if count is None else str(count)


def _bar_chart(data: dict[str, int], title: str, path: Path) -> Path:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    path.parent.mkdir(parents=True, exist_ok=True)
    figure, axis = plt.subplots(figsize=(8, 4.5))
    keys = sorted(data)
    axis.bar(keys, [data[k] for k in keys], color="#1f5f8b")
    axis.set_title(title)
    axis.tick_params(axis="x", labelrotation=45)
    figure.tight_layout()
    figure.savefig(path, format="png")
    plt.close(figure)
    return path


def write_charts(groups: list[stats.PublishedGroup], folder: Path) -> list[Path]:
    """Two bar charts of the published (suppressed) figures: per tag and per month."""
    by_tag: dict[str, int] = defaultdict(int)
    by_month: dict[str, int] = defaultdict(int)
    for group in groups:
        for cell in group.cells:
            if cell["count"] is not None:
                by_tag[cell["tag"]] += cell["count"]
        if group.total is not None:
            by_month[group.month] += group.total
    return [
        _bar_chart(by_tag, "Samtaler pr. emne (offentliggjorte celler)", folder / "emner.png"),
        _bar_chart(
            by_month,
            "Samtale-emner pr. måned (offentliggjorte totaler)",
            folder / "maaneder.png",
        ),
    ]


def write_outcome_chart(groups: list[stats.PublishedGroup], folder: Path) -> list[Path]:
    """A bar chart of the published (suppressed) outcome cells, summed per outcome."""
    by_outcome: dict[str, int] = defaultdict(int)
    for group in groups:
        for cell in group.cells:
            if cell["count"] is not None:
                by_outcome[cell["outcome"]] += cell["count"]
    return [
        _bar_chart(
            by_outcome, "Samtaler pr. udfald (offentliggjorte celler)", folder / "udfald.png"
        )
    ]
