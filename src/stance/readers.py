"""Input articles: text files, folders, CSV/JSONL with a text column, or standard input.

Everything is read lazily. A text file larger than a few blocks is read in pieces that end
at a paragraph break, where the sentence splitter always ends a sentence, so the pieces
split exactly as the whole file would; every piece carries its character offset in the file.
"""

from __future__ import annotations

import codecs
import csv
import json
import sys
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO, TextIO

from stance.errors import DataError, UsageError

TEXT_SUFFIXES = (".txt", ".md")
TABLE_SUFFIXES = (".csv", ".jsonl", ".parquet")
STDIN = "-"
BLOCK_CHARS = 1 << 20
CHECK_BYTES = 1 << 16
# A paragraph longer than this (no blank line in 16 M characters) is cut at a line break or
# a space instead, so memory stays bounded even for one endless line.
MAX_PIECE_CHARS = 16 << 20

# Article texts in CSV cells can be far longer than the csv module's 128 KiB default.
csv.field_size_limit(sys.maxsize)


@dataclass(frozen=True, slots=True)
class Document:
    """A document, or one piece of a large one: `offset` characters precede `text` and
    `complete` is False for every piece of a document read in pieces."""

    id: str
    text: str
    offset: int = 0
    complete: bool = True


@dataclass
class ReadReport:
    """What was read and what was skipped (with why), for the summary the CLI prints."""

    documents: int = 0
    bytes_read: int = 0
    skipped: list[tuple[str, str]] = field(default_factory=list)


def decode_utf8(raw: bytes, *, name: str) -> str:
    """Decode strictly: a byte that is not UTF-8 is an error naming the file and offset."""
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise DataError(
            f"{name}: not UTF-8 (byte 0x{raw[error.start]:02x} at offset {error.start}); "
            "save the file as UTF-8"
        ) from None


def check_text_file(path: Path) -> None:
    """Raise DataError if `path` is binary or not UTF-8, reading it in blocks."""
    decoder = codecs.getincrementaldecoder("utf-8")(errors="strict")
    position = 0
    try:
        with open(path, "rb") as handle:
            # Small blocks: each decoded block is thrown away, and blocks of a megabyte or
            # more leave the allocator holding memory (peak RSS grew with every file).
            while block := handle.read(CHECK_BYTES):
                if position == 0 and b"\0" in block[:8192]:
                    raise DataError(f"{path}: a binary file, not text")
                try:
                    decoder.decode(block)
                except UnicodeDecodeError as error:
                    offset = position + error.start
                    raise DataError(
                        f"{path}: not UTF-8 (byte 0x{block[error.start]:02x} at offset "
                        f"{offset}); save the file as UTF-8"
                    ) from None
                position += len(block)
            try:
                decoder.decode(b"", final=True)
            except UnicodeDecodeError:
                raise DataError(f"{path}: not UTF-8 (truncated character at the end)") from None
    except OSError as error:
        raise DataError(f"{path}: cannot read ({error.strerror})") from None


def _paragraph_cut(buffer: str) -> int:
    """Index just after the last line break that is followed by a blank line, or -1."""
    end = buffer.rfind("\n")
    while end > 0:
        start = buffer.rfind("\n", 0, end)
        if start == -1:
            return -1
        if not buffer[start + 1 : end].strip():
            return start + 1
        end = start
    return -1


