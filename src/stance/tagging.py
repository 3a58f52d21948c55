"""Documents -> one row of predictions per unit (sentence, line or document), streamed.

Units are cut from documents lazily and predicted in batches; with `jobs` > 1 the batches
go to worker processes that each load the model once, at most a few batches in flight, and
results come back in input order. Output is the same whatever the batch size or job count.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from stance.errors import UsageError
from stance.readers import Document, ReadReport, check_paths, iter_documents
from stance.sentences import Sentence, iter_sentences

UNITS = ("sentence", "line", "document")
UNCERTAIN = "uncertain"
ENCODED_FORMATS = ("csv", "jsonl")
_LINE = re.compile(r"[^\n]+")

# (doc, index, start, end, text) of one unit; units of a batch also carry, sixth, the text
# between the previous unit and this one (for the HTML report's paragraphs).
Unit = tuple[str, int, int, int, str] | tuple[str, int, int, int, str, str]


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


def _spans(document: Document, unit: str, first_index: int) -> Iterator[Unit]:
    """The units of one document or piece, numbered from `first_index`, with offsets into
    the whole document and, sixth, the text since the previous unit."""
    base, previous = document.offset, 0
    for index, span in enumerate(iter_units(document.text, unit=unit), start=first_index):
        yield (
            document.id,
            index,
            base + span.start,
            base + span.end,
            span.text,
            document.text[previous : span.start],
        )
        previous = span.end


def iter_document_units(documents: Iterable[Document], *, unit: str = "sentence") -> Iterator[Unit]:
    """Units of every document; pieces of one large document continue its numbering."""
    previous, index = None, 0
    for document in documents:
        if document.id != previous or document.offset == 0:
            previous, index = document.id, 0
        for item in _spans(document, unit, index):
            yield item[:5]
            index += 1


def output_columns(labels: Iterable[str]) -> list[str]:
    return ["doc", "index", "start", "end", "text", "label", "confidence"] + [
        f"p_{label}" for label in labels
    ]


# A work item: whole documents (split where they are tagged, in a worker) and units of
# documents read in pieces (split here, where their numbering across pieces is known).
Entry = Document | Unit
CHARS_PER_UNIT = 100  # for sizing batches of documents not split yet


def _work_items(documents: Iterable[Document], *, unit: str, size: int) -> Iterator[list[Entry]]:
    batch: list[Entry] = []
    weight = 0
    current, next_index = None, 0
    for document in documents:
        if document.complete and len(document.text) <= size * CHARS_PER_UNIT:
            batch.append(document)
            weight += max(1, len(document.text) // CHARS_PER_UNIT)
            if weight >= size:
                yield batch
                batch, weight = [], 0
            continue
        # A large document, or a piece of one, is split here: no batch grows beyond `size`
        # units, and numbering continues across the pieces of one document.
        if document.id != current or document.offset == 0:
            current, next_index = document.id, 0
        for item in _spans(document, unit, next_index):
            batch.append(item)
            next_index += 1
            weight += 1
            if weight >= size:
                yield batch
                batch, weight = [], 0
    if batch:
        yield batch


def _expand(entries: list[Entry], unit: str) -> list[Unit]:
    units: list[Unit] = []
    for entry in entries:
        if isinstance(entry, Document):
            units.extend(_spans(entry, unit, 0))
        else:
            units.append(entry)
    return units


@dataclass
class Tagged:
    """One batch's results: rows (dicts) or their encoded text, plus what a summary needs."""

    docs: list[str]
    labels: list[str]
    confidences: list[float]
    rows: list[dict[str, Any]] | None = None
    encoded: str | None = None


_ROUNDED: np.ndarray | None = None


def rounded_strings(values: np.ndarray) -> np.ndarray:
    """str(round(v, 4)) of each probability (0 <= v <= 1), looked up in a table of the
    10,001 possible results."""
    global _ROUNDED
    if _ROUNDED is None:
        _ROUNDED = np.array([str(k / 10_000) for k in range(10_001)], dtype=object)
    return _ROUNDED[np.rint(values * 10_000).astype(np.intp)]


