import pandas as pd

from stance.checks import skewed_words


def frame_of(rows: list[tuple[str, str]]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=["text", "label"])


def test_skewed_words_flags_a_word_that_comes_with_one_label():
    rows = [(f"The current line {i}.", "realist") for i in range(9)]
    rows += [("The current account is in surplus.", "neutral")]
    rows += [
        (f"Russia said the thing {i}.", label)
        for i in range(3)
        for label in ("pro-war", "anti-war", "neutral", "realist")
    ]
    found = skewed_words(frame_of(rows), min_rows=5)
    by_word = {entry["word"]: entry for entry in found}
    # "current" and "line" are in realist sentences 9 times out of 10 (and 9 of 9).
    assert by_word["current"] == {"word": "current", "rows": 10, "label": "realist", "share": 0.9}
    assert by_word["line"]["share"] == 1.0
    # Spread evenly over the labels, and "the" is everywhere: not skewed.
    assert "russia" not in by_word and "the" not in by_word
    # Most frequent first.
    assert [entry["word"] for entry in found] == ["current", "line"]


def test_skewed_words_threshold_and_rare_words():
    rows = [("alpha beta", "pro-war")] * 3 + [("alpha", "neutral")] * 2 + [("gamma", "realist")]
    assert skewed_words(frame_of(rows), min_rows=5) == []  # alpha is 60% pro-war
    assert [e["word"] for e in skewed_words(frame_of(rows), min_rows=5, share=0.6)] == ["alpha"]
    assert skewed_words(frame_of(rows), min_rows=50) == []  # nothing that frequent
    assert skewed_words(frame_of([("alpha", "neutral")] * 30), min_rows=5) == []  # one label
