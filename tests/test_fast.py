"""The fast path gives exactly the plain pipeline's features and probabilities."""

import io

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from stance.fast import FastModel, predictor
from stance.pipeline import build_pipeline
from tests.conftest import TINY

TEXTS = [t for texts in TINY.values() for t in texts]
LABELS = [label for label, texts in TINY.items() for _ in texts]
ODD = [
    "",
    "   ",
    "Ünïcødé façade — “quoted” İstanbul ß ǅ",
    "a" * 3000,
    "x\ty\nz",
    "ﬁ ligature",
    "K̈ combining",
    "the the the war war",
    "Putin's war, Putin’s war; U.S.-led.",  # noqa: RUF001
]


@pytest.mark.parametrize(
    "params",
    [
        {},
        {"char_ngrams": None},
        {"char_ngrams": None, "word_ngrams": (1, 1)},
        {"char_ngrams": None, "word_ngrams": (1, 3)},
        {"char_ngrams": (1, 3), "word_ngrams": (2, 2)},
        {"min_df": 2, "sublinear_tf": False},
        {"class_weight": "balanced", "C": 0.5},
    ],
)
def test_same_features_and_probabilities(params):
    pipeline = build_pipeline(**params, random_state=0).fit(TEXTS, LABELS)
    fast = FastModel.from_pipeline(pipeline)
    texts = TEXTS + ODD
    plain = pipeline[:-1].transform(texts)
    mine = fast.transform(texts)
    assert abs(plain - mine).max() == 0
    expected = pipeline.predict_proba(texts)
    assert np.array_equal(expected, fast.predict_proba(texts))
    # A second call (warm cache) gives the same again.
    assert np.array_equal(expected, fast.predict_proba(texts))
    # So does the model rebuilt from its saved arrays, without scikit-learn.
    buffer = io.BytesIO()
    fast.save(buffer)
    buffer.seek(0)
    with np.load(buffer, allow_pickle=False) as arrays:
        loaded = FastModel.from_arrays({name: arrays[name] for name in arrays.files})
    assert np.array_equal(expected, loaded.predict_proba(texts))
    assert list(loaded.classes_) == list(pipeline.classes_)


@pytest.mark.filterwarnings("ignore::UserWarning")
def test_unsupported_pipelines_fall_back():
    pipeline = build_pipeline(random_state=0)
    pipeline.set_params(features__word__analyzer=str.split)
    pipeline.fit(TEXTS, LABELS)
    assert predictor(pipeline) is pipeline
    with pytest.raises(ValueError):
        FastModel.from_pipeline(pipeline)


@pytest.fixture(scope="module")
def fitted():
    pipeline = build_pipeline(random_state=0).fit(TEXTS, LABELS)
    return pipeline, FastModel.from_pipeline(pipeline)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.text(max_size=60), min_size=1, max_size=5))
def test_any_text_gives_identical_probabilities(fitted, texts):
    pipeline, fast = fitted
    assert np.array_equal(pipeline.predict_proba(texts), fast.predict_proba(texts))