class Tagger:
    """Predicts batches of units with the model's fast path (same numbers, less time)."""

    def __init__(self, model: Any, *, unit: str = "sentence", min_confidence: float = 0.0) -> None:
        from stance.fast import predictor

        self.labels = [str(c) for c in model.classes_]
        self.predictor = predictor(model)
        self.unit = unit
        self.min_confidence = min_confidence
        self.columns = output_columns(self.labels)

    def tag(self, entries: list[Entry], fmt: str | None = None) -> Tagged:
        """Split the entries' documents into units, predict, and format the rows."""
        batch = _expand(entries, self.unit)
        if not batch:
            return Tagged([], [], [], rows=[], encoded="" if fmt in ENCODED_FORMATS else None)
        proba = self.predictor.predict_proba([unit[4] for unit in batch])
        best = proba.argmax(axis=1)
        top = proba[np.arange(len(batch)), best]
        confidences = np.round(top, 4).tolist()
        names = np.asarray(self.labels, dtype=object)[best]
        labels = [
            str(name) if p >= self.min_confidence else UNCERTAIN
            for name, p in zip(names, top.tolist(), strict=True)
        ]
        result = Tagged([unit[0] for unit in batch], labels, confidences)
        if fmt == "csv":
            # Numbers as the strings csv would write for them, from a table: str() of a
            # float is a good share of the time of writing a row.
            rounded = rounded_strings(proba).tolist()
            confidences = rounded_strings(top).tolist()
        else:
            rounded = np.round(proba, 4).tolist()
        values = [
            (*unit[:5], label, confidence, *p)
            for unit, label, confidence, p in zip(batch, labels, confidences, rounded, strict=True)
        ]
        if fmt == "csv":
            buffer = io.StringIO()
            csv.writer(buffer, lineterminator="\n").writerows(values)
            result.encoded = buffer.getvalue()
        else:
            rows = [dict(zip(self.columns, row, strict=True)) for row in values]
            if fmt == "html":
                for row, unit in zip(rows, batch, strict=True):
                    row["_gap"] = unit[5] if len(unit) > 5 else " "
            if fmt == "jsonl":
                result.encoded = "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows)
            else:
                result.rows = rows
        return result


# One Tagger per worker process, built once by the pool's initializer.
_WORKER: Tagger | None = None


def _start_worker(model_path: str, unit: str, min_confidence: float) -> None:
    global _WORKER
    from stance.persist import load_tagger

    # The parent already accepted this model (and any version mismatch) before the pool.
    model, _ = load_tagger(Path(model_path), allow_version_mismatch=True)
    _WORKER = Tagger(model, unit=unit, min_confidence=min_confidence)


def _work(batch: list[Entry], fmt: str | None) -> Tagged:
    assert _WORKER is not None
    return _WORKER.tag(batch, fmt)


def _parallel(
    batches: Iterator[list[Entry]],
    *,
    tagger: Tagger,
    fmt: str | None,
    jobs: int,
    model_path: Path | None,
) -> Iterator[Tagged]:
    """Tag batches in worker processes, results in input order, a bounded number in flight.

    The pool starts only once there is a second batch: small inputs stay in-process.
    """
    first = next(batches, None)
    if first is None:
        return
    second = next(batches, None)
    if second is None or jobs <= 1 or model_path is None:
        yield tagger.tag(first, fmt)
        if second is not None:
            yield tagger.tag(second, fmt)
            for batch in batches:
                yield tagger.tag(batch, fmt)
        return
    import multiprocessing

    context = multiprocessing.get_context("spawn")
    with context.Pool(
        jobs,
        initializer=_start_worker,
        initargs=(str(model_path), tagger.unit, tagger.min_confidence),
    ) as pool:
        pending: deque[Any] = deque()
        for batch in _chain(first, second, batches):
            pending.append(pool.apply_async(_work, (batch, fmt)))
            if len(pending) >= 2 * jobs:
                yield pending.popleft().get()
        while pending:
            yield pending.popleft().get()


