"""`stance data check`: problems in labelled data, and sentences worth a second look.

Errors make the data unusable (training refuses it). Warnings are for a person to review:
duplicates, imbalance, odd lengths, words that nearly always come with one label (a model
learns the word instead of the stance: "current" in realist sentences only, a country's name
never in a neutral one), and likely label errors found the way cleanlab's self-confidence
ranking finds them: a sentence whose out-of-fold probability for its own label is low while
another label is predicted with high confidence.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from stance.labels import LABELS, validate_labels
from stance.normalise import fold_text
from stance.pipeline import TOKEN_PATTERN
from stance.similarity import near_duplicate_pairs, normalise

SHORT_WORDS = 3
LONG_WORDS = 80
# A word is skewed when at least SKEW_SHARE of the sentences holding it share one label and
# it occurs often enough (SKEW_MIN_ROWS, or 1% of the rows if more) to shape the model.
SKEW_SHARE = 0.8
SKEW_MIN_ROWS = 20


@dataclass
class CheckReport:
    rows: int = 0
    counts: dict[str, int] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)
    duplicates: list[dict[str, Any]] = field(default_factory=list)
    imbalance: str | None = None
    short: list[dict[str, Any]] = field(default_factory=list)
    long: list[dict[str, Any]] = field(default_factory=list)
    skewed_words: list[dict[str, Any]] = field(default_factory=list)
    label_issues: list[dict[str, Any]] = field(default_factory=list)

    @property
    def warnings(self) -> int:
        return (
            len(self.duplicates)
            + bool(self.imbalance)
            + len(self.short)
            + len(self.long)
            + len(self.skewed_words)
            + len(self.label_issues)
        )

    def as_dict(self) -> dict[str, Any]:
        return {
            "rows": self.rows,
            "counts": self.counts,
            "errors": self.errors,
            "duplicates": self.duplicates,
            "imbalance": self.imbalance,
            "short": self.short,
            "long": self.long,
            "skewed_words": self.skewed_words,
            "label_issues": self.label_issues,
        }


def _where(row: Any) -> str:
    return f"{row['file']}:{row['row']}"


def check_data(
    paths: Iterable[Path],
    *,
    near_threshold: float = 0.8,
    find_label_issues: bool = True,
    min_confidence: float = 0.7,
    n_splits: int = 5,
    random_state: int = 0,
    params: dict[str, Any] | None = None,
) -> CheckReport:
    """Check labelled CSVs; see CheckReport for what is found."""
    data, errors = validate_labels(paths)
    frame = data.frame.reset_index(drop=True)
    report = CheckReport(rows=len(frame), errors=errors)
    report.counts = {label: int((frame["label"] == label).sum()) for label in LABELS}
    if frame.empty:
        return report
    texts = frame["text"].tolist()
    for i, j, score in near_duplicate_pairs(texts, threshold=near_threshold):
        exact = normalise(texts[i]) == normalise(texts[j])
        report.duplicates.append(
            {
                "similarity": 1.0 if exact else score,
                "kind": "exact" if exact else "near",
                "first": _where(frame.loc[i]),
                "second": _where(frame.loc[j]),
                "text": texts[i],
                "other": texts[j],
                "labels": [frame.at[i, "label"], frame.at[j, "label"]],
            }
        )
    present = [c for c in report.counts.values() if c]
    if (present and max(present) > 2 * min(present)) or len(present) < len(LABELS):
        shown = ", ".join(f"{k} {v}" for k, v in report.counts.items())
        report.imbalance = f"labels are unbalanced: {shown}"
    words = frame["text"].str.split().str.len()
    for index in frame.index[words < SHORT_WORDS]:
        report.short.append({"where": _where(frame.loc[index]), "text": texts[index]})
    for index in frame.index[words > LONG_WORDS]:
        report.long.append(
            {
                "where": _where(frame.loc[index]),
                "words": int(words[index]),
                "text": texts[index][:200],
            }
        )
    report.skewed_words = skewed_words(frame)
    if find_label_issues and not errors:
        report.label_issues = likely_label_errors(
            frame,
            min_confidence=min_confidence,
            n_splits=n_splits,
            random_state=random_state,
            params=params,
        )
    return report


def skewed_words(
    frame: Any, *, share: float = SKEW_SHARE, min_rows: int = SKEW_MIN_ROWS
) -> list[dict[str, Any]]:
    """Words (tokenised as the model does) found in at least max(min_rows, 1% of rows)
    sentences of which at least `share` carry one label; most frequent first."""
    from sklearn.feature_extraction.text import CountVectorizer

    labels = frame["label"].to_numpy()
    classes = [label for label in LABELS if (labels == label).any()]
    if len(classes) < 2:
        return []
    vectorizer = CountVectorizer(
        token_pattern=TOKEN_PATTERN,
        strip_accents=fold_text,
        binary=True,
        min_df=max(min_rows, len(frame) // 100),
    )
    try:
        present = vectorizer.fit_transform(frame["text"])
    except ValueError:  # no word is frequent enough
        return []
    one_hot = np.stack([labels == label for label in classes], axis=1).astype(np.int64)
    per_label = np.asarray(present.T @ one_hot)  # words x labels: rows holding the word
    rows = per_label.sum(axis=1)
    top = per_label.argmax(axis=1)
    top_share = per_label[np.arange(len(rows)), top] / rows
    words = vectorizer.get_feature_names_out()
    found = np.flatnonzero(top_share >= share)
    found = found[np.lexsort((words[found], -rows[found]))]
    return [
        {
            "word": str(words[i]),
            "rows": int(rows[i]),
            "label": classes[top[i]],
            "share": round(float(top_share[i]), 3),
        }
        for i in found
    ]


def likely_label_errors(
    frame: Any,
    *,
    min_confidence: float = 0.7,
    n_splits: int = 5,
    random_state: int = 0,
    params: dict[str, Any] | None = None,
) -> list[dict[str, Any]]:
    """Rows whose out-of-fold prediction disagrees with the given label with probability at
    least `min_confidence`, ranked by the probability the model gives the given label."""
    from stance.errors import DataError
    from stance.training import cross_validate

    labels = frame["label"].tolist()
    folds = min(n_splits, min(labels.count(label) for label in set(labels)))
    if folds < 2 or len(set(labels)) < 2:
        return []
    try:
        cv = cross_validate(
            frame["text"].tolist(), labels, params=params, n_splits=folds, random_state=random_state
        )
    except DataError:
        return []
    classes = cv.labels
    given = np.array([classes.index(label) for label in labels])
    proba = cv.oof_proba
    predicted = proba.argmax(axis=1)
    self_confidence = proba[np.arange(len(labels)), given]
    suspects = np.flatnonzero((predicted != given) & (proba.max(axis=1) >= min_confidence))
    suspects = suspects[np.argsort(self_confidence[suspects], kind="stable")]
    return [
        {
            "where": _where(frame.loc[i]),
            "text": frame.at[i, "text"],
            "label": labels[i],
            "predicted": classes[predicted[i]],
            "confidence": round(float(proba[i, predicted[i]]), 4),
            "self_confidence": round(float(self_confidence[i]), 4),
        }
        for i in suspects
    ]
