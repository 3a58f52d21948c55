"""Output formats for prediction rows: CSV, JSON Lines and Parquet, to a file (atomically)
or standard output, written batch by batch as results arrive."""

from __future__ import annotations

import contextlib
import csv
import io
import sys
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import IO, Any

from stance.errors import UsageError
from stance.persist import atomic_open

FORMATS = ("table", "csv", "jsonl", "parquet", "html")


def header_line(columns: list[str]) -> str:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerow(columns)
    return buffer.getvalue()


class ParquetSink:
    """Appends batches of rows to a Parquet file (pyarrow, an optional extra)."""

    def __init__(self, handle: IO[bytes], columns: list[str]) -> None:
        pa, pq = require_pyarrow()
        numbers = {"index", "start", "end"}
        self.pa = pa
        self.columns = columns
        self.schema = pa.schema(
            [
                (
                    name,
                    pa.int64()
                    if name in numbers
                    else pa.float64()
                    if name == "confidence" or name.startswith("p_")
                    else pa.string(),
                )
                for name in columns
            ]
        )
        self.writer = pq.ParquetWriter(handle, self.schema)

    def write(self, rows: list[dict[str, Any]]) -> None:
        if rows:
            data = {name: [row[name] for row in rows] for name in self.columns}
            self.writer.write_table(self.pa.table(data, schema=self.schema))

    def close(self) -> None:
        self.writer.close()


def require_pyarrow() -> tuple[Any, Any]:
    try:
        import pyarrow as pa
        import pyarrow.parquet as pq
    except ImportError:
        raise UsageError("--format parquet needs pyarrow: pip install 'stance[parquet]'") from None
    return pa, pq


@contextlib.contextmanager
def open_output(
    path: Path | None, *, force: bool = False, binary: bool = False
) -> Iterator[IO[Any]]:
    """A stream to write to: standard output when `path` is None, else an atomic file."""
    if path is None or str(path) == "-":
        yield sys.stdout.buffer if binary else sys.stdout
        return
    with atomic_open(Path(path), "wb" if binary else "w", force=force) as handle:
        yield handle


def write_tagged(
    batches: Iterable[Any],
    stream: IO[Any],
    *,
    fmt: str,
    labels: list[str],
    on_batch: Callable[[Any, int], None] | None = None,
) -> int:
    """Write tagged batches (stance.tagging.Tagged) in `fmt` as they arrive; returns rows.

    `on_batch(tagged, rows_so_far)` is called after each batch (summaries, progress).
    """
    from stance.report import HtmlReport
    from stance.tagging import output_columns

    columns = output_columns(labels)
    sink: Any = None
    if fmt == "parquet":
        sink = ParquetSink(stream, columns)
    elif fmt == "html":
        sink = HtmlReport(stream, labels)
    elif fmt == "csv":
        stream.write(header_line(columns))
    count = 0
    for tagged in batches:
        if sink is not None:
            sink.write(tagged.rows)
        else:
            stream.write(tagged.encoded)
        count += len(tagged.labels)
        if on_batch is not None:
            on_batch(tagged, count)
    if sink is not None:
        sink.close()
    return count
