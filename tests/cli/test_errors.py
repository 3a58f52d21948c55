"""Bad input ends in one clear line on stderr and a non-zero exit; nothing is half-written."""

import json
import os
from pathlib import Path

import pytest
from typer.testing import CliRunner

from stance.cli import app
from stance.persist import manifest_path

DATA = Path(__file__).resolve().parent.parent / "data"
runner = CliRunner()


def invoke(*args, input=None):
    return runner.invoke(app, [str(a) for a in args], input=input)


def one_line_error(result, code: int, *fragments: str) -> None:
    assert result.exit_code == code, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("stance: error: "), result.stderr
    for fragment in fragments:
        assert fragment in lines[0]


@pytest.mark.parametrize(
    ("fixture", "fragments"),
    [
        ("empty.csv", ["empty.csv: the file is empty"]),
        ("header_only.csv", ["a header but no rows"]),
        ("not_utf8.csv", ["not_utf8.csv: not UTF-8", "offset 14"]),
        ("missing_columns.csv", ["missing column(s) text, label", "expected a header"]),
        ("extra_field_first_row.csv", ["line 2: 3 fields, the header has 2"]),
        ("extra_field_later_row.csv", ["line 4: 3 fields"]),
        ("unclosed_quote.csv", ["malformed CSV"]),
        ("blank_fields.csv", ["blank text or label on line(s) 3, 4"]),
        ("unknown_label.csv", ["unknown label 'Pro-War'", "allowed: pro-war, realist"]),
        ("conflicting_labels.csv", ["'Same words.': neutral vs realist"]),
        ("repeated_column.csv", ["named more than once: text"]),
        ("empty_after_tokenising.csv", ["empty after tokenising"]),
    ],
)
def test_bad_label_files(fixture, fragments, tmp_path):
    model = tmp_path / "m.joblib"
    cv = ["--cv", "0"] if fixture == "empty_after_tokenising.csv" else []
    result = invoke("train", DATA / fixture, "-o", model, *cv)
    one_line_error(result, 1, *fragments)
    assert list(tmp_path.iterdir()) == []


def test_label_files_that_are_fine(tmp_path):
    for fixture in ("bom.csv", "na_null_text.csv"):
        result = invoke("train", DATA / fixture, "-o", tmp_path / f"{fixture}.joblib", "--cv", "0")
        assert result.exit_code == 0, result.output


def test_too_few_examples_for_the_folds(tmp_path):
    result = invoke("train", DATA / "bom.csv", "-o", tmp_path / "m.joblib", "--cv", "3")
    one_line_error(result, 1, "at least 3 examples", "anti-war 1, neutral 1")


def test_missing_path_and_folder_without_csv(tmp_path):
    result = invoke("train", tmp_path / "nope", "-o", tmp_path / "m.joblib")
    assert result.exit_code == 2
    (tmp_path / "empty").mkdir()
    one_line_error(
        invoke("train", tmp_path / "empty", "-o", tmp_path / "m.joblib"), 1, "no .csv files"
    )


def _model_copy(tiny_model_path: Path, tmp_path: Path) -> Path:
    target = tmp_path / "m.joblib"
    target.write_bytes(tiny_model_path.read_bytes())
    manifest_path(target).write_bytes(manifest_path(tiny_model_path).read_bytes())
    return target


def _flip_byte(path: Path) -> None:
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0xFF
    path.write_bytes(bytes(data))


