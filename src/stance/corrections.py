"""Apply reviewed label fixes to the labelled CSV files: the end of the label-error loop.

`stance data check --fixes FILE` writes the rows it flags, each with an empty `fix` column.
A reviewer fills in a label, or `drop`, for the rows to change and leaves the rest blank;
`stance data fix FILE` applies them. A fix names its row by `file:line` and carries the row's
text and label as they were when flagged, so a file edited since the check is refused rather
than changed in the wrong place. Every fix is checked before any file is written, and each
file is replaced atomically.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, NamedTuple

from stance.errors import DataError
from stance.labels import LABELS
from stance.persist import atomic_open
from stance.readers import decode_utf8

DROP = "drop"
FIX_COLUMNS: tuple[str, ...] = ("where", "text", "label", "fix")


@dataclass(frozen=True)
class Fix:
    file: str
    line: int
    text: str
    label: str
    fix: str  # a label, or DROP


class _LabelledFile(NamedTuple):
    header: list[str]
    text_at: int
    label_at: int
    records: list[tuple[int, list[str]]]  # (line the record ends on, its fields)
    newline: str


@dataclass(frozen=True)
class FixResult:
    relabelled: int
    dropped: int
    files: tuple[str, ...]


def write_fix_sheet(issues: Sequence[dict[str, Any]], path: Path, *, force: bool = False) -> int:
    """Write flagged rows (`likely_label_errors` output) as a sheet to fill in; returns rows."""
    with atomic_open(path, force=force) as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow([*FIX_COLUMNS, "predicted", "confidence"])
        for issue in issues:
            where, text, label = issue["where"], issue["text"], issue["label"]
            writer.writerow([where, text, label, "", issue["predicted"], issue["confidence"]])
    return len(issues)


def read_fixes(path: Path) -> list[Fix]:
    """The filled-in rows of a fix sheet (blank `fix` means keep); raises DataError."""
    name = str(path)
    text = _read_text(Path(path))
    reader = csv.DictReader(io.StringIO(text, newline=""))
    missing = [c for c in FIX_COLUMNS if c not in (reader.fieldnames or [])]
    if missing:
        raise DataError(f"{name}: missing column(s) {', '.join(missing)}")
    fixes: list[Fix] = []
    try:
        for row in reader:
            fix = (row["fix"] or "").strip()
            if not fix:
                continue
            where = f"{name} line {reader.line_num}"
            if fix not in (*LABELS, DROP):
                raise DataError(f"{where}: fix {fix!r} is not one of {', '.join(LABELS)}, {DROP}")
            file, _, line = (row["where"] or "").strip().rpartition(":")
            if not file or not line.isdigit():
                raise DataError(f"{where}: where {row['where']!r} is not FILE:LINE")
            text, label = (row["text"] or "").strip(), (row["label"] or "").strip()
            fixes.append(Fix(file, int(line), text, label, fix))
    except csv.Error as error:
        raise DataError(f"{name} line {reader.line_num}: malformed CSV ({error})") from None
    return fixes


def _read_text(path: Path) -> str:
    try:
        return decode_utf8(path.read_bytes(), name=str(path))
    except OSError as error:
        raise DataError(f"{path}: cannot read ({error.strerror})") from None


def _read_labelled(path: Path) -> _LabelledFile:
    """A labelled file's header, text and label columns, records and newline."""
    text = _read_text(path)
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    try:
        header = next(reader, [])
        records = [(reader.line_num, fields) for fields in reader if any(f.strip() for f in fields)]
    except csv.Error as error:
        raise DataError(f"{path} line {reader.line_num}: malformed CSV ({error})") from None
    names = [h.strip() for h in header]
    if "text" not in names or "label" not in names:
        raise DataError(f"{path}: not a labelled file (no text and label columns)")
    for line, fields in records:
        if len(fields) != len(header):
            raise DataError(
                f"{path} line {line}: {len(fields)} fields, the header has {len(header)}"
            )
    newline = "\r\n" if "\r\n" in text else "\n"
    return _LabelledFile(header, names.index("text"), names.index("label"), records, newline)


def apply_fixes(path: Path, *, dry_run: bool = False) -> FixResult:
    """Relabel or drop the rows a fix sheet names; with `dry_run`, only check them."""
    # Keyed by the resolved path: two spellings of one file must not be rewritten twice.
    by_file: dict[Path, dict[int, Fix]] = {}
    for fix in read_fixes(path):
        known = by_file.setdefault(Path(fix.file).resolve(), {}).setdefault(fix.line, fix)
        if (known.text, known.label, known.fix) != (fix.text, fix.label, fix.fix):
            raise DataError(f"{fix.file}:{fix.line} is fixed twice, differently")
    planned: list[tuple[Path, str, list[str], list[list[str]], str]] = []
    relabelled = dropped = 0
    for target, fixes in by_file.items():
        file = next(iter(fixes.values())).file
        table = _read_labelled(Path(file))
        text_at, label_at = table.text_at, table.label_at
        wanted = dict(fixes)
        kept: list[list[str]] = []
        changes = 0
        for line, fields in table.records:
            fix = wanted.pop(line, None)
            if fix is not None:
                if (fields[text_at].strip(), fields[label_at].strip()) != (fix.text, fix.label):
                    raise DataError(
                        f"{file}:{line}: the row no longer reads as in the fix sheet "
                        "(the file changed since the check; run it again)"
                    )
                if fix.fix == DROP:
                    dropped += 1
                    changes += 1
                    continue
                if fix.fix != fix.label:
                    relabelled += 1
                    changes += 1
                    fields = [*fields]
                    fields[label_at] = fix.fix
            kept.append(fields)
        if wanted:
            raise DataError(f"{file}:{min(wanted)}: no row ends on that line")
        if changes:
            planned.append((target, file, table.header, kept, table.newline))
    if not dry_run:
        for target, _, header, kept, newline in planned:
            with atomic_open(target, force=True) as handle:
                writer = csv.writer(handle, lineterminator=newline)
                writer.writerow(header)
                writer.writerows(kept)
    files = tuple(file for _, file, *_ in planned)
    return FixResult(relabelled=relabelled, dropped=dropped, files=files)
