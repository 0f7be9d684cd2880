"""`intake tagger train|evaluate|predict|versions|use|prune`: the analyst's commands.

The contracts of train, evaluate and predict are in DESIGN.md; scripts depend on them.
"""

from __future__ import annotations

import json
import os
import sys
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path
from typing import Annotated, Any, NoReturn, cast

import typer
from rich import box
from rich.console import Console
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from tagging.corpus import DataError
from tagging.evaluate import Metrics
from tagging.store import ArtefactError, default_model_dir, read_current_or_none
from tagging.taxonomy import BY_ID, CRISIS_TAGS, TAG_IDS

app = typer.Typer(
    name="tagger",
    help="Problem-category tagger: train, evaluate, predict; list and publish versions.",
    no_args_is_help=True,
    add_completion=False,
)
out = Console()
err = Console(stderr=True)

# `predict` starts its worker processes once this many lines arrive together: a program that
# sends a line or a few at a time never waits for them, a piped file (hundreds of lines per
# read) gets them. Worth the workers' start (tens of ms) from about this size.
SPREAD_FROM_LINES = 32

# `train`'s exit code when it wrote a version but did not publish it: scripts can tell
# "trained, needs review" from success (0), failure (1) and bad input (2).
HELD_BACK_EXIT = 3

ModelDir = Annotated[
    Path | None,
    typer.Option(
        "--model-dir",
        help="Model directory (default: $TAGGER_MODEL_DIR, else models/tagger).",
        show_default=False,
    ),
]


def _fail(message: str, code: int = 1) -> NoReturn:
    err.print(f"[bold red]error:[/] {message}", highlight=False, soft_wrap=True)
    raise typer.Exit(code)


def _metrics_table(metrics: Metrics, title: str) -> Table:
    table = Table(title=title)
    table.add_column("tag")
    table.add_column("navn")
    table.add_column("precision", justify="right")
    table.add_column("recall", justify="right")
    table.add_column("F1", justify="right")
    table.add_column("support", justify="right")
    for tag in TAG_IDS:
        m = metrics.per_tag[tag]
        style = "bold" if tag in CRISIS_TAGS else None
        table.add_row(
            tag,
            BY_ID[tag].name_da,
            f"{m.precision:.3f}",
            f"{m.recall:.3f}",
            f"{m.f1:.3f}",
            str(m.support),
            style=style,
        )
    return table


def _print_summary(metrics: Metrics) -> None:
    out.print(f"macro-F1: {metrics.macro_f1:.3f}")
    # Without a crisis message recall is undefined; 0.000 would read as every one missed.
    recall = f"{metrics.crisis_recall:.3f}" if metrics.crisis_support else "n/a"
    out.print(
        f"crisis recall: {recall}  crisis precision: "
        f"{metrics.crisis_precision:.3f}  ({metrics.crisis_support} crisis messages of "
        f"{metrics.n_messages})"
    )


@app.command()
def train(
    feedback: Annotated[
        Path | None,
        typer.Option(help='JSON lines {"text", "tags"} of counsellor corrections.'),
    ] = None,
    seed: Annotated[
        int, typer.Option(min=0, max=2**32 - 1, help="Random seed (folds, classifier).")
    ] = 4,
    if_missing: Annotated[
        bool, typer.Option("--if-missing", help="Only train when there is no current model.")
    ] = False,
    force: Annotated[
        bool,
        typer.Option(
            "--force",
            help="Publish the new version even if it finds fewer crisis messages or has a "
            "lower macro-F1 on the fixed test split than the current one.",
        ),
    ] = False,
    model_dir: ModelDir = None,
) -> None:
    """Train from tagging/data (plus --feedback), write a new version with a model card.

    The new version becomes current unless it does worse than the current one on the fixed
    test split (any crisis message fewer found, or macro-F1 more than 0.01 lower): then it
    is kept for review, the exit code is 3, and `intake tagger use VERSION` publishes it."""
    from tagging.train import STEP_COUNT
    from tagging.train import train as run_train

    root = model_dir or default_model_dir()
    current = read_current_or_none(root)  # a broken pointer: train, and the new one replaces it
    if if_missing and current is not None and (root / current).is_dir():
        out.print(f"tagger model {current} present in {root}; not retraining")
        return
    # Before a minute of training, not after it.
    try:
        root.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        _fail(f"cannot use {root} as the model directory ({exc.strerror})", code=2)
    if not os.access(root, os.W_OK | os.X_OK):
        _fail(f"cannot write to the model directory {root}", code=2)
    try:
        with Progress(
            TextColumn("[progress.description]{task.description}"),
            BarColumn(),
            TextColumn("{task.completed}/{task.total}"),
            TimeElapsedColumn(),
            console=err,
            transient=False,
        ) as bar:
            task = bar.add_task("training tagger", total=STEP_COUNT)

            def tick(step: str) -> None:
                bar.update(task, advance=1, description=step)

            result = run_train(
                root, feedback=feedback, seed=seed, progress=tick, force_publish=force
            )
    except DataError as exc:
        _fail(str(exc), code=2)
    except OSError as exc:
        _fail(f"cannot write the new version under {root} ({exc.strerror})")
    out.print(f"trained tagger version [bold]{result.version}[/] in {result.seconds:.1f} s")
    if result.feedback is not None:
        out.print(f"feedback: {result.feedback.summary()}", highlight=False)
    out.print(_metrics_table(result.metrics, "fixed test split"))
    _print_summary(result.metrics)
    for name, metrics in result.held_out_metrics.items():
        out.print(
            f"held-out set {name} ({metrics.n_messages} messages, another author): macro-F1 "
            f"{metrics.macro_f1:.3f}, crisis recall {metrics.crisis_recall:.3f}, crisis "
            f"precision {metrics.crisis_precision:.3f}"
        )
    if result.not_compared:
        err.print(f"[bold yellow]note:[/] {result.not_compared}", highlight=False, soft_wrap=True)
    if result.compared_to:
        out.print(f"compared with {result.compared_to} in {result.version_dir / 'card.md'}")
    out.print(f"model card: {result.version_dir / 'card.md'}")
    if result.held_back:
        err.print(
            f"[bold yellow]not published:[/] {result.held_back}. The bot keeps "
            f"{current}. Read the card, then publish with "
            f"`intake tagger use {result.version}` (or retrain with --force).",
            highlight=False,
            soft_wrap=True,
        )
        raise typer.Exit(HELD_BACK_EXIT)