def _forced_cut(buffer: str) -> int:
    for separator in ("\n", " "):
        cut = buffer.rfind(separator, len(buffer) // 2)
        if cut > 0:
            return cut + 1
    return len(buffer)


def _text_pieces(path: Path, report: ReadReport, *, whole: bool) -> Iterator[Document]:
    name = str(path)
    size = path.stat().st_size
    if whole or size <= 4 * BLOCK_CHARS:
        text = path.read_bytes().decode("utf-8-sig")
        report.bytes_read += size
        yield Document(name, text)
        return
    with open(path, encoding="utf-8-sig", newline="") as handle:
        buffer, offset = "", 0
        while True:
            block = handle.read(BLOCK_CHARS)
            report.bytes_read += len(block.encode("utf-8")) if block else 0
            buffer += block
            if not block:
                if buffer:
                    yield Document(name, buffer, offset, complete=False)
                return
            cut = _paragraph_cut(buffer)
            if cut <= 0 and len(buffer) >= MAX_PIECE_CHARS:
                cut = _forced_cut(buffer)
            if cut > 0:
                yield Document(name, buffer[:cut], offset, complete=False)
                offset += cut
                buffer = buffer[cut:]


def _csv_header(path: Path, text_column: str) -> list[str] | None:
    """The header of a CSV input; DataError if it lacks the text column."""
    with open(path, encoding="utf-8-sig", newline="") as handle:
        try:
            header = next(csv.reader(handle, strict=True), None)
        except csv.Error as error:
            raise DataError(f"{path} line 1: malformed CSV ({error})") from None
    if header is None:
        return None
    header = [h.strip() for h in header]
    if text_column not in header:
        raise DataError(
            f"{path}: no column {text_column!r} (columns: {', '.join(header)}); "
            "name the text column with --text-column"
        )
    return header


def _decoded_lines(handle: BinaryIO, position: list[int]) -> Iterator[str]:
    """Lines of a binary file as text, counting in position[0] the bytes consumed, so a
    table can be resumed at a byte offset (how partitions of one large file are read)."""
    first = handle.tell() == 0
    for line in handle:
        position[0] += len(line)
        yield line.decode("utf-8-sig" if first else "utf-8")
        first = False


def _csv_documents(
    path: Path,
    header: list[str],
    column: int,
    report: ReadReport,
    *,
    offset: int = 0,
    start: int = 1,
    stop: int | None = None,
) -> Iterator[Document]:
    """Rows of a CSV file as documents; with `offset`, from the row numbered `start` that
    begins at that byte, up to (not including) row `stop`."""
    with open(path, "rb") as handle:
        position = [0]
        reader = csv.reader(_decoded_lines(handle, position), strict=True)
        try:
            next(reader)
            if offset:
                handle.seek(offset)
                reader = csv.reader(_decoded_lines(handle, position), strict=True)
            for number, fields in enumerate(reader, start=start):
                if stop is not None and number >= stop:
                    return
                if not fields:
                    continue
                where = f"line {reader.line_num}" if not offset else f"row {number}"
                if len(fields) != len(header):
                    raise DataError(
                        f"{path} {where}: {len(fields)} fields, the header has {len(header)}"
                    )
                report.bytes_read += len(fields[column])
                yield Document(f"{path}#{number}", fields[column])
        except csv.Error as error:
            raise DataError(f"{path} line {reader.line_num}: malformed CSV ({error})") from None


def _jsonl_documents(
    path: Path,
    text_column: str,
    report: ReadReport,
    *,
    offset: int = 0,
    start: int = 1,
    stop: int | None = None,
) -> Iterator[Document]:
    """Non-empty lines of a JSON Lines file as documents (numbered from `start`, read from
    byte `offset`, up to document `stop`)."""
    number = start - 1
    with open(path, "rb") as handle:
        handle.seek(offset)
        for line_number, line in enumerate(_decoded_lines(handle, [offset]), start=1):
            report.bytes_read += len(line)
            if not line.strip():
                continue
            number += 1
            if stop is not None and number >= stop:
                return
            where = f"line {line_number}" if not offset else f"document {number}"
            try:
                record = json.loads(line)
            except json.JSONDecodeError as error:
                raise DataError(f"{path} {where}: not valid JSON ({error.msg})") from None
            if not isinstance(record, dict) or not isinstance(record.get(text_column), str):
                raise DataError(
                    f"{path} {where}: expected an object with a string "
                    f"{text_column!r}; name the text field with --text-column"
                )
            yield Document(f"{path}#{number}", record[text_column])


def _parquet_documents(
    path: Path, text_column: str, report: ReadReport, *, start: int = 1, stop: int | None = None
) -> Iterator[Document]:
    try:
        import pyarrow.parquet as pq
    except ImportError:
        raise UsageError("reading Parquet needs pyarrow: pip install 'stance[parquet]'") from None
    try:
        file = pq.ParquetFile(path)
    except Exception as error:  # pyarrow raises several types for a file it cannot read
        raise DataError(f"{path}: not a readable Parquet file ({error})") from None
    if text_column not in file.schema_arrow.names:
        raise DataError(
            f"{path}: no column {text_column!r} (columns: {', '.join(file.schema_arrow.names)}); "
            "name the text column with --text-column"
        )
    number = 0
    for batch in file.iter_batches(columns=[text_column], batch_size=10_000):
        for text in batch.column(0).to_pylist():
            number += 1
            if number < start:
                continue
            if stop is not None and number >= stop:
                return
            text = text if isinstance(text, str) else ""
            report.bytes_read += len(text)
            yield Document(f"{path}#{number}", text)


def read_table_range(
    path: Path,
    *,
    text_column: str = "text",
    offset: int = 0,
    start: int = 1,
    stop: int | None = None,
    report: ReadReport | None = None,
) -> Iterator[Document]:
    """Rows `start` (at byte `offset`) up to `stop` of a CSV/JSONL/Parquet input, with the
    same document ids as reading the whole file."""
    report = report if report is not None else ReadReport()
    suffix = path.suffix.lower()
    if suffix == ".parquet":
        return _parquet_documents(path, text_column, report, start=start, stop=stop)
    if suffix == ".jsonl":
        return _jsonl_documents(path, text_column, report, offset=offset, start=start, stop=stop)
    header = _csv_header(path, text_column)
    if header is None:
        return iter(())
    return _csv_documents(
        path, header, header.index(text_column), report, offset=offset, start=start, stop=stop
    )


def scan_table(
    path: Path, *, text_column: str = "text", every: int = 10_000
) -> tuple[int, list[tuple[int, int]]]:
    """Rows in a CSV/JSONL/Parquet input, and (row number, byte offset) at every `every`-th
    row: where partitions of one large file start."""
    suffix = path.suffix.lower()
    marks: list[tuple[int, int]] = []
    if suffix == ".parquet":
        count = sum(1 for _ in _parquet_documents(path, text_column, ReadReport()))
        return count, [(n, 0) for n in range(1, count + 1, every)]
    check_text_file(path)
    with open(path, "rb") as handle:
        position = [0]
        if suffix == ".csv":
            header = _csv_header(path, text_column)
            if header is None:
                return 0, []
            reader = csv.reader(_decoded_lines(handle, position), strict=True)
            try:
                next(reader)
                number = 0
                start = position[0]
                for number, _fields in enumerate(reader, start=1):
                    if (number - 1) % every == 0:
                        marks.append((number, start))
                    start = position[0]
            except csv.Error as error:
                raise DataError(f"{path} line {reader.line_num}: malformed CSV ({error})") from None
            return number, marks
        number = 0
        start = 0
        for line in _decoded_lines(handle, position):
            if line.strip():
                number += 1
                if (number - 1) % every == 0:
                    marks.append((number, start))
            start = position[0]
        return number, marks


def read_file(
    path: Path,
    *,
    text_column: str = "text",
    report: ReadReport | None = None,
    whole: bool = False,
) -> Iterator[Document]:
    """The documents of one file, lazily. Checks encoding first (DataError if unusable)."""
    report = report if report is not None else ReadReport()
    suffix = path.suffix.lower()
    if suffix != ".parquet":
        check_text_file(path)
    if suffix == ".csv":
        header = _csv_header(path, text_column)
        if header is None:
            return iter(())
        return _csv_documents(path, header, header.index(text_column), report)
    if suffix == ".jsonl":
        return _jsonl_documents(path, text_column, report)
    if suffix == ".parquet":
        return _parquet_documents(path, text_column, report)
    return _text_pieces(path, report, whole=whole)


def files_in(folder: Path) -> list[Path]:
    suffixes = TEXT_SUFFIXES + TABLE_SUFFIXES
    return sorted(
        p
        for p in folder.rglob("*")
        if p.is_file() and p.suffix.lower() in suffixes and not p.name.startswith(".")
    )


def input_bytes(paths: Sequence[Path | str]) -> int | None:
    """Total size of the named inputs, for a progress estimate (None with stdin)."""
    total = 0
    for raw_path in paths:
        if str(raw_path) == STDIN:
            return None
        path = Path(raw_path)
        if path.is_dir():
            total += sum(p.stat().st_size for p in files_in(path))
        elif path.is_file():
            total += path.stat().st_size
    return total


def check_paths(paths: Sequence[Path | str]) -> None:
    """Refuse a named input that does not exist, before any output is started."""
    for raw_path in paths:
        if str(raw_path) != STDIN and not Path(raw_path).exists():
            raise UsageError(f"{raw_path}: no such file or folder")


def iter_documents(
    paths: Sequence[Path | str],
    *,
    text_column: str = "text",
    stdin: TextIO | None = None,
    report: ReadReport | None = None,
    whole: bool = False,
) -> Iterator[Document]:
    """Documents from files, folders (recursive) and "-" (standard input), in order.

    A file named directly that cannot be read is an error; inside a folder it is skipped
    and recorded in `report`, so one bad file does not stop a batch. With `whole`, large
    text files are not cut into pieces.
    """
    report = report if report is not None else ReadReport()
    check_paths(paths)
    for raw_path in paths:
        if str(raw_path) == STDIN:
            stream = stdin if stdin is not None else sys.stdin
            try:
                text = stream.read()
            except UnicodeDecodeError as error:
                raise DataError(f"standard input: not UTF-8 ({error.reason})") from None
            report.documents += 1
            report.bytes_read += len(text)
            yield Document("<stdin>", text)
            continue
        path = Path(raw_path)
        files = files_in(path) if path.is_dir() else [path]
        for file in files:
            try:
                documents = read_file(file, text_column=text_column, report=report, whole=whole)
            except DataError as error:
                if not path.is_dir():
                    raise
                report.skipped.append((str(file), str(error)))
                continue
            previous = None
            for document in documents:
                if document.id != previous:
                    report.documents += 1
                    previous = document.id
                yield document
