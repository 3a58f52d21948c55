"""Property tests: the splitter and the label reader never misbehave on arbitrary input."""

import pandas as pd
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from stance.errors import StanceError
from stance.labels import LABELS, parse_labels_csv
from stance.sentences import split_sentences

# Text with the characters the splitter cares about, plus anything unicode.
pieces = st.sampled_from(
    [
        ".",
        "!",
        "?",
        "…",
        " ",
        "\n",
        "\n\n",
        '"',
        "”",
        ")",
        "Mr.",
        "U.S.",
        "1.",
        ";",
        "a",
        "B",
        "war",
        "Kyiv",
        "\t",
        "\r\n",
        "\u00a0",
    ]
)
texts = st.one_of(st.text(), st.lists(st.one_of(pieces, st.text(max_size=5))).map("".join))


@settings(max_examples=400, suppress_health_check=[HealthCheck.too_slow])
@given(texts)
def test_splitter_offsets_and_coverage(text):
    sentences = split_sentences(text)
    previous_end = 0
    for sentence in sentences:
        assert text[sentence.start : sentence.end] == sentence.text
        assert sentence.text == sentence.text.strip() and sentence.text
        assert sentence.start >= previous_end
        previous_end = sentence.end
    # Nothing lost or duplicated: the non-space characters are exactly those of the text.
    assert "".join("".join(s.text.split()) for s in sentences) == "".join(text.split())


@given(st.text(alphabet=st.characters(blacklist_categories=["Cs"]), min_size=1000, max_size=3000))
def test_splitter_bounds_long_runs(text):
    assert all(len(s.text) <= 1000 for s in split_sentences(text))


@settings(max_examples=400)
@given(st.binary(max_size=300))
def test_label_reader_any_bytes(raw):
    try:
        frame = parse_labels_csv(raw, name="fuzz.csv")
    except StanceError:
        return
    assert isinstance(frame, pd.DataFrame) and len(frame)
    assert frame["label"].isin(LABELS).all()
    assert (frame["text"].str.len() > 0).all()


header = st.sampled_from(["text,label", "text,label,source", "label,text", "text,text,label"])
cell = st.one_of(st.sampled_from([*LABELS, "NA", "", '"', ",", "\n"]), st.text(max_size=8))


@settings(max_examples=300)
@given(header, st.lists(st.lists(cell, min_size=1, max_size=4), max_size=5))
def test_label_reader_csv_like_input(head, rows):
    raw = (head + "\n" + "\n".join(",".join(r) for r in rows)).encode("utf-8")
    try:
        frame = parse_labels_csv(raw, name="fuzz.csv")
    except StanceError:
        return
    assert frame["label"].isin(LABELS).all()
