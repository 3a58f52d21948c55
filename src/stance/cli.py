"""The `stance` command line. Commands parse, call one library function, and print.

Library modules are imported inside the commands so that `stance --help` does not pay for
scikit-learn and pandas.
"""

from __future__ import annotations

import contextlib
import json
import os
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Annotated, Any

import typer

from stance.errors import StanceError

DEFAULT_MODEL = Path("models/stance.joblib")
DEFAULT_LABELS = Path("data/labels")

app = typer.Typer(
    name="stance",
    help="Tag the stance of news sentences on Russia's war against Ukraine.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
Arg = typer.Argument
Opt = typer.Option

ModelOpt = Annotated[
    Path, Opt("--model", "-m", help="Model file (its manifest sits beside it as .json).")
]
AllowMismatchOpt = Annotated[
    bool,
    Opt("--allow-version-mismatch", help="Load a model trained with another scikit-learn."),
]
ForceOpt = Annotated[bool, Opt("--force", "-F", help="Overwrite existing output files.")]


def _console(stderr: bool = True) -> Any:
    from rich.console import Console

    return Console(stderr=stderr, highlight=False, soft_wrap=True)


def _fail(message: str, code: int) -> typer.Exit:
    typer.echo(f"stance: error: {message}", err=True)
    return typer.Exit(code)


@contextlib.contextmanager
def _errors() -> Iterator[None]:
    """Turn the library's exceptions into one line on stderr and an exit code."""
    try:
        yield
    except StanceError as error:
        raise _fail(str(error), error.exit_code) from None
    except KeyboardInterrupt:
        raise _fail("interrupted", 130) from None
    except BrokenPipeError:
        # The reader went away (`stance tag ... | head`): stop quietly.
        with contextlib.suppress(OSError):
            sys.stdout = open(os.devnull, "w")  # noqa: SIM115
        raise typer.Exit(1) from None
    except OSError as error:
        name = f"{error.filename}: " if error.filename else ""
        raise _fail(f"{name}{error.strerror or error}", 1) from None
    except Exception as error:
        # A bug, not bad input: still one line (and exit 70), unless STANCE_DEBUG asks for
        # the traceback.
        if os.environ.get("STANCE_DEBUG"):
            raise
        raise _fail(
            f"internal error: {type(error).__name__}: {error} "
            "(set STANCE_DEBUG=1 for the traceback)",
            70,
        ) from None


def _warn(message: str) -> None:
    typer.echo(f"stance: warning: {message}", err=True)


@app.command()
def train(
    paths: Annotated[
        list[Path] | None,
        Arg(help="Labelled CSV files or folders (default: data/labels).", exists=True),
    ] = None,
    output: Annotated[
        Path, Opt("--output", "-o", dir_okay=False, help="Where to write the model.")
    ] = DEFAULT_MODEL,
    cv: Annotated[int, Opt("--cv", min=0, help="Cross-validation folds; 0 skips it.")] = 5,
    seed: Annotated[int, Opt("--seed", "-s", help="Random seed for folds and solver.")] = 0,
    search: Annotated[
        bool, Opt("--search", help="Cross-validated hyperparameter search; train the best.")
    ] = False,
    jobs: Annotated[int, Opt("--jobs", "-j", min=1, help="Worker processes for --search.")] = 2,
    force: ForceOpt = False,
) -> None:
    """Cross-validate and train a model on labelled sentences, then save it with its manifest."""
    from stance.training import train_from_files

    with _errors(), _progress() as progress:
        _result, card = train_from_files(
            paths or [DEFAULT_LABELS],
            output=output,
            n_splits=cv,
            random_state=seed,
            search_grid=True if search else None,
            n_jobs=jobs,
            force=force,
            progress=progress,
        )
    if card.get("search"):
        _print_search(card["search"])
    _print_training(card)


@contextlib.contextmanager
def _progress() -> Iterator[Any]:
    from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

    display = Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        TextColumn("{task.completed}/{task.total}"),
        TimeElapsedColumn(),
        console=_console(),
        transient=True,
    )
    tasks: dict[str, Any] = {}

    def report(what: str, done: int, total: int) -> None:
        if what not in tasks:
            tasks[what] = display.add_task(what, total=total)
        display.update(tasks[what], completed=done, total=total)

    with display:
        yield report


