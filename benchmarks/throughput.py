"""Batch-tagging speed and memory, end to end, against fastText and the read floor.

    python benchmarks/throughput.py --corpora ../shared/corpora [--sizes 10,100,1000]

Builds inputs of about 10 MB, 100 MB and 1 GB from the presidential press releases
(repeated; CSV files with one release per row), then for each size:
  - read floor: reading the same bytes (page cache warm);
  - `stance tag DIR -o out.csv` as a user runs it, all cores and one core, with the wall
    time and the peak RSS of the whole process tree (the CLI and its workers);
  - fastText: a supervised model trained on the same labelled data (word bigrams), its
    predict on the same sentences (split by stance's splitter), one thread, timed alone.
Also: `stance --help` and a one-sentence `stance tag` wall time, `--engine dask` with one
and all local workers at one size, and training time on N sentences (labelled by the shipped
model, only to have labels of realistic text).
Needs `pip install fasttext` (a benchmark-only dependency). Prints JSON.
"""

from __future__ import annotations

import argparse
import csv
import gc
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from datetime import UTC, datetime
from pathlib import Path

BIN = Path(sys.executable).parent
STANCE = str(BIN / "stance")
csv.field_size_limit(sys.maxsize)


def press_bodies(corpora: Path) -> list[str]:
    bodies = []
    for name in ("putin.csv", "zelenskyy.csv"):
        with open(corpora / "presidential-press" / name, encoding="utf-8", newline="") as handle:
            bodies += [row["body"] for row in csv.DictReader(handle) if row["body"].strip()]
    return bodies


def build_corpus(folder: Path, bodies: list[str], megabytes: int) -> int:
    """CSV files (id,text) of up to 64 MB, one press release per row, up to the size: an
    archive of many articles, as `stance tag` meets it in practice."""
    folder.mkdir(parents=True, exist_ok=True)
    target, written, index, part = megabytes << 20, 0, 0, 0
    while written < target:
        with open(folder / f"part{part:04d}.csv", "w", encoding="utf-8", newline="") as handle:
            writer = csv.writer(handle)
            writer.writerow(["id", "text"])
            size = 0
            while size < min(64 << 20, target - written):
                body = bodies[index % len(bodies)]
                writer.writerow([index, body])
                index += 1
                size += len(body.encode("utf-8")) + 10
        written += size
        part += 1
    return sum(p.stat().st_size for p in folder.iterdir())


def tree_rss_kib(pid: int) -> int:
    """Resident memory of a process and all its descendants, from /proc."""
    total, stack = 0, [pid]
    while stack:
        current = stack.pop()
        try:
            with open(f"/proc/{current}/status") as handle:
                for line in handle:
                    if line.startswith("VmRSS:"):
                        total += int(line.split()[1])
            for task in os.listdir(f"/proc/{current}/task"):
                with open(f"/proc/{current}/task/{task}/children") as handle:
                    stack += [int(child) for child in handle.read().split()]
        except (FileNotFoundError, ProcessLookupError):
            continue
    return total


def run_measured(command: list[str]) -> tuple[float, int]:
    """Wall seconds and peak RSS (KiB) of the process tree, sampled every 20 ms."""
    peak = 0
    started = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    done = threading.Event()

    def sample() -> None:
        nonlocal peak
        while not done.is_set():
            peak = max(peak, tree_rss_kib(process.pid))
            time.sleep(0.02)

    sampler = threading.Thread(target=sample)
    sampler.start()
    _, stderr = process.communicate()
    elapsed = time.perf_counter() - started
    done.set()
    sampler.join()
    if process.returncode:
        raise SystemExit(f"{' '.join(command)} failed: {stderr.decode()[-500:]}")
    return elapsed, peak


def read_floor(folder: Path) -> float:
    files = sorted(folder.iterdir())
    for path in files:  # warm the page cache
        path.read_bytes()
    started = time.perf_counter()
    for path in files:
        with open(path, "rb") as handle:
            while handle.read(1 << 20):
                pass
    return time.perf_counter() - started


def sentences_of(folder: Path) -> list[str]:
    from stance.readers import iter_documents
    from stance.tagging import iter_document_units

    return [unit[4] for unit in iter_document_units(iter_documents([folder]))]


def fasttext_model(labels: Path, workdir: Path):
    import fasttext

    from stance.labels import read_labels

    frame = read_labels([labels]).frame
    train = workdir / "fasttext.train"
    with open(train, "w", encoding="utf-8") as handle:
        for text, label in zip(frame["text"], frame["label"], strict=True):
            handle.write(f"__label__{label} {' '.join(text.split())}\n")
    return fasttext.train_supervised(
        str(train), wordNgrams=2, epoch=25, lr=0.5, thread=2, verbose=0
    )


def fasttext_predict_seconds(model, sentences: list[str]) -> float:
    lines = [" ".join(s.split()) for s in sentences]
    # Python's garbage collector, walking the millions of result objects this harness
    # keeps alive, would slow fastText down by a third at 1 GB: time it with the GC off.
    gc.collect()
    gc.disable()
    try:
        started = time.perf_counter()
        for start in range(0, len(lines), 100_000):
            # The low-level call: fasttext's Python wrapper breaks on NumPy 2 (copy=False).
            model.f.multilinePredict(lines[start : start + 100_000], 4, 0.0, "strict")
        return time.perf_counter() - started
    finally:
        gc.enable()


