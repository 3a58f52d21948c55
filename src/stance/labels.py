"""The label set, and reading and validating labelled CSV files.

The CSV module does the parsing rather than pandas: pandas silently shifts columns when the
first data row has an extra field (pandas issue 47490) and turns "NA" or "null" into missing
values. Here every field stays a string and every malformed row is reported by number.
"""

from __future__ import annotations

import csv
import hashlib
import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from stance.errors import DataError, UsageError
from stance.readers import decode_utf8

LABELS: tuple[str, ...] = ("pro-war", "realist", "anti-war", "neutral")
REQUIRED_COLUMNS: tuple[str, ...] = ("text", "label")
COLUMNS: tuple[str, ...] = ("text", "label", "source")
# How many offending rows an error message lists before it says "and N more".
_MAX_LISTED = 5


@dataclass(frozen=True)
class LabelledData:
    """Validated labelled sentences and where they came from."""

    frame: pd.DataFrame  # columns: text, label, source, file, row
    files: tuple[dict, ...]  # one {"path", "sha256", "rows"} per file read

    @property
    def sha256(self) -> str:
        """One digest over every file's digest, in path order."""
        digest = hashlib.sha256()
        for entry in self.files:
            digest.update(f"{entry['path']}\0{entry['sha256']}\n".encode())
        return digest.hexdigest()

    def counts(self) -> dict[str, int]:
        return {label: int((self.frame["label"] == label).sum()) for label in LABELS}


def find_csv_files(paths: Sequence[Path]) -> list[Path]:
    """Every .csv file named or found (recursively) under the folders named, sorted per path."""
    found: list[Path] = []
    for path in paths:
        path = Path(path)
        if not path.exists():
            raise UsageError(f"{path}: no such file or folder")
        if path.is_dir():
            files = sorted(p for p in path.rglob("*.csv") if p.is_file())
            if not files:
                raise DataError(f"{path}: no .csv files in this folder")
            found.extend(files)
        else:
            found.append(path)
    return found


def _list_rows(rows: list[int]) -> str:
    shown = ", ".join(str(r) for r in rows[:_MAX_LISTED])
    more = len(rows) - _MAX_LISTED
    return shown + (f" and {more} more" if more > 0 else "")


def parse_labels_csv(raw: bytes, *, name: str, allow_empty: bool = False) -> pd.DataFrame:
    """Parse one labelled CSV file's bytes into a frame of text, label, source and row number.

    Raises DataError for anything that would make the rows ambiguous: encoding, structure,
    missing columns, blank fields, unknown labels; and for a header without rows unless
    `allow_empty`.
    """
    if not raw.strip():
        raise DataError(f"{name}: the file is empty; expected a header {','.join(COLUMNS)}")
    text = decode_utf8(raw, name=name)
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    try:
        header = [h.strip() for h in next(reader)]
        repeated = sorted({h for h in header if header.count(h) > 1})
        if repeated:
            raise DataError(f"{name}: column(s) named more than once: {', '.join(repeated)}")
        missing = [c for c in REQUIRED_COLUMNS if c not in header]
        if missing:
            raise DataError(
                f"{name}: missing column(s) {', '.join(missing)}; "
                f"expected a header with {','.join(COLUMNS)} (source optional)"
            )
        rows: list[list[str]] = []
        row_numbers: list[int] = []
        for fields in reader:
            if not fields or (len(fields) == 1 and not fields[0].strip()):
                continue  # blank line
            if len(fields) != len(header):
                raise DataError(
                    f"{name} line {reader.line_num}: {len(fields)} fields, "
                    f"the header has {len(header)}; quote text that contains commas"
                )
            rows.append(fields)
            row_numbers.append(reader.line_num)
    except csv.Error as error:
        raise DataError(f"{name} line {reader.line_num}: malformed CSV ({error})") from None
    if not rows and not allow_empty:
        raise DataError(f"{name}: a header but no rows")
    frame = pd.DataFrame(rows, columns=header, dtype=object)
    frame["text"] = frame["text"].str.strip()
    frame["label"] = frame["label"].str.strip()
    if "source" not in frame.columns:
        frame["source"] = Path(name).name
    frame["row"] = row_numbers
    _check_fields(frame, name=name)
    return frame


def _check_fields(frame: pd.DataFrame, *, name: str) -> None:
    blank = frame.index[(frame["text"] == "") | (frame["label"] == "")]
    if len(blank):
        rows = frame.loc[blank, "row"].tolist()
        raise DataError(f"{name}: blank text or label on line(s) {_list_rows(rows)}")
    unknown = frame.index[~frame["label"].isin(LABELS)]
    if len(unknown):
        first = frame.loc[unknown[0]]
        raise DataError(
            f"{name} line {first['row']}: unknown label {first['label']!r}; "
            f"allowed: {', '.join(LABELS)}"
        )


def find_conflicts(frame: pd.DataFrame) -> list[tuple[str, list[str]]]:
    """Texts that appear with more than one label, with their labels."""
    labels_per_text = frame.groupby("text", sort=True)["label"].agg(lambda s: sorted(set(s)))
    return [(text, labels) for text, labels in labels_per_text.items() if len(labels) > 1]


def validate_labels(paths: Iterable[Path]) -> tuple[LabelledData, list[str]]:
    """Read every labelled CSV under `paths`, collecting problems instead of stopping.

    Returns the rows of every usable file and a list of errors: one per unusable file, one
    per sentence that carries more than one label. `read_labels` and `stance data check`
    share these checks.
    """
    frames: list[pd.DataFrame] = []
    entries: list[dict] = []
    errors: list[str] = []
    for file in find_csv_files(list(paths)):
        try:
            raw = file.read_bytes()
        except OSError as error:
            errors.append(f"{file}: cannot read ({error.strerror})")
            continue
        try:
            frame = parse_labels_csv(raw, name=str(file))
        except DataError as error:
            errors.append(str(error))
            continue
        frame["file"] = str(file)
        frames.append(frame[["text", "label", "source", "file", "row"]])
        entries.append(
            {"path": str(file), "sha256": hashlib.sha256(raw).hexdigest(), "rows": len(frame)}
        )
    columns = ["text", "label", "source", "file", "row"]
    frame = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=columns)
    for text, labels in find_conflicts(frame):
        errors.append(f"conflicting labels for {text[:80]!r}: {' vs '.join(labels)}")
    return LabelledData(frame=frame, files=tuple(entries)), errors


def read_labels(paths: Iterable[Path]) -> LabelledData:
    """Read and validate every labelled CSV under `paths` into one frame.

    Raises DataError naming the first problem (and how many more there are).
    """
    data, errors = validate_labels(paths)
    if not errors:
        return data
    conflicts = find_conflicts(data.frame)
    if len(conflicts) == len(errors):
        shown = "; ".join(f"{text[:60]!r}: {' vs '.join(labels)}" for text, labels in conflicts[:3])
        more = f" and {len(conflicts) - 3} more" if len(conflicts) > 3 else ""
        raise DataError(f"{len(conflicts)} sentence(s) with conflicting labels: {shown}{more}")
    more = f" ({len(errors) - 1} more problems: run `stance data check`)" if len(errors) > 1 else ""
    raise DataError(errors[0] + more)
