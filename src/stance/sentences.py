"""Article text -> sentences with character offsets.

A precompiled regex finds candidate sentence ends; a small abbreviation guard rejects the
false ones ("Mr.", "U.S.", "Feb."). Line structure matters as much as punctuation in scraped
articles: headings, bylines, list items and comment headers carry no full stop, so a line
break ends a sentence unless the text is visibly hard-wrapped.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import NamedTuple

# Longest sentence we emit; a longer run without a boundary (a scraped blob, a 5 MB line) is
# cut at whitespace so memory and the vectoriser's work stay bounded.
MAX_SENTENCE_CHARS = 1000

ABBREVIATIONS = frozenset(
    """
    mr mrs ms dr prof sr jr st mt gen col lt maj capt cpt sgt adm cmdr gov sen rep rev hon pres
    jan feb mar apr jun jul aug sep sept oct nov dec mon tue wed thu fri sat sun
    no nos vol pp fig approx est dept inc ltd co corp vs cf al
    u.s u.k u.n e.u u.s.a u.s.s.r e.g i.e a.m p.m
    """.split()
)

# A run of terminal punctuation, then closing quotes or brackets, then whitespace.
_END = re.compile(r"[.!?\u2026]+[\"'\u201d\u2019\u00bb)\]]*(?=\s)")
# The word just before a full stop, dots inside it kept ("U.S").
_WORD_BEFORE = re.compile(r"([\w.]+)\.$")
_LINE = re.compile(r"[^\n]+")
_WRAPPED_LINE_MIN = 50  # a line at least this long that ends mid-sentence is taken as wrapped
_CLAUSE_END = (".", "!", "?", "\u2026", ":", ";", '"', "\u201d", ")")


class Sentence(NamedTuple):  # a tuple: cheap to make, once per sentence of an archive
    start: int
    end: int
    text: str


def _blocks(text: str) -> Iterator[tuple[int, int]]:
    """Spans of text between hard line boundaries (paragraphs, headings, list items)."""
    start = end = None
    for match in _LINE.finditer(text):
        line = match.group()
        if not line.strip():
            continue
        if start is not None:
            gap = text[end : match.start()]
            previous = text[start:end].rstrip()
            next_line = line.lstrip()
            wrapped = (
                gap == "\n"
                and len(text[text.rfind("\n", 0, end) + 1 : end]) >= _WRAPPED_LINE_MIN
                and not previous.endswith(_CLAUSE_END)
                and next_line[:1].islower()
            )
            if not wrapped:
                yield start, end
                start = match.start()
        else:
            start = match.start()
        end = match.end()
    if start is not None:
        yield start, end


def _is_false_end(text: str, block_start: int, stop: int) -> bool:
    """True when the full stop at text[stop - 1] belongs to an abbreviation or an initial."""
    if text[stop - 1] != ".":
        return False
    match = _WORD_BEFORE.search(text, max(block_start, stop - 20), stop)
    if not match:
        return False
    word = match.group(1).lower()
    if word.isdigit() and not text[block_start : match.start()].strip():
        return True  # a list number opening the line: "1. Goran"
    if word in ABBREVIATIONS or word.rstrip(".") in ABBREVIATIONS:
        return True
    # A single capital letter is an initial ("J. Smith"), dotted capitals an acronym.
    return len(word) == 1 and match.group(1).isupper()


def _bounded(start: int, end: int, text: str) -> Iterator[tuple[int, int]]:
    """Cut a span longer than MAX_SENTENCE_CHARS at whitespace (or hard, if there is none)."""
    while end - start > MAX_SENTENCE_CHARS:
        limit = start + MAX_SENTENCE_CHARS
        cut = text.rfind(" ", start + MAX_SENTENCE_CHARS // 2, limit)
        cut = limit if cut == -1 else cut
        yield start, cut
        start = cut
    yield start, end


def _stripped(text: str, start: int, end: int) -> Sentence | None:
    piece = text[start:end]
    left = len(piece) - len(piece.lstrip())
    right = len(piece.rstrip())
    if right <= left:
        return None
    return Sentence(start + left, start + right, piece[left:right])


def split_sentences(text: str) -> list[Sentence]:
    """Split `text` into sentences; each sentence's text is text[start:end]."""
    return list(iter_sentences(text))


def iter_sentences(text: str) -> Iterator[Sentence]:
    # The common case is written out inline: this runs once per sentence of an archive.
    for block_start, block_end in _blocks(text):
        start = block_start
        for match in _END.finditer(text, block_start, block_end):
            stop = match.end()
            dot = match.start()
            # A word of 7+ letters before the full stop is no abbreviation or initial.
            if (
                text[dot] == "."
                and not (dot >= 7 and text[dot - 7 : dot].isalpha())
                and _is_false_end(text, block_start, dot + 1)
            ) or text[stop : stop + 10].lstrip()[:1].islower():
                continue
            if stop - start <= MAX_SENTENCE_CHARS:
                piece = text[start:stop]
                stripped = piece.strip()
                if stripped:
                    left = start + len(piece) - len(piece.lstrip())
                    yield Sentence(left, left + len(stripped), stripped)
            else:
                yield from _emit(text, start, stop)
            start = stop
        yield from _emit(text, start, block_end)


def _emit(text: str, start: int, end: int) -> Iterator[Sentence]:
    for piece_start, piece_end in _bounded(start, end, text):
        sentence = _stripped(text, piece_start, piece_end)
        if sentence is not None:
            yield sentence
