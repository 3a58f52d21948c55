"""Tagging on a Dask cluster: the same code path as local tagging, one part file per partition.

The client plans partitions (whole text files, and row ranges of CSV, JSONL and Parquet
files) and submits one task per partition. Each worker process loads the model once and
tags its partitions with `stance.tagging`; each part is written to a temporary file and
renamed into place, so a failed or retried task never leaves half a file, and a re-run skips
the parts that are done. Concatenated in part order, the rows equal `--engine local`'s.
"""

from __future__ import annotations

import csv
import json
import os
import sys
from collections.abc import Callable, Iterator, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from stance.errors import DataError, OutputError, UsageError
from stance.readers import (
    STDIN,
    Document,
    ReadReport,
    check_paths,
    check_text_file,
    files_in,
    read_file,
    read_table_range,
    scan_table,
)

PLAN_FILE = "_plan.json"
TARGET_PART_BYTES = 32 << 20
DASK_FORMATS = ("csv", "jsonl", "parquet")


def require_dask() -> Any:
    try:
        import distributed
    except ImportError:
        raise UsageError(
            "--engine dask needs dask.distributed: pip install 'stance[dask]'"
        ) from None
    return distributed


@dataclass(frozen=True)
class Source:
    """A whole text file, or rows [start, stop) of a table file, the first at byte `offset`."""

    path: str
    kind: str  # "text" or "table"
    start: int = 1
    stop: int = 0
    offset: int = 0
    bytes: int = 0


@dataclass
class Plan:
    sources: list[list[Source]]
    settings: dict[str, Any]
    skipped: list[tuple[str, str]] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return {
            "settings": self.settings,
            "partitions": [[asdict(s) for s in part] for part in self.sources],
        }


def _file_pieces(file: Path, text_column: str) -> list[Source]:
    """One piece for a text file; for a table, runs of rows of about TARGET_PART_BYTES."""
    size = file.stat().st_size
    if file.suffix.lower() not in (".csv", ".jsonl", ".parquet"):
        check_text_file(file)
        return [Source(str(file), "text", bytes=size)]
    rows, marks = scan_table(file, text_column=text_column, every=1000)
    if not rows:
        return []
    per_row = size / rows
    pieces: list[Source] = []
    first_number, first_offset = marks[0]
    for next_number, next_offset in [*marks[1:], (rows + 1, size)]:
        if (next_number - first_number) * per_row >= TARGET_PART_BYTES or next_number > rows:
            share = int((next_number - first_number) * per_row)
            pieces.append(
                Source(str(file), "table", first_number, next_number, first_offset, share)
            )
            first_number, first_offset = next_number, next_offset
    return pieces


