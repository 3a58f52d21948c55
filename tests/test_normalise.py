"""Character folding: typographic punctuation reads as its ASCII form, in the pipeline too."""

from stance.normalise import fold_text, strip_accents_unicode

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
    assert [c for c in fold_text(odd) if c.isspace()] == [c for c in odd if c.isspace()]
    assert len(fold_text(odd).split()) == len(odd.split())


def test_saved_model_reads_curly_and_straight_text_alike(tiny_model):
    # Trained, saved and loaded as `stance train` does: the folding survives the pickle.
    straight = ['We can\'t win, "they" said.', "Putin's war..."]
    curly = ["We can\u2019t win, \u201cthey\u201d said.", "Putin\u2019s war\u2026"]
    assert (tiny_model.predict_proba(straight) == tiny_model.predict_proba(curly)).all()
