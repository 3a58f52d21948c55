"""Copy a reviewed draft file (text,label,register) into data/labels/ as authored sentences.

Usage: python scripts/import_drafts.py DRAFT.csv [--drop N,N,...] [--relabel N=label,...]
Row numbers are 0-based data rows of the draft, as printed during review.
"""

from __future__ import annotations

import argparse
import csv
from pathlib import Path

from stance.labels import LABELS


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("draft", type=Path)
    parser.add_argument("--drop", default="")
    parser.add_argument("--relabel", default="")
    args = parser.parse_args()
    drop = {int(n) for n in args.drop.split(",") if n}
    relabel = dict(item.split("=") for item in args.relabel.split(",") if item)
    relabel = {int(k): v for k, v in relabel.items()}
    with open(args.draft, encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    register = rows[0]["register"]
    out = Path("data/labels") / f"authored_{register}.csv"
    with open(out, "w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(["text", "label", "source", "register"])
        for number, row in enumerate(rows):
            if number in drop:
                continue
            label = relabel.get(number, row["label"])
            assert label in LABELS, (number, label)
            writer.writerow([row["text"].strip(), label, "authored", row["register"]])
    print(f"{out}: {len(rows) - len(drop)} rows")


if __name__ == "__main__":
    main()
