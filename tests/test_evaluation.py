import numpy as np
import pytest

from stance.errors import UsageError
from stance.evaluation import evaluate, explain, reliability, score_predictions, top_features
from stance.pipeline import build_pipeline

CLASSES = ["anti-war", "neutral"]


def test_scores_on_known_answers():
    # Three right, one wrong (gold neutral, predicted anti-war with 0.9).
    proba = np.array([[0.8, 0.2], [0.3, 0.7], [0.9, 0.1], [0.6, 0.4]])
    gold = ["anti-war", "neutral", "neutral", "anti-war"]
    report = score_predictions(gold, proba, CLASSES, texts=["a", "b", "c", "d"], errors=5)
    assert report["accuracy"] == 0.75
    assert report["confusion"] == [[2, 0], [1, 1]]
    assert report["per_class"]["anti-war"] == {
        "precision": round(2 / 3, 4),
        "recall": 1.0,
        "f1": 0.8,
        "support": 2,
    }
    assert report["per_class"]["neutral"]["recall"] == 0.5
    assert report["macro_f1"] == round((0.8 + 2 / 3) / 2, 4)
    assert [e["text"] for e in report["errors"]] == ["c"]
    assert report["errors"][0]["confidence"] == 0.9


def test_reliability_table_and_ece():
    proba = np.array([[0.95, 0.05], [0.95, 0.05], [0.65, 0.35], [0.65, 0.35]])
    correct = np.array([True, True, True, False])
    ece, table = reliability(proba, correct, bins=10)
    assert ece == pytest.approx(0.5 * 0.05 + 0.5 * 0.15)
    filled = [row for row in table if row["count"]]
    assert [(r["lower"], r["count"], r["accuracy"]) for r in filled] == [
        (0.6, 2, 0.5),
        (0.9, 2, 1.0),
    ]


def test_perfectly_calibrated_model_has_zero_ece():
    proba = np.array([[1.0, 0.0], [0.0, 1.0]])
    ece, _ = reliability(proba, np.array([True, True]))
    assert ece == 0.0


@pytest.fixture(scope="module")
def word_model():
    texts = ["freeze the front", "freeze it now", "stop the war", "stop it now"] * 3
    labels = ["realist", "realist", "anti-war", "anti-war"] * 3
    return build_pipeline(C=10.0, word_ngrams=(1, 1), random_state=0).fit(texts, labels)


def test_explain_names_the_words_a_reader_would(word_model):
    result = explain(word_model, "freeze the war", top=5)
    towards = [name for name, _ in result["towards"]]
    away = [name for name, _ in result["away"]]
    assert result["label"] == "realist"
    assert towards[0] == "freeze"
    assert away[0] == "war"
    assert all(score > 0 for _, score in result["towards"])
    assert abs(sum(result["probabilities"].values()) - 1) < 1e-3


def test_explain_refuses_blank_text(word_model):
    with pytest.raises(UsageError, match="blank"):
        explain(word_model, " \n ")


def test_top_features_per_label(word_model):
    features = top_features(word_model, top=2)
    assert features["realist"][0][0] == "freeze"
    assert features["anti-war"][0][0] == "stop"


def test_explain_with_character_ngrams_strips_prefixes():
    texts = ["freeze the front", "stop the war"] * 4
    labels = ["realist", "anti-war"] * 4
    model = build_pipeline(char_ngrams=(2, 3), random_state=0).fit(texts, labels)
    result = explain(model, "freeze", top=3)
    assert result["label"] == "realist"
    assert not any("__" in name for name, _ in result["towards"])


def test_evaluate_model(tiny_model):
    report = evaluate(
        tiny_model, ["Freeze the front and dig in.", "Stop the war."], ["realist", "anti-war"]
    )
    assert report["n"] == 2 and report["accuracy"] == 1.0 and report["errors"] == []
