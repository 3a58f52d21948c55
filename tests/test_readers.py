import io
from pathlib import Path

import pytest

from stance.errors import DataError, UsageError
from stance.readers import ReadReport, iter_documents


def ids_and_texts(paths, **kwargs):
    return [(d.id, d.text) for d in iter_documents(paths, **kwargs)]


def test_text_csv_jsonl_and_stdin(tmp_path: Path):
    (tmp_path / "a.txt").write_text("Hello.", encoding="utf-8")
    (tmp_path / "b.csv").write_text('id,body\n1,"One, two."\n2,Three.\n', encoding="utf-8")
    (tmp_path / "c.jsonl").write_text('{"body": "Four."}\n\n{"body": "Five."}\n', encoding="utf-8")
    docs = ids_and_texts([tmp_path / "a.txt"])
    assert docs == [(str(tmp_path / "a.txt"), "Hello.")]
    assert [t for _, t in ids_and_texts([tmp_path / "b.csv"], text_column="body")] == [
        "One, two.",
        "Three.",
    ]
    assert ids_and_texts([tmp_path / "c.jsonl"], text_column="body")[1] == (
        f"{tmp_path / 'c.jsonl'}#2",
        "Five.",
    )
    assert ids_and_texts(["-"], stdin=io.StringIO("From stdin.")) == [("<stdin>", "From stdin.")]


def test_folder_is_recursive_sorted_and_skips_bad_files(tmp_path: Path):
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "b.md").write_text("B.", encoding="utf-8")
    (tmp_path / "a.txt").write_text("A.", encoding="utf-8")
    (tmp_path / "bad.txt").write_bytes(b"caf\xe9")
    (tmp_path / "image.png").write_bytes(b"\x89PNG\0")
    report = ReadReport()
    texts = [t for _, t in ids_and_texts([tmp_path], report=report)]
    assert texts == ["A.", "B."]
    assert report.documents == 2
    assert len(report.skipped) == 1 and "not UTF-8" in report.skipped[0][1]


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("bad.txt", b"caf\xe9 au lait", "not UTF-8 (byte 0xe9 at offset 3)"),
        ("bin.txt", b"\x00\x01\x02", "binary file"),
        ("x.csv", b"title\nA\n", "no column 'text'"),
        ("y.csv", b"text\nA,B\n", "line 2: 2 fields"),
        ("z.jsonl", b'{"text": "A"}\n{oops\n', "line 2: not valid JSON"),
        ("w.jsonl", b'{"title": "A"}\n', "expected an object with a string 'text'"),
    ],
)
def test_named_bad_files_are_errors(tmp_path: Path, name, content, message):
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(DataError) as info:
        ids_and_texts([path])
    assert message in str(info.value)


def test_missing_path(tmp_path: Path):
    with pytest.raises(UsageError, match="no such file"):
        ids_and_texts([tmp_path / "missing.txt"])


def test_empty_inputs(tmp_path: Path):
    (tmp_path / "empty.txt").write_text("", encoding="utf-8")
    assert ids_and_texts([tmp_path / "empty.txt"]) == [(str(tmp_path / "empty.txt"), "")]
    (tmp_path / "empty.csv").write_text("", encoding="utf-8")
    assert ids_and_texts([tmp_path / "empty.csv"]) == []
