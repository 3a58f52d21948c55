"""Builds the scikit-learn Pipeline: TF-IDF features + logistic regression. No I/O here."""

from __future__ import annotations

from typing import Any

from sklearn.calibration import CalibratedClassifierCV
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import FeatureUnion, Pipeline

from stance.normalise import fold_text

# Words of one character count too ("Z", "I"), apostrophes and hyphens stay inside a word.
TOKEN_PATTERN = r"(?u)\b\w[\w'\u2019-]*\b"

# Chosen by `stance train --search` (see BENCHMARKS.md): character n-grams added most.
# min_df=2 drops n-grams seen in one sentence only: the same scores with half the features,
# which keeps a one-sentence `stance tag` well under a second.
DEFAULT_PARAMS: dict[str, Any] = {
    "C": 30.0,
    "class_weight": None,
    "word_ngrams": (1, 2),
    "char_ngrams": (2, 5),
    "sublinear_tf": True,
    "min_df": 2,
    "calibration": None,
}

# On fewer sentences than this most n-grams occur once, so min_df steps down to 1
# (otherwise a small label file would leave the vectoriser with no terms at all).
SMALL_DATA_ROWS = 1000


def build_pipeline(
    *,
    C: float = DEFAULT_PARAMS["C"],
    class_weight: str | None = DEFAULT_PARAMS["class_weight"],
    word_ngrams: tuple[int, int] = DEFAULT_PARAMS["word_ngrams"],
    char_ngrams: tuple[int, int] | None = DEFAULT_PARAMS["char_ngrams"],
    sublinear_tf: bool = DEFAULT_PARAMS["sublinear_tf"],
    min_df: int = DEFAULT_PARAMS["min_df"],
    calibration: str | None = DEFAULT_PARAMS["calibration"],
    max_iter: int = 2000,
    random_state: int = 0,
) -> Pipeline:
    """A Pipeline whose predict/predict_proba take raw strings.

    Steps are named "features" and "classifier"; with `char_ngrams` the features are a
    FeatureUnion of word and character n-grams (named "word" and "char"). With
    `calibration` ("sigmoid" or "isotonic") the classifier is a CalibratedClassifierCV
    around the logistic regression.
    """
    words = TfidfVectorizer(
        ngram_range=tuple(word_ngrams),
        token_pattern=TOKEN_PATTERN,
        sublinear_tf=sublinear_tf,
        min_df=min_df,
        strip_accents=fold_text,
    )
    features: Any = words
    if char_ngrams:
        chars = TfidfVectorizer(
            analyzer="char_wb",
            ngram_range=tuple(char_ngrams),
            sublinear_tf=sublinear_tf,
            min_df=min_df,
            strip_accents=fold_text,
        )
        features = FeatureUnion([("word", words), ("char", chars)])
    classifier: Any = LogisticRegression(
        C=C, class_weight=class_weight, max_iter=max_iter, random_state=random_state
    )
    if calibration:
        classifier = CalibratedClassifierCV(classifier, method=calibration, cv=3)
    return Pipeline([("features", features), ("classifier", classifier)])


def pipeline_params(
    params: dict[str, Any] | None = None, *, rows: int | None = None
) -> dict[str, Any]:
    """The defaults updated with `params`, checked for unknown names. With `rows` (the number
    of sentences to be fitted) below SMALL_DATA_ROWS, min_df is at most 1."""
    merged = dict(DEFAULT_PARAMS)
    for name, value in (params or {}).items():
        if name not in DEFAULT_PARAMS:
            raise ValueError(f"unknown hyperparameter {name!r}")
        merged[name] = value
    if rows is not None and rows < SMALL_DATA_ROWS:
        merged["min_df"] = min(merged["min_df"], 1)
    return merged


def params_from_json(values: dict[str, Any]) -> dict[str, Any]:
    """Hyperparameters as stored in a manifest (lists for tuples, extra keys) -> build args."""
    return {
        name: tuple(value) if isinstance(value, list) else value
        for name, value in values.items()
        if name in DEFAULT_PARAMS
    }
