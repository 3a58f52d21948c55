"""The tagging hot path: the fitted pipeline's arithmetic, faster, with the same predictions.

Nearly all the time to tag a sentence with the plain pipeline goes to the vectorisers'
Python loops, building and looking up every n-gram string. Here each distinct
whitespace-separated word is analysed once (cached across batches): its character n-grams
(`char_wb` n-grams never cross a space) and its word tokens (the token pattern never matches
a space), both as column numbers. A batch's counts are then one sparse product (sentences x
distinct words) @ (distinct words x features), plus word bigrams found with NumPy from the
token sequence. Sublinear tf, idf, per-part normalisation and the logistic regression follow
as array operations. The results equal the plain pipeline's up to float rounding (the tests
check labels exactly and probabilities to 1e-12): sums are taken in a different order.

The same arrays are saved beside the model as a NumPy `.npz` (no pickle), so `stance tag`
can load them without importing scikit-learn and without unpickling anything: faster to
start, smaller worker processes, and nothing in the file can run code.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import scipy.sparse as sp

from stance.normalise import fold_text, strip_accents_ascii, strip_accents_unicode

ARRAYS_FORMAT = 3
# Distinct words whose analysis is kept between batches; cleared when full, so memory stays
# flat however large the input (42k distinct words in 10 MB of press releases).
WORD_CACHE_SIZE = 50_000
# Token patterns known never to match whitespace (the project's and scikit-learn's default),
# so a text's tokens are the tokens of its words in order.
SAFE_TOKEN_PATTERNS = (r"(?u)\b\w[\w'\u2019-]*\b", r"(?u)\b\w\w+\b")
_NONE = np.zeros(0, dtype=np.int32)
NO_TOKEN = -2
SEPARATOR = "\x00"
# A word's analysis: word-feature columns, char n-gram columns, first and last token number.
Analysis = tuple[np.ndarray, np.ndarray, int, int]


_ACCENTS = {
    "": None,
    "unicode": strip_accents_unicode,
    "ascii": strip_accents_ascii,
    "fold": fold_text,
}


def _accent_name(strip_accents: Any) -> str | None:
    """The name under which a vectoriser's `strip_accents` is saved; None if unsupported."""
    if strip_accents is None:
        return ""
    if isinstance(strip_accents, str):
        return strip_accents if strip_accents in ("unicode", "ascii") else None
    return "fold" if strip_accents is fold_text else None


def softmax(scores: np.ndarray) -> np.ndarray:
    """As sklearn.utils.extmath.softmax(copy=False) on a NumPy array."""
    scores -= scores.max(axis=1).reshape(-1, 1)
    np.exp(scores, out=scores)
    scores /= scores.sum(axis=1).reshape(-1, 1)
    return scores


def _index(terms: Sequence[str]) -> dict[str, int]:
    return dict(zip(terms, range(len(terms)), strict=True))


# (tokens in number order, unigram column of each token, bigram keys, bigram columns)
TokenArrays = tuple[list[str], np.ndarray, np.ndarray, np.ndarray]


def token_arrays_of(word_terms: Sequence[str]) -> TokenArrays:
    """Number the tokens the word features are made of: unigram features first (in column
    order), then tokens seen only inside bigrams. A bigram's key is its first token's number
    times the token count plus its second's. Saved with the model, since splitting every
    bigram again took a quarter of a second at each start."""
    # (Written with C-level dict and map calls: models saved before format 3 run it at start.)
    unigrams = [c for c, t in enumerate(word_terms) if " " not in t]
    tokens = _index([word_terms[c] for c in unigrams])
    bigram_columns = [c for c, t in enumerate(word_terms) if " " in t]
    pairs = [word_terms[c].split(" ") for c in bigram_columns]
    firsts, seconds = [p[0] for p in pairs], [p[1] for p in pairs]
    extra = dict.fromkeys(itertools.chain(firsts, seconds)).keys() - tokens.keys()
    tokens.update(zip(sorted(extra), itertools.count(len(tokens))))
    # -1: the token only appears inside bigrams.
    unigram_column = np.full(len(tokens), -1, dtype=np.int64)
    unigram_column[: len(unigrams)] = unigrams
    number = tokens.__getitem__
    keys = np.fromiter(map(number, firsts), np.int64, len(pairs)) * max(len(tokens), 1)
    keys += np.fromiter(map(number, seconds), np.int64, len(pairs))
    return list(tokens), unigram_column, keys, np.array(bigram_columns, dtype=np.int64)


