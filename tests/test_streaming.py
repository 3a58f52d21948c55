"""Chunked reading and batching never change the result."""

from pathlib import Path

import stance.readers as readers
from stance.readers import ReadReport, iter_documents
from stance.tagging import iter_document_units, iter_units, tag_documents


def whole_units(text: str, name: str, unit: str = "sentence"):
    return [(name, i, s.start, s.end, s.text) for i, s in enumerate(iter_units(text, unit=unit))]


def test_large_file_is_read_in_pieces_that_split_like_the_whole(tmp_path, monkeypatch):
    monkeypatch.setattr(readers, "BLOCK_CHARS", 64)
    paragraphs = [
        f"Paragraph {i} says Mr. Smith met Dr. Jones. Then it ended!\n"
        f"A wrapped line that goes on and on, more than fifty characters wide\n"
        f"and continues here in lower case.\n\r\n  \n"
        for i in range(40)
    ]
    text = "\ufeff" + "".join(paragraphs) + "Last line without a stop"
    path = tmp_path / "big.txt"
    path.write_text(text, encoding="utf-8")
    pieces = list(iter_documents([path]))
    assert len(pieces) > 5
    assert "".join(p.text for p in pieces) == text[1:]  # BOM stripped
    for unit in ("sentence", "line"):
        assert list(iter_document_units(pieces, unit=unit)) == whole_units(
            text[1:], str(path), unit
        )


def test_endless_line_is_cut_and_bounded(tmp_path, monkeypatch):
    monkeypatch.setattr(readers, "BLOCK_CHARS", 100)
    monkeypatch.setattr(readers, "MAX_PIECE_CHARS", 1000)
    path = tmp_path / "line.txt"
    path.write_text("word " * 3000, encoding="utf-8")
    report = ReadReport()
    pieces = list(iter_documents([path], report=report))
    assert max(len(p.text) for p in pieces) <= 1100
    assert "".join(p.text for p in pieces) == "word " * 3000
    assert report.documents == 1 and report.bytes_read == 15000


def test_batches_and_pieces_do_not_change_rows(tiny_model, tmp_path, monkeypatch):
    text = "".join(f"Stop the war number {i}. Freeze the front.\n\n" for i in range(60))
    path = tmp_path / "a.txt"
    path.write_text(text, encoding="utf-8")
    expected = list(tag_documents(iter_documents([path]), tiny_model, batch_size=10_000))
    monkeypatch.setattr(readers, "BLOCK_CHARS", 50)
    for batch_size in (1, 7, 1000):
        rows = list(tag_documents(iter_documents([path]), tiny_model, batch_size=batch_size))
        assert rows == expected
    assert all(text[r["start"] : r["end"]] == r["text"] for r in expected)


def test_csv_rows_stream_lazily(tmp_path):
    path = tmp_path / "rows.csv"
    path.write_text("id,text\n" + "".join(f"{i},Row {i}.\n" for i in range(5)), encoding="utf-8")
    documents = iter_documents([path])
    first = next(documents)
    assert (first.id, first.text) == (f"{path}#1", "Row 0.")
    assert len(list(documents)) == 4


def test_input_bytes(tmp_path: Path):
    (tmp_path / "a.txt").write_text("abc", encoding="utf-8")
    (tmp_path / "b.md").write_text("de", encoding="utf-8")
    assert readers.input_bytes([tmp_path]) == 5
    assert readers.input_bytes(["-"]) is None
