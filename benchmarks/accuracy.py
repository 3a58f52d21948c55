"""How well the shipped model carries to public text nobody on this project wrote.

    python benchmarks/accuracy.py --corpora ../shared/corpora [--model models/stance.joblib]

Reads the held-out corpora through --corpora only; nothing here trains or tunes on them.
1. RUW test tweets: direction macro-F1 (gold pro-war vs anti-war, decided by the larger of
   p_pro-war and p_anti-war) and 3-label macro-F1 with neutral (4-way argmax, so a realist
   prediction counts as an error).
2. Presidential press releases from 2022-02-24: the share of pro-war among stance-bearing
   sentences in the Kremlin's releases over that in Ukraine's, and the reverse for anti-war.
3. The model's own cross-validated macro-F1 on data/labels/, from its manifest.
"""

from __future__ import annotations

import argparse
import csv
import json
import platform
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
from sklearn.metrics import f1_score

from stance.persist import load_model
from stance.readers import Document
from stance.tagging import tag_documents

csv.field_size_limit(sys.maxsize)
WAR_START = "2022-02-24"


def ruw_label(russia: str, ukraine: str) -> str | None:
    """The corpus README's mapping onto our labels; None means ambiguous (not scored)."""
    if russia == "FAVOR" and ukraine != "FAVOR":
        return "pro-war"
    if russia == "AGAINST" and ukraine != "AGAINST":
        return "anti-war"
    if russia == "NONE" and ukraine == "NONE":
        return "neutral"
    return None


def ruw_scores(model, path: Path) -> dict:
    with open(path, encoding="utf-8", newline="") as handle:
        rows = [
            (row["Tweet"], ruw_label(row["Stance 1"], row["Stance 2"]))
            for row in csv.DictReader(handle)
        ]
    rows = [(text, label) for text, label in rows if label]
    texts = [text for text, _ in rows]
    gold = np.array([label for _, label in rows])
    proba = model.predict_proba(texts)
    classes = list(model.classes_)
    predicted = np.array(classes)[proba.argmax(axis=1)]
    direction = np.isin(gold, ["pro-war", "anti-war"])
    pro, anti = proba[:, classes.index("pro-war")], proba[:, classes.index("anti-war")]
    direction_pred = np.where(pro > anti, "pro-war", "anti-war")
    three = ["pro-war", "anti-war", "neutral"]
    return {
        "tweets_scored": len(gold),
        "gold_counts": {label: int((gold == label).sum()) for label in three},
        "direction_macro_f1": round(
            float(f1_score(gold[direction], direction_pred[direction], average="macro")), 4
        ),
        "macro_f1_with_neutral": round(
            float(f1_score(gold, predicted, labels=three, average="macro", zero_division=0)), 4
        ),
        "predicted_counts": {c: int((predicted == c).sum()) for c in classes},
    }


def press_shares(model, path: Path) -> dict:
    with open(path, encoding="utf-8", newline="") as handle:
        releases = [row for row in csv.DictReader(handle) if row["date"][:10] >= WAR_START]
    documents = [Document(row["link"], row["body"]) for row in releases]
    counts = {"pro-war": 0, "realist": 0, "anti-war": 0, "neutral": 0}
    started = time.perf_counter()
    sentences = 0
    for row in tag_documents(documents, model):
        counts[row["label"]] += 1
        sentences += 1
    stance = counts["pro-war"] + counts["realist"] + counts["anti-war"]
    return {
        "releases": len(releases),
        "sentences": sentences,
        "counts": counts,
        "share_of_stance": {
            k: round(counts[k] / stance, 4) if stance else None
            for k in ("pro-war", "realist", "anti-war")
        },
        "seconds": round(time.perf_counter() - started, 2),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpora", type=Path, required=True)
    parser.add_argument("--model", type=Path, default=Path("models/stance.joblib"))
    parser.add_argument("--json", type=Path, help="also write the results here")
    args = parser.parse_args()
    model, card = load_model(args.model)
    ruw = ruw_scores(model, args.corpora / "ruw" / "test.csv")
    kremlin = press_shares(model, args.corpora / "presidential-press" / "putin.csv")
    ukraine = press_shares(model, args.corpora / "presidential-press" / "zelenskyy.csv")
    k, u = kremlin["share_of_stance"], ukraine["share_of_stance"]
    results = {
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": f"{platform.machine()}, {platform.processor() or 'cpu'}, "
        f"Python {platform.python_version()}",
        "model_sha256": card["model_sha256"],
        "hyperparameters": card["hyperparameters"],
        "training_rows": card["rows"],
        "ruw_test": ruw,
        "press": {
            "kremlin": kremlin,
            "ukraine": ukraine,
            "pro_war_ratio_kremlin_over_ukraine": round(k["pro-war"] / u["pro-war"], 2)
            if u["pro-war"]
            else None,
            "anti_war_ratio_ukraine_over_kremlin": round(u["anti-war"] / k["anti-war"], 2)
            if k["anti-war"]
            else None,
        },
        "cv_on_labels": card.get("cv"),
    }
    text = json.dumps(results, indent=2, ensure_ascii=False)
    print(text)
    if args.json:
        args.json.write_text(text + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