@pytest.mark.parametrize(
    ("damage", "fragment"),
    [
        (lambda p: p.unlink(), "no model file"),
        (lambda p: p.write_bytes(b""), "does not match the manifest"),
        (lambda p: p.write_bytes(p.read_bytes()[: len(p.read_bytes()) // 2]), "does not match"),
        (_flip_byte, "the file is corrupt or was replaced"),
        (lambda p: manifest_path(p).unlink(), "manifest is missing"),
    ],
)
def test_damaged_model_files(damage, fragment, tiny_model_path, tmp_path):
    model = _model_copy(tiny_model_path, tmp_path)
    damage(model)
    article = tmp_path / "a.txt"
    article.write_text("Stop the war.", encoding="utf-8")
    one_line_error(invoke("tag", article, "-m", model), 1, fragment)


def test_manifest_labels_and_version_mismatch(tiny_model_path, tmp_path):
    model = _model_copy(tiny_model_path, tmp_path)
    card = json.loads(manifest_path(model).read_text())
    card["labels"] = ["a", "b"]
    manifest_path(model).write_text(json.dumps(card))
    one_line_error(invoke("info", "-m", model), 1, "do not match the manifest")
    card["labels"] = ["anti-war", "neutral", "pro-war", "realist"]
    card["versions"]["scikit-learn"] = "0.0.1"
    manifest_path(model).write_text(json.dumps(card))
    one_line_error(
        invoke("info", "-m", model), 1, "scikit-learn 0.0.1, this is", "--allow-version-mismatch"
    )
    assert invoke("info", "-m", model, "--allow-version-mismatch").exit_code == 0


def test_articles_binary_or_not_utf8(tiny_model_path, tmp_path):
    binary = tmp_path / "photo.txt"
    binary.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00")
    one_line_error(invoke("tag", binary, "-m", tiny_model_path), 1, "photo.txt: a binary file")
    latin = tmp_path / "latin.txt"
    latin.write_bytes("Caf\xe9.".encode("latin-1"))
    one_line_error(invoke("tag", latin, "-m", tiny_model_path), 1, "latin.txt: not UTF-8")


def test_bad_file_inside_a_folder_is_skipped_and_counted(tiny_model_path, tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "good.txt").write_text("Stop the war.", encoding="utf-8")
    (folder / "bad.txt").write_bytes(b"caf\xe9")
    result = invoke("tag", folder, "-m", tiny_model_path, "-f", "csv")
    assert result.exit_code == 0
    assert "skipped" in result.stderr and "bad.txt" in result.stderr
    assert "skipped 1 files" in result.stderr
    assert result.stdout.count("\n") == 2  # header + one sentence


def test_empty_file_and_folder(tiny_model_path, tmp_path):
    empty = tmp_path / "empty.txt"
    empty.write_text("", encoding="utf-8")
    result = invoke("tag", empty, "-m", tiny_model_path, "-f", "csv")
    assert result.exit_code == 0 and "no text to tag" in result.stderr
    assert (
        result.stdout.strip()
        == "doc,index,start,end,text,label,confidence,p_anti-war,p_neutral,p_pro-war,p_realist"
    )


def test_huge_line_without_full_stop_is_cut(tiny_model_path, tmp_path):
    big = tmp_path / "big.txt"
    big.write_text("war " * 1_300_000, encoding="utf-8")  # 5.2 MB, no full stop
    out = tmp_path / "out.csv"
    result = invoke("tag", big, "-m", tiny_model_path, "-o", out, "-f", "csv")
    assert result.exit_code == 0, result.output
    import csv

    with open(out, encoding="utf-8") as handle:
        lengths = [int(r["end"]) - int(r["start"]) for r in csv.DictReader(handle)]
    assert len(lengths) > 5000 and max(lengths) <= 1000


@pytest.mark.parametrize(
    ("name", "content", "fragment"),
    [
        ("rows.csv", "title\nA\n", "no column 'text'"),
        ("rows2.csv", 'text\n"A\n', "malformed CSV"),
        ("rows.jsonl", '{"text": "ok"}\nnot json\n', "line 2: not valid JSON"),
    ],
)
def test_tables_with_missing_column_or_malformed_rows(
    tiny_model_path, tmp_path, name, content, fragment
):
    path = tmp_path / name
    path.write_text(content, encoding="utf-8")
    one_line_error(invoke("tag", path, "-m", tiny_model_path, "-f", "csv"), 1, fragment)


def test_stdin_empty_or_closed(tiny_model_path):
    result = invoke("tag", "-", "-m", tiny_model_path, "-f", "csv", input="")
    assert result.exit_code == 0 and "no text to tag" in result.stderr


def test_existing_outputs_are_untouched_without_force(tiny_model_path, tiny_labels, tmp_path):
    model = _model_copy(tiny_model_path, tmp_path)
    before = model.read_bytes()
    one_line_error(invoke("train", tiny_labels, "-o", model, "--cv", "0"), 1, "--force")
    assert model.read_bytes() == before


def test_crash_while_writing_csv_output_keeps_old_file(tiny_model_path, tmp_path, monkeypatch):
    import stance.tagging as tagging

    articles = tmp_path / "in"
    articles.mkdir()
    (articles / "a.txt").write_text("Stop the war.", encoding="utf-8")
    (articles / "b.txt").write_text("Freeze it.", encoding="utf-8")
    out = tmp_path / "out.csv"
    out.write_text("old", encoding="utf-8")
    original, calls = tagging.Tagger.tag, []

    def crash_on_second_batch(self, batch, fmt=None):
        calls.append(1)
        if len(calls) == 2:
            raise OSError(28, "No space left on device")
        return original(self, batch, fmt)

    monkeypatch.setattr(tagging.Tagger, "tag", crash_on_second_batch)
    result = invoke(
        "tag",
        articles,
        "-m",
        tiny_model_path,
        "-o",
        out,
        "-F",
        "-f",
        "csv",
        "--batch-size",
        "1",
        "--jobs",
        "1",
    )
    one_line_error(result, 1, "No space left on device")
    assert len(calls) == 2  # the first batch was written before the crash
    assert out.read_text(encoding="utf-8") == "old"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["in", "out.csv"]


def test_crash_while_writing_model_keeps_old_pair(
    tiny_model_path, tiny_labels, tmp_path, monkeypatch
):
    model = _model_copy(tiny_model_path, tmp_path)
    before = (model.read_bytes(), manifest_path(model).read_bytes())
    real_replace = os.replace

    def crash(src, dst):
        if str(dst).endswith(".joblib"):
            raise OSError(5, "Input/output error")
        real_replace(src, dst)

    monkeypatch.setattr(os, "replace", crash)
    result = invoke("train", tiny_labels, "-o", model, "--cv", "0", "-F")
    monkeypatch.setattr(os, "replace", real_replace)
    one_line_error(result, 1, "Input/output error")
    assert (model.read_bytes(), manifest_path(model).read_bytes()) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["m.joblib", "m.json", "tiny.csv"]


def test_output_folder_missing_or_not_writable(tiny_model_path, tmp_path, monkeypatch):
    article = tmp_path / "a.txt"
    article.write_text("Stop the war.", encoding="utf-8")
    one_line_error(
        invoke("tag", article, "-m", tiny_model_path, "-o", tmp_path / "no" / "o.csv"),
        1,
        "output folder does not exist",
    )
    monkeypatch.setattr(os, "access", lambda path, mode: Path(path) != tmp_path)
    one_line_error(
        invoke("tag", article, "-m", tiny_model_path, "-o", tmp_path / "o.csv"), 1, "not writable"
    )