class FastModel:
    """Word (and optionally char_wb) TF-IDF + multinomial logistic regression, without
    scikit-learn at run time.

    Columns are the pipeline's: the word vectoriser's vocabulary first, then the character
    vectoriser's. `tokens` numbers every token a word feature is made of (unigram features
    first, in column order); bigrams are looked up by their two token numbers.
    """

    def __init__(
        self,
        *,
        word_terms: Sequence[str],
        char_terms: Sequence[str] | None,
        word_ngrams: tuple[int, int],
        char_ngrams: tuple[int, int] | None,
        token_pattern: str,
        lowercase: bool,
        strip_accents: str,
        sublinear_tf: bool,
        norm: str,
        idf: np.ndarray,
        coef: np.ndarray,
        intercept: np.ndarray,
        classes: Sequence[str],
        token_arrays: TokenArrays | None = None,
    ) -> None:
        self.word_terms = list(word_terms)
        self.char_terms = list(char_terms) if char_terms is not None else None
        self.word_ngrams = tuple(word_ngrams)
        self.char_ngrams = tuple(char_ngrams) if char_ngrams else None
        self.token_pattern = token_pattern
        self.pattern = re.compile(token_pattern)
        self.lowercase = lowercase
        self.accent_name = strip_accents
        self.accents = _ACCENTS[strip_accents]
        self.sublinear_tf = sublinear_tf
        self.norm = norm
        self.idf = np.asarray(idf, dtype=np.float64)
        self.coef_t = np.ascontiguousarray(np.asarray(coef, dtype=np.float64).T)
        self.intercept = np.asarray(intercept, dtype=np.float64)
        self.classes_ = np.asarray(classes, dtype=object)
        self.split = len(self.word_terms)  # first character column
        self.width = self.split + len(self.char_terms or ())
        self.char_vocabulary = _index(self.char_terms) if self.char_terms is not None else None
        if token_arrays is None:
            token_arrays = token_arrays_of(self.word_terms)
        self._build_tokens(token_arrays)
        self._score_weights()
        self._forget_words()

    def _build_tokens(self, token_arrays: TokenArrays) -> None:
        tokens, self.unigram_column, self.bigram_keys, self.bigram_columns = token_arrays
        self.tokens = _index(tokens)
        # A bigram's key: first token number * pair_base + second token number.
        self.pair_base = max(len(self.tokens), 1)
        self.bigrams = IntTable(self.bigram_keys, self.bigram_columns)

    # ---- analysis of one word -----------------------------------------------------------

    def _analyse(self, word: str) -> Analysis:
        """A word's word-feature columns (its unigrams and the bigrams inside it), its
        character n-gram columns, and its first and last token numbers (NO_TOKEN when it
        has none, -1 for a token that no feature contains)."""
        # Stripping accents can turn a character into a space ("¨" is " " + a combining
        # mark): one word of the text may be several words of the vectorisers.
        pieces = self.accents(word).split() if self.accents is not None else [word]
        get = self.tokens.get
        tokens = [get(t, -1) for piece in pieces for t in self.pattern.findall(piece)]
        columns = [int(self.unigram_column[t]) for t in tokens if t >= 0]
        for first, second in itertools.pairwise(tokens):
            if first >= 0 and second >= 0:
                columns.append(self._bigram(first, second))
        word_columns = np.array([c for c in columns if c >= 0], dtype=np.int32)
        char_columns = _NONE
        if self.char_vocabulary is not None:
            # The char_wb analyzer: the word padded with a space each side; a word shorter
            # than n gives itself once and ends the list, as in scikit-learn.
            grams: list[str] = []
            for piece in pieces:
                padded = f" {piece} "
                size = len(padded)
                for n in range(self.char_ngrams[0], self.char_ngrams[1] + 1):
                    if n >= size:
                        grams.append(padded)
                        break
                    grams.extend([padded[i : i + n] for i in range(size - n + 1)])
            found = [index for index in map(self.char_vocabulary.get, grams) if index is not None]
            char_columns = np.array(found, dtype=np.int32)
        if not tokens:
            return word_columns, char_columns, NO_TOKEN, NO_TOKEN
        return word_columns, char_columns, tokens[0], tokens[-1]

    def _bigram(self, first: int, second: int) -> int:
        key = first * self.pair_base + second
        return int(self.bigrams.get(np.array([key], dtype=np.int64))[0])

    # ---- a batch --------------------------------------------------------------------------

    def _words(self, texts: Sequence[str]) -> tuple[list[str], np.ndarray | None]:
        """The batch's words (lowercased; accents are stripped per distinct word, in
        _analyse) and where each text's words end. In one pass over the whole batch, with a
        SEPARATOR word between texts (ends None: they are found from the separators),
        unless a text holds that character itself."""
        joined = f" {SEPARATOR} ".join(texts)
        if joined.count(SEPARATOR) == len(texts) - 1:
            return (joined.lower() if self.lowercase else joined).split(), None
        words: list[str] = []
        ends = np.zeros(len(texts) + 1, dtype=np.int64)
        for number, text in enumerate(texts, start=1):
            words += (text.lower() if self.lowercase else text).split()
            ends[number] = len(words)
        return words, ends

    def _forget_words(self) -> None:
        # The analyses of the words seen so far, row by row, as flat arrays: rows of the
        # (words x columns) matrices the counts are multiplied out of.
        self.word_ids: dict[str, int] = {}
        self.word_part = _Rows(self.split)
        self.char_part = _Rows(len(self.char_terms or ()))
        self.first_token = np.zeros(0, dtype=np.int64)
        self.last_token = np.zeros(0, dtype=np.int64)
        # Number 0, always: marks where one text ends in a batch's word list. Its analysis
        # is that of the word itself, for a text that really holds it.
        self._learn_words([SEPARATOR])

    def _learn_words(self, words: Iterable[str]) -> None:
        analysed = [self._analyse(word) for word in words]
        if not analysed:
            return
        for word in words:
            self.word_ids[word] = len(self.word_ids)
        self.word_part.extend([a[0] for a in analysed])
        self.char_part.extend([a[1] for a in analysed])
        self.first_token = np.concatenate([self.first_token, [a[2] for a in analysed]])
        self.last_token = np.concatenate([self.last_token, [a[3] for a in analysed]])

    def counts(self, texts: Sequence[str]) -> list[sp.csr_array]:
        """Raw n-gram counts per vectoriser (word, then char), in each vectoriser's own
        columns; indices not sorted."""
        words, ends = self._words(texts)
        new = set(words).difference(self.word_ids)
        if len(self.word_ids) + len(new) > WORD_CACHE_SIZE:
            self._forget_words()  # keeps memory flat however many distinct words come
            new = set(words).difference(self.word_ids)
        self._learn_words(sorted(new))
        occurrences = np.fromiter(
            map(self.word_ids.__getitem__, words), dtype=np.int32, count=len(words)
        )
        if ends is None:
            boundary = occurrences == 0  # the SEPARATOR's number
            ends = np.empty(len(texts) + 1, dtype=np.int64)
            ends[0] = 0
            ends[1:-1] = np.flatnonzero(boundary) - np.arange(len(texts) - 1)
            ends[-1] = len(words) - (len(texts) - 1)
            occurrences = occurrences[~boundary]
        # (texts x words) @ (words x columns): the product adds up repeated n-grams, with a
        # few Python operations per distinct word instead of per n-gram.
        documents = sp.csr_array(
            (np.ones(occurrences.size, dtype=np.float32), occurrences, ends.astype(np.int32)),
            shape=(len(texts), len(self.word_ids)),
        )
        counts = documents @ self.word_part.matrix()
        across = self._bigrams_across(occurrences, ends)
        if across is not None:
            counts = counts + across
        parts = [counts]
        if self.char_terms is not None:
            parts.append(documents @ self.char_part.matrix())
        # Counted in float32 (small whole numbers, exact; half the memory of the cached
        # word rows), weighed in float64 as scikit-learn does.
        for part in parts:
            part.data = part.data.astype(np.float64)
        return parts

    def _bigrams_across(self, occurrences: np.ndarray, ends: np.ndarray) -> sp.csr_array | None:
        """Counts of the bigrams that span two words of a text: the last token of one word
        and the first token of the next word that has any."""
        rows = len(ends) - 1
        if not self.bigrams.size or occurrences.size < 2:
            return None
        first, last = self.first_token[occurrences], self.last_token[occurrences]
        row = np.repeat(np.arange(rows), np.diff(ends))
        has = first != NO_TOKEN
        first, last, row = first[has], last[has], row[has]
        pair = (row[1:] == row[:-1]) & (last[:-1] >= 0) & (first[1:] >= 0)
        keys = last[:-1][pair] * self.pair_base + first[1:][pair]
        found = self.bigrams.get(keys)
        hit = found >= 0
        hit_rows = row[:-1][pair][hit]  # in text order already
        indptr = np.zeros(rows + 1, dtype=np.int32)
        np.cumsum(np.bincount(hit_rows, minlength=rows), out=indptr[1:])
        columns = found[hit].astype(np.int32)
        ones = np.ones(columns.size, dtype=np.float32)
        return sp.csr_array((ones, columns, indptr), shape=(rows, self.split))

    def transform(self, texts: Sequence[str]) -> sp.csr_array:
        """The pipeline's features, tf-idf rows normalised per vectoriser (for checks; tagging
        goes through predict_proba, which never builds them)."""
        matrices = []
        for matrix, idf in zip(self.counts(list(texts)), self.part_idf, strict=True):
            data = matrix.data
            if self.sublinear_tf:
                np.log(data, out=data)
                data += 1.0
            data *= idf[matrix.indices]
            if self.norm:
                row = np.repeat(np.arange(matrix.shape[0]), np.diff(matrix.indptr))
                weights = data * data if self.norm == "l2" else np.abs(data)
                sums = np.bincount(row, weights=weights, minlength=matrix.shape[0])
                sums = np.sqrt(sums) if self.norm == "l2" else sums.astype(np.float64)
                sums[sums == 0.0] = 1.0
                data /= sums[row]
            matrices.append(matrix)
        return sp.hstack(matrices, format="csr")

    def _score_weights(self) -> None:
        # idf folded into the weights: per vectoriser, one sparse product gives the
        # unnormalised scores and another the squared (or absolute) norm, so normalising
        # costs a division per text instead of one per n-gram.
        bounds = [(0, self.split)] + ([(self.split, self.width)] if self.char_terms else [])
        self.part_idf = [self.idf[a:b] for a, b in bounds]
        self.part_weights = [
            np.ascontiguousarray(self.idf[a:b, None] * self.coef_t[a:b]) for a, b in bounds
        ]
        self.part_norms = [idf**2 if self.norm == "l2" else idf for idf in self.part_idf]

    def predict_proba(self, texts: Sequence[str]) -> np.ndarray:
        texts = list(texts)
        scores = np.tile(self.intercept, (len(texts), 1))
        parts = zip(self.counts(texts), self.part_weights, self.part_norms, strict=True)
        for matrix, weights, norms in parts:
            data = matrix.data
            if self.sublinear_tf:
                np.log(data, out=data)
                data += 1.0
            part = np.asarray(matrix @ weights)
            if self.norm:
                if self.norm == "l2":
                    np.multiply(data, data, out=data)
                sums = np.asarray(matrix @ norms)
                if self.norm == "l2":
                    np.sqrt(sums, out=sums)
                sums[sums == 0.0] = 1.0  # an empty row stays zero
                part /= sums[:, None]
            scores += part
        return softmax(scores)

    def predict(self, texts: Sequence[str]) -> np.ndarray:
        return self.classes_[self.predict_proba(texts).argmax(axis=1)]

    # ---- from a fitted scikit-learn pipeline -------------------------------------------

    @classmethod
    def from_pipeline(cls, pipeline: Any) -> FastModel:
        """Raises ValueError when the pipeline is not one this path reproduces."""
        vectorizers = _vectorizers(pipeline)
        classifier = pipeline.steps[-1][1] if vectorizers else None
        if (
            vectorizers is None
            or type(classifier).__name__ != "LogisticRegression"
            or len(classifier.classes_) < 3
        ):
            raise ValueError("this pipeline is not supported by the fast path")
        word, char = vectorizers
        shared = ("lowercase", "strip_accents", "sublinear_tf", "norm")
        if not _supported_word(word) or (
            char is not None
            and (
                not _supported_char(char)
                or any(getattr(word, name) != getattr(char, name) for name in shared)
            )
        ):
            raise ValueError("this pipeline is not supported by the fast path")
        parts = [word] if char is None else [word, char]
        idf = np.concatenate([v.idf_ if v.use_idf else np.ones(len(v.vocabulary_)) for v in parts])
        return cls(
            word_terms=_terms(word),
            char_terms=_terms(char) if char is not None else None,
            word_ngrams=tuple(word.ngram_range),
            char_ngrams=tuple(char.ngram_range) if char is not None else None,
            token_pattern=word.token_pattern,
            lowercase=bool(word.lowercase),
            strip_accents=_accent_name(word.strip_accents) or "",
            sublinear_tf=bool(word.sublinear_tf),
            norm=word.norm or "",
            idf=idf,
            coef=classifier.coef_,
            intercept=classifier.intercept_,
            classes=[str(c) for c in classifier.classes_],
        )

    # ---- to and from an .npz file (no pickle) ------------------------------------------

    def arrays(self) -> dict[str, np.ndarray]:
        arrays: dict[str, np.ndarray] = {
            "format": np.array(ARRAYS_FORMAT),
            "coef": self.coef_t.T,
            "intercept": self.intercept,
            "classes": np.array([str(c) for c in self.classes_]),
            "idf": self.idf,
            "config": np.array(
                [
                    self.token_pattern,
                    "lower" if self.lowercase else "",
                    self.accent_name,
                    self.norm,
                    "sublinear" if self.sublinear_tf else "",
                ]
            ),
            "ngrams": np.array([*self.word_ngrams, *(self.char_ngrams or (0, 0))]),
        }
        for name, terms in (
            ("word", self.word_terms),
            ("char", self.char_terms),
            ("token", list(self.tokens)),
        ):
            if terms is not None:
                blob = "".join(terms).encode("utf-32-le")
                arrays[f"{name}_terms"] = np.frombuffer(blob, dtype=np.uint32)
                arrays[f"{name}_lengths"] = np.array([len(t) for t in terms], dtype=np.int64)
        arrays["unigram_column"] = self.unigram_column
        arrays["bigram_keys"] = self.bigram_keys
        arrays["bigram_columns"] = self.bigram_columns
        return arrays

    @classmethod
    def from_arrays(cls, arrays: Any) -> FastModel:
        version = int(arrays["format"])
        if version not in (2, ARRAYS_FORMAT):
            raise ValueError(f"unknown arrays format {version}; retrain the model")
        pattern, lower, accents, norm, sublinear = arrays["config"].tolist()
        ngrams = [int(n) for n in arrays["ngrams"]]
        return cls(
            word_terms=_unpack(arrays["word_terms"], arrays["word_lengths"]),
            char_terms=(
                _unpack(arrays["char_terms"], arrays["char_lengths"])
                if "char_terms" in arrays
                else None
            ),
            word_ngrams=(ngrams[0], ngrams[1]),
            char_ngrams=(ngrams[2], ngrams[3]) if ngrams[2] else None,
            token_pattern=pattern,
            lowercase=lower == "lower",
            strip_accents=accents,
            sublinear_tf=sublinear == "sublinear",
            norm=norm,
            idf=arrays["idf"],
            coef=arrays["coef"],
            intercept=arrays["intercept"],
            classes=arrays["classes"].tolist(),
            # Format 2 (before 2026-12-04) did not save the token numbers; they are rebuilt.
            token_arrays=(
                (
                    _unpack(arrays["token_terms"], arrays["token_lengths"]),
                    arrays["unigram_column"],
                    arrays["bigram_keys"],
                    arrays["bigram_columns"],
                )
                if version >= 3
                else None
            ),
        )

    def save(self, handle: Any) -> None:
        np.savez(handle, **self.arrays())

    @classmethod
    def load(cls, path: Path) -> FastModel:
        with np.load(path, allow_pickle=False) as arrays:
            return cls.from_arrays({name: arrays[name] for name in arrays.files})