VersionOption = Annotated[
    str | None,
    typer.Option(
        "--version",
        help="Use this version (as `intake tagger versions` lists) instead of the current one.",
        show_default=False,
    ),
]


def _load(model_dir: Path | None, version: str | None = None) -> Any:
    from tagging.predictor import load_current, load_version
    from tagging.versions import UnknownVersionError, find_version

    try:
        if version is None:
            return load_current(model_dir)
        return load_version(find_version(model_dir or default_model_dir(), version))
    except UnknownVersionError as exc:
        _fail(str(exc), code=2)
    except ArtefactError as exc:
        _fail(str(exc))


@app.command()
def evaluate(
    file: Annotated[Path, typer.Argument(help="TSV file: text<TAB>tag,tag per line.")],
    model_dir: ModelDir = None,
    version: VersionOption = None,
    errors: Annotated[
        Path | None,
        typer.Option(
            "--errors",
            dir_okay=False,
            help="Also write every message whose tags were wrong to this file as JSON lines "
            '{"line", "text", "expected", "predicted", "missing", "extra", "crisis_missed", '
            '"false_alarm", "scores"}, missed crisis messages first.',
            show_default=False,
        ),
    ] = None,
    as_json: Annotated[
        bool,
        typer.Option(
            "--json",
            help="Print the figures as one JSON object (for scripts) instead of the table.",
        ),
    ] = False,
) -> None:
    """Per-tag precision/recall/F1, macro-F1 and crisis recall of the current model (or
    --version, e.g. one held back for review) on FILE."""
    from tagging.corpus import read_tsv_lines
    from tagging.evaluate import compute_metrics, tag_errors, write_errors
    from tagging.model import label_matrix

    if errors is not None and str(errors) == "-":
        _fail("--errors needs a file name (stdout holds the figures; /dev/stdout works)", code=2)
    if errors is not None and errors.resolve() == file.resolve():
        _fail("--errors must name another file than the one evaluated", code=2)
    try:
        numbered = read_tsv_lines(file)
    except DataError as exc:
        _fail(str(exc), code=2)
    if not numbered:
        _fail(f"{file}: no examples", code=2)
    lines = [line for line, _ in numbered]
    examples = [example for _, example in numbered]
    tagger = _load(model_dir, version)
    preds = tagger.predict([ex.text for ex in examples])
    metrics = compute_metrics(
        label_matrix([ex.tags for ex in examples]), label_matrix([p.tags for p in preds])
    )
    if as_json:
        report = {"file": str(file), "model_version": tagger.version, **metrics.to_dict()}
        del report["extra"]
        # Plain print: rich would wrap and colour it, and scripts parse it.
        print(json.dumps(report, ensure_ascii=False))
    else:
        out.print(_metrics_table(metrics, f"{file.name} · model {tagger.version}"))
        _print_summary(metrics)
    if errors is None:
        return
    found = tag_errors(lines, [ex.text for ex in examples], [ex.tags for ex in examples], preds)
    try:
        write_errors(errors, found)
    except OSError as exc:
        _fail(f"cannot write {errors} ({exc.strerror})", code=2)
    missed = sum(e.crisis_missed for e in found)
    alarms = sum(e.false_alarm for e in found)
    # With --json, stdout holds only the JSON object.
    (err if as_json else out).print(
        f"wrong tags on {len(found)} of {len(examples)} messages ({missed} crisis "
        f"message(s) missed, {alarms} false crisis alarm(s)): written to {errors}",
        highlight=False,
        soft_wrap=True,
    )


