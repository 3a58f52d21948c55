"""Scores, confusion matrix, calibration and explanations. Returns data; prints nothing."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
from sklearn.metrics import accuracy_score, confusion_matrix, f1_score
from sklearn.metrics import precision_recall_fscore_support as prfs

from stance.errors import DataError, ModelError, UsageError


def reliability(
    proba: np.ndarray, correct: np.ndarray, *, bins: int = 10
) -> tuple[float, list[dict[str, Any]]]:
    """Expected calibration error of the top probability, and the reliability table.

    Each bin of top-probability holds how many predictions fell in it, their mean confidence
    and their accuracy; ECE is the count-weighted mean gap between the two.
    """
    confidence = proba.max(axis=1)
    edges = np.linspace(0.0, 1.0, bins + 1)
    # Bin i holds (edges[i], edges[i+1]]; a confidence of exactly 0 goes to the first bin.
    index = np.clip(np.searchsorted(edges, confidence, side="left") - 1, 0, bins - 1)
    table: list[dict[str, Any]] = []
    ece = 0.0
    for i in range(bins):
        members = index == i
        count = int(members.sum())
        row: dict[str, Any] = {
            "lower": round(float(edges[i]), 2),
            "upper": round(float(edges[i + 1]), 2),
            "count": count,
            "confidence": None,
            "accuracy": None,
        }
        if count:
            mean_confidence = float(confidence[members].mean())
            accuracy = float(correct[members].mean())
            row["confidence"] = round(mean_confidence, 4)
            row["accuracy"] = round(accuracy, 4)
            ece += count / len(confidence) * abs(mean_confidence - accuracy)
        table.append(row)
    return round(ece, 4), table


def per_class_scores(
    gold: Sequence[str], predicted: Sequence[str], labels: Sequence[str]
) -> dict[str, dict[str, float]]:
    """Precision, recall, F1 and support of each label."""
    precision, recall, f1, support = prfs(gold, predicted, labels=list(labels), zero_division=0)
    return {
        name: {
            "precision": round(float(p), 4),
            "recall": round(float(r), 4),
            "f1": round(float(f), 4),
            "support": int(s),
        }
        for name, p, r, f, s in zip(labels, precision, recall, f1, support, strict=True)
    }


def score_predictions(
    labels: Sequence[str],
    proba: np.ndarray,
    classes: Sequence[str],
    *,
    texts: Sequence[str] | None = None,
    errors: int = 10,
    bins: int = 10,
) -> dict[str, Any]:
    """Every figure `stance evaluate` reports, from gold labels and predicted probabilities."""
    classes = [str(c) for c in classes]
    y = np.asarray(labels, dtype=object)
    predicted = np.asarray(classes, dtype=object)[proba.argmax(axis=1)]
    names = sorted(set(classes) | set(y))
    correct = predicted == y
    ece, table = reliability(proba, correct, bins=bins)
    report: dict[str, Any] = {
        "n": len(y),
        "accuracy": round(float(accuracy_score(y, predicted)), 4),
        "macro_f1": round(
            float(f1_score(y, predicted, labels=names, average="macro", zero_division=0)), 4
        ),
        "per_class": per_class_scores(y, predicted, names),
        "labels": names,
        "confusion": confusion_matrix(y, predicted, labels=names).tolist(),
        "ece": ece,
        "reliability": table,
    }
    if texts is not None:
        report["errors"] = worst_errors(texts, y, proba, classes, n=errors)
    return report


def worst_errors(
    texts: Sequence[str], labels: np.ndarray, proba: np.ndarray, classes: list[str], *, n: int
) -> list[dict[str, Any]]:
    """The `n` misclassified sentences the model was most confident about."""
    predicted = proba.argmax(axis=1)
    wrong = np.flatnonzero(np.asarray(classes, dtype=object)[predicted] != labels)
    order = wrong[np.argsort(-proba[wrong, predicted[wrong]], kind="stable")][:n]
    return [
        {
            "text": texts[i],
            "label": str(labels[i]),
            "predicted": classes[predicted[i]],
            "confidence": round(float(proba[i, predicted[i]]), 4),
            "probabilities": {
                c: round(float(p), 4) for c, p in zip(classes, proba[i], strict=True)
            },
        }
        for i in order
    ]


def evaluate(
    model: Any, texts: Sequence[str], labels: Sequence[str], *, errors: int = 10, bins: int = 10
) -> dict[str, Any]:
    """Score `model` on labelled sentences (see score_predictions for the keys)."""
    if not len(texts):
        raise DataError("nothing to evaluate: no labelled sentences")
    proba = model.predict_proba(list(texts))
    return score_predictions(
        labels, proba, model.classes_, texts=list(texts), errors=errors, bins=bins
    )


def linear_weights(model: Any) -> tuple[np.ndarray, np.ndarray]:
    """(coefficients, feature names) of the pipeline's linear classifier, classes in rows.

    A calibrated classifier averages the coefficients of its per-fold estimators; a binary
    model's single row becomes two opposite rows so every class has one.
    """
    classifier = model[-1]
    if hasattr(classifier, "calibrated_classifiers_"):
        coef = np.mean([c.estimator.coef_ for c in classifier.calibrated_classifiers_], axis=0)
    elif hasattr(classifier, "coef_"):
        coef = classifier.coef_
    else:
        raise ModelError("this model has no linear coefficients to explain")
    if coef.shape[0] == 1:
        coef = np.vstack([-coef[0], coef[0]])
    names = model[:-1].get_feature_names_out()
    return np.asarray(coef), np.asarray(names, dtype=object)


def _clean(name: str) -> str:
    """A feature's display name: word n-grams as they are, character n-grams in brackets
    (so "[wes]" is not mistaken for a word). FeatureUnion prefixes names with its step."""
    step, _, gram = name.partition("__")
    return f"[{gram}]" if step == "char" else (gram or step)


def explain(model: Any, text: str, *, top: int = 10) -> dict[str, Any]:
    """The prediction for `text` and the n-grams that pushed it towards and away from the
    predicted label, each scored as coefficient x tf-idf weight."""
    if not text.strip():
        raise UsageError("nothing to explain: the text is blank")
    classes = [str(c) for c in model.classes_]
    proba = model.predict_proba([text])[0]
    best = int(proba.argmax())
    coef, names = linear_weights(model)
    features = model[:-1].transform([text]).tocsr()
    columns = features.indices
    contributions = coef[best, columns] * features.data
    order = np.argsort(-contributions, kind="stable")
    pairs = [(_clean(names[columns[i]]), round(float(contributions[i]), 4)) for i in order]
    return {
        "text": text,
        "label": classes[best],
        "probabilities": {c: round(float(p), 4) for c, p in zip(classes, proba, strict=True)},
        "towards": [p for p in pairs if p[1] > 0][:top],
        "away": [p for p in reversed(pairs) if p[1] < 0][:top],
    }


def top_features(model: Any, *, top: int = 10) -> dict[str, list[tuple[str, float]]]:
    """The `top` n-grams with the largest coefficient for each label."""
    coef, names = linear_weights(model)
    result: dict[str, list[tuple[str, float]]] = {}
    for row, label in zip(coef, model.classes_, strict=True):
        order = np.argsort(-row, kind="stable")[:top]
        result[str(label)] = [(_clean(names[j]), round(float(row[j]), 4)) for j in order]
    return result


def evaluate_files(
    paths: Sequence[Any],
    *,
    model_path: Any,
    errors: int = 10,
    bins: int = 10,
    allow_version_mismatch: bool = False,
) -> dict[str, Any]:
    """Load a model (manifest checked first) and score it on labelled CSVs."""
    from stance.labels import read_labels
    from stance.persist import load_model

    model, _card = load_model(model_path, allow_version_mismatch=allow_version_mismatch)
    frame = read_labels(paths).frame
    return evaluate(
        model, frame["text"].tolist(), frame["label"].tolist(), errors=errors, bins=bins
    )
