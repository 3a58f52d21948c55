"""Exact and near-duplicate sentences: for data checks and for honest cross-validation."""

from __future__ import annotations

import re
from collections.abc import Sequence

import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer

_NON_WORD = re.compile(r"\W+")


def normalise(text: str) -> str:
    """Lower case, punctuation and spacing folded: texts equal here are exact duplicates."""
    return _NON_WORD.sub(" ", text.lower()).strip()


def near_duplicate_pairs(
    texts: Sequence[str], *, threshold: float = 0.8
) -> list[tuple[int, int, float]]:
    """Pairs (i, j, similarity) with i < j whose cosine similarity of word 1-3-gram TF-IDF
    vectors is at least `threshold` (1.0 means the same words in the same order)."""
    if len(texts) < 2:
        return []
    vectorizer = TfidfVectorizer(ngram_range=(1, 3), preprocessor=normalise, token_pattern=r"\S+")
    try:
        vectors = vectorizer.fit_transform(texts)
    except ValueError:  # nothing but empty texts
        return []
    pairs: list[tuple[int, int, float]] = []
    # Blocks of rows keep the similarity matrix small for large label sets.
    block = 2000
    for start in range(0, vectors.shape[0], block):
        sims = (vectors[start : start + block] @ vectors.T).tocoo()
        keep = (sims.data >= threshold) & (sims.row + start < sims.col)
        for i, j, score in zip(
            sims.row[keep] + start, sims.col[keep], sims.data[keep], strict=True
        ):
            pairs.append((int(i), int(j), round(float(score), 3)))
    pairs.sort(key=lambda p: (-p[2], p[0], p[1]))
    return pairs


def duplicate_groups(texts: Sequence[str], *, threshold: float = 0.8) -> np.ndarray:
    """A group id per text; near-duplicates (transitively) share one."""
    parent = list(range(len(texts)))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for i, j, _ in near_duplicate_pairs(texts, threshold=threshold):
        parent[root(j)] = root(i)
    return np.array([root(i) for i in range(len(texts))])
