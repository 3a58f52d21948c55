"""Input articles: text files, folders, CSV/JSONL with a text column, or standard input."""

from __future__ import annotations

import csv
import io
import json
import sys
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TextIO

from stance.errors import DataError, UsageError
from stance.labels import decode_utf8

TEXT_SUFFIXES = (".txt", ".md")
TABLE_SUFFIXES = (".csv", ".jsonl")
STDIN = "-"

# Article texts in CSV cells can be far longer than the csv module's 128 KiB default.
csv.field_size_limit(sys.maxsize)


@dataclass(frozen=True, slots=True)
class Document:
    id: str
    text: str


@dataclass
class ReadReport:
    """What was read and what was skipped (with why), for the summary the CLI prints."""

    documents: int = 0
    skipped: list[tuple[str, str]] = field(default_factory=list)


def _read_text(path: Path) -> str:
    try:
        raw = path.read_bytes()
    except OSError as error:
        raise DataError(f"{path}: cannot read ({error.strerror})") from None
    if b"\0" in raw[:8192]:
        raise DataError(f"{path}: a binary file, not text")
    return decode_utf8(raw, name=str(path))


def _csv_documents(path: Path, text: str, text_column: str) -> Iterator[Document]:
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    try:
        header = next(reader, None)
        if header is None:
            return
        header = [h.strip() for h in header]
        if text_column not in header:
            raise DataError(
                f"{path}: no column {text_column!r} (columns: {', '.join(header)}); "
                "name the text column with --text-column"
            )
        column = header.index(text_column)
        for number, fields in enumerate(reader, start=1):
            if not fields:
                continue
            if len(fields) != len(header):
                raise DataError(
                    f"{path} line {reader.line_num}: {len(fields)} fields, "
                    f"the header has {len(header)}"
                )
            yield Document(f"{path}#{number}", fields[column])
    except csv.Error as error:
        raise DataError(f"{path} line {reader.line_num}: malformed CSV ({error})") from None


def _jsonl_documents(path: Path, text: str, text_column: str) -> Iterator[Document]:
    number = 0
    for line_number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        number += 1
        try:
            record = json.loads(line)
        except json.JSONDecodeError as error:
            raise DataError(f"{path} line {line_number}: not valid JSON ({error.msg})") from None
        if not isinstance(record, dict) or not isinstance(record.get(text_column), str):
            raise DataError(
                f"{path} line {line_number}: expected an object with a string {text_column!r}; "
                "name the text field with --text-column"
            )
        yield Document(f"{path}#{number}", record[text_column])


def read_file(path: Path, *, text_column: str = "text") -> list[Document]:
    """All documents of one file; raises DataError if the file cannot be used."""
    text = _read_text(path)
    suffix = path.suffix.lower()
    if suffix == ".csv":
        return list(_csv_documents(path, text, text_column))
    if suffix == ".jsonl":
        return list(_jsonl_documents(path, text, text_column))
    return [Document(str(path), text)]


def _files_in(folder: Path) -> list[Path]:
    suffixes = TEXT_SUFFIXES + TABLE_SUFFIXES
    return sorted(
        p
        for p in folder.rglob("*")
        if p.is_file() and p.suffix.lower() in suffixes and not p.name.startswith(".")
    )


def iter_documents(
    paths: Sequence[Path | str],
    *,
    text_column: str = "text",
    stdin: TextIO | None = None,
    report: ReadReport | None = None,
) -> Iterator[Document]:
    """Documents from files, folders (recursive) and "-" (standard input), in order.

    A file named directly that cannot be read is an error; inside a folder it is skipped
    and recorded in `report`, so one bad file does not stop a batch.
    """
    report = report if report is not None else ReadReport()
    for raw_path in paths:
        if str(raw_path) == STDIN:
            stream = stdin if stdin is not None else sys.stdin
            try:
                text = stream.read()
            except UnicodeDecodeError as error:
                raise DataError(f"standard input: not UTF-8 ({error.reason})") from None
            report.documents += 1
            yield Document("<stdin>", text)
            continue
        path = Path(raw_path)
        if not path.exists():
            raise UsageError(f"{path}: no such file or folder")
        if path.is_dir():
            for file in _files_in(path):
                try:
                    documents = read_file(file, text_column=text_column)
                except DataError as error:
                    report.skipped.append((str(file), str(error)))
                    continue
                report.documents += len(documents)
                yield from documents
        else:
            documents = read_file(path, text_column=text_column)
            report.documents += len(documents)
            yield from documents
