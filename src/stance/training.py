"""Cross-validation, hyperparameter search and the final fit. Returns models and scores."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from sklearn.base import clone
from sklearn.metrics import accuracy_score, f1_score
from sklearn.model_selection import StratifiedGroupKFold
from sklearn.pipeline import Pipeline

from stance.errors import DataError, UsageError
from stance.evaluation import per_class_scores
from stance.labels import LabelledData, find_csv_files, read_labels
from stance.persist import check_model_output, save_model
from stance.pipeline import build_pipeline, params_from_json, pipeline_params
from stance.similarity import duplicate_groups

# progress(what, done, total): the CLI draws it, the library only reports.
Progress = Callable[[str, int, int], None]
# Sentences at least this similar stay in the same fold, so CV never tests on a near-copy
# of a training sentence.
DUPLICATE_THRESHOLD = 0.8


def _no_progress(what: str, done: int, total: int) -> None:
    pass


@dataclass
class CVResult:
    """Scores of a stratified, duplicate-grouped k-fold cross-validation."""

    n_splits: int
    labels: list[str]
    fold_accuracy: list[float]
    fold_macro_f1: list[float]
    per_class: dict[str, dict[str, float]]
    oof_proba: np.ndarray = field(repr=False)  # out-of-fold probabilities, columns = labels

    @property
    def oof_pred(self) -> np.ndarray:
        return np.asarray(self.labels)[self.oof_proba.argmax(axis=1)]

    def summary(self) -> dict[str, Any]:
        """JSON-friendly scores: means, spreads, folds and per-class figures."""
        return {
            "n_splits": self.n_splits,
            "accuracy": round(float(np.mean(self.fold_accuracy)), 4),
            "accuracy_std": round(float(np.std(self.fold_accuracy)), 4),
            "macro_f1": round(float(np.mean(self.fold_macro_f1)), 4),
            "macro_f1_std": round(float(np.std(self.fold_macro_f1)), 4),
            "fold_macro_f1": [round(v, 4) for v in self.fold_macro_f1],
            "per_class": self.per_class,
        }


@dataclass
class TrainResult:
    pipeline: Pipeline
    params: dict[str, Any]
    cv: CVResult | None
    search: dict[str, Any] | None = None


def check_trainable(labels: Sequence[str], *, n_splits: int) -> None:
    """Refuse label sets that cross-validation or the classifier cannot use."""
    values, counts = np.unique(np.asarray(labels), return_counts=True)
    per_class = ", ".join(f"{v} {c}" for v, c in zip(values, counts, strict=True))
    if len(values) < 2:
        raise DataError(f"need at least two labels to train; found: {per_class or 'none'}")
    if n_splits and counts.min() < n_splits:
        raise DataError(
            f"each label needs at least {n_splits} examples for {n_splits}-fold "
            f"cross-validation; per label: {per_class}"
        )


def _fit(pipeline: Pipeline, texts: Sequence[str], labels: Sequence[str]) -> Pipeline:
    try:
        return pipeline.fit(list(texts), list(labels))
    except ValueError as error:
        if "empty vocabulary" in str(error):
            raise DataError(
                "every text is empty after tokenising: no words to learn from"
            ) from None
        raise


def cross_validate(
    texts: Sequence[str],
    labels: Sequence[str],
    *,
    params: dict[str, Any] | None = None,
    n_splits: int = 5,
    random_state: int = 0,
    progress: Progress = _no_progress,
) -> CVResult:
    """Stratified k-fold CV; the vectoriser is fitted inside each fold and near-duplicate
    sentences are kept in one fold (StratifiedGroupKFold)."""
    if n_splits < 2:
        raise UsageError(f"--cv must be at least 2 (got {n_splits})")
    check_trainable(labels, n_splits=n_splits)
    texts = np.asarray(texts, dtype=object)
    y = np.asarray(labels, dtype=object)
    classes = sorted(set(y))
    groups = duplicate_groups(list(texts), threshold=DUPLICATE_THRESHOLD)
    if len(set(groups)) < n_splits:
        raise DataError(
            f"{n_splits}-fold cross-validation needs at least {n_splits} distinct sentences; "
            f"near-duplicates leave {len(set(groups))} (use a smaller --cv, or 0 to skip it)"
        )
    folds = StratifiedGroupKFold(n_splits=n_splits, shuffle=True, random_state=random_state)
    template = build_pipeline(**pipeline_params(params, rows=len(y)), random_state=random_state)
    oof = np.zeros((len(y), len(classes)))
    fold_accuracy: list[float] = []
    fold_macro_f1: list[float] = []
    for k, (train_idx, test_idx) in enumerate(folds.split(texts, y, groups)):
        progress("cross-validating", k, n_splits)
        if len(set(y[train_idx])) < 2:
            # Near-duplicates stay in one fold, so a label written as copies of one sentence
            # can leave a fold's training part with a single label.
            raise DataError(
                f"cross-validation fold {k + 1} has only one label to train on: the sentences "
                "are too few or too alike (near-duplicates stay in one fold); "
                "add more varied sentences, or --cv 0 to skip cross-validation"
            )
        model = _fit(clone(template), texts[train_idx], y[train_idx])
        proba = model.predict_proba(list(texts[test_idx]))
        columns = [classes.index(c) for c in model.classes_]
        oof[np.ix_(test_idx, columns)] = proba
        predicted = model.classes_[proba.argmax(axis=1)]
        fold_accuracy.append(float(accuracy_score(y[test_idx], predicted)))
        fold_macro_f1.append(
            float(
                f1_score(y[test_idx], predicted, labels=classes, average="macro", zero_division=0)
            )
        )
    progress("cross-validating", n_splits, n_splits)
    predicted = np.asarray(classes)[oof.argmax(axis=1)]
    per_class = per_class_scores(y, predicted, classes)
    return CVResult(n_splits, classes, fold_accuracy, fold_macro_f1, per_class, oof)


def train(
    data: LabelledData,
    *,
    params: dict[str, Any] | None = None,
    n_splits: int = 5,
    random_state: int = 0,
    progress: Progress = _no_progress,
) -> TrainResult:
    """Cross-validate (unless n_splits is 0), then fit the final pipeline on every row."""
    texts = data.frame["text"].tolist()
    labels = data.frame["label"].tolist()
    merged = pipeline_params(params, rows=len(texts))
    cv = None
    if n_splits:
        cv = cross_validate(
            texts,
            labels,
            params=merged,
            n_splits=n_splits,
            random_state=random_state,
            progress=progress,
        )
    else:
        check_trainable(labels, n_splits=0)
    progress("fitting the final model", 0, 1)
    pipeline = _fit(build_pipeline(**merged, random_state=random_state), texts, labels)
    progress("fitting the final model", 1, 1)
    return TrainResult(pipeline=pipeline, params=merged, cv=cv)


def train_from_files(
    paths: Sequence[Any],
    *,
    output: Any,
    params: dict[str, Any] | None = None,
    n_splits: int = 5,
    random_state: int = 0,
    search_grid: dict[str, list[Any]] | bool | None = None,
    n_jobs: int = 1,
    force: bool = False,
    progress: Progress = _no_progress,
) -> tuple[TrainResult, dict[str, Any]]:
    """Read labelled CSVs, train, and save the model and its manifest to `output`.

    With `search_grid` (True for SEARCH_GRID, or a grid of its own) the hyperparameters are
    searched first and the model is trained with the best. The output is checked before
    training, so a refused overwrite costs no time.
    """
    check_model_output(output, force=force, inputs=find_csv_files(list(paths)))
    data = read_labels(paths)
    found = None
    if search_grid:
        if n_splits < 2:
            raise UsageError("--search needs cross-validation: --cv of at least 2")
        found = search(
            data.frame["text"].tolist(),
            data.frame["label"].tolist(),
            grid=None if search_grid is True else search_grid,
            n_splits=n_splits,
            random_state=random_state,
            n_jobs=n_jobs,
            progress=progress,
        )
        params = {**(params or {}), **params_from_json(found["best"]["params"])}
    result = train(
        data, params=params, n_splits=n_splits, random_state=random_state, progress=progress
    )
    result.search = found
    manifest = {
        "hyperparameters": {**_jsonable(result.params), "random_state": random_state},
        "counts": data.counts(),
        "rows": len(data.frame),
        "data": {"sha256": data.sha256, "files": list(data.files)},
        "cv": result.cv.summary() if result.cv else None,
        "search": result.search,
    }
    card = save_model(result.pipeline, output, manifest=manifest, force=force)
    return result, card


def _jsonable(params: dict[str, Any]) -> dict[str, Any]:
    return {k: list(v) if isinstance(v, tuple) else v for k, v in params.items()}


# The grid `stance train --search` explores; each point is cross-validated honestly (the
# vectoriser fitted inside every fold, near-duplicates kept in one fold).
SEARCH_GRID: dict[str, list[Any]] = {
    "C": [3.0, 10.0, 30.0],
    "class_weight": [None, "balanced"],
    "word_ngrams": [(1, 2), (1, 3)],
    "char_ngrams": [None, (2, 5)],
    "sublinear_tf": [True, False],
    "min_df": [1, 2],
}


def grid_points(grid: dict[str, list[Any]]) -> list[dict[str, Any]]:
    """Every combination of the grid's values, in a stable order."""
    from sklearn.model_selection import ParameterGrid

    return [dict(sorted(point.items())) for point in ParameterGrid(grid)]


