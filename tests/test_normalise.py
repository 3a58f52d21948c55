"""Character folding: typographic punctuation reads as its ASCII form, in the pipeline too."""

from stance.normalise import fold_text, strip_accents_unicode
from stance.pipeline import build_pipeline
from tests.conftest import TINY

TEXTS = [t for texts in TINY.values() for t in texts]
LABELS = [label for label, texts in TINY.items() for _ in texts]
CURLY = "\u201cWe can\u2019t win,\u201d he said \u2018quietly\u2019\u2026 \u00abnever\u00bb"


def test_typographic_quotes_become_ascii():
    assert fold_text(CURLY) == '"We can\'t win," he said \'quietly\'... "never"'


def test_accents_are_stripped_as_before():
    assert fold_text("Mykola\u00efv caf\u00e9") == strip_accents_unicode("Mykola\u00efv caf\u00e9")
    assert fold_text("Mykola\u00efv caf\u00e9") == "Mykolaiv cafe"


def test_typography_never_creates_or_removes_whitespace():
    # The fast path folds word by word: the same as folding the text only if this holds.
    # (Stripping accents can: a lone diaeresis becomes a space, which the fast path handles.)
    odd = CURLY + " \u02bc \u2032\u2033 x \t\n"
    assert [c.isspace() for c in fold_text(odd) if c.isspace()] == [
        c.isspace() for c in odd if c.isspace()
    ]
    assert len(fold_text(odd).split()) == len(odd.split())


def test_pipeline_reads_curly_and_straight_text_alike():
    pipeline = build_pipeline(random_state=0).fit(TEXTS, LABELS)
    straight = ['We can\'t win, "they" said.', "Putin's war..."]
    curly = ["We can\u2019t win, \u201cthey\u201d said.", "Putin\u2019s war\u2026"]
    assert (pipeline.predict_proba(straight) == pipeline.predict_proba(curly)).all()
