"""CLI tests: exit codes, messages and files on disk."""

import csv
import io
import json
from pathlib import Path

from typer.testing import CliRunner

from stance.cli import app

runner = CliRunner()


def invoke(*args: str, input: str | None = None):
    return runner.invoke(app, [str(a) for a in args], input=input)


def test_help_lists_commands():
    result = invoke("--help")
    assert result.exit_code == 0
    assert "train" in result.output and "tag" in result.output


def test_train_writes_model_and_manifest_and_refuses_overwrite(tiny_labels: Path, tmp_path):
    model = tmp_path / "m.joblib"
    result = invoke("train", tiny_labels, "-o", model, "--cv", "2", "--seed", "3")
    assert result.exit_code == 0, result.output
    assert "2-fold CV" in result.output and "macro-F1" in result.output
    card = json.loads(model.with_suffix(".json").read_text())
    assert card["hyperparameters"]["random_state"] == 3
    assert card["counts"]["realist"] == 10
    before = model.read_bytes()
    result = invoke("train", tiny_labels, "-o", model, "--cv", "2")
    assert result.exit_code == 1
    assert "exists; use --force" in result.output
    assert model.read_bytes() == before
    assert invoke("train", tiny_labels, "-o", model, "--cv", "0", "-F").exit_code == 0


def test_train_refuses_a_model_named_like_its_manifest(tiny_labels: Path, tmp_path):
    result = invoke("train", tiny_labels, "-o", tmp_path / "m.json", "--cv", "0")
    assert result.exit_code == 1 and "cannot end in .json" in result.stderr
    assert list(tmp_path.glob("m.*")) == []


def test_outputs_never_overwrite_inputs_or_each_other(tiny_labels: Path, tmp_path):
    before = tiny_labels.read_bytes()
    result = invoke("train", tiny_labels, "-o", tiny_labels, "--cv", "0", "-F")
    assert result.exit_code == 1 and "also an input" in result.stderr
    assert tiny_labels.read_bytes() == before
    article = tmp_path / "a.txt"
    article.write_text("Stop the war.", "utf-8")
    model = tmp_path / "m.joblib"
    assert invoke("train", tiny_labels, "-o", model, "--cv", "0").exit_code == 0
    result = invoke("tag", article, "-m", model, "-o", article, "-F")
    assert result.exit_code == 1 and article.read_text("utf-8") == "Stop the war."
    out = tmp_path / "out.csv"
    result = invoke("tag", article, "-m", model, "-o", out, "--summary", out)
    assert result.exit_code == 1 and "another output" in result.stderr and not out.exists()


def test_train_refuses_bad_data_with_one_line(tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_text("text,label\nA,maybe\n", encoding="utf-8")
    result = invoke("train", bad, "-o", tmp_path / "m.joblib")
    assert result.exit_code == 1
    assert result.output.strip().count("\n") == 0
    assert "unknown label 'maybe'" in result.output
    assert not (tmp_path / "m.joblib").exists()


def test_train_too_few_per_class(tiny_labels, tmp_path):
    result = invoke("train", tiny_labels, "-o", tmp_path / "m.joblib", "--cv", "20")
    assert result.exit_code == 1
    assert "at least 20 examples" in result.output and "realist 10" in result.output


def test_train_missing_path_is_a_usage_error(tmp_path):
    result = invoke("train", tmp_path / "nope.csv")
    assert result.exit_code == 2


def test_tag_csv_jsonl_and_round_trip(tiny_model_path: Path, tiny_model, tmp_path):
    article = tmp_path / "article.txt"
    article.write_text("Freeze the front and dig in.\n\nStop the war now. Leave a reply.", "utf-8")
    out = tmp_path / "out.csv"
    result = invoke("tag", article, "-m", tiny_model_path, "-o", out, "--format", "csv")
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(out.open(encoding="utf-8")))
    assert [r["text"] for r in rows] == [
        "Freeze the front and dig in.",
        "Stop the war now.",
        "Leave a reply.",
    ]
    text = article.read_text("utf-8")
    assert all(text[int(r["start"]) : int(r["end"])] == r["text"] for r in rows)
    # Same tags as the in-memory model: train -> save -> load -> tag round trip.
    assert [r["label"] for r in rows] == tiny_model.predict([r["text"] for r in rows]).tolist()
    result = invoke("tag", article, "-m", tiny_model_path, "-f", "jsonl")
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    assert [row["label"] for row in lines] == [r["label"] for r in rows]


