"""A faster transform for the fitted TF-IDF features, with the same numbers as scikit-learn.

Nearly all of the time to tag a sentence goes to the vectorisers' Python loops: building
every n-gram string and looking each one up. Character n-grams of the `char_wb` analyzer
depend on one word only, so each distinct word's feature indices are computed once and
cached; word uni- and bigrams are looked up straight from the token list. The counts then
go through the same tf-idf arithmetic as TfidfTransformer (same operations, same order),
so the matrix, and every probability computed from it, equals the plain pipeline's.

`FastFeatures.supports(pipeline)` says whether a pipeline can take this path; anything
else (a custom analyzer, stop words, binary counts) falls back to pipeline.predict_proba.
The saved model stays a plain scikit-learn Pipeline either way.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

import numpy as np
import scipy.sparse as sp
from sklearn.feature_extraction.text import (
    TfidfVectorizer,
    strip_accents_ascii,
    strip_accents_unicode,
)
from sklearn.pipeline import FeatureUnion, Pipeline
from sklearn.preprocessing import normalize

# Distinct words whose character n-gram indices are kept; cleared when full so memory
# stays bounded however large the input.
WORD_CACHE_SIZE = 200_000
_ACCENTS = {None: None, "unicode": strip_accents_unicode, "ascii": strip_accents_ascii}
_EMPTY = np.zeros(0, dtype=np.int64)


def _vectorizers(pipeline: Any) -> list[TfidfVectorizer] | None:
    if not isinstance(pipeline, Pipeline) or len(pipeline.steps) != 2:
        return None
    features = pipeline.steps[0][1]
    if isinstance(features, TfidfVectorizer):
        return [features]
    if isinstance(features, FeatureUnion) and not features.transformer_weights:
        parts = [t for _, t in features.transformer_list]
        if all(isinstance(t, TfidfVectorizer) for t in parts):
            return parts
    return None


def _supported(vectorizer: TfidfVectorizer) -> bool:
    return (
        vectorizer.analyzer in ("word", "char_wb")
        and vectorizer.input == "content"
        and vectorizer.preprocessor is None
        and vectorizer.tokenizer is None
        and vectorizer.stop_words is None
        and not vectorizer.binary
        and vectorizer.strip_accents in _ACCENTS
        and vectorizer.norm in ("l2", "l1", None)
        and hasattr(vectorizer, "vocabulary_")
        and (vectorizer.analyzer != "word" or vectorizer.ngram_range[0] >= 1)
    )


class _Part:
    """Counts for one fitted vectorizer, then its tf-idf weighting."""

    def __init__(self, vectorizer: TfidfVectorizer) -> None:
        self.vectorizer = vectorizer
        self.vocabulary: dict[str, int] = {
            str(k): int(v) for k, v in vectorizer.vocabulary_.items()
        }
        self.width = len(self.vocabulary)
        self.min_n, self.max_n = vectorizer.ngram_range
        self.lowercase = vectorizer.lowercase
        self.accents = _ACCENTS[vectorizer.strip_accents]
        self.char = vectorizer.analyzer == "char_wb"
        self.pattern = None if self.char else re.compile(vectorizer.token_pattern)
        self.cache: dict[str, np.ndarray] = {}
        self.bigrams = None if self.char else self._bigram_table()

    def _bigram_table(self) -> tuple[np.ndarray, np.ndarray] | None:
        """Bigram features keyed by the pair of their tokens' unigram indices, sorted, so
        a whole batch's bigrams are looked up at once with numpy. None when the word
        n-grams are not exactly uni- and bigrams over a vocabulary that holds every
        bigram's tokens (then the plain string lookups are used)."""
        if (self.min_n, self.max_n) not in ((1, 1), (1, 2)):
            return None
        keys, values = [], []
        for gram, index in self.vocabulary.items():
            parts = gram.split(" ")
            if len(parts) == 2:
                first, second = self.vocabulary.get(parts[0]), self.vocabulary.get(parts[1])
                if first is None or second is None or " ".join(parts) != gram:
                    return None
                keys.append(first * self.width + second)
                values.append(index)
            elif len(parts) != 1:
                return None
        order = np.argsort(keys)
        return np.asarray(keys, dtype=np.int64)[order], np.asarray(values, dtype=np.int64)[order]

    def preprocess(self, text: str) -> str:
        if self.lowercase:
            text = text.lower()
        return self.accents(text) if self.accents else text

    def _word_ngrams(self, word: str) -> np.ndarray:
        # The char_wb analyzer's n-grams of one word, padded with a space on each side.
        padded = f" {word} "
        size = len(padded)
        lookup = self.vocabulary.get
        found = []
        for n in range(self.min_n, self.max_n + 1):
            offset = 0
            index = lookup(padded[:n])
            if index is not None:
                found.append(index)
            while offset + n < size:
                offset += 1
                index = lookup(padded[offset : offset + n])
                if index is not None:
                    found.append(index)
            if offset == 0:  # a word shorter than n is counted once
                break
        return np.array(found, dtype=np.int64) if found else _EMPTY

    def _char_counts(self, texts: Sequence[str]) -> sp.csr_array:
        # documents x distinct words (counts), times distinct words x n-grams (cached rows):
        # a few Python operations per word instead of one per n-gram.
        local: dict[str, int] = {}
        word_ids: list[int] = []
        indptr = [0]
        for text in texts:
            for word in self.preprocess(text).split():
                index = local.get(word)
                if index is None:
                    index = local[word] = len(local)
                word_ids.append(index)
            indptr.append(len(word_ids))
        documents = sp.csr_array(
            (
                np.ones(len(word_ids), dtype=self.vectorizer.dtype),
                np.asarray(word_ids, dtype=np.int64),
                np.asarray(indptr, dtype=np.int64),
            ),
            shape=(len(texts), len(local)),
        )
        cache = self.cache
        if len(cache) + len(local) > WORD_CACHE_SIZE:
            cache.clear()
        rows = []
        for word in local:
            found = cache.get(word)
            if found is None:
                found = cache[word] = self._word_ngrams(word)
            rows.append(found)
        lengths = np.fromiter((r.size for r in rows), dtype=np.int64, count=len(rows))
        word_indptr = np.zeros(len(rows) + 1, dtype=np.int64)
        np.cumsum(lengths, out=word_indptr[1:])
        columns = np.concatenate(rows) if rows else _EMPTY
        words = sp.csr_array(
            (np.ones(columns.size, dtype=self.vectorizer.dtype), columns, word_indptr),
            shape=(len(rows), self.width),
        )
        words.sum_duplicates()
        return documents @ words

    def _token_counts(self, texts: Sequence[str]) -> sp.csr_array:
        if self.bigrams is None:
            return self._token_counts_by_string(texts)
        # Every token becomes its unigram index (-1 if unknown), in one flat array.
        lookup = self.vocabulary.get
        findall = self.pattern.findall
        ids: list[int] = []
        bounds = [0]
        for text in texts:
            ids.extend([lookup(token, -1) for token in findall(self.preprocess(text))])
            bounds.append(len(ids))
        flat = np.asarray(ids, dtype=np.int64)
        row_of = np.repeat(np.arange(len(texts)), np.diff(bounds))
        known = flat >= 0
        rows, columns = [row_of[known]], [flat[known]]
        if self.max_n == 2 and flat.size > 1:
            # Adjacent pairs within one document, both tokens known.
            same = row_of[1:] == row_of[:-1]
            left, right = flat[:-1], flat[1:]
            pair = same & (left >= 0) & (right >= 0)
            keys = left[pair] * self.width + right[pair]
            table_keys, table_values = self.bigrams
            at = np.searchsorted(table_keys, keys)
            at[at == table_keys.size] = 0
            hit = table_keys[at] == keys if table_keys.size else np.zeros(keys.size, bool)
            rows.append(row_of[:-1][pair][hit])
            columns.append(table_values[at[hit]])
        matrix = sp.coo_array(
            (
                np.ones(sum(c.size for c in columns), dtype=self.vectorizer.dtype),
                (np.concatenate(rows), np.concatenate(columns)),
            ),
            shape=(len(texts), self.width),
        )
        return matrix.tocsr()

    def _token_counts_by_string(self, texts: Sequence[str]) -> sp.csr_array:
        lookup = self.vocabulary.get
        findall = self.pattern.findall
        columns: list[int] = []
        indptr = [0]
        ngram_sizes = range(max(self.min_n, 2), self.max_n + 1)
        unigrams = self.min_n == 1
        for text in texts:
            tokens = findall(self.preprocess(text))
            if unigrams:
                for token in tokens:
                    index = lookup(token)
                    if index is not None:
                        columns.append(index)
            for n in ngram_sizes:
                for i in range(len(tokens) - n + 1):
                    index = lookup(" ".join(tokens[i : i + n]))
                    if index is not None:
                        columns.append(index)
            indptr.append(len(columns))
        return sp.csr_array(
            (
                np.ones(len(columns), dtype=self.vectorizer.dtype),
                np.asarray(columns, dtype=np.int64),
                np.asarray(indptr, dtype=np.int64),
            ),
            shape=(len(texts), self.width),
        )

    def counts(self, texts: Sequence[str]) -> sp.csr_array:
        matrix = self._char_counts(texts) if self.char else self._token_counts(texts)
        matrix.sum_duplicates()  # adds repeated n-grams and sorts indices, as CountVectorizer
        matrix.sort_indices()
        return matrix

    def transform(self, texts: Sequence[str]) -> sp.csr_array:
        # TfidfTransformer.transform, step for step.
        matrix = self.counts(texts)
        vectorizer = self.vectorizer
        if vectorizer.sublinear_tf:
            np.log(matrix.data, matrix.data)
            matrix.data += 1.0
        if vectorizer.use_idf:
            matrix.data *= vectorizer.idf_[matrix.indices]
        if vectorizer.norm is not None:
            matrix = normalize(matrix, norm=vectorizer.norm, copy=False)
        return matrix


class FastFeatures:
    """The fitted pipeline's features and probabilities, computed the fast way."""

    def __init__(self, pipeline: Any) -> None:
        vectorizers = _vectorizers(pipeline)
        if vectorizers is None or not all(_supported(v) for v in vectorizers):
            raise ValueError("this pipeline's features are not supported by the fast path")
        self.parts = [_Part(v) for v in vectorizers]
        self.classifier = pipeline.steps[-1][1]
        self.classes_ = pipeline.classes_

    @staticmethod
    def supports(pipeline: Any) -> bool:
        vectorizers = _vectorizers(pipeline)
        return vectorizers is not None and all(_supported(v) for v in vectorizers)

    def transform(self, texts: Sequence[str]) -> sp.csr_array:
        matrices = [part.transform(texts) for part in self.parts]
        if len(matrices) == 1:
            return matrices[0]
        return sp.hstack(matrices, format="csr")

    def predict_proba(self, texts: Sequence[str]) -> np.ndarray:
        return self.classifier.predict_proba(self.transform(texts))


def predictor(pipeline: Any) -> Any:
    """The fast path for `pipeline` when it is supported, else the pipeline itself."""
    return FastFeatures(pipeline) if FastFeatures.supports(pipeline) else pipeline
