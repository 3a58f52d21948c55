"""Output formats for prediction rows: CSV and JSON Lines, to a file (atomically) or a stream."""

from __future__ import annotations

import contextlib
import csv
import json
import sys
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import IO, Any

from stance.persist import atomic_open

FORMATS = ("table", "csv", "jsonl")


def write_rows(
    rows: Iterable[dict[str, Any]], stream: IO[str], *, columns: list[str], fmt: str = "csv"
) -> int:
    """Write rows as they come; returns how many were written."""
    count = 0
    if fmt == "csv":
        writer = csv.DictWriter(stream, fieldnames=columns, lineterminator="\n")
        writer.writeheader()
        for row in rows:
            writer.writerow(row)
            count += 1
    elif fmt == "jsonl":
        for row in rows:
            stream.write(json.dumps(row, ensure_ascii=False) + "\n")
            count += 1
    else:
        raise ValueError(f"unknown format {fmt!r}")
    return count


@contextlib.contextmanager
def open_output(path: Path | None, *, force: bool = False) -> Iterator[IO[str]]:
    """A text stream to write to: standard output when `path` is None, else an atomic file."""
    if path is None or str(path) == "-":
        yield sys.stdout
        return
    with atomic_open(Path(path), "w", force=force) as handle:
        yield handle
