"""Are the classifier's probabilities calibrated? Out-of-fold ECE, raw vs calibrated.

    python benchmarks/calibration.py [--labels data/labels] [--cv 5]

Cross-validates the shipped pipeline (duplicate-grouped folds, vectoriser inside each fold)
three ways: plain LogisticRegression, and wrapped in CalibratedClassifierCV with sigmoid and
isotonic calibration. Reports macro-F1, accuracy and expected calibration error of each.
"""

from __future__ import annotations

import argparse
import json
import time

from stance.evaluation import score_predictions
from stance.labels import read_labels
from stance.training import cross_validate


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--labels", default="data/labels")
    parser.add_argument("--cv", type=int, default=5)
    args = parser.parse_args()
    frame = read_labels([args.labels]).frame
    texts, labels = frame["text"].tolist(), frame["label"].tolist()
    results = {}
    for calibration in (None, "sigmoid", "isotonic"):
        started = time.perf_counter()
        cv = cross_validate(texts, labels, params={"calibration": calibration}, n_splits=args.cv)
        report = score_predictions(labels, cv.oof_proba, cv.labels)
        results[calibration or "none"] = {
            "macro_f1": report["macro_f1"],
            "accuracy": report["accuracy"],
            "ece": report["ece"],
            "seconds": round(time.perf_counter() - started, 1),
            "reliability": [
                (r["lower"], r["count"], r["confidence"], r["accuracy"])
                for r in report["reliability"]
                if r["count"]
            ],
        }
    print(json.dumps(results, indent=1))


if __name__ == "__main__":
    main()
