import csv
from pathlib import Path

import pytest

from stance.corrections import FIX_COLUMNS, apply_fixes, read_fixes, write_fix_sheet
from stance.errors import DataError, OutputError
from stance.labels import read_labels

ROWS = [
    ("We must win whatever it costs.", "pro-war", "a"),
    ("Freeze the line and dig in.", "neutral", "b"),
    ("Page 2 of 3", "realist", "c"),
    ("Russia must withdraw.", "anti-war", "d"),
]


def labelled(path: Path, rows=ROWS, newline: str = "\n") -> Path:
    with open(path, "w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator=newline)
        writer.writerow(["text", "label", "source"])
        writer.writerows(rows)
    return path


def sheet(path: Path, fixes: list[tuple[str, str, str, str]]) -> Path:
    with open(path, "w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow([*FIX_COLUMNS, "predicted"])
        writer.writerows([*fix, "x"] for fix in fixes)
    return path


def test_relabels_and_drops_only_the_filled_in_rows(tmp_path):
    data = labelled(tmp_path / "l.csv")
    fixes = sheet(
        tmp_path / "fixes.csv",
        [
            (f"{data}:3", "Freeze the line and dig in.", "neutral", "realist"),
            (f"{data}:4", "Page 2 of 3", "realist", "drop"),
            (f"{data}:5", "Russia must withdraw.", "anti-war", ""),  # blank: keep
        ],
    )
    result = apply_fixes(fixes)
    assert (result.relabelled, result.dropped, result.files) == (1, 1, (str(data),))
    frame = read_labels([data]).frame
    assert list(zip(frame["text"], frame["label"], frame["source"], strict=True)) == [
        ("We must win whatever it costs.", "pro-war", "a"),
        ("Freeze the line and dig in.", "realist", "b"),
        ("Russia must withdraw.", "anti-war", "d"),
    ]


def test_a_row_changed_since_the_check_is_refused_and_no_file_is_written(tmp_path):
    first, second = labelled(tmp_path / "one.csv"), labelled(tmp_path / "two.csv")
    before = first.read_bytes(), second.read_bytes()
    fixes = sheet(
        tmp_path / "fixes.csv",
        [
            (f"{first}:3", "Freeze the line and dig in.", "neutral", "realist"),
            (f"{second}:3", "Freeze the line and dig in.", "pro-war", "realist"),  # stale
        ],
    )
    with pytest.raises(DataError, match=r"two\.csv:3: the row no longer reads as in the fix"):
        apply_fixes(fixes)
    assert (first.read_bytes(), second.read_bytes()) == before


@pytest.mark.parametrize(
    ("fix", "message"),
    [
        (("{d}:3", "Freeze the line and dig in.", "neutral", "maybe"), "fix 'maybe' is not one"),
        (("{d}", "Freeze the line and dig in.", "neutral", "realist"), "is not FILE:LINE"),
        (("{d}:99", "Freeze the line and dig in.", "neutral", "realist"), "l.csv:99: no row"),
        (("{d}.missing:3", "x", "neutral", "realist"), "cannot read"),
    ],
)
def test_bad_fixes_are_one_line_errors(tmp_path, fix, message):
    data = labelled(tmp_path / "l.csv")
    before = data.read_bytes()
    fixes = sheet(tmp_path / "fixes.csv", [(fix[0].format(d=data), *fix[1:])])
    with pytest.raises(DataError, match=message):
        apply_fixes(fixes)
    assert data.read_bytes() == before


def test_a_sheet_without_the_fix_columns_is_refused(tmp_path):
    path = tmp_path / "fixes.csv"
    path.write_text("where,text\nx:1,y\n", encoding="utf-8")
    with pytest.raises(DataError, match="missing column"):
        read_fixes(path)


def test_one_row_fixed_two_ways_is_refused(tmp_path):
    data = labelled(tmp_path / "l.csv")
    row = (f"{data}:3", "Freeze the line and dig in.", "neutral")
    fixes = sheet(tmp_path / "fixes.csv", [(*row, "realist"), (*row, "drop")])
    with pytest.raises(DataError, match="fixed twice"):
        apply_fixes(fixes)


def test_dry_run_and_unchanged_labels_write_nothing(tmp_path):
    data = labelled(tmp_path / "l.csv")
    before = data.read_bytes()
    fixes = sheet(tmp_path / "fixes.csv", [(f"{data}:2", ROWS[0][0], "pro-war", "drop")])
    result = apply_fixes(fixes, dry_run=True)
    assert (result.dropped, data.read_bytes()) == (1, before)
    same = sheet(tmp_path / "same.csv", [(f"{data}:2", ROWS[0][0], "pro-war", "pro-war")])
    result = apply_fixes(same)
    assert (result.relabelled, result.dropped, result.files) == (0, 0, ())
    assert data.read_bytes() == before


def test_windows_line_ends_and_quoted_newlines_are_kept(tmp_path):
    rows = [("Two\nlines, quoted.", "neutral", "a"), ("Hold the line.", "neutral", "b")]
    data = labelled(tmp_path / "l.csv", rows, newline="\r\n")
    # The second record ends on line 4: the first one spans lines 2 and 3.
    fixes = sheet(tmp_path / "fixes.csv", [(f"{data}:4", "Hold the line.", "neutral", "realist")])
    apply_fixes(fixes)
    assert data.read_bytes() == (
        b'text,label,source\r\n"Two\nlines, quoted.",neutral,a\r\nHold the line.,realist,b\r\n'
    )


def test_the_sheet_lists_issues_with_an_empty_fix_column(tmp_path):
    issues = [
        {
            "where": "l.csv:3",
            "text": "A, b",
            "label": "neutral",
            "predicted": "realist",
            "confidence": 0.93,
        },
    ]
    path = tmp_path / "sheet.csv"
    assert write_fix_sheet(issues, path) == 1
    with open(path, encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert rows == [
        {
            "where": "l.csv:3",
            "text": "A, b",
            "label": "neutral",
            "fix": "",
            "predicted": "realist",
            "confidence": "0.93",
        }
    ]
    assert read_fixes(path) == []  # nothing filled in yet
    with pytest.raises(OutputError, match="exists; use --force"):
        write_fix_sheet(issues, path)


def test_one_file_named_two_ways_is_rewritten_once(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    labelled(tmp_path / "l.csv")
    row = ("Freeze the line and dig in.", "neutral")
    fixes = sheet(
        tmp_path / "fixes.csv", [("l.csv:3", *row, "realist"), ("./l.csv:3", *row, "realist")]
    )
    result = apply_fixes(fixes)
    assert (result.relabelled, len(result.files)) == (1, 1)
    assert read_labels([tmp_path / "l.csv"]).frame["label"].tolist()[1] == "realist"
    both = sheet(
        tmp_path / "both.csv",
        [
            ("l.csv:2", ROWS[0][0], "pro-war", "drop"),
            ("./l.csv:2", ROWS[0][0], "pro-war", "neutral"),
        ],
    )
    with pytest.raises(DataError, match="fixed twice"):
        apply_fixes(both)


def test_a_row_with_too_few_fields_is_an_error_not_a_crash(tmp_path):
    data = tmp_path / "l.csv"
    data.write_text("text,label,source\nHold the line.,neutral\n", encoding="utf-8")
    fixes = sheet(tmp_path / "fixes.csv", [(f"{data}:2", "Hold the line.", "neutral", "realist")])
    with pytest.raises(DataError, match="line 2: 2 fields, the header has 3"):
        apply_fixes(fixes)