def _chain(
    first: list[Entry], second: list[Entry], rest: Iterator[list[Entry]]
) -> Iterator[list[Entry]]:
    yield first
    yield second
    yield from rest


def tag_batches(
    documents: Iterable[Document],
    model: Any,
    *,
    unit: str = "sentence",
    batch_size: int = 2000,
    min_confidence: float = 0.0,
    fmt: str | None = None,
    jobs: int = 1,
    model_path: Path | None = None,
) -> Iterator[Tagged]:
    """Tagged batches in document order; see tag_documents for the rows.

    The settings are checked on the call, not on the first batch, so a caller can fail
    before it starts writing output."""
    if unit not in UNITS:
        raise UsageError(f"unknown unit {unit!r}; choose one of {', '.join(UNITS)}")
    if batch_size < 1:
        raise UsageError(f"--batch-size must be at least 1 (got {batch_size})")
    if not 0.0 <= min_confidence <= 1.0:
        raise UsageError(f"--min-confidence must be between 0 and 1 (got {min_confidence})")
    if jobs < 1:
        raise UsageError(f"--jobs must be at least 1 (got {jobs})")
    tagger = Tagger(model, unit=unit, min_confidence=min_confidence)
    batches = _work_items(documents, unit=unit, size=batch_size)
    return _parallel(batches, tagger=tagger, fmt=fmt, jobs=jobs, model_path=model_path)


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
    (and the largest document piece), not by the input.
    """
    for tagged in tag_batches(
        documents, model, unit=unit, batch_size=batch_size, min_confidence=min_confidence
    ):
        assert tagged.rows is not None
        yield from tagged.rows


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
    fmt: str | None = None,
    jobs: int = 1,
    model_path: Path | None = None,
) -> Iterator[Tagged]:
    """Read the articles under `paths` and yield their tagged batches, in order."""
    check_paths(paths)
    documents = iter_documents(
        paths, text_column=text_column, stdin=stdin, report=report, whole=unit == "document"
    )
    return tag_batches(
        documents,
        model,
        unit=unit,
        batch_size=batch_size,
        min_confidence=min_confidence,
        fmt=fmt,
        jobs=jobs,
        model_path=model_path,
    )


class Summary:
    """Per-document counts, written as soon as a document is complete (input order)."""

    def __init__(self, labels: list[str], emit: Callable[[dict[str, Any]], None]) -> None:
        self.labels = labels
        self.emit = emit
        self.doc: str | None = None
        self.counts: dict[str, int] = {}
        self.confidence = 0.0
        self.units = 0

    def columns(self) -> list[str]:
        return (
            ["doc", "units"]
            + [f"n_{label}" for label in self.labels]
            + [f"share_{label}" for label in self.labels]
            + ["dominant", "mean_confidence"]
        )

    def add(self, tagged: Tagged) -> None:
        for doc, label, confidence in zip(
            tagged.docs, tagged.labels, tagged.confidences, strict=True
        ):
            if doc != self.doc:
                self.flush()
                self.doc = doc
            self.counts[label] = self.counts.get(label, 0) + 1
            self.confidence += confidence
            self.units += 1

    def flush(self) -> None:
        if self.doc is None or not self.units:
            return
        row: dict[str, Any] = {"doc": self.doc, "units": self.units}
        for label in self.labels:
            row[f"n_{label}"] = self.counts.get(label, 0)
        for label in self.labels:
            row[f"share_{label}"] = round(self.counts.get(label, 0) / self.units, 4)
        row["dominant"] = dominant_label(self.counts, self.labels)
        row["mean_confidence"] = round(self.confidence / self.units, 4)
        self.emit(row)
        self.doc, self.counts, self.confidence, self.units = None, {}, 0.0, 0


def dominant_label(counts: dict[str, int], labels: Iterable[str]) -> str:
    """The most frequent of `labels` in `counts`; a stance wins a tie with neutral."""
    stances = {label: counts[label] for label in labels if counts.get(label)}
    return max(stances, key=lambda k: (stances[k], k != "neutral")) if stances else ""