def _print_search(result: dict[str, Any]) -> None:
    from rich.table import Table

    table = Table(title="hyperparameter search (CV macro-F1)", title_justify="left")
    table.add_column("rank", justify="right")
    table.add_column("macro-F1", justify="right")
    table.add_column("params")
    default = result["default"]
    for rank, row in enumerate(result["results"][:10], start=1):
        mark = " (default)" if row is default or row == default else ""
        table.add_row(
            str(rank),
            f"{row['macro_f1']:.3f} ± {row['macro_f1_std']:.3f}",
            _params_text(row["params"]) + mark,
        )
    console = _console(stderr=False)
    console.print(table)
    console.print(
        f"best {result['best']['macro_f1']:.3f} vs default {default['macro_f1']:.3f} "
        f"over {len(result['results'])} settings; the model is trained with the best"
    )


def _params_text(params: dict[str, Any]) -> str:
    return ", ".join(f"{k}={v}" for k, v in params.items())


def _print_training(card: dict[str, Any]) -> None:
    from rich.table import Table

    console = _console(stderr=False)
    cv = card.get("cv")
    table = Table(title=f"stance model: {card['rows']} sentences", title_justify="left")
    for column in ("label", "sentences", "precision", "recall", "F1"):
        table.add_column(column, justify="left" if column == "label" else "right")
    for label in card["labels"]:
        scores = (cv or {}).get("per_class", {}).get(label, {})
        table.add_row(
            label,
            str(card["counts"].get(label, 0)),
            *(f"{scores[k]:.3f}" if k in scores else "-" for k in ("precision", "recall", "f1")),
        )
    console.print(table)
    if cv:
        console.print(
            f"{cv['n_splits']}-fold CV: accuracy {cv['accuracy']:.3f} ± {cv['accuracy_std']:.3f}, "
            f"macro-F1 {cv['macro_f1']:.3f} ± {cv['macro_f1_std']:.3f}"
        )
    console.print(
        f"saved {card['model_file']} (sha256 {card['model_sha256'][:12]}) and its manifest",
        markup=False,
    )