def plan_partitions(
    paths: Sequence[str],
    *,
    text_column: str = "text",
    partitions: int | None = None,
    settings: dict[str, Any] | None = None,
) -> Plan:
    """Split the inputs into partitions of about equal size, in input order."""
    pieces: list[Source] = []
    skipped: list[tuple[str, str]] = []
    for raw in paths:
        if str(raw) == STDIN:
            raise UsageError("--engine dask reads files and folders, not standard input")
        check_paths([raw])
        path = Path(raw)
        files = files_in(path) if path.is_dir() else [path]
        for file in files:
            try:
                pieces += _file_pieces(file, text_column)
            except DataError as error:
                if not path.is_dir():
                    raise
                skipped.append((str(file), str(error)))
    total = sum(p.bytes for p in pieces)
    count = partitions or max(1, min(len(pieces), -(-total // TARGET_PART_BYTES)))
    target = total / count if count else 0
    groups: list[list[Source]] = [[]]
    filled = 0
    for piece in pieces:
        if groups[-1] and filled + piece.bytes > target and len(groups) < count:
            groups.append([])
            filled = 0
        groups[-1].append(piece)
        filled += piece.bytes
    groups = [g for g in groups if g]
    return Plan(groups, dict(settings or {}), skipped)


def _documents(source: Source, text_column: str, unit: str) -> Iterator[Document]:
    path = Path(source.path)
    if source.kind == "text":
        return read_file(path, text_column=text_column, whole=unit == "document")
    return read_table_range(
        path, text_column=text_column, offset=source.offset, start=source.start, stop=source.stop
    )


def part_path(out_dir: Path, index: int, fmt: str) -> Path:
    return Path(out_dir) / f"part-{index:05d}.{fmt}"


def tag_partition(index: int, sources: list[Source], out_dir: str, settings: dict[str, Any]) -> int:
    """Tag one partition into its part file (skipped if already there); returns its rows."""
    from stance.persist import atomic_open, cached_tagger
    from stance.tagging import tag_batches
    from stance.writers import write_tagged

    fmt = settings["format"]
    target = part_path(Path(out_dir), index, fmt)
    if target.exists():
        return -1
    # The client checked the model (and any version mismatch) before submitting tasks.
    model = cached_tagger(Path(settings["model"]), allow_version_mismatch=True)
    documents = (
        d for s in sources for d in _documents(s, settings["text_column"], settings["unit"])
    )
    batches = tag_batches(
        documents,
        model,
        unit=settings["unit"],
        min_confidence=settings["min_confidence"],
        batch_size=settings["batch_size"],
        fmt=None if fmt == "parquet" else fmt,
    )
    with atomic_open(target, "wb" if fmt == "parquet" else "w", force=True) as handle:
        return write_tagged(batches, handle, fmt=fmt, labels=[str(c) for c in model.classes_])


def _check_out_dir(out_dir: Path, plan: Plan, force: bool) -> None:
    """A re-run resumes only the same plan; anything else needs --force (which clears)."""
    if out_dir.exists() and not out_dir.is_dir():
        raise OutputError(f"{out_dir} is a file; --engine dask writes part files to a folder")
    if not out_dir.parent.is_dir():
        raise OutputError(f"{out_dir.parent}: the output folder does not exist")
    out_dir.mkdir(exist_ok=True)
    plan_file = out_dir / PLAN_FILE
    current = plan.to_json()
    if plan_file.exists():
        previous = json.loads(plan_file.read_text(encoding="utf-8"))
        if previous != current:
            if not force:
                raise OutputError(
                    f"{out_dir} holds parts of a different run (inputs or settings differ); "
                    "use --force to start again"
                )
            for part in out_dir.glob("part-*"):
                part.unlink()
    elif any(out_dir.iterdir()) and not force:
        raise OutputError(f"{out_dir} is not empty; use --force to write into it")
    from stance.persist import atomic_open

    with atomic_open(plan_file, "w", force=True) as handle:
        json.dump(current, handle, indent=1)


@dataclass
class DaskReport:
    partitions: int = 0
    skipped_parts: int = 0
    rows: int = 0
    report: ReadReport = field(default_factory=ReadReport)


def tag_with_dask(
    paths: Sequence[str],
    *,
    model_path: Path,
    out_dir: Path,
    fmt: str = "parquet",
    unit: str = "sentence",
    text_column: str = "text",
    min_confidence: float = 0.0,
    batch_size: int = 2000,
    partitions: int | None = None,
    scheduler: str | None = None,
    workers: int | None = None,
    force: bool = False,
    client: Any = None,
    progress: Callable[[int, int], None] = lambda done, total: None,
) -> DaskReport:
    """Plan, submit one task per partition, wait; returns counts. See the module docstring."""
    distributed = require_dask()
    if fmt not in DASK_FORMATS:
        raise UsageError(f"--engine dask writes {', '.join(DASK_FORMATS)}, not {fmt}")
    from stance.persist import sha256_file

    settings = {
        "model": str(Path(model_path).resolve()),
        "model_sha256": sha256_file(model_path),
        "format": fmt,
        "unit": unit,
        "text_column": text_column,
        "min_confidence": min_confidence,
        "batch_size": batch_size,
    }
    plan = plan_partitions(paths, text_column=text_column, partitions=partitions, settings=settings)
    _check_out_dir(Path(out_dir), plan, force)
    result = DaskReport(partitions=len(plan.sources))
    result.report.skipped = list(plan.skipped)
    owned = None
    if client is None:
        if scheduler:
            owned = client = distributed.Client(scheduler)
        else:
            cluster = distributed.LocalCluster(
                n_workers=workers or os.cpu_count() or 1,
                threads_per_worker=1,
                processes=True,
                host="127.0.0.1",
                dashboard_address="127.0.0.1:0",
                silence_logs=40,
            )
            owned = client = distributed.Client(cluster)
    try:
        futures = [
            client.submit(
                tag_partition,
                index,
                sources,
                str(Path(out_dir).resolve()),
                settings,
                key=f"stance-part-{index}-{settings['model_sha256'][:8]}",
                pure=False,
            )
            for index, sources in enumerate(plan.sources)
        ]
        for done, future in enumerate(distributed.as_completed(futures), start=1):
            rows = future.result()
            if rows < 0:
                result.skipped_parts += 1
            else:
                result.rows += rows
            progress(done, len(futures))
    finally:
        if owned is not None:
            cluster_ref = getattr(owned, "cluster", None)
            owned.close()
            if cluster_ref is not None:
                cluster_ref.close()
    # A worker killed while writing leaves its temporary file behind; its task was rerun.
    for stale in Path(out_dir).glob(".part-*.tmp"):
        stale.unlink(missing_ok=True)
    result.report.documents = sum(len(part) for part in plan.sources)
    return result


def read_parts(out_dir: Path, fmt: str) -> Iterator[dict[str, Any]]:
    """Every row of the part files, in part order (for checks and tests)."""
    for part in sorted(Path(out_dir).glob(f"part-*.{fmt}")):
        if fmt == "parquet":
            import pyarrow.parquet as pq

            yield from pq.read_table(part).to_pylist()
        elif fmt == "jsonl":
            with open(part, encoding="utf-8") as handle:
                yield from (json.loads(line) for line in handle)
        else:
            csv.field_size_limit(sys.maxsize)
            with open(part, encoding="utf-8", newline="") as handle:
                yield from csv.DictReader(handle)