def startup(model: Path) -> dict:
    helps, tags = [], []
    for _ in range(5):
        started = time.perf_counter()
        subprocess.run([STANCE, "--help"], capture_output=True, check=True)
        helps.append(time.perf_counter() - started)
    for _ in range(3):
        started = time.perf_counter()
        subprocess.run(
            [STANCE, "tag", "-", "-m", str(model), "-f", "csv", "-q"],
            input=b"We must freeze the front and dig in.",
            capture_output=True,
            check=True,
        )
        tags.append(time.perf_counter() - started)
    return {
        "help_seconds": round(statistics.median(helps), 3),
        "one_sentence_tag_seconds": round(statistics.median(tags), 3),
    }


def training_time(model_path: Path, folder: Path, count: int, workdir: Path) -> dict:
    from stance.fast import predictor
    from stance.persist import load_model

    model, _ = load_model(model_path)
    sentences = sentences_of(folder)
    sentences = (sentences * (count // max(len(sentences), 1) + 1))[:count]
    # Make repeats distinct so the vocabulary and the fit work like real text would.
    sentences = [f"{s} {i % 997}" for i, s in enumerate(sentences)]
    fast = predictor(model)
    labels = []
    for start in range(0, count, 50_000):
        proba = fast.predict_proba(sentences[start : start + 50_000])
        labels += [str(model.classes_[i]) for i in proba.argmax(axis=1)]
    data = workdir / "train1m.csv"
    with open(data, "w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["text", "label"])
        writer.writerows(zip(sentences, labels, strict=True))
    seconds, peak = run_measured(
        [STANCE, "train", str(data), "-o", str(workdir / "big.joblib"), "--cv", "0", "-F"]
    )
    return {"sentences": count, "seconds": round(seconds, 1), "peak_rss_mb": round(peak / 1024)}


def tag_command(folder: Path, model: Path, out: Path, jobs: int, *extra: str) -> list[str]:
    """`stance tag` as a user runs it: files in, CSV out, no progress bar."""
    options = ["-f", "csv", "-F", "-q", "-j", str(jobs)]
    return [STANCE, "tag", str(folder), "-m", str(model), *extra, "-o", str(out), *options]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpora", type=Path, required=True)
    parser.add_argument("--model", type=Path, default=Path("models/stance.joblib"))
    parser.add_argument("--labels", type=Path, default=Path("data/labels"))
    parser.add_argument("--sizes", default="10,100,1000", help="input sizes in MB")
    parser.add_argument("--train-sentences", type=int, default=1_000_000)
    parser.add_argument("--workdir", type=Path)
    parser.add_argument(
        "--dask",
        type=int,
        default=100,
        help="also time --engine dask with 1 and all workers at this size (MB)",
    )
    args = parser.parse_args()
    workdir = args.workdir or Path(tempfile.mkdtemp(prefix="stance-bench-"))
    workdir.mkdir(parents=True, exist_ok=True)
    bodies = press_bodies(args.corpora)
    cores = os.cpu_count() or 1
    ft = fasttext_model(args.labels, workdir)
    results: dict = {
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": f"{platform.machine()}, {cores} cores, Python {platform.python_version()}",
        "startup": startup(args.model),
        "sizes": [],
    }
    for megabytes in [int(s) for s in args.sizes.split(",")]:
        folder = workdir / f"corpus{megabytes}"
        if folder.exists():
            shutil.rmtree(folder)
        size = build_corpus(folder, bodies, megabytes)
        floor = read_floor(folder)
        sentences = sentences_of(folder)
        row = {
            "megabytes": round(size / 2**20, 1),
            "sentences": len(sentences),
            "read_floor_mb_s": round(size / 2**20 / floor, 1),
        }
        for jobs in (cores, 1):
            out = workdir / "out.csv"
            seconds, peak = run_measured(tag_command(folder, args.model, out, jobs))
            row[f"stance_j{jobs}"] = {
                "seconds": round(seconds, 2),
                "sentences_s": round(len(sentences) / seconds),
                "mb_s": round(size / 2**20 / seconds, 2),
                "peak_rss_mb": round(peak / 1024),
            }
        if args.dask and megabytes == args.dask:
            for workers in (1, cores):
                out_dir = workdir / f"dask{workers}"
                seconds, peak = run_measured(
                    tag_command(folder, args.model, out_dir, workers, "--engine", "dask")
                )
                row[f"dask_{workers}_workers"] = {
                    "seconds": round(seconds, 2),
                    "sentences_s": round(len(sentences) / seconds),
                    "peak_rss_mb": round(peak / 1024),
                }
                shutil.rmtree(out_dir)
        ft_seconds = fasttext_predict_seconds(ft, sentences)
        row["fasttext_predict"] = {
            "seconds": round(ft_seconds, 2),
            "sentences_s": round(len(sentences) / ft_seconds),
        }
        row["ratio_stance_all_cores_vs_fasttext"] = round(
            row[f"stance_j{cores}"]["sentences_s"] / row["fasttext_predict"]["sentences_s"], 3
        )
        results["sizes"].append(row)
        print(json.dumps(row), file=sys.stderr)
        del sentences
        shutil.rmtree(folder)
    if args.train_sentences:
        folder = workdir / "train-source"
        build_corpus(folder, bodies, 200)
        results["training"] = training_time(args.model, folder, args.train_sentences, workdir)
    sizes = results["sizes"]
    if len(sizes) > 1:
        results["rss_largest_over_smallest"] = round(
            sizes[-1][f"stance_j{cores}"]["peak_rss_mb"]
            / sizes[0][f"stance_j{cores}"]["peak_rss_mb"],
            2,
        )
    print(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
