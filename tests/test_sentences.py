from pathlib import Path

import pytest

from stance.sentences import MAX_SENTENCE_CHARS, split_sentences

SEEDS = Path(__file__).resolve().parent.parent / "seeds"


def texts(text: str) -> list[str]:
    return [s.text for s in split_sentences(text)]


def test_offsets_slice_back_to_the_sentence():
    text = "  First one.  Second one!\n\nThird?  "
    for sentence in split_sentences(text):
        assert text[sentence.start : sentence.end] == sentence.text
    assert texts(text) == ["First one.", "Second one!", "Third?"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "Mr. Putin met Dr. Smith in the U.S. capital. Then he left.",
            ["Mr. Putin met Dr. Smith in the U.S. capital.", "Then he left."],
        ),
        (
            "It began on Feb. 24 at dawn. Nobody expected it.",
            ["It began on Feb. 24 at dawn.", "Nobody expected it."],
        ),
        ('He said: "We will win." Then he left.', ['He said: "We will win."', "Then he left."]),
        ("The war (as he put it.) It went on.", ["The war (as he put it.)", "It went on."]),
        ("J. R. Smith wrote it. It is long.", ["J. R. Smith wrote it.", "It is long."]),
        ("LOL…Putin lost. Sure.", ["LOL…Putin lost.", "Sure."]),
        ("approx. five men came. They left.", ["approx. five men came.", "They left."]),
    ],
)
def test_abbreviations_quotes_and_brackets(text, expected):
    assert texts(text) == expected


def test_headings_and_list_items_without_full_stops_are_sentences():
    text = "The rise of the realists\n\nSome believe it.\n- first item\n- second item\n  1. Goran"
    assert texts(text) == [
        "The rise of the realists",
        "Some believe it.",
        "- first item",
        "- second item",
        "1. Goran",
    ]


def test_semicolon_at_paragraph_end_splits_but_not_inside_a_line():
    text = "It revealed that the team preferred safety;\n\nHe was joined by many; they agreed."
    assert texts(text) == [
        "It revealed that the team preferred safety;",
        "He was joined by many; they agreed.",
    ]


def test_hard_wrapped_lines_are_joined():
    text = (
        "A Russian political analyst said that the elites are struggling to cut ties\n"
        "with the president after the retreat. Another line.\n"
    )
    assert texts(text) == [
        "A Russian political analyst said that the elites are struggling to cut ties\n"
        "with the president after the retreat.",
        "Another line.",
    ]


def test_long_run_without_boundary_is_cut_into_bounded_pieces():
    text = "word " * 5000
    pieces = split_sentences(text)
    assert len(pieces) > 1
    assert all(len(p.text) <= MAX_SENTENCE_CHARS for p in pieces)
    assert " ".join(p.text for p in pieces) == text.strip()


def test_empty_and_blank_text():
    assert split_sentences("") == []
    assert split_sentences(" \n\n \t") == []


def test_seed_articles_split_as_labelled():
    article = (SEEDS / "000_28f01a65e7c12fff.txt").read_text(encoding="utf-8")
    sentences = texts(article)
    assert len(sentences) == 28
    assert sentences[5] == "Moscow did not manage the war well."
    assert sentences[15] == "The rise of the realists"
    assert sentences[20].endswith("President Putin;")
    comments = texts((SEEDS / "004_b41d778dfca7b0be.txt").read_text(encoding="utf-8"))
    assert "ROTFL" in comments
    assert "1. Goran" in comments
    assert "October 9, 2022 at 10:10 am" in comments
    assert comments[-1] == "Required fields are marked *"


@pytest.mark.parametrize("text", ["Mr. X", "Dr. No.", "A. B", "U.S. aid"])
def test_abbreviation_at_the_very_start_of_a_short_text(text):
    assert len(split_sentences(text)) == 1
