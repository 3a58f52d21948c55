"""Character folding applied by the vectorisers before n-grams are cut.

Shared by the scikit-learn pipeline (as `strip_accents=fold_text`, so a pickled model refers
to it by name) and by the fast path, which must not import scikit-learn. Both apply it to
lowercased text; the fast path applies it word by word and splits the result again, which
gives the same words because the translation below never makes or removes whitespace.
"""

from __future__ import annotations

import unicodedata

# Real web pages write typographic quotes where the labelled sentences mostly have ASCII
# ones: without this, "can\u2019t" and "can't" (and their character n-grams) are different
# features and a model trained on one never sees the other.
_TYPOGRAPHY = str.maketrans(
    {
        "\u2018": "'",  # left single quotation mark
        "\u2019": "'",  # right single quotation mark
        "\u201a": "'",  # single low-9 quotation mark
        "\u201b": "'",  # single high-reversed-9 quotation mark
        "\u02bc": "'",  # modifier letter apostrophe
        "\u2032": "'",  # prime
        "\u201c": '"',  # left double quotation mark
        "\u201d": '"',  # right double quotation mark
        "\u201e": '"',  # double low-9 quotation mark
        "\u201f": '"',  # double high-reversed-9 quotation mark
        "\u00ab": '"',  # left-pointing double angle quotation mark
        "\u00bb": '"',  # right-pointing double angle quotation mark
        "\u2033": '"',  # double prime
        "\u2026": "...",  # horizontal ellipsis
    }
)


def strip_accents_unicode(text: str) -> str:
    """As sklearn.feature_extraction.text.strip_accents_unicode."""
    if text.isascii():
        return text
    normalized = unicodedata.normalize("NFKD", text)
    return "".join([c for c in normalized if not unicodedata.combining(c)])


def strip_accents_ascii(text: str) -> str:
    """As sklearn.feature_extraction.text.strip_accents_ascii."""
    return unicodedata.normalize("NFKD", text).encode("ASCII", "ignore").decode("ASCII")


def fold_text(text: str) -> str:
    """Typographic quotes, apostrophes and ellipses made ASCII, then accents stripped."""
    if text.isascii():
        return text
    return strip_accents_unicode(text.translate(_TYPOGRAPHY))