@app.command()
def tag(
    paths: Annotated[
        list[str], Arg(help="Files, folders (.txt .md .csv .jsonl, recursive) or - for stdin.")
    ],
    model: ModelOpt = DEFAULT_MODEL,
    output: Annotated[
        Path | None,
        Opt("--output", "-o", help="Output file (default: stdout); a folder with --engine dask."),
    ] = None,
    fmt: Annotated[
        str | None,
        Opt(
            "--format",
            "-f",
            help="table, csv, jsonl, parquet or html (default: table on a terminal, else csv).",
        ),
    ] = None,
    unit: Annotated[str, Opt("--unit", "-u", help="sentence, line or document.")] = "sentence",
    text_column: Annotated[
        str, Opt("--text-column", "-t", help="Text column of CSV/JSONL inputs.")
    ] = "text",
    min_confidence: Annotated[
        float,
        Opt(
            "--min-confidence",
            "-c",
            min=0.0,
            max=1.0,
            help="Below this top probability the label is 'uncertain'.",
        ),
    ] = 0.0,
    batch_size: Annotated[int, Opt("--batch-size", "-b", min=1, help="Units per batch.")] = 2000,
    jobs: Annotated[
        int | None, Opt("--jobs", "-j", min=1, help="Worker processes (default: all cores).")
    ] = None,
    summary: Annotated[
        Path | None,
        Opt(
            "--summary",
            "-S",
            dir_okay=False,
            help="Also write a per-document summary (CSV, or JSONL if named .jsonl).",
        ),
    ] = None,
    quiet: Annotated[bool, Opt("--quiet", "-q", help="No progress bar.")] = False,
    engine: Annotated[
        str, Opt("--engine", "-e", help="local, or dask (part files in the -o folder).")
    ] = "local",
    scheduler: Annotated[
        str | None,
        Opt("--scheduler", help="Dask scheduler address (default: a cluster on this machine)."),
    ] = None,
    partitions: Annotated[
        int | None, Opt("--partitions", "-P", min=1, help="Dask partitions (default: by size).")
    ] = None,
    force: ForceOpt = False,
    allow_version_mismatch: AllowMismatchOpt = False,
) -> None:
    """Tag articles sentence by sentence (or by line, or whole documents), streaming."""
    if engine == "dask":
        _tag_with_dask(
            paths,
            model,
            output,
            fmt,
            unit,
            text_column,
            min_confidence,
            batch_size,
            jobs,
            scheduler,
            partitions,
            quiet,
            force,
            allow_version_mismatch,
        )
        return

    from stance.errors import UsageError
    from stance.persist import check_separate, check_writable, load_tagger
    from stance.readers import ReadReport, input_bytes
    from stance.tagging import tag_paths
    from stance.writers import FORMATS

    report = ReadReport()
    with _errors():
        if fmt is None:
            fmt = "table" if output is None and _stdout_is_terminal() else "csv"
        if fmt not in FORMATS:
            raise UsageError(f"unknown format {fmt!r}; choose one of {', '.join(FORMATS)}")
        if fmt == "table" and output is not None:
            raise UsageError("--format table prints to the terminal; use csv, jsonl or parquet")
        if fmt == "parquet" and output is None and _stdout_is_terminal():
            raise UsageError("parquet is binary: name a file with -o or redirect the output")
        if fmt == "parquet":
            from stance.writers import require_pyarrow

            require_pyarrow()
        check_separate([output, summary], inputs=paths)
        for path in (output, summary):
            if path is not None:
                check_writable(path, force=force)
        pipeline, _card = load_tagger(model, allow_version_mismatch=allow_version_mismatch)
        batches = tag_paths(
            paths,
            pipeline,
            unit=unit,
            text_column=text_column,
            batch_size=batch_size,
            min_confidence=min_confidence,
            report=report,
            fmt=fmt,
            jobs=jobs or os.cpu_count() or 1,
            model_path=model,
        )
        labels = [str(c) for c in pipeline.classes_]
        show = not quiet and sys.stderr.isatty()
        with (
            _tag_progress(show, input_bytes(paths)) as progress,
            _summary_sink(summary, labels, force) as summarise,
        ):
            if fmt == "table":
                count = _print_tag_table(batches, summarise, progress, report)
            else:
                count = _write_batches(
                    batches, fmt, output, force, labels, summarise, progress, report
                )
    for file, reason in report.skipped:
        _warn(f"skipped {reason}" if reason.startswith(file) else f"skipped {file}: {reason}")
    if count == 0:
        _warn("no text to tag in the input")
    typer.echo(
        f"tagged {count} {unit}s from {report.documents} documents"
        + (f"; skipped {len(report.skipped)} files" if report.skipped else ""),
        err=True,
    )


def _stdout_is_terminal() -> bool:
    return sys.stdout.isatty()


def _tag_with_dask(
    paths: list[str],
    model: Path,
    output: Path | None,
    fmt: str | None,
    unit: str,
    text_column: str,
    min_confidence: float,
    batch_size: int,
    jobs: int | None,
    scheduler: str | None,
    partitions: int | None,
    quiet: bool,
    force: bool,
    allow_version_mismatch: bool,
) -> None:
    with _errors():
        from stance.distributed import tag_with_dask
        from stance.errors import UsageError
        from stance.persist import load_tagger

        if output is None:
            raise UsageError("--engine dask writes part files: name a folder with -o")
        load_tagger(model, allow_version_mismatch=allow_version_mismatch)  # check it first
        show = not quiet and sys.stderr.isatty()
        with _progress() if show else contextlib.nullcontext(None) as progress:
            result = tag_with_dask(
                paths,
                model_path=model,
                out_dir=output,
                fmt=fmt or "parquet",
                unit=unit,
                text_column=text_column,
                min_confidence=min_confidence,
                batch_size=batch_size,
                partitions=partitions,
                scheduler=scheduler,
                workers=jobs,
                force=force,
                progress=(lambda done, total: progress("partitions", done, total))
                if progress
                else (lambda done, total: None),
            )
    for file, reason in result.report.skipped:
        _warn(f"skipped {reason}" if reason.startswith(file) else f"skipped {file}: {reason}")
    typer.echo(
        f"tagged {result.rows} {unit}s in {result.partitions} partitions to {output}"
        + (f" ({result.skipped_parts} parts already done)" if result.skipped_parts else ""),
        err=True,
    )