class IntTable:
    """A read-only hash table from non-negative int64 keys to int64 values, looked up for a
    whole array at once (open addressing, linear probing, at most half full)."""

    def __init__(self, keys: np.ndarray, values: np.ndarray) -> None:
        self.size = keys.size
        bits = max(1, int(2 * max(keys.size, 1) - 1).bit_length())
        self.mask, self.shift = (1 << bits) - 1, np.uint64(64 - bits)
        self.keys = np.full(1 << bits, -1, dtype=np.int64)
        self.values = np.zeros(1 << bits, dtype=np.int64)
        slots, pending = self._home(keys), np.arange(keys.size)
        while pending.size:
            # Each free slot takes the first key that wants it; the rest move on by one.
            free = self.keys[slots[pending]] == -1
            taken, first = np.unique(slots[pending[free]], return_index=True)
            winners = pending[free][first]
            self.keys[taken], self.values[taken] = keys[winners], values[winners]
            placed = np.zeros(keys.size, dtype=bool)
            placed[winners] = True
            pending = pending[~placed[pending]]
            slots[pending] = (slots[pending] + 1) & self.mask

    def _home(self, keys: np.ndarray) -> np.ndarray:
        mixed = keys.astype(np.uint64) * np.uint64(0x9E3779B97F4A7C15)  # wraps, on purpose
        return (mixed >> self.shift).astype(np.int64)

    def get(self, keys: np.ndarray) -> np.ndarray:
        """The value of each key, -1 where a key is not in the table."""
        result = np.full(keys.size, -1, dtype=np.int64)
        slots, pending = self._home(keys), np.arange(keys.size)
        while pending.size:
            stored = self.keys[slots[pending]]
            hit = stored == keys[pending]
            result[pending[hit]] = self.values[slots[pending[hit]]]
            pending = pending[~hit & (stored != -1)]
            slots[pending] = (slots[pending] + 1) & self.mask
        return result


