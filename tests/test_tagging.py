import numpy as np
import pytest

from stance.errors import UsageError
from stance.readers import Document
from stance.tagging import UNCERTAIN, iter_units, output_columns, tag_documents


def test_units_keep_offsets():
    text = "First line. Second.\n\n  Third line  \n"
    for unit in ("sentence", "line", "document"):
        for span in iter_units(text, unit=unit):
            assert text[span.start : span.end] == span.text
    assert [s.text for s in iter_units(text, unit="line")] == ["First line. Second.", "Third line"]
    assert [s.text for s in iter_units(text, unit="document")] == [text.strip()]


def test_rows_have_every_column_in_order(tiny_model):
    docs = [Document("a", "Freeze the front and dig in. Stop the war."), Document("b", "")]
    rows = list(tag_documents(docs, tiny_model, batch_size=1))
    assert [(r["doc"], r["index"]) for r in rows] == [("a", 0), ("a", 1)]
    assert list(rows[0]) == output_columns(tiny_model.classes_)
    assert rows[0]["label"] == "realist" and rows[1]["label"] == "anti-war"
    probabilities = [rows[0][f"p_{c}"] for c in tiny_model.classes_]
    assert abs(sum(probabilities) - 1) < 1e-3
    assert rows[0]["confidence"] == max(probabilities)


def test_batching_does_not_change_results(tiny_model):
    docs = [Document(str(i), "Freeze the front. Stop the war. Leave a reply.") for i in range(5)]
    one = list(tag_documents(docs, tiny_model, batch_size=1))
    many = list(tag_documents(docs, tiny_model, batch_size=1000))
    assert one == many


def test_min_confidence_marks_uncertain(tiny_model):
    docs = [Document("a", "Something about the weather.")]
    assert list(tag_documents(docs, tiny_model, min_confidence=1.0))[0]["label"] == UNCERTAIN
    assert list(tag_documents(docs, tiny_model, min_confidence=0.0))[0]["label"] != UNCERTAIN


@pytest.mark.parametrize("kwargs", [{"unit": "word"}, {"batch_size": 0}, {"min_confidence": 1.5}])
def test_bad_arguments(tiny_model, kwargs):
    with pytest.raises(UsageError):
        list(tag_documents([Document("a", "x")], tiny_model, **kwargs))


def test_rounded_strings_are_what_csv_writes_for_rounded_floats():
    from stance.tagging import rounded_strings

    rng = np.random.default_rng(0)
    values = np.concatenate([rng.random(20_000), [0.0, 1.0, 0.00005, 0.99995, 0.12345, 0.5]])
    expected = [str(v) for v in np.round(values, 4).tolist()]
    assert rounded_strings(values).tolist() == expected
    assert rounded_strings(values.reshape(2, -1)).tolist() == [
        expected[: values.size // 2],
        expected[values.size // 2 :],
    ]