def _write_batches(
    batches: Any,
    fmt: str,
    output: Path | None,
    force: bool,
    labels: list[str],
    summarise: Any,
    progress: Any,
    report: Any,
) -> int:
    from stance.writers import open_output, write_tagged

    def after(tagged: Any, count: int) -> None:
        summarise(tagged)
        progress(report.bytes_read, count)

    with open_output(output, force=force, binary=fmt == "parquet") as stream:
        return write_tagged(batches, stream, fmt=fmt, labels=labels, on_batch=after)


@contextlib.contextmanager
def _summary_sink(path: Path | None, labels: list[str], force: bool) -> Iterator[Any]:
    """A function that takes tagged batches and writes per-document summary rows."""
    if path is None:
        yield lambda tagged: None
        return
    from stance.tagging import Summary
    from stance.writers import header_line, open_output

    jsonl = path.suffix.lower() == ".jsonl"
    with open_output(path, force=force) as stream:

        def emit(row: dict[str, Any]) -> None:
            if jsonl:
                stream.write(json.dumps(row, ensure_ascii=False) + "\n")
            else:
                stream.write(header_line([str(v) for v in row.values()]))

        summary = Summary(labels, emit)
        if not jsonl:
            stream.write(header_line(summary.columns()))
        yield summary.add
        summary.flush()


@contextlib.contextmanager
def _tag_progress(show: bool, total: int | None) -> Iterator[Any]:
    """progress(bytes_read, units) draws a bar on stderr (documents, rate, ETA)."""
    if not show:
        yield lambda done, units: None
        return
    from rich.progress import (
        BarColumn,
        DownloadColumn,
        Progress,
        TextColumn,
        TimeRemainingColumn,
    )

    display = Progress(
        TextColumn("tagging"),
        BarColumn(),
        DownloadColumn(),
        TextColumn("{task.fields[units]:,} units, {task.fields[rate]:,.0f}/s"),
        TimeRemainingColumn(),
        console=_console(),
        transient=True,
    )
    task = display.add_task("tag", total=total, units=0, rate=0.0)
    import time

    started = time.perf_counter()

    def report(done: int, units: int) -> None:
        elapsed = max(time.perf_counter() - started, 1e-9)
        display.update(task, completed=done, units=units, rate=units / elapsed)

    with display:
        yield report


_LABEL_STYLES = {
    "pro-war": "bold red",
    "realist": "bold yellow",
    "anti-war": "bold blue",
    "neutral": "dim",
    "uncertain": "italic",
}


def _print_tag_table(batches: Any, summarise: Any, progress: Any, report: Any) -> int:
    """Print rows as one table per document, a document at a time."""
    from rich.markup import escape
    from rich.table import Table

    console = _console(stderr=False)
    table, doc, count = None, None, 0
    for tagged in batches:
        summarise(tagged)
        for row in tagged.rows:
            if row["doc"] != doc:
                if table is not None:
                    console.print(table)
                doc = row["doc"]
                table = Table(title=doc, title_justify="left", expand=True)
                table.add_column("#", justify="right")
                table.add_column("label")
                table.add_column("conf", justify="right")
                table.add_column("text", overflow="fold", ratio=1)
            style = _LABEL_STYLES.get(row["label"], "")
            table.add_row(
                str(row["index"]),
                f"[{style}]{row['label']}[/]",
                f"{row['confidence']:.2f}",
                escape(row["text"]),
            )
            count += 1
        progress(report.bytes_read, count)
    if table is not None:
        console.print(table)
    return count