class _Rows:
    """A 0/1 sparse matrix that grows by rows, each row given as its column numbers."""

    def __init__(self, width: int) -> None:
        self.width = width
        self.columns = _NONE
        self.indptr = np.zeros(1, dtype=np.int32)
        self.cached: sp.csr_array | None = None

    def extend(self, rows: list[np.ndarray]) -> None:
        lengths = np.fromiter(map(len, rows), np.int64, len(rows))
        ends = self.indptr[-1] + np.cumsum(lengths)
        self.indptr = np.concatenate([self.indptr, ends.astype(np.int32)])
        self.columns = np.concatenate([self.columns, *rows])
        self.cached = None

    def matrix(self) -> sp.csr_array:
        if self.cached is None:
            self.cached = sp.csr_array(
                (np.ones(self.columns.size, dtype=np.float32), self.columns, self.indptr),
                shape=(len(self.indptr) - 1, self.width),
            )
        return self.cached


def _terms(vectorizer: Any) -> list[str]:
    vocabulary = vectorizer.vocabulary_
    return sorted((str(t) for t in vocabulary), key=vocabulary.__getitem__)


def _unpack(blob: np.ndarray, lengths: np.ndarray) -> list[str]:
    text = blob.tobytes().decode("utf-32-le")
    ends = np.cumsum(lengths).tolist()
    return [text[s:e] for s, e in zip([0, *ends[:-1]], ends, strict=True)]


