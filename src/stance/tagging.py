"""Documents -> one row of predictions per unit (sentence, line or document), in chunks."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from typing import Any

import numpy as np

from stance.errors import UsageError
from stance.readers import Document, ReadReport, iter_documents
from stance.sentences import Sentence, iter_sentences

UNITS = ("sentence", "line", "document")
UNCERTAIN = "uncertain"
_LINE = re.compile(r"[^\n]+")


def iter_units(text: str, *, unit: str = "sentence") -> Iterator[Sentence]:
    """The spans of `text` to tag; each span's text is text[start:end]."""
    if unit == "sentence":
        yield from iter_sentences(text)
    elif unit == "line":
        for match in _LINE.finditer(text):
            line = match.group()
            stripped = line.strip()
            if stripped:
                start = match.start() + line.index(stripped[0])
                yield Sentence(start, start + len(stripped), stripped)
    elif unit == "document":
        stripped = text.strip()
        if stripped:
            start = text.index(stripped[0])
            yield Sentence(start, start + len(stripped), stripped)
    else:
        raise UsageError(f"unknown unit {unit!r}; choose one of {', '.join(UNITS)}")


def output_columns(labels: Iterable[str]) -> list[str]:
    return ["doc", "index", "start", "end", "text", "label", "confidence"] + [
        f"p_{label}" for label in labels
    ]


def _rows(
    batch: list[tuple[str, int, Sentence]], model: Any, labels: list[str], min_confidence: float
) -> Iterator[dict[str, Any]]:
    proba = model.predict_proba([unit.text for _, _, unit in batch])
    best = proba.argmax(axis=1)
    for (doc, index, unit), row, top in zip(batch, proba, best, strict=True):
        confidence = float(row[top])
        label = labels[top] if confidence >= min_confidence else UNCERTAIN
        record: dict[str, Any] = {
            "doc": doc,
            "index": index,
            "start": unit.start,
            "end": unit.end,
            "text": unit.text,
            "label": label,
            "confidence": round(confidence, 4),
        }
        for name, p in zip(labels, row, strict=True):
            record[f"p_{name}"] = round(float(p), 4)
        yield record


def tag_documents(
    documents: Iterable[Document],
    model: Any,
    *,
    unit: str = "sentence",
    batch_size: int = 2000,
    min_confidence: float = 0.0,
) -> Iterator[dict[str, Any]]:
    """Yield one prediction row per unit, documents in order, units in order within each.

    Units are predicted in batches of `batch_size`, so memory stays bounded by the batch
    (and the largest document), not by the input.
    """
    if unit not in UNITS:
        raise UsageError(f"unknown unit {unit!r}; choose one of {', '.join(UNITS)}")
    if batch_size < 1:
        raise UsageError(f"--batch-size must be at least 1 (got {batch_size})")
    if not 0.0 <= min_confidence <= 1.0:
        raise UsageError(f"--min-confidence must be between 0 and 1 (got {min_confidence})")
    labels = [str(c) for c in model.classes_]
    batch: list[tuple[str, int, Sentence]] = []
    for document in documents:
        for index, span in enumerate(iter_units(document.text, unit=unit)):
            batch.append((document.id, index, span))
            if len(batch) >= batch_size:
                yield from _rows(batch, model, labels, min_confidence)
                batch = []
    if batch:
        yield from _rows(batch, model, labels, min_confidence)


def predict_texts(model: Any, texts: list[str]) -> tuple[list[str], np.ndarray]:
    """Labels and probabilities (columns in model.classes_ order) for raw strings."""
    if not texts:
        return [], np.zeros((0, len(model.classes_)))
    proba = model.predict_proba(texts)
    return [str(model.classes_[i]) for i in proba.argmax(axis=1)], proba


def tag_paths(
    paths: list[str],
    model: Any,
    *,
    unit: str = "sentence",
    text_column: str = "text",
    batch_size: int = 2000,
    min_confidence: float = 0.0,
    stdin: Any = None,
    report: ReadReport | None = None,
) -> Iterator[dict[str, Any]]:
    """Read the articles under `paths` and yield their prediction rows (see tag_documents)."""
    documents = iter_documents(paths, text_column=text_column, stdin=stdin, report=report)
    return tag_documents(
        documents, model, unit=unit, batch_size=batch_size, min_confidence=min_confidence
    )
