"""`intake keys ...`: create, inspect, rotate and retire key-encryption keys.

The key-ring file is the only place the KEKs live. `generate` creates it (0600, never
overwrites); `rotate` adds a new active KEK and re-wraps every profile's data key to it while
the api keeps running; `retire` removes an old KEK once no data key uses it. Key bytes are never
printed.
"""

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from privacy.crypto import (
    CryptoError,
    KeyRing,
    create_key_ring_file,
    read_key_ring_file,
    replace_key_ring_file,
)

if TYPE_CHECKING:
    from sqlalchemy.orm import Session, sessionmaker

app = typer.Typer(
    help="Key-encryption keys: generate, status, rotate, retire.", no_args_is_help=True
)
console = Console(stderr=True)

KeyRingFile = Annotated[
    Path,
    typer.Option("--file", "-f", envvar="KEY_RING_FILE", help="Key-ring file (KEY_RING_FILE)."),
]
DatabaseUrl = Annotated[
    str | None,
    typer.Option(envvar="DATABASE_URL", help="Database (DATABASE_URL; default: the api's)."),
]
# How long running api processes need to notice a rewritten key-ring file (they check every
# second), before the last re-wrap pass looks for data keys they wrapped with the old KEK.
SETTLE_SECONDS = 3.0


def _fail(message: str) -> typer.Exit:
    console.print(f"[red]{message}[/red]")
    return typer.Exit(1)


def _load(path: Path) -> KeyRing:
    try:
        return read_key_ring_file(path)
    except CryptoError as exc:
        raise _fail(str(exc)) from None


def _sessions(database_url: str | None) -> "sessionmaker[Session]":
    # Imported here so that privacy/ stays importable without the api's database layer.
    from api.config import Settings
    from api.db.session import make_engine, make_sessionmaker

    url = database_url or str(Settings.model_fields["database_url"].default)
    return make_sessionmaker(make_engine(url))


@app.command()
def generate(
    file: KeyRingFile,
    if_missing: Annotated[
        bool, typer.Option("--if-missing", help="Exit quietly if the file already exists.")
    ] = False,
) -> None:
    """Write a new key ring with one random KEK (mode 0600). Never overwrites a file."""
    if file.exists():
        if if_missing:
            return
        raise _fail(f"{file} exists; refusing to overwrite a key ring (keys would be lost)")
    ring = KeyRing.generate()
    try:
        create_key_ring_file(file, ring)
    except FileExistsError:
        raise _fail(f"{file} exists; refusing to overwrite a key ring") from None
    console.print(f"key ring written to {file} (active KEK {ring.active().id})")


@app.command()
def status(file: KeyRingFile, database_url: DatabaseUrl = None) -> None:
    """List the KEKs and how many data keys each one wraps."""
    from api.services.key_rotation import data_keys_by_kek

    ring = _load(file)
    with _sessions(database_url).begin() as session:
        counts = data_keys_by_kek(session)
    table = Table("KEK id", "version", "active", "data keys")
    for kek in ring:
        table.add_row(
            kek.id,
            str(kek.version),
            "yes" if kek.id == ring.active().id else "",
            str(counts.pop(kek.id, 0)),
        )
    for kek_id, count in counts.items():
        table.add_row(f"[red]{kek_id} (not in ring!)[/red]", "?", "", str(count))
    Console().print(table)


def _rewrap(file: Path, database_url: str | None, batch_size: int, settle: float) -> None:
    from api.services.key_rotation import count_not_under, rewrap_all
    from privacy.crypto import ReloadingKeyRing

    keys = ReloadingKeyRing(file)
    sessions = _sessions(database_url)
    with sessions.begin() as session:
        total = count_not_under(session, keys.active().id)
    with Progress(
        TextColumn("re-wrapping data keys"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=console,
    ) as progress:
        task = progress.add_task("rewrap", total=total)
        report = rewrap_all(
            sessions,
            keys,
            batch_size=batch_size,
            settle_seconds=settle,
            on_progress=lambda n: progress.advance(task, n),
        )
    console.print(
        f"{report.rewrapped} data keys re-wrapped to {report.target_kek_id}; "
        f"{report.skipped} changed meanwhile (created or erased), {report.failed} failed"
    )
    if report.failed:
        raise _fail(
            "some data keys could not be unwrapped (KEKs: "
            + ", ".join(sorted(report.failed_kek_ids))
            + "); they keep their old wrapping"
        )


BatchSize = Annotated[int, typer.Option(min=1, help="Data keys per transaction.")]


@app.command()
def rotate(
    file: KeyRingFile,
    database_url: DatabaseUrl = None,
    batch_size: BatchSize = 100,
    settle_seconds: Annotated[float, typer.Option(min=0)] = SETTLE_SECONDS,
) -> None:
    """Add a new active KEK and re-wrap every data key to it (online; no row re-encrypted)."""
    ring = _load(file).with_new_active()
    replace_key_ring_file(file, ring)
    console.print(f"new active KEK {ring.active().id} (version {ring.active().version})")
    _rewrap(file, database_url, batch_size, settle_seconds)
    console.print("old KEKs can now be retired with `intake keys retire KEK_ID`")


@app.command()
def rewrap(
    file: KeyRingFile,
    database_url: DatabaseUrl = None,
    batch_size: BatchSize = 100,
    settle_seconds: Annotated[float, typer.Option(min=0)] = SETTLE_SECONDS,
) -> None:
    """Re-wrap data keys to the active KEK without adding one (resumes a cut-off rotation)."""
    _rewrap(file, database_url, batch_size, settle_seconds)


@app.command()
def retire(kek_id: str, file: KeyRingFile, database_url: DatabaseUrl = None) -> None:
    """Remove a KEK from the ring. Refuses while any data key is still wrapped by it.

    After retirement, older copies of the database (backups, freed pages) can no longer be
    decrypted for profiles erased since: their data keys were wrapped only by retired KEKs.
    """
    from api.services.key_rotation import data_keys_by_kek

    ring = _load(file)
    try:
        smaller = ring.without(kek_id)
    except CryptoError as exc:
        raise _fail(str(exc)) from None
    with _sessions(database_url).begin() as session:
        in_use = data_keys_by_kek(session).get(kek_id, 0)
    if in_use:
        raise _fail(
            f"{in_use} data keys are still wrapped by {kek_id}; run `intake keys rewrap` first"
        )
    replace_key_ring_file(file, smaller)
    console.print(f"KEK {kek_id} retired; {len(smaller)} KEK(s) left")
