"""How well the model carries to a kind of text it was not trained on: leave one file out.

    python benchmarks/holdout.py [--labels data/labels] [--jobs 2] [--json holdout.json]

Each labelled file holds one register (the seed articles, wire copy, Telegram, ...). For
every file, a model with the shipped default settings is trained on all the other files and
scored on that one. Random k-fold CV lets a register's own phrasing leak into training; this
does not, so it is the closer estimate for text of a new source. `seeds.csv` matters most:
it is the only file of real article sentences (page furniture and reader comments included).
"""

from __future__ import annotations

import argparse
import json
import platform
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import pandas as pd
from joblib import Parallel, delayed
from sklearn.metrics import accuracy_score, f1_score

from stance.labels import LABELS, read_labels
from stance.pipeline import build_pipeline, pipeline_params


def register_name(path: str) -> str:
    return Path(path).stem.removeprefix("authored_")


def score_held_out(frame: pd.DataFrame, name: str, *, random_state: int = 0) -> dict:
    """Train on every register but `name`, score on `name`."""
    held = frame["register"] == name
    train, test = frame[~held], frame[held]
    model = build_pipeline(**pipeline_params(), random_state=random_state)
    model.fit(train["text"].tolist(), train["label"].tolist())
    predicted = model.predict(test["text"].tolist())
    gold = test["label"].to_numpy()
    present = [label for label in LABELS if (gold == label).any()]
    return {
        "register": name,
        "rows": len(test),
        "macro_f1": round(
            float(f1_score(gold, predicted, labels=present, average="macro", zero_division=0)), 4
        ),
        "accuracy": round(float(accuracy_score(gold, predicted)), 4),
        "recall": {
            label: round(float((predicted[gold == label] == label).mean()), 3) for label in present
        },
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--labels", type=Path, default=Path("data/labels"))
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--json", type=Path, help="also write the results here")
    args = parser.parse_args()
    frame = read_labels([args.labels]).frame
    frame["register"] = frame["file"].map(register_name)
    names = sorted(frame["register"].unique())
    per_file = Parallel(n_jobs=args.jobs)(delayed(score_held_out)(frame, n) for n in names)
    per_file.sort(key=lambda entry: entry["macro_f1"])
    scores = [entry["macro_f1"] for entry in per_file]
    results = {
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": f"{platform.machine()}, Python {platform.python_version()}",
        "hyperparameters": pipeline_params(),
        "rows": len(frame),
        "files": len(names),
        "mean_macro_f1": round(float(np.mean(scores)), 4),
        "seeds": next((e for e in per_file if e["register"] == "seeds"), None),
        "per_file": per_file,
    }
    for entry in per_file:
        print(
            f"{entry['register']:24s} {entry['rows']:5d}  macro-F1 {entry['macro_f1']:.3f}"
            f"  accuracy {entry['accuracy']:.3f}"
        )
    print(f"mean macro-F1 over {len(names)} held-out files: {results['mean_macro_f1']:.4f}")
    if args.json:
        args.json.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