@app.command()
def evaluate(
    paths: Annotated[list[Path], Arg(help="Labelled CSV files or folders.", exists=True)],
    model: ModelOpt = DEFAULT_MODEL,
    as_json: Annotated[
        bool, Opt("--json", help="Print one JSON object instead of tables.")
    ] = False,
    errors: Annotated[
        int, Opt("--errors", "-e", min=0, help="How many worst misclassified sentences to show.")
    ] = 10,
    plots: Annotated[
        Path | None,
        Opt(
            "--plots",
            "-p",
            file_okay=False,
            help="Write confusion.png and reliability.png here (needs matplotlib).",
        ),
    ] = None,
    allow_version_mismatch: AllowMismatchOpt = False,
) -> None:
    """Score a saved model on labelled sentences: metrics, confusion, calibration, errors."""
    from stance.evaluation import evaluate_files

    with _errors():
        if plots is not None:
            from stance.plots import require_matplotlib

            require_matplotlib()  # before the work, not after it
        report = evaluate_files(
            paths, model_path=model, errors=errors, allow_version_mismatch=allow_version_mismatch
        )
        if plots is not None:
            from stance.plots import evaluation_plots

            for path in evaluation_plots(report, plots):
                typer.echo(f"wrote {path}", err=True)
    if as_json:
        typer.echo(json.dumps(report, ensure_ascii=False, indent=2))
    else:
        _print_evaluation(report)


def _print_evaluation(report: dict[str, Any]) -> None:
    from rich.markup import escape
    from rich.table import Table

    console = _console(stderr=False)
    console.print(
        f"{report['n']} sentences: accuracy {report['accuracy']:.3f}, "
        f"macro-F1 {report['macro_f1']:.3f}, expected calibration error {report['ece']:.3f}"
    )
    scores = Table(title="per label", title_justify="left")
    for column in ("label", "precision", "recall", "F1", "support"):
        scores.add_column(column, justify="left" if column == "label" else "right")
    for label, row in report["per_class"].items():
        scores.add_row(
            label,
            f"{row['precision']:.3f}",
            f"{row['recall']:.3f}",
            f"{row['f1']:.3f}",
            str(row["support"]),
        )
    console.print(scores)
    confusion = Table(title="confusion (rows: gold, columns: predicted)", title_justify="left")
    confusion.add_column("")
    for label in report["labels"]:
        confusion.add_column(label, justify="right")
    for label, row in zip(report["labels"], report["confusion"], strict=True):
        confusion.add_row(label, *(str(v) for v in row))
    console.print(confusion)
    calibration = Table(title="reliability (top probability)", title_justify="left")
    for column in ("bin", "count", "confidence", "accuracy"):
        calibration.add_column(column, justify="right")
    for row in report["reliability"]:
        if row["count"]:
            calibration.add_row(
                f"{row['lower']:.1f}-{row['upper']:.1f}",
                str(row["count"]),
                f"{row['confidence']:.3f}",
                f"{row['accuracy']:.3f}",
            )
    console.print(calibration)
    if report.get("errors"):
        worst = Table(title="most confident errors", title_justify="left")
        for column in ("gold", "predicted", "conf", "text"):
            worst.add_column(column, justify="right" if column == "conf" else "left")
        for row in report["errors"]:
            worst.add_row(
                row["label"], row["predicted"], f"{row['confidence']:.2f}", escape(row["text"])
            )
        console.print(worst)