def test_tag_refuses_to_overwrite_output(tiny_model_path, tmp_path):
    article = tmp_path / "a.txt"
    article.write_text("Stop the war.", "utf-8")
    out = tmp_path / "out.csv"
    out.write_text("keep me", "utf-8")
    result = invoke("tag", article, "-m", tiny_model_path, "-o", out)
    assert result.exit_code == 1 and "exists; use --force" in result.output
    assert out.read_text("utf-8") == "keep me"
    assert invoke("tag", article, "-m", tiny_model_path, "-o", out, "-F").exit_code == 0
    assert out.read_text("utf-8").startswith("doc,index,start,end,text,label,confidence")


def test_tag_stdin_lines_and_uncertain(tiny_model_path):
    result = invoke(
        "tag",
        "-",
        "-m",
        tiny_model_path,
        "-f",
        "csv",
        "--unit",
        "line",
        "--min-confidence",
        "0.99",
        input="Stop the war\nFreeze it\n",
    )
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert [r["text"] for r in rows] == ["Stop the war", "Freeze it"]
    assert {r["label"] for r in rows} == {"uncertain"}


def test_tag_table_output(tiny_model_path, tmp_path):
    article = tmp_path / "a.txt"
    article.write_text("Stop the war [now].", "utf-8")
    result = invoke("tag", article, "-m", tiny_model_path, "-f", "table")
    assert result.exit_code == 0
    assert "anti-war" in result.stdout and "Stop the war [now]." in result.stdout


def test_tag_errors(tiny_model_path, tmp_path):
    article = tmp_path / "a.txt"
    article.write_text("Stop the war.", "utf-8")
    result = invoke("tag", article, "-m", tmp_path / "none.joblib")
    assert result.exit_code == 1 and "no model file" in result.output
    result = invoke("tag", article, "-m", tiny_model_path, "-f", "xml")
    assert result.exit_code == 2 and "unknown format" in result.output
    result = invoke("tag", article, "-m", tiny_model_path, "-f", "table", "-o", tmp_path / "t")
    assert result.exit_code == 2
    result = invoke("tag", tmp_path / "missing.txt", "-m", tiny_model_path)
    assert result.exit_code == 2 and "no such file" in result.output
    # Bad input is refused before the CSV header reaches standard output.
    result = invoke("tag", article, tmp_path / "missing.txt", "-m", tiny_model_path, "-f", "csv")
    assert result.exit_code == 2 and "no such file" in result.stderr and result.stdout == ""
    result = invoke("tag", article, "-m", tiny_model_path, "-f", "csv", "--unit", "para")
    assert result.exit_code == 2 and "unknown unit" in result.stderr and result.stdout == ""


def test_tag_refuses_parquet_to_a_terminal(tiny_model_path, tmp_path, monkeypatch):
    import stance.cli

    article = tmp_path / "a.txt"
    article.write_text("Stop the war.", "utf-8")
    monkeypatch.setattr(stance.cli, "_stdout_is_terminal", lambda: True)
    result = invoke("tag", article, "-m", tiny_model_path, "-f", "parquet")
    assert result.exit_code == 2 and "parquet is binary" in result.stderr
    assert result.stdout == ""
    result = invoke("tag", article, "-m", tiny_model_path)  # the terminal default: a table
    assert (
        result.exit_code == 0 and "anti-war" in result.stdout and "doc,index" not in result.stdout
    )


def test_tag_empty_input_warns_and_succeeds(tiny_model_path, tmp_path):
    (tmp_path / "in").mkdir()
    result = invoke("tag", tmp_path / "in", "-m", tiny_model_path, "-f", "csv")
    assert result.exit_code == 0
    assert "no text to tag" in result.stderr
