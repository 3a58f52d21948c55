from pathlib import Path

import pytest

from stance.errors import DataError, UsageError
from stance.labels import LABELS, find_conflicts, parse_labels_csv, read_labels


def parse(raw: bytes):
    return parse_labels_csv(raw, name="f.csv")


def test_reads_text_label_and_optional_source():
    frame = parse(b"text,label\nHello there.,neutral\n")
    assert frame.loc[0, "text"] == "Hello there."
    assert frame.loc[0, "source"] == "f.csv"
    assert frame.loc[0, "row"] == 2


def test_na_and_null_stay_text():
    frame = parse(b"text,label\nNA,neutral\nnull,neutral\n")
    assert frame["text"].tolist() == ["NA", "null"]


def test_bom_is_accepted():
    frame = parse("\ufefftext,label\nA,neutral\n".encode())
    assert list(frame.columns[:2]) == ["text", "label"]


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        (b"", "empty"),
        (b"text,label\n", "a header but no rows"),
        (b"words,label\nA,neutral\n", "missing column(s) text"),
        (b"text,label\nA,neutral,extra\n", "line 2: 3 fields"),
        (b"text,label\nA,neutral\nB,neutral,extra\n", "line 3: 3 fields"),
        (b'text,label\n"A,neutral\n', "malformed CSV"),
        (b"text,label\n,neutral\nB,\n", "blank text or label on line(s) 2, 3"),
        (b"text,label\nA,Pro-War\n", "unknown label 'Pro-War'; allowed: pro-war"),
        (b"text,label\nA\xff,neutral\n", "not UTF-8 (byte 0xff at offset 12)"),
    ],
)
def test_bad_files_raise_one_clear_error(raw, message):
    with pytest.raises(DataError, match=None) as info:
        parse(raw)
    assert message in str(info.value)


def test_read_labels_folder_and_conflicts(tmp_path: Path):
    (tmp_path / "a.csv").write_text("text,label\nSame.,neutral\nOther.,realist\n", encoding="utf-8")
    (tmp_path / "b.csv").write_text("text,label\nSame.,anti-war\n", encoding="utf-8")
    with pytest.raises(DataError, match=r"conflicting labels: 'Same\.': anti-war vs neutral"):
        read_labels([tmp_path])


def test_read_labels_counts_and_digest(tiny_labels: Path):
    data = read_labels([tiny_labels])
    assert data.counts() == {label: 10 for label in LABELS}
    assert len(data.sha256) == 64
    assert data.files[0]["rows"] == 40


def test_missing_path_and_folder_without_csv(tmp_path: Path):
    with pytest.raises(UsageError, match="no such file"):
        read_labels([tmp_path / "nope"])
    with pytest.raises(DataError, match=r"no \.csv files"):
        read_labels([tmp_path])


def test_find_conflicts_lists_labels():
    import pandas as pd

    frame = pd.DataFrame({"text": ["a", "a", "b"], "label": ["neutral", "realist", "neutral"]})
    assert find_conflicts(frame) == [("a", ["neutral", "realist"])]