def search(
    texts: Sequence[str],
    labels: Sequence[str],
    *,
    grid: dict[str, list[Any]] | None = None,
    n_splits: int = 5,
    random_state: int = 0,
    n_jobs: int = 1,
    progress: Progress = _no_progress,
) -> dict[str, Any]:
    """Cross-validate the defaults and every grid point with the same folds.

    Returns {"default": {...}, "best": {...}, "results": [...]} where each entry holds the
    params, mean macro-F1 and its spread over folds; results are sorted best first.
    """
    # Each point as the settings actually fitted (on small data min_df steps down, which can
    # make two grid points one), the defaults last unless the grid already holds them.
    rows = len(labels)
    default = pipeline_params(rows=rows)
    points: list[dict[str, Any]] = []
    for point in [*grid_points(grid or SEARCH_GRID), default]:
        fitted = pipeline_params(point, rows=rows)
        if fitted not in points:
            points.append(fitted)
    from joblib import Parallel, delayed

    def score(point: dict[str, Any]) -> dict[str, Any]:
        summary = cross_validate(
            texts, labels, params=point, n_splits=n_splits, random_state=random_state
        ).summary()
        return {
            "params": _jsonable(point),
            "macro_f1": summary["macro_f1"],
            "macro_f1_std": summary["macro_f1_std"],
            "accuracy": summary["accuracy"],
        }

    results = []
    progress("searching hyperparameters", 0, len(points))
    # Results arrive in order; each worker process scores whole grid points.
    parallel = Parallel(n_jobs=n_jobs, return_as="generator")
    for k, result in enumerate(parallel(delayed(score)(p) for p in points), start=1):
        results.append(result)
        progress("searching hyperparameters", k, len(points))
    results.sort(key=lambda r: -r["macro_f1"])
    default_json = _jsonable(default)
    return {
        "n_splits": n_splits,
        "random_state": random_state,
        "default": next(r for r in results if r["params"] == default_json),
        "best": results[0],
        "results": results,
    }
