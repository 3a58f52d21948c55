from pathlib import Path

import numpy as np
import pytest

from stance.errors import DataError, UsageError
from stance.labels import read_labels
from stance.pipeline import build_pipeline, pipeline_params
from stance.training import check_trainable, cross_validate, train
from tests.conftest import write_labels


def test_pipeline_takes_raw_strings():
    pipeline = build_pipeline(**pipeline_params(rows=2), random_state=0)
    pipeline.fit(["war now", "peace now"], ["pro-war", "anti-war"])
    assert pipeline.predict(["war"]).tolist() == ["pro-war"]
    assert pipeline.predict_proba(["peace"]).shape == (1, 2)


def test_min_df_steps_down_on_small_data_only():
    assert pipeline_params()["min_df"] == 2
    assert pipeline_params(rows=999)["min_df"] == 1
    assert pipeline_params(rows=1000)["min_df"] == 2
    assert pipeline_params({"min_df": 3}, rows=5_000)["min_df"] == 3


def test_training_on_a_few_sentences_keeps_every_term(tmp_path):
    rows = [("war now", "pro-war"), ("peace now", "anti-war")] * 3
    result = train(read_labels([write_labels(tmp_path / "few.csv", rows)]), n_splits=0)
    assert result.params["min_df"] == 1
    assert result.pipeline.predict(["war"]).tolist() == ["pro-war"]


def test_char_ngrams_make_a_feature_union():
    pipeline = build_pipeline(char_ngrams=(2, 4))
    assert [name for name, _ in pipeline.named_steps["features"].transformer_list] == [
        "word",
        "char",
    ]


def test_unknown_hyperparameter_is_refused():
    with pytest.raises(ValueError, match="unknown hyperparameter"):
        pipeline_params({"alpha": 1})


def test_cross_validation_scores_and_out_of_fold_probabilities(tiny_rows):
    texts, labels = zip(*tiny_rows, strict=True)
    result = cross_validate(texts, labels, n_splits=2, random_state=0)
    summary = result.summary()
    assert len(result.fold_macro_f1) == 2
    assert 0.0 <= summary["macro_f1"] <= 1.0
    assert set(summary["per_class"]) == set(labels)
    assert result.oof_proba.shape == (40, 4)
    np.testing.assert_allclose(result.oof_proba.sum(axis=1), 1.0)
    # Same seed, same folds, same scores.
    again = cross_validate(texts, labels, n_splits=2, random_state=0)
    assert again.fold_macro_f1 == result.fold_macro_f1


def test_near_duplicates_never_straddle_folds(monkeypatch):
    import stance.training as training

    seen = []
    original = training.StratifiedGroupKFold.split

    def spy(self, X, y, groups):
        for train_idx, test_idx in original(self, X, y, groups):
            seen.append((set(groups[train_idx]), set(groups[test_idx])))
            yield train_idx, test_idx

    monkeypatch.setattr(training.StratifiedGroupKFold, "split", spy)
    texts = ["freeze the front now please"] * 2 + [f"unique sentence number {i}" for i in range(10)]
    labels = ["realist", "realist"] + ["neutral", "realist"] * 5
    cross_validate(texts, labels, n_splits=2, random_state=0)
    for train_groups, test_groups in seen:
        assert not train_groups & test_groups


def test_too_few_examples_per_class_lists_counts():
    with pytest.raises(DataError, match="per label: neutral 5, realist 1"):
        check_trainable(["neutral"] * 5 + ["realist"], n_splits=5)
    with pytest.raises(DataError, match="at least two labels"):
        check_trainable(["neutral"] * 5, n_splits=0)
    with pytest.raises(UsageError):
        cross_validate(["a", "b"], ["x", "y"], n_splits=1)


def test_copies_of_one_sentence_per_label_cannot_be_cross_validated():
    # Each label's copies form one group, so a fold's training part holds one label only.
    texts = ["Freeze the front.", "Stop the war."] * 3
    labels = ["realist", "anti-war"] * 3
    with pytest.raises(DataError, match="fold 1 has only one label"):
        cross_validate(texts, labels, n_splits=2)
    with pytest.raises(DataError, match="near-duplicates leave 2"):
        cross_validate(texts, labels, n_splits=3)


def test_train_fits_on_all_rows(tiny_labels: Path):
    result = train(read_labels([tiny_labels]), n_splits=2, random_state=0)
    assert list(result.pipeline.classes_) == ["anti-war", "neutral", "pro-war", "realist"]
    assert result.pipeline.predict(["Freeze the front and dig in."])[0] == "realist"


def test_every_text_empty_after_tokenising(tmp_path: Path):
    path = tmp_path / "empty.csv"
    path.write_text("text,label\n...,neutral\n!!!,realist\n", encoding="utf-8")
    with pytest.raises(DataError, match="empty after tokenising"):
        train(read_labels([path]), n_splits=0)


def test_search_with_a_small_grid(tiny_rows):
    from stance.training import search

    texts, labels = zip(*tiny_rows, strict=True)
    grid = {"C": [0.1, 10.0], "word_ngrams": [(1, 1)]}
    found = search(texts, labels, grid=grid, n_splits=2, random_state=0)
    # Two grid points plus the defaults, all on the same folds, best first.
    assert len(found["results"]) == 3
    scores = [r["macro_f1"] for r in found["results"]]
    assert scores == sorted(scores, reverse=True)
    assert found["best"] == found["results"][0]
    assert found["default"]["params"]["C"] == pipeline_params()["C"]
    assert {r["params"]["C"] for r in found["results"]} >= {0.1, 10.0}


def test_search_records_the_settings_it_fitted(tiny_rows):
    from stance.training import search

    texts, labels = zip(*tiny_rows, strict=True)
    # Below SMALL_DATA_ROWS both min_df values fit min_df=1: one model, scored once.
    found = search(texts, labels, grid={"min_df": [1, 2]}, n_splits=2, random_state=0)
    assert [r["params"]["min_df"] for r in found["results"]] == [1]
    assert found["default"] == found["best"]