@app.command()
def predict(
    model_dir: ModelDir = None,
    version: VersionOption = None,
    jobs: Annotated[
        int | None,
        typer.Option(
            min=1,
            help="Worker processes (1 predicts in this process). Default: one per core, "
            f"started once {SPREAD_FROM_LINES} or more lines arrive together (a piped file), "
            "so a caller that sends a line at a time is answered in this process.",
            show_default=False,
        ),
    ] = None,
) -> None:
    """Read JSON lines {"text": ...} on stdin; write {"text","tags","scores","crisis"} lines."""
    from tagging.stream import InputError, Source, available_cores, predict_stream

    tagger = _load(model_dir, version)
    # typeshed calls stdin's buffer a plain BinaryIO; it is a BufferedReader (a BytesIO under
    # test runners), both with read1.
    source = cast("Source", sys.stdin.buffer)
    try:
        # Without --jobs: every core, once input comes in bulk; with it, exactly as told.
        spread_from = SPREAD_FROM_LINES if jobs is None else 0
        predict_stream(tagger, source, sys.stdout, jobs or available_cores(), spread_from)
    except InputError as exc:
        _fail(str(exc), 2)
    except BrokenProcessPool:
        _fail(
            "a predict worker process stopped unexpectedly (out of memory?); "
            "the lines answered so far are complete, try again with --jobs 1"
        )
    except BrokenPipeError:
        # The reader went away (`| head`): stop quietly, as line-oriented tools do. Python
        # would otherwise complain at exit when it flushes stdout again.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
    except OSError as exc:  # a full disk, a closed or failing output
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        _fail(f"cannot write the predictions ({exc.strerror}); the output is incomplete")


@app.command()
def versions(model_dir: ModelDir = None) -> None:
    """List trained versions, oldest first, with their figures on the fixed test split."""
    from tagging.versions import list_versions

    root = model_dir or default_model_dir()
    found = list_versions(root)
    if not found:
        _fail(f"no tagger versions in {root}; train one with `intake tagger train`")
    table = Table(
        title=f"tagger versions in {root}",
        caption="* current · ! not usable here (see below) · figures on the fixed test split: "
        "macro-F1, crisis recall (R) and precision (P); messages: training messages",
        box=box.SIMPLE_HEAD,
        pad_edge=False,
    )
    # The name is what `use` takes: never wrapped or cut. It starts with the training time.
    table.add_column("version", no_wrap=True, min_width=2 + max(len(v.name) for v in found))
    for name in ("messages", "macro-F1", "crisis-R", "crisis-P"):
        table.add_column(name, justify="right", min_width=len(name))
    table.add_column("feedback", min_width=8)
    for v in found:
        m = v.metrics
        table.add_row(
            ("*" if v.current else " ") + ("!" if v.problem else " ") + v.name,
            "?" if v.n_train is None else str(v.n_train),
            "?" if m is None else f"{m.macro_f1:.3f}",
            "?" if m is None else f"{m.crisis_recall:.3f}",
            "?" if m is None else f"{m.crisis_precision:.3f}",
            "yes" if v.feedback else "",
            style="bold" if v.current else None,
        )
    out.print(table)
    for v in found:
        if v.problem is not None:
            out.print(f"! {v.name}: {v.problem}", highlight=False, soft_wrap=True)


@app.command()
def use(
    version: Annotated[str, typer.Argument(help="A name `intake tagger versions` lists.")],
    model_dir: ModelDir = None,
) -> None:
    """Make VERSION the current model (publish a held-back version, or roll back).

    The bot's action server picks it up at its next message, without a restart."""
    from tagging.versions import UnknownVersionError, use_version

    root = model_dir or default_model_dir()
    try:
        previous, tagger = use_version(root, version)
    except UnknownVersionError as exc:
        _fail(str(exc), code=2)
    except ArtefactError as exc:
        _fail(str(exc))
    out.print(f"current tagger version: [bold]{tagger.version}[/] (was {previous or 'none'})")


@app.command()
def prune(
    keep: Annotated[int, typer.Option(min=1, help="How many of the newest versions to keep.")] = 5,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Only list what would be deleted.")
    ] = False,
    model_dir: ModelDir = None,
) -> None:
    """Delete all but the newest KEEP versions (~45 MB each); the current one always stays."""
    from tagging.versions import prune_versions

    root = model_dir or default_model_dir()
    doomed = prune_versions(root, keep, dry_run=dry_run)
    verb = "would delete" if dry_run else "deleted"
    for name in doomed:
        out.print(f"{verb} {name}", highlight=False)
    out.print(f"{len(doomed)} version(s) {verb}; current: {read_current_or_none(root) or 'none'}")