@app.command()
def explain(
    text: Annotated[str, Arg(help="The sentence to explain.")],
    model: ModelOpt = DEFAULT_MODEL,
    top: Annotated[int, Opt("--top", "-k", min=1, help="How many n-grams each way.")] = 10,
    as_json: Annotated[bool, Opt("--json", help="Print JSON instead of tables.")] = False,
    allow_version_mismatch: AllowMismatchOpt = False,
) -> None:
    """Why the model labels TEXT as it does: n-grams for and against the predicted label."""
    from rich.markup import escape

    from stance.evaluation import explain as explain_text
    from stance.persist import load_model

    with _errors():
        pipeline, _card = load_model(model, allow_version_mismatch=allow_version_mismatch)
        result = explain_text(pipeline, text, top=top)
    if as_json:
        typer.echo(json.dumps(result, ensure_ascii=False, indent=2))
        return
    from rich.table import Table

    console = _console(stderr=False)
    probabilities = ", ".join(f"{k} {v:.2f}" for k, v in result["probabilities"].items())
    console.print(f"[bold]{result['label']}[/] ({probabilities})")
    table = Table(title="n-gram contributions (coefficient x tf-idf)", title_justify="left")
    table.add_column(f"towards {result['label']}")
    table.add_column("", justify="right")
    table.add_column(f"away from {result['label']}")
    table.add_column("", justify="right")
    towards, away = result["towards"], result["away"]
    for i in range(max(len(towards), len(away))):
        left = towards[i] if i < len(towards) else ("", None)
        right = away[i] if i < len(away) else ("", None)
        # Character n-grams print as "[gram]", which rich would read as a markup tag.
        table.add_row(
            escape(left[0]),
            "" if left[1] is None else f"{left[1]:+.3f}",
            escape(right[0]),
            "" if right[1] is None else f"{right[1]:+.3f}",
        )
    console.print(table)


@app.command()
def info(
    model: ModelOpt = DEFAULT_MODEL,
    top: Annotated[int, Opt("--top", "-k", min=1, help="Strongest n-grams per label.")] = 10,
    as_json: Annotated[bool, Opt("--json", help="Print JSON instead of tables.")] = False,
    plots: Annotated[
        Path | None,
        Opt("--plots", "-p", file_okay=False, help="Write top_ngrams.png here (needs matplotlib)."),
    ] = None,
    allow_version_mismatch: AllowMismatchOpt = False,
) -> None:
    """The model card: manifest, scores, and the strongest n-grams per label."""
    from rich.markup import escape

    from stance.evaluation import top_features
    from stance.persist import load_model

    with _errors():
        pipeline, card = load_model(model, allow_version_mismatch=allow_version_mismatch)
        features = top_features(pipeline, top=top)
        if plots is not None:
            from stance.plots import feature_plot

            for path in feature_plot(features, plots):
                typer.echo(f"wrote {path}", err=True)
    if as_json:
        typer.echo(json.dumps({"manifest": card, "top_features": features}, indent=2))
        return
    from rich.table import Table

    console = _console(stderr=False)
    cv = card.get("cv") or {}
    lines = [
        f"model      {model} ({card['model_bytes']:,} bytes, sha256 {card['model_sha256'][:16]})",
        f"created    {card['created']}",
        f"trained on {card['rows']} sentences: "
        + ", ".join(f"{k} {v}" for k, v in card["counts"].items()),
        f"data       sha256 {card['data']['sha256'][:16]} from {len(card['data']['files'])} files",
        f"params     {_params_text(card['hyperparameters'])}",
        "versions   " + ", ".join(f"{k} {v}" for k, v in card["versions"].items()),
    ]
    if cv:
        lines.append(
            f"CV         {cv['n_splits']}-fold macro-F1 {cv['macro_f1']:.3f} ± "
            f"{cv['macro_f1_std']:.3f}, accuracy {cv['accuracy']:.3f}"
        )
    if card.get("search"):
        found = card["search"]
        lines.append(
            f"search     best {found['best']['macro_f1']:.3f} vs default "
            f"{found['default']['macro_f1']:.3f} over {len(found['results'])} settings"
        )
    for line in lines:
        console.print(line, markup=False)
    table = Table(title=f"strongest {top} n-grams per label", title_justify="left")
    for label in features:
        table.add_column(label)
    for i in range(top):
        table.add_row(
            *(
                f"{escape(rows[i][0])} {rows[i][1]:.2f}" if i < len(rows) else ""
                for rows in features.values()
            )
        )
    console.print(table)


_KEYS = (
    "keys: 1 pro-war, 2 realist, 3 anti-war, 4 neutral, "
    "Enter accept suggestion, s skip, u undo, q quit"
)


