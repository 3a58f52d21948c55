"""How well the model carries to a kind of text it was not trained on: leave one file out.

    python benchmarks/holdout.py [--labels data/labels] [--jobs 2] [--json holdout.json]
    python benchmarks/holdout.py --folds 5 [--set C=10] [--set class_weight='"balanced"']
    python benchmarks/holdout.py --only 'seeds|web-article.*' --json holdout.json

Each labelled file holds one register (the seed articles, wire copy, Telegram, ...). For
every file, a model with the shipped default settings is trained on all the other files and
scored on that one. Random k-fold CV lets a register's own phrasing leak into training; this
does not, so it is the closer estimate for text of a new source. `seeds.csv` matters most:
it is the only file of real article sentences (page furniture and reader comments included).

With `--folds K` the files are split into K groups instead (scikit-learn's GroupKFold: no
file is ever on both sides), which takes K fits rather than one per file and is quick enough
to compare settings; `--set NAME=VALUE` (value as JSON) overrides one default setting.
`--only REGEX` holds out only the files whose names (without `authored_`) match in full; the
others are still used for training.
"""

from __future__ import annotations

import argparse
import json
import platform
import re
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import pandas as pd
from joblib import Parallel, delayed
from sklearn.metrics import accuracy_score, f1_score
from sklearn.model_selection import GroupKFold

from stance.errors import StanceError
from stance.labels import LABELS, read_labels
from stance.pipeline import build_pipeline, pipeline_params


def register_name(path: str) -> str:
    return Path(path).stem.removeprefix("authored_")


def predict_held_out(
    frame: pd.DataFrame, held: np.ndarray, *, params: dict | None, random_state: int
) -> tuple[np.ndarray, np.ndarray]:
    """Gold and predicted labels of the `held` rows, from a model fitted on all the others.

    `params` override the defaults; min_df follows the training size, as in `stance train`."""
    train, test = frame[~held], frame[held]
    settings = pipeline_params(params, rows=len(train))
    model = build_pipeline(**settings, random_state=random_state)
    model.fit(train["text"].tolist(), train["label"].tolist())
    return test["label"].to_numpy(), model.predict(test["text"].tolist())


def score_held_out(
    frame: pd.DataFrame, name: str, *, params: dict | None = None, random_state: int = 0
) -> dict:
    """Train on every register but `name`, score on `name`."""
    held = (frame["register"] == name).to_numpy()
    gold, predicted = predict_held_out(frame, held, params=params, random_state=random_state)
    present = [label for label in LABELS if (gold == label).any()]
    return {
        "register": name,
        "rows": int(held.sum()),
        "macro_f1": round(
            float(f1_score(gold, predicted, labels=present, average="macro", zero_division=0)), 4
        ),
        "accuracy": round(float(accuracy_score(gold, predicted)), 4),
        "recall": {
            label: round(float((predicted[gold == label] == label).mean()), 3) for label in present
        },
    }


def score_fold(
    frame: pd.DataFrame,
    test_index: np.ndarray,
    *,
    params: dict | None = None,
    random_state: int = 0,
) -> float:
    """Macro-F1 on the rows of one group of files, trained on all the other files."""
    held = np.zeros(len(frame), dtype=bool)
    held[test_index] = True
    gold, predicted = predict_held_out(frame, held, params=params, random_state=random_state)
    return round(float(f1_score(gold, predicted, average="macro")), 4)


def grouped_folds(frame: pd.DataFrame, *, folds: int, params: dict, jobs: int) -> dict:
    splits = GroupKFold(n_splits=folds).split(frame, groups=frame["register"])
    scores = Parallel(n_jobs=jobs)(
        delayed(score_fold)(frame, test, params=params) for _, test in splits
    )
    return {
        "folds": folds,
        "fold_macro_f1": scores,
        "mean_macro_f1": round(float(np.mean(scores)), 4),
        "std_macro_f1": round(float(np.std(scores)), 4),
    }


def parse_pattern(text: str) -> re.Pattern:
    try:
        return re.compile(text)
    except re.error as error:
        raise argparse.ArgumentTypeError(f"not a regular expression: {error}") from None


def parse_setting(text: str) -> tuple[str, object]:
    name, equals, value = text.partition("=")
    if not equals or not name:
        raise argparse.ArgumentTypeError(f"expected NAME=VALUE, got {text!r}")
    try:
        return name, json.loads(value)
    except json.JSONDecodeError:
        return name, value


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--labels", type=Path, default=Path("data/labels"))
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--json", type=Path, help="also write the results here")
    parser.add_argument("--folds", type=int, default=0, help="K groups of files, not one each")
    parser.add_argument(
        "--set", type=parse_setting, action="append", default=[], help="NAME=VALUE (JSON value)"
    )
    parser.add_argument("--only", type=parse_pattern, help="hold out only the files matching this")
    args = parser.parse_args()
    params = dict(args.set)
    try:
        hyperparameters = pipeline_params(params)
    except ValueError as error:
        parser.error(str(error))
    try:
        frame = read_labels([args.labels]).frame
    except StanceError as error:
        parser.error(str(error))
    # sklearn checks values only when fitting; a bad --set should fail here, in one line,
    # not in every worker after the first expensive fit.
    sample = frame.groupby("label").head(2)
    try:
        build_pipeline(**pipeline_params(params, rows=len(sample))).fit(
            sample["text"].tolist(), sample["label"].tolist()
        )
    except (ValueError, TypeError) as error:
        parser.error(f"--set: {error}")
    frame["register"] = frame["file"].map(register_name)
    names = sorted(frame["register"].unique())
    if args.only:
        if args.folds:
            parser.error("--only holds out files one at a time; it does not combine with --folds")
        names = [name for name in names if args.only.fullmatch(name)]
        if not names:
            parser.error(f"--only {args.only.pattern!r} matches no file")
    if args.folds and not 2 <= args.folds <= len(names):
        parser.error(f"--folds must be between 2 and the number of files ({len(names)})")
    results = {
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": f"{platform.machine()}, Python {platform.python_version()}",
        "hyperparameters": hyperparameters,
        "rows": len(frame),
        "files": len(names),
    }
    if args.folds:
        results |= grouped_folds(frame, folds=args.folds, params=params, jobs=args.jobs)
        print(
            f"{args.folds} groups of files: macro-F1 {results['mean_macro_f1']:.4f}"
            f" ± {results['std_macro_f1']:.4f} {results['fold_macro_f1']}"
        )
    else:
        per_file = Parallel(n_jobs=args.jobs)(
            delayed(score_held_out)(frame, n, params=params) for n in names
        )
        per_file.sort(key=lambda entry: entry["macro_f1"])
        results |= {
            "mean_macro_f1": round(float(np.mean([e["macro_f1"] for e in per_file])), 4),
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
