"""Drop authored sentences that nearly repeat another labelled sentence.

Usage: python scripts/drop_near_duplicates.py [--threshold 0.6] [--dry-run]
For each pair at or above the threshold, the sentence read later (by file path, then row) is
removed from its file; seed sentences are never removed. Prints what it removed.
"""

from __future__ import annotations

import argparse
import csv
from pathlib import Path

from stance.labels import read_labels
from stance.similarity import near_duplicate_pairs


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--threshold", type=float, default=0.6)
    parser.add_argument("--dry-run", action="store_true")
    args = parser.parse_args()
    frame = read_labels([Path("data/labels")]).frame
    doomed: set[int] = set()
    for i, j, score in near_duplicate_pairs(frame["text"].tolist(), threshold=args.threshold):
        if i in doomed or j in doomed:
            continue
        victim = j if frame.at[j, "source"] == "authored" else i
        if frame.at[victim, "source"] != "authored":
            continue
        doomed.add(victim)
        keeper = i if victim == j else j
        print(
            f"{score:.2f} drop {frame.at[victim, 'file']}:{frame.at[victim, 'row']} "
            f"{frame.at[victim, 'text'][:70]!r} ~ {frame.at[keeper, 'text'][:70]!r}"
        )
    if args.dry_run:
        return
    for file, rows in frame.loc[sorted(doomed)].groupby("file")["row"]:
        drop = set(rows)
        with open(file, encoding="utf-8", newline="") as handle:
            reader = csv.reader(handle)
            kept = [row for number, row in enumerate(reader, start=1) if number not in drop]
        with open(file, "w", encoding="utf-8", newline="") as handle:
            csv.writer(handle, lineterminator="\n").writerows(kept)
    print(f"dropped {len(doomed)} sentences")


if __name__ == "__main__":
    main()