@app.command()
def label(
    paths: Annotated[list[str], Arg(help="Articles to label: files, folders or - for stdin.")],
    output: Annotated[
        Path, Opt("--output", "-o", dir_okay=False, help="CSV to append answers to (resumes).")
    ],
    model: Annotated[
        Path | None, Opt("--model", "-m", help="Model for suggestions and uncertainty order.")
    ] = None,
    order: Annotated[
        str | None,
        Opt("--order", help="uncertain (default with a model), sequential or random."),
    ] = None,
    retrain_every: Annotated[
        int, Opt("--retrain-every", "-r", min=1, help="Retrain after this many answers.")
    ] = 20,
    labels_dir: Annotated[
        Path, Opt("--labels", "-l", help="Labelled data whose sentences are not asked again.")
    ] = DEFAULT_LABELS,
    seed: Annotated[int, Opt("--seed", "-s", help="Seed for --order random and retraining.")] = 0,
    allow_version_mismatch: AllowMismatchOpt = False,
) -> None:
    """Label sentences one at a time; answers are saved as you go, read line by line from stdin."""
    from rich.markup import escape

    from stance.labelling import start_session
    from stance.labels import LABELS

    console = _console(stderr=False)
    with _errors():
        pipeline, params = None, None
        if model is not None:
            from stance.persist import load_model
            from stance.pipeline import params_from_json

            pipeline, card = load_model(model, allow_version_mismatch=allow_version_mismatch)
            params = params_from_json(card.get("hyperparameters", {}))
        session = start_session(
            paths,
            output=output,
            labels_dir=labels_dir,
            model=pipeline,
            params=params,
            order=order,
            retrain_every=retrain_every,
            random_state=seed,
        )
        console.print(_KEYS, markup=False)
        while session.current is not None:
            item = session.current
            counts = ", ".join(f"{k} {v}" for k, v in session.counts().items())
            console.print(
                f"\n[bold]{len(session.answers)} labelled, {len(session.queue)} to go[/] "
                f"({counts}) [dim]{escape(item.source)}[/]"
            )
            if item.before:
                console.print(f"[dim]  {escape(item.before)}[/]")
            console.print(f"> [bold]{escape(item.text)}[/]")
            if item.after:
                console.print(f"[dim]  {escape(item.after)}[/]")
            suggestion = session.suggestion()
            if suggestion:
                shown = ", ".join(f"{k} {v:.2f}" for k, v in suggestion[1].items())
                console.print(f"suggestion: [bold]{suggestion[0]}[/] ({shown})")
            key = sys.stdin.readline()
            if not key:  # end of input: everything answered is already saved
                break
            key = key.strip().lower()
            if key in {"1", "2", "3", "4"}:
                session.answer(LABELS[int(key) - 1])
            elif key == "" and suggestion:
                session.answer(suggestion[0])
            elif key == "s":
                session.skip()
            elif key == "u":
                if not session.undo():
                    console.print("nothing to undo")
            elif key == "q":
                break
            else:
                console.print(_KEYS, markup=False)
    console.print(
        f"saved {len(session.answers)} answers to {output}"
        + (f"; skipped {session.skipped}" if session.skipped else "")
        + (f"; retrained {session.retrained} times" if session.retrained else "")
        + ("" if session.queue else "; nothing left to label"),
        markup=False,
    )


data_app = typer.Typer(help="Inspect labelled data.", no_args_is_help=True)
app.add_typer(data_app, name="data")