def _vectorizers(pipeline: Any) -> tuple[Any, Any] | None:
    """(word vectoriser, char vectoriser or None) of a supported pipeline."""
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.pipeline import FeatureUnion, Pipeline

    if not isinstance(pipeline, Pipeline) or len(pipeline.steps) != 2:
        return None
    features = pipeline.steps[0][1]
    if isinstance(features, TfidfVectorizer):
        return features, None
    if isinstance(features, FeatureUnion) and not features.transformer_weights:
        parts = [t for _, t in features.transformer_list]
        if len(parts) == 2 and all(isinstance(t, TfidfVectorizer) for t in parts):
            return parts[0], parts[1]
    return None


def _supported_common(vectorizer: Any) -> bool:
    return (
        vectorizer.input == "content"
        and vectorizer.preprocessor is None
        and vectorizer.tokenizer is None
        and vectorizer.stop_words is None
        and not vectorizer.binary
        and _accent_name(vectorizer.strip_accents) is not None
        and vectorizer.norm in ("l2", "l1", None)
        and np.dtype(vectorizer.dtype) == np.float64
        and hasattr(vectorizer, "vocabulary_")
    )


def _supported_word(vectorizer: Any) -> bool:
    return (
        _supported_common(vectorizer)
        and vectorizer.analyzer == "word"
        and vectorizer.token_pattern in SAFE_TOKEN_PATTERNS
        and tuple(vectorizer.ngram_range) in ((1, 1), (1, 2), (2, 2))
    )


def _supported_char(vectorizer: Any) -> bool:
    return (
        _supported_common(vectorizer)
        and vectorizer.analyzer == "char_wb"
        and vectorizer.ngram_range[0] >= 1
    )


def predictor(model: Any) -> Any:
    """The fast path for a fitted pipeline when it is supported, else the model itself."""
    if isinstance(model, FastModel):
        return model
    try:
        return FastModel.from_pipeline(model)
    except ValueError:
        return model
