"""Parallel, chunked and streamed output equals single-process output exactly."""

import csv
import json

import pytest
from typer.testing import CliRunner

from stance.cli import app

runner = CliRunner()


def invoke(*args):
    return runner.invoke(app, [str(a) for a in args])


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    folder = tmp_path_factory.mktemp("corpus")
    for d in range(6):
        sentences = [
            f"Article {d}, paragraph {p}: stop the war now. Freeze the front and dig in. "
            f"Total victory is near, mobilise! The talks lasted {p} hours."
            for p in range(30)
        ]
        (folder / f"doc{d}.txt").write_text("\n\n".join(sentences), encoding="utf-8")
    (folder / "rows.jsonl").write_text(
        "".join(json.dumps({"text": f"Withdraw the troops, row {i}."}) + "\n" for i in range(20)),
        encoding="utf-8",
    )
    return folder


def test_jobs_and_batch_sizes_give_identical_csv(corpus, tiny_model_path, tmp_path):
    outputs = {}
    for jobs, batch in [(1, 5000), (1, 3), (2, 7), (2, 50)]:
        out = tmp_path / f"out_{jobs}_{batch}.csv"
        result = invoke(
            "tag",
            corpus,
            "-m",
            tiny_model_path,
            "-o",
            out,
            "-f",
            "csv",
            "--jobs",
            jobs,
            "--batch-size",
            batch,
        )
        assert result.exit_code == 0, result.output
        outputs[(jobs, batch)] = out.read_bytes()
    reference = outputs[(1, 5000)]
    assert all(content == reference for content in outputs.values())
    rows = list(csv.DictReader(reference.decode().splitlines()))
    assert len(rows) == 6 * 120 + 20
    # Documents in file order, units in order within each.
    order = list(dict.fromkeys(r["doc"] for r in rows))
    names = [f"doc{d}.txt" for d in range(6)] + [f"rows.jsonl#{i}" for i in range(1, 21)]
    assert [doc.rsplit("/", 1)[-1] for doc in order] == names
    for doc in order[:6]:
        assert [int(r["index"]) for r in rows if r["doc"] == doc] == list(range(120))


def test_jsonl_parallel_equals_serial(corpus, tiny_model_path):
    serial = invoke("tag", corpus, "-m", tiny_model_path, "-f", "jsonl", "-j", "1")
    parallel = invoke("tag", corpus, "-m", tiny_model_path, "-f", "jsonl", "-j", "2", "-b", "9")
    assert serial.exit_code == parallel.exit_code == 0
    assert serial.stdout == parallel.stdout


def test_summary_per_document(corpus, tiny_model_path, tmp_path):
    out, summary = tmp_path / "o.csv", tmp_path / "s.csv"
    result = invoke("tag", corpus, "-m", tiny_model_path, "-o", out, "--summary", summary)
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(out.open(encoding="utf-8")))
    table = list(csv.DictReader(summary.open(encoding="utf-8")))
    assert len(table) == 6 + 20
    first = table[0]
    doc_rows = [r for r in rows if r["doc"] == first["doc"]]
    assert int(first["units"]) == len(doc_rows)
    for label in ("anti-war", "neutral", "pro-war", "realist"):
        n = sum(r["label"] == label for r in doc_rows)
        assert int(first[f"n_{label}"]) == n
        assert float(first[f"share_{label}"]) == round(n / len(doc_rows), 4)
    counts = {
        label: int(first[f"n_{label}"]) for label in ("anti-war", "neutral", "pro-war", "realist")
    }
    assert first["dominant"] == max(counts, key=counts.get)


def test_parquet_output(corpus, tiny_model_path, tmp_path):
    pq = pytest.importorskip("pyarrow.parquet")
    out = tmp_path / "o.parquet"
    result = invoke(
        "tag", corpus, "-m", tiny_model_path, "-o", out, "-f", "parquet", "-j", "2", "-b", "13"
    )
    assert result.exit_code == 0, result.output
    table = pq.read_table(out).to_pylist()
    reference = invoke("tag", corpus, "-m", tiny_model_path, "-f", "jsonl", "-j", "1")
    assert table == [json.loads(line) for line in reference.stdout.splitlines()]
