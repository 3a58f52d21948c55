"""The fast path gives the plain pipeline's features, probabilities and labels.

Sums run in a different order, so numbers agree to float rounding (1e-12), labels exactly.
"""

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
TOLERANCE = 1e-12
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
    "¨x diaeresis alone becomes a space",
    "ΟΔΟΣ final sigma, rock- and-roll",
    "a NUL \x00 word, the batch's separator: the slow path counts words",
]


def assert_same_predictions(expected, actual):
    assert abs(expected - actual).max() < TOLERANCE
    assert np.array_equal(expected.argmax(axis=1), actual.argmax(axis=1))


def saved_arrays(fast: FastModel) -> dict[str, np.ndarray]:
    buffer = io.BytesIO()
    fast.save(buffer)
    buffer.seek(0)
    with np.load(buffer, allow_pickle=False) as arrays:
        return {name: arrays[name] for name in arrays.files}


@pytest.mark.parametrize(
    "params",
    [
        {},
        {"char_ngrams": None},
        {"char_ngrams": None, "word_ngrams": (1, 1)},
        {"char_ngrams": (1, 3), "word_ngrams": (2, 2)},
        {"char_ngrams": (4, 6)},
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
    assert plain.nnz == mine.nnz
    assert abs(plain - mine).max() < TOLERANCE
    expected = pipeline.predict_proba(texts)
    assert_same_predictions(expected, fast.predict_proba(texts))
    # A second call (warm cache) gives the same again.
    assert_same_predictions(expected, fast.predict_proba(texts))
    # So does the model rebuilt from its saved arrays, without scikit-learn.
    loaded = FastModel.from_arrays(saved_arrays(fast))
    assert_same_predictions(expected, loaded.predict_proba(texts))
    assert list(loaded.classes_) == list(pipeline.classes_)


def test_token_numbers_are_saved_and_match_those_rebuilt_from_the_terms():
    pipeline = build_pipeline(random_state=0).fit(TEXTS, LABELS)
    arrays = saved_arrays(FastModel.from_pipeline(pipeline))
    assert int(arrays["format"]) == 3
    loaded = FastModel.from_arrays(arrays)
    rebuilt = FastModel.from_arrays(arrays | {"format": np.array(2)})
    assert list(loaded.tokens.items()) == list(rebuilt.tokens.items())
    assert np.array_equal(loaded.unigram_column, rebuilt.unigram_column)
    assert np.array_equal(loaded.bigram_keys, rebuilt.bigram_keys)
    assert np.array_equal(loaded.bigram_columns, rebuilt.bigram_columns)
    assert len(loaded.bigram_keys) > 0  # the default pipeline has word bigrams


def test_arrays_saved_before_format_3_still_load_with_the_same_predictions():
    pipeline = build_pipeline(random_state=0).fit(TEXTS, LABELS)
    new = ("token_terms", "token_lengths", "unigram_column", "bigram_keys", "bigram_columns")
    arrays = saved_arrays(FastModel.from_pipeline(pipeline))
    old = {k: v for k, v in arrays.items() if k not in new} | {"format": np.array(2)}
    texts = TEXTS + ODD
    assert_same_predictions(
        pipeline.predict_proba(texts), FastModel.from_arrays(old).predict_proba(texts)
    )


def test_unknown_arrays_format_is_refused():
    pipeline = build_pipeline(random_state=0).fit(TEXTS, LABELS)
    arrays = saved_arrays(FastModel.from_pipeline(pipeline)) | {"format": np.array(9)}
    with pytest.raises(ValueError, match="unknown arrays format 9"):
        FastModel.from_arrays(arrays)


@pytest.mark.filterwarnings("ignore::UserWarning")
@pytest.mark.parametrize(
    "params",
    [
        {"features__word__analyzer": str.split},
        {"features__word__token_pattern": r"\S+"},  # could match across what we split on
        {"features__word__ngram_range": (1, 3)},
        {"features__char__lowercase": False},  # the two parts must read words alike
    ],
)
def test_unsupported_pipelines_fall_back(params):
    pipeline = build_pipeline(random_state=0)
    pipeline.set_params(**params)
    pipeline.fit(TEXTS, LABELS)
    assert predictor(pipeline) is pipeline
    with pytest.raises(ValueError):
        FastModel.from_pipeline(pipeline)


def test_models_saved_before_folding_still_take_the_fast_path():
    pipeline = build_pipeline(random_state=0)
    pipeline.set_params(
        features__word__strip_accents="unicode", features__char__strip_accents="unicode"
    )
    pipeline.fit(TEXTS, LABELS)
    fast = FastModel.from_pipeline(pipeline)
    assert fast.accent_name == "unicode"
    assert_same_predictions(pipeline.predict_proba(TEXTS + ODD), fast.predict_proba(TEXTS + ODD))


def test_project_token_pattern_is_one_the_fast_path_knows():
    from stance.fast import SAFE_TOKEN_PATTERNS
    from stance.pipeline import TOKEN_PATTERN

    assert TOKEN_PATTERN in SAFE_TOKEN_PATTERNS


def test_word_store_stays_bounded(fitted, monkeypatch):
    import stance.fast

    pipeline, fast = fitted
    monkeypatch.setattr(stance.fast, "WORD_CACHE_SIZE", 10)
    fast._forget_words()
    batches = [[f"word{i} other{i} more{i}" for i in range(k, k + 3)] for k in (0, 3, 6, 0)]
    for texts in batches:
        assert_same_predictions(pipeline.predict_proba(texts), fast.predict_proba(texts))
        assert len(fast.word_ids) <= 10  # emptied before it would grow past the limit
    fast._forget_words()


@pytest.fixture(scope="module")
def fitted():
    pipeline = build_pipeline(random_state=0).fit(TEXTS, LABELS)
    return pipeline, FastModel.from_pipeline(pipeline)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.text(max_size=60), min_size=1, max_size=5))
def test_any_text_gives_identical_probabilities(fitted, texts):
    pipeline, fast = fitted
    assert_same_predictions(pipeline.predict_proba(texts), fast.predict_proba(texts))


def test_int_table_finds_every_key_and_nothing_else():
    from stance.fast import IntTable

    rng = np.random.default_rng(0)
    keys = rng.choice(10**12, size=5000, replace=False)
    values = rng.integers(0, 10**6, size=keys.size)
    table = IntTable(keys, values)
    assert np.array_equal(table.get(keys), values)
    others = np.setdiff1d(rng.integers(0, 10**12, size=5000), keys)
    assert (table.get(others) == -1).all()
    assert (IntTable(keys[:0], values[:0]).get(keys[:3]) == -1).all()
    assert IntTable(keys[:1], values[:1]).get(keys[:1])[0] == values[0]
