"""`stance tag --engine dask`: the same rows as the local engine, retries, resume."""

import csv
import os
import signal
import sys
import threading
import time

import pytest
from typer.testing import CliRunner

from stance.cli import app

distributed = pytest.importorskip("distributed")

from stance.distributed import read_parts, tag_with_dask  # noqa: E402

runner = CliRunner()


def invoke(*args):
    return runner.invoke(app, [str(a) for a in args])


@pytest.fixture(scope="module")
def client():
    cluster = distributed.LocalCluster(
        n_workers=2,
        threads_per_worker=1,
        processes=True,
        host="127.0.0.1",
        dashboard_address="127.0.0.1:0",
        silence_logs=50,
    )
    with distributed.Client(cluster) as connected:
        yield connected
    cluster.close()


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    folder = tmp_path_factory.mktemp("corpus")
    for d in range(12):
        text = "\n\n".join(
            f"Article {d}, part {p}: stop the war now. Freeze the front and dig in. "
            f"Total victory, mobilise everyone! The talks lasted {p} hours."
            for p in range(150)
        )
        (folder / f"doc{d:02d}.txt").write_text(text, encoding="utf-8")
    with open(folder / "rows.csv", "w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["id", "text"])
        for i in range(200):
            writer.writerow([i, f"Withdraw the troops, row {i}.\nA second line, {i}."])
    return folder


@pytest.fixture(scope="module")
def local_rows(corpus, tiny_model_path, tmp_path_factory):
    out = tmp_path_factory.mktemp("local") / "out.csv"
    result = invoke("tag", corpus, "-m", tiny_model_path, "-o", out, "-f", "csv", "-j", "1")
    assert result.exit_code == 0, result.output
    with open(out, encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def test_same_rows_as_local_engine(client, corpus, tiny_model_path, local_rows, tmp_path):
    result = tag_with_dask(
        [str(corpus)],
        model_path=tiny_model_path,
        out_dir=tmp_path / "o",
        fmt="csv",
        partitions=5,
        client=client,
    )
    assert result.partitions == 5 and result.rows == len(local_rows)
    assert list(read_parts(tmp_path / "o", "csv")) == local_rows


def test_parquet_parts(client, corpus, tiny_model_path, local_rows, tmp_path):
    pytest.importorskip("pyarrow")
    tag_with_dask(
        [str(corpus)],
        model_path=tiny_model_path,
        out_dir=tmp_path / "p",
        fmt="parquet",
        partitions=3,
        client=client,
    )
    rows = list(read_parts(tmp_path / "p", "parquet"))
    assert [(r["doc"], r["index"], r["label"]) for r in rows] == [
        (r["doc"], int(r["index"]), r["label"]) for r in local_rows
    ]


def test_killed_worker_is_survived_without_lost_or_duplicate_rows(
    client, corpus, tiny_model_path, local_rows, tmp_path
):
    out = tmp_path / "k"
    outcome = {}

    def run():
        outcome["result"] = tag_with_dask(
            [str(corpus)],
            model_path=tiny_model_path,
            out_dir=out,
            fmt="csv",
            partitions=13,
            client=client,
        )

    worker = threading.Thread(target=run)
    worker.start()
    deadline = time.time() + 60
    while time.time() < deadline and not list(out.glob("part-*.csv")):
        time.sleep(0.05)
    pids = client.run(os.getpid)
    victim = sorted(pids.values())[0]
    os.kill(victim, signal.SIGKILL)  # a worker dies mid-run; Dask reruns its tasks elsewhere
    worker.join(timeout=300)
    assert "result" in outcome
    assert list(read_parts(out, "csv")) == local_rows
    assert not [p for p in out.iterdir() if p.name.endswith(".tmp")]
    client.wait_for_workers(2, timeout=60)


def test_rerun_skips_finished_parts_and_refuses_another_run(
    client, corpus, tiny_model_path, local_rows, tmp_path
):
    out = tmp_path / "r"

    def run(partitions: int):
        return tag_with_dask(
            [str(corpus)],
            model_path=tiny_model_path,
            out_dir=out,
            fmt="csv",
            partitions=partitions,
            client=client,
        )

    run(4)
    (out / "part-00002.csv").unlink()
    again = run(4)
    assert again.skipped_parts == 3
    assert list(read_parts(out, "csv")) == local_rows
    from stance.errors import OutputError

    with pytest.raises(OutputError, match="different run"):
        run(6)


def test_cli_starts_its_own_local_cluster(corpus, tiny_model_path, local_rows, tmp_path):
    result = invoke(
        "tag",
        corpus,
        "-m",
        tiny_model_path,
        "--engine",
        "dask",
        "-o",
        tmp_path / "cli",
        "-f",
        "csv",
        "-j",
        "2",
        "--partitions",
        "3",
    )
    assert result.exit_code == 0, result.output
    assert "in 3 partitions" in result.stderr
    assert list(read_parts(tmp_path / "cli", "csv")) == local_rows


def test_cli_errors(corpus, tiny_model_path, tmp_path, monkeypatch):
    result = invoke("tag", corpus, "-m", tiny_model_path, "--engine", "dask")
    assert result.exit_code == 2 and "name a folder with -o" in result.stderr
    result = invoke("tag", "-", "-m", tiny_model_path, "--engine", "dask", "-o", tmp_path / "x")
    assert result.exit_code == 2 and "not standard input" in result.stderr
    monkeypatch.setitem(sys.modules, "distributed", None)
    result = invoke("tag", corpus, "-m", tiny_model_path, "--engine", "dask", "-o", tmp_path)
    assert result.exit_code == 2 and "pip install 'stance[dask]'" in result.stderr
