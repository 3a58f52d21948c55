"""The tagging hot path: the fitted pipeline's arithmetic, faster, with the same numbers.

Nearly all the time to tag a sentence goes to the vectorisers' Python loops, building and
looking up every n-gram string. Here character n-grams (`char_wb`, which depend on one word
only) are computed once per distinct word and combined with a sparse product; word uni- and
bigrams are looked up as integer pairs with numpy. The counts then go through the tf-idf,
normalisation and logistic-regression steps in the same operations and the same order as
scikit-learn, so every probability equals the plain pipeline's (the tests check bit for bit).

The same arrays are saved beside the model as a NumPy `.npz` (no pickle), so `stance tag`
can load them without importing scikit-learn and without unpickling anything: faster to
start, smaller worker processes, and nothing in the file can run code.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import scipy.sparse as sp

ARRAYS_FORMAT = 1
# Distinct words whose character n-gram rows are kept; cleared when full so memory stays
# bounded however large the input.
WORD_CACHE_SIZE = 200_000
_EMPTY = np.zeros(0, dtype=np.int64)


def strip_accents_unicode(text: str) -> str:
    """As sklearn.feature_extraction.text.strip_accents_unicode."""
    try:
        text.encode("ASCII", errors="strict")
        return text
    except UnicodeEncodeError:
        normalized = unicodedata.normalize("NFKD", text)
        return "".join([c for c in normalized if not unicodedata.combining(c)])


def strip_accents_ascii(text: str) -> str:
    """As sklearn.feature_extraction.text.strip_accents_ascii."""
    return unicodedata.normalize("NFKD", text).encode("ASCII", "ignore").decode("ASCII")


_ACCENTS = {"": None, "unicode": strip_accents_unicode, "ascii": strip_accents_ascii}


def normalize_rows(matrix: sp.csr_array, norm: str) -> None:
    """Row-normalise in place exactly as scikit-learn's Cython loop does: each row's sum is
    accumulated left to right, one entry at a time. NumPy sums along a row pairwise, which
    can differ in the last bit, but a sum down the columns of a 2-D array is sequential, so
    rows are laid out as columns of a zero-padded block."""
    data, indptr = matrix.data, matrix.indptr
    lengths = np.diff(indptr)
    values = data * data if norm == "l2" else np.abs(data)
    sums = np.zeros(len(lengths), dtype=np.float64)
    rows_per_block = 256
    for first in range(0, len(lengths), rows_per_block):
        block = lengths[first : first + rows_per_block]
        width = int(block.max()) if block.size else 0
        if width == 0:
            continue
        padded = np.zeros((width, block.size), dtype=np.float64)
        row = np.repeat(np.arange(block.size), block)
        position = np.arange(row.size) - np.repeat(
            indptr[first : first + block.size] - indptr[first], block
        )
        padded[position, row] = values[indptr[first] : indptr[first] + row.size]
        sums[first : first + block.size] = padded.sum(axis=0)
    if norm == "l2":
        sums = np.sqrt(sums)
    sums[sums == 0.0] = 1.0  # an empty row stays as it is
    data /= np.repeat(sums, lengths)


def softmax(scores: np.ndarray) -> np.ndarray:
    """As sklearn.utils.extmath.softmax(copy=False) on a NumPy array."""
    scores -= scores.max(axis=1).reshape(-1, 1)
    np.exp(scores, out=scores)
    scores /= scores.sum(axis=1).reshape(-1, 1)
    return scores


class Features:
    """One fitted TF-IDF vectoriser's transform: counts, then tf-idf weighting."""

    def __init__(
        self,
        *,
        vocabulary: dict[str, int],
        analyzer: str,
        ngram_range: tuple[int, int],
        token_pattern: str,
        lowercase: bool,
        strip_accents: str,
        sublinear_tf: bool,
        idf: np.ndarray | None,
        norm: str,
        dtype: Any = np.float64,
        bigrams: tuple[np.ndarray, np.ndarray] | None = None,
    ) -> None:
        self.vocabulary = vocabulary
        self.width = len(vocabulary)
        self.min_n, self.max_n = ngram_range
        self.char = analyzer == "char_wb"
        self.pattern = None if self.char else re.compile(token_pattern)
        self.lowercase = lowercase
        self.accents = _ACCENTS[strip_accents]
        self.sublinear_tf = sublinear_tf
        self.idf = idf
        self.norm = norm
        self.dtype = np.dtype(dtype)
        self.bigrams = bigrams if bigrams is not None or self.char else self.bigram_table()
        self.cache: dict[str, np.ndarray] = {}

    def bigram_table(self) -> tuple[np.ndarray, np.ndarray] | None:
        """Bigram features keyed by their tokens' unigram indices, sorted for numpy lookup.

        None (then strings are looked up one by one) unless the word n-grams are uni- and
        bigrams over a vocabulary that holds every bigram's two tokens.
        """
        if self.char or (self.min_n, self.max_n) not in ((1, 1), (1, 2)):
            return None
        keys, values = [], []
        for gram, index in self.vocabulary.items():
            parts = gram.split(" ")
            if len(parts) == 2:
                first, second = self.vocabulary.get(parts[0]), self.vocabulary.get(parts[1])
                if first is None or second is None:
                    return None
                keys.append(first * self.width + second)
                values.append(index)
            elif len(parts) != 1:
                return None
        order = np.argsort(np.asarray(keys, dtype=np.int64), kind="stable")
        return np.asarray(keys, dtype=np.int64)[order], np.asarray(values, dtype=np.int64)[order]

    def preprocess(self, text: str) -> str:
        if self.lowercase:
            text = text.lower()
        return self.accents(text) if self.accents else text

    def _word_ngrams(self, word: str) -> np.ndarray:
        # The char_wb analyzer's n-grams of one word, padded with a space on each side; a
        # word shorter than n gives itself once and ends the list, as in scikit-learn.
        padded = f" {word} "
        size = len(padded)
        grams: list[str] = []
        for n in range(self.min_n, self.max_n + 1):
            if n >= size:
                grams.append(padded)
                break
            grams.extend([padded[i : i + n] for i in range(size - n + 1)])
        lookup = self.vocabulary.get
        found = [index for index in map(lookup, grams) if index is not None]
        return np.array(found, dtype=np.int64) if found else _EMPTY

    def _char_counts(self, texts: Sequence[str]) -> sp.csr_array:
        # (documents x distinct words) @ (distinct words x n-grams): a few Python operations
        # per word instead of one per n-gram.
        words: list[str] = []
        indptr = [0]
        preprocess = self.preprocess
        for text in texts:
            words += preprocess(text).split()
            indptr.append(len(words))
        local = {word: index for index, word in enumerate(dict.fromkeys(words))}
        word_ids = np.fromiter(map(local.__getitem__, words), dtype=np.int64, count=len(words))
        documents = sp.csr_array(
            (
                np.ones(len(word_ids), dtype=self.dtype),
                word_ids,
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
        grams = sp.csr_array(
            (np.ones(columns.size, dtype=self.dtype), columns, word_indptr),
            shape=(len(rows), self.width),
        )
        return documents @ grams

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
            if table_keys.size:
                at = np.searchsorted(table_keys, keys)
                at[at == table_keys.size] = 0
                hit = table_keys[at] == keys
                rows.append(row_of[:-1][pair][hit])
                columns.append(table_values[at[hit]])
        row_index, column_index = np.concatenate(rows), np.concatenate(columns)
        matrix = sp.coo_array(
            (np.ones(row_index.size, dtype=self.dtype), (row_index, column_index)),
            shape=(len(texts), self.width),
        )
        return matrix.tocsr()

    def _token_counts_by_string(self, texts: Sequence[str]) -> sp.csr_array:
        lookup = self.vocabulary.get
        findall = self.pattern.findall
        columns: list[int] = []
        indptr = [0]
        for text in texts:
            tokens = findall(self.preprocess(text))
            for n in range(self.min_n, self.max_n + 1):
                grams = (
                    tokens
                    if n == 1
                    else [" ".join(tokens[i : i + n]) for i in range(len(tokens) - n + 1)]
                )
                for gram in grams:
                    index = lookup(gram)
                    if index is not None:
                        columns.append(index)
            indptr.append(len(columns))
        return sp.csr_array(
            (
                np.ones(len(columns), dtype=self.dtype),
                np.asarray(columns, dtype=np.int64),
                np.asarray(indptr, dtype=np.int64),
            ),
            shape=(len(texts), self.width),
        )

    def counts(self, texts: Sequence[str]) -> sp.csr_array:
        matrix = self._char_counts(texts) if self.char else self._token_counts(texts)
        matrix.sum_duplicates()  # adds repeated n-grams and sorts indices, as CountVectorizer
        return matrix

    def transform(self, texts: Sequence[str]) -> sp.csr_array:
        # TfidfTransformer.transform, step for step.
        matrix = self.counts(texts)
        if self.sublinear_tf:
            np.log(matrix.data, matrix.data)
            matrix.data += 1.0
        if self.idf is not None:
            matrix.data *= self.idf[matrix.indices]
        if self.norm:
            normalize_rows(matrix, self.norm)
        return matrix


class FastModel:
    """TF-IDF features + multinomial logistic regression, without scikit-learn at run time."""

    def __init__(
        self, parts: list[Features], coef: np.ndarray, intercept: np.ndarray, classes: Sequence[str]
    ) -> None:
        self.parts = parts
        self.coef_t = np.asarray(coef).T
        self.intercept = np.asarray(intercept)
        self.classes_ = np.asarray(classes, dtype=object)

    def transform(self, texts: Sequence[str]) -> sp.csr_array:
        matrices = [part.transform(texts) for part in self.parts]
        return matrices[0] if len(matrices) == 1 else sp.hstack(matrices, format="csr")

    def predict_proba(self, texts: Sequence[str]) -> np.ndarray:
        scores = self.transform(list(texts)) @ self.coef_t + self.intercept
        return softmax(np.asarray(scores))

    def predict(self, texts: Sequence[str]) -> np.ndarray:
        return self.classes_[self.predict_proba(texts).argmax(axis=1)]

    # ---- from a fitted scikit-learn pipeline -------------------------------------------

    @classmethod
    def from_pipeline(cls, pipeline: Any) -> FastModel:
        """Raises ValueError when the pipeline is not one this path reproduces exactly."""
        vectorizers = _vectorizers(pipeline)
        classifier = pipeline.steps[-1][1] if vectorizers else None
        if (
            vectorizers is None
            or not all(_supported(v) for v in vectorizers)
            or type(classifier).__name__ != "LogisticRegression"
            or len(classifier.classes_) < 3
        ):
            raise ValueError("this pipeline is not supported by the fast path")
        parts = [
            Features(
                vocabulary={str(k): int(v) for k, v in v.vocabulary_.items()},
                analyzer=v.analyzer,
                ngram_range=tuple(v.ngram_range),
                token_pattern=v.token_pattern or "",
                lowercase=bool(v.lowercase),
                strip_accents=v.strip_accents or "",
                sublinear_tf=bool(v.sublinear_tf),
                idf=v.idf_ if v.use_idf else None,
                norm=v.norm or "",
                dtype=v.dtype,
            )
            for v in vectorizers
        ]
        return cls(
            parts, classifier.coef_, classifier.intercept_, [str(c) for c in classifier.classes_]
        )

    # ---- to and from an .npz file (no pickle) ------------------------------------------

    def arrays(self) -> dict[str, np.ndarray]:
        arrays: dict[str, np.ndarray] = {
            "format": np.array(ARRAYS_FORMAT),
            "parts": np.array(len(self.parts)),
            "coef": self.coef_t.T,
            "intercept": self.intercept,
            "classes": np.array([str(c) for c in self.classes_]),
        }
        for i, part in enumerate(self.parts):
            terms = sorted(part.vocabulary, key=part.vocabulary.__getitem__)
            blob = "".join(terms)
            arrays[f"{i}_terms"] = np.frombuffer(blob.encode("utf-32-le"), dtype=np.uint32)
            arrays[f"{i}_lengths"] = np.array([len(t) for t in terms], dtype=np.int64)
            arrays[f"{i}_config"] = np.array(
                [
                    "char_wb" if part.char else "word",
                    part.pattern.pattern if part.pattern else "",
                    "lower" if part.lowercase else "",
                    _accent_name(part.accents),
                    part.norm,
                    "sublinear" if part.sublinear_tf else "",
                    part.dtype.str,
                ]
            )
            arrays[f"{i}_ngrams"] = np.array([part.min_n, part.max_n])
            if part.idf is not None:
                arrays[f"{i}_idf"] = part.idf
            if part.bigrams is not None:
                arrays[f"{i}_bigram_keys"], arrays[f"{i}_bigram_values"] = part.bigrams
        return arrays

    @classmethod
    def from_arrays(cls, arrays: Any) -> FastModel:
        if int(arrays["format"]) != ARRAYS_FORMAT:
            raise ValueError(f"unknown arrays format {int(arrays['format'])}")
        parts = []
        for i in range(int(arrays["parts"])):
            blob = arrays[f"{i}_terms"].tobytes().decode("utf-32-le")
            ends = np.cumsum(arrays[f"{i}_lengths"]).tolist()
            starts = [0, *ends[:-1]]
            vocabulary = {blob[s:e]: j for j, (s, e) in enumerate(zip(starts, ends, strict=True))}
            kind, pattern, lower, accents, norm, sublinear, dtype = arrays[f"{i}_config"].tolist()
            keys = f"{i}_bigram_keys"
            bigrams = (arrays[keys], arrays[f"{i}_bigram_values"]) if keys in arrays else None
            parts.append(
                Features(
                    vocabulary=vocabulary,
                    analyzer=kind,
                    ngram_range=tuple(int(n) for n in arrays[f"{i}_ngrams"]),
                    token_pattern=pattern,
                    lowercase=lower == "lower",
                    strip_accents=accents,
                    sublinear_tf=sublinear == "sublinear",
                    idf=arrays.get(f"{i}_idf"),
                    norm=norm,
                    dtype=dtype,
                    bigrams=bigrams,
                )
            )
        return cls(parts, arrays["coef"], arrays["intercept"], arrays["classes"].tolist())

    def save(self, handle: Any) -> None:
        np.savez(handle, **self.arrays())

    @classmethod
    def load(cls, path: Path) -> FastModel:
        with np.load(path, allow_pickle=False) as arrays:
            return cls.from_arrays({name: arrays[name] for name in arrays.files})


def _accent_name(function: Any) -> str:
    return {strip_accents_unicode: "unicode", strip_accents_ascii: "ascii"}.get(function, "")


def _vectorizers(pipeline: Any) -> list[Any] | None:
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.pipeline import FeatureUnion, Pipeline

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


def _supported(vectorizer: Any) -> bool:
    return (
        vectorizer.analyzer in ("word", "char_wb")
        and vectorizer.input == "content"
        and vectorizer.preprocessor is None
        and vectorizer.tokenizer is None
        and vectorizer.stop_words is None
        and not vectorizer.binary
        and vectorizer.strip_accents in (None, "unicode", "ascii")
        and vectorizer.norm in ("l2", "l1", None)
        and hasattr(vectorizer, "vocabulary_")
        and vectorizer.ngram_range[0] >= 1
        and (vectorizer.analyzer == "char_wb" or re.compile(vectorizer.token_pattern).groups == 0)
    )


def predictor(model: Any) -> Any:
    """The fast path for a fitted pipeline when it is supported, else the model itself."""
    if isinstance(model, FastModel):
        return model
    try:
        return FastModel.from_pipeline(model)
    except ValueError:
        return model