@data_app.command("check")
def data_check(
    paths: Annotated[
        list[Path] | None,
        Arg(help="Labelled CSV files or folders (default: data/labels).", exists=True),
    ] = None,
    near: Annotated[
        float, Opt("--near", min=0.0, max=1.0, help="Similarity that counts as near-duplicate.")
    ] = 0.8,
    min_confidence: Annotated[
        float,
        Opt(
            "--min-confidence",
            "-c",
            min=0.0,
            max=1.0,
            help="Out-of-fold confidence that flags a likely label error.",
        ),
    ] = 0.7,
    no_model: Annotated[
        bool, Opt("--no-model", help="Skip the cross-validated search for label errors.")
    ] = False,
    show: Annotated[int, Opt("--show", "-n", min=0, help="Rows to show per warning.")] = 10,
    as_json: Annotated[bool, Opt("--json", help="Print the report as JSON.")] = False,
    fixes: Annotated[
        Path | None,
        Opt(
            "--fixes",
            "-w",
            dir_okay=False,
            help="Also write the likely label errors to this CSV, with a `fix` column to fill "
            "in for `stance data fix`.",
        ),
    ] = None,
    force: ForceOpt = False,
) -> None:
    """Errors (exit 1) and warnings in labelled data: duplicates, balance, lengths, skewed
    words, label errors."""
    from stance.checks import check_data
    from stance.corrections import write_fix_sheet
    from stance.errors import UsageError
    from stance.persist import check_writable

    with _errors():
        if fixes is not None:
            if no_model:
                raise UsageError("--fixes needs the label-error search; drop --no-model")
            check_writable(fixes, force=force)  # before minutes of cross-validation
        report = check_data(
            paths or [DEFAULT_LABELS],
            near_threshold=near,
            min_confidence=min_confidence,
            find_label_issues=not no_model,
        )
        if fixes is not None:
            write_fix_sheet(report.label_issues, fixes, force=force)
    if as_json:
        typer.echo(json.dumps(report.as_dict(), ensure_ascii=False, indent=2))
    else:
        _print_check(report, show=show)
    if fixes is not None:
        typer.echo(f"wrote {len(report.label_issues)} flagged rows to {fixes}", err=True)
    if report.errors:
        raise typer.Exit(1)


@data_app.command("fix")
def data_fix(
    fixes: Annotated[
        Path,
        Arg(
            help="A fix sheet from `stance data check --fixes`: where, text, label, fix "
            "(a label, `drop`, or blank to keep).",
            exists=True,
            dir_okay=False,
        ),
    ],
    dry_run: Annotated[
        bool, Opt("--dry-run", "-n", help="Check the fixes against the files; change nothing.")
    ] = False,
) -> None:
    """Relabel or drop the rows a filled-in fix sheet names, checking each still reads as
    flagged."""
    from stance.corrections import apply_fixes

    with _errors():
        result = apply_fixes(fixes, dry_run=dry_run)
    verb = "would change" if dry_run else "changed"
    typer.echo(
        f"{verb} {len(result.files)} file(s): {result.relabelled} relabelled, "
        f"{result.dropped} dropped"
    )


def _print_check(report: Any, *, show: int) -> None:
    from rich.markup import escape

    console = _console(stderr=False)
    counts = ", ".join(f"{k} {v}" for k, v in report.counts.items())
    console.print(
        f"{report.rows} sentences ({counts}): {len(report.errors)} errors, "
        f"{report.warnings} warnings",
        markup=False,
    )
    for error in report.errors:
        console.print(f"[red]error[/] {escape(error)}")
    if report.imbalance:
        console.print(f"[yellow]warning[/] {escape(report.imbalance)}")
    sections = [
        (
            "duplicates",
            report.duplicates,
            lambda d: (
                f"{d['kind']} {d['similarity']:.2f} {d['first']} ~ {d['second']} "
                f"({'/'.join(d['labels'])}): {d['text'][:90]}"
            ),
        ),
        ("very short", report.short, lambda d: f"{d['where']}: {d['text']}"),
        (
            "very long",
            report.long,
            lambda d: f"{d['where']} ({d['words']} words): {d['text'][:90]}",
        ),
        (
            "words nearly always of one label",
            report.skewed_words,
            lambda d: f"{d['word']!r} in {d['rows']} sentences, {d['share']:.0%} {d['label']}",
        ),
        (
            "likely label errors",
            report.label_issues,
            lambda d: (
                f"{d['where']} labelled {d['label']}, model says {d['predicted']} "
                f"{d['confidence']:.2f}: {d['text'][:90]}"
            ),
        ),
    ]
    for title, rows, describe in sections:
        if rows:
            console.print(f"[yellow]warning[/] {len(rows)} {title}:")
            for row in rows[:show]:
                console.print(f"  {escape(describe(row))}")
            if len(rows) > show:
                console.print(f"  ... and {len(rows) - show} more (--show, --json)")


def main() -> None:
    app()
