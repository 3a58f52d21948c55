"""The labelling loop behind `stance label`: queue, suggestions, answers saved at once.

Every answer is appended to the output CSV with a single write and an fsync, so killing
the process loses at most the answer being typed. Undo rewrites the file atomically.
Re-running with the same output resumes: sentences already in it (or in data/labels/)
are not asked again.
"""

from __future__ import annotations

import csv
import io
import os
import random
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from stance.errors import DataError, UsageError
from stance.labels import COLUMNS, LABELS, find_csv_files, parse_labels_csv
from stance.persist import atomic_open, check_separate
from stance.readers import iter_documents
from stance.sentences import split_sentences
from stance.similarity import normalise

ORDERS = ("uncertain", "sequential", "random")


@dataclass(frozen=True)
class Item:
    source: str  # "<article file name>#<sentence index>"
    text: str
    before: str
    after: str


def _csv_line(fields: Sequence[str]) -> str:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerow(fields)
    return buffer.getvalue()


def _known_texts(
    paths: Sequence[Path], *, allow_empty: bool = False
) -> tuple[set[str], list[tuple[str, str]]]:
    """Normalised texts already labelled under `paths`, and their (text, label) rows."""
    known: set[str] = set()
    rows: list[tuple[str, str]] = []
    for file in find_csv_files(paths):
        frame = parse_labels_csv(file.read_bytes(), name=str(file), allow_empty=allow_empty)
        for text, label in zip(frame["text"], frame["label"], strict=True):
            known.add(normalise(text))
            rows.append((text, label))
    return known, rows


class LabellingSession:
    """A queue of sentences to label and the answers given so far."""

    def __init__(
        self,
        items: list[Item],
        *,
        output: Path,
        model: Any = None,
        base_rows: Sequence[tuple[str, str]] = (),
        order: str = "sequential",
        retrain_every: int = 20,
        params: dict[str, Any] | None = None,
        random_state: int = 0,
    ) -> None:
        if order not in ORDERS:
            raise UsageError(f"unknown order {order!r}; choose one of {', '.join(ORDERS)}")
        if order == "uncertain" and model is None:
            raise UsageError("--order uncertain needs a model (--model)")
        self.output = Path(output)
        self.model = model
        self.base_rows = list(base_rows)
        self.order = order
        self.retrain_every = retrain_every
        self.params = params
        self.random_state = random_state
        self.queue = list(items)
        self.answers: list[tuple[Item, str]] = []
        self.skipped = 0
        self.retrained = 0
        if order == "random":
            random.Random(random_state).shuffle(self.queue)
        elif order == "uncertain":
            self._rank()

    def _ensure_output(self) -> None:
        # Written with the first answer, so a session that saves nothing leaves no file.
        if not self.output.exists() or self.output.stat().st_size == 0:
            with atomic_open(self.output, "w", force=True) as handle:
                handle.write(_csv_line(COLUMNS))

    @property
    def current(self) -> Item | None:
        return self.queue[0] if self.queue else None

    def suggestion(self) -> tuple[str, dict[str, float]] | None:
        """The model's label and probabilities for the current sentence, if there is a model."""
        if self.model is None or self.current is None:
            return None
        proba = self.model.predict_proba([self.current.text])[0]
        classes = [str(c) for c in self.model.classes_]
        return classes[int(proba.argmax())], dict(zip(classes, proba.tolist(), strict=True))

    def answer(self, label: str) -> None:
        """Save `label` for the current sentence (appended and synced before returning)."""
        if label not in LABELS:
            raise UsageError(f"unknown label {label!r}")
        self._ensure_output()
        item = self.queue.pop(0)
        line = _csv_line([item.text, label, item.source]).encode("utf-8")
        descriptor = os.open(self.output, os.O_WRONLY | os.O_APPEND)
        try:
            os.write(descriptor, line)  # one write: a kill cannot leave half a row
            os.fsync(descriptor)
        finally:
            os.close(descriptor)
        self.answers.append((item, label))
        if self.order == "uncertain" and len(self.answers) % self.retrain_every == 0:
            self.retrain()

    def skip(self) -> None:
        self.queue.pop(0)
        self.skipped += 1

    def undo(self) -> bool:
        """Take back the last answer: remove its row and ask that sentence again."""
        if not self.answers:
            return False
        item, _label = self.answers.pop()
        lines = self.output.read_text(encoding="utf-8").splitlines(keepends=True)
        # Rows can span lines (quoted newlines): drop exactly the bytes of the last row.
        last = _csv_line([item.text, _label, item.source])
        text = "".join(lines)
        if not text.endswith(last):
            raise DataError(f"{self.output} changed while labelling; cannot undo safely")
        with atomic_open(self.output, "w", force=True) as handle:
            handle.write(text[: -len(last)])
        self.queue.insert(0, item)
        return True

    def counts(self) -> dict[str, int]:
        counts = dict.fromkeys(LABELS, 0)
        for _, label in self.answers:
            counts[label] += 1
        return counts

    def retrain(self) -> None:
        """Refit on everything labelled so far and re-rank the queue by uncertainty."""
        from stance.pipeline import build_pipeline, pipeline_params

        rows = self.base_rows + [(item.text, label) for item, label in self.answers]
        texts, labels = zip(*rows, strict=True) if rows else ((), ())
        if len(set(labels)) < 2:
            return
        params = pipeline_params(self.params, rows=len(rows))
        model = build_pipeline(**params, random_state=self.random_state)
        self.model = model.fit(list(texts), list(labels))
        self.retrained += 1
        self._rank()

    def _rank(self) -> None:
        """Least certain first: the smallest margin between the two most probable labels."""
        if not self.queue:
            return
        proba = self.model.predict_proba([item.text for item in self.queue])
        top = np.sort(proba, axis=1)
        margin = top[:, -1] - top[:, -2] if proba.shape[1] > 1 else top[:, -1]
        order = np.argsort(margin, kind="stable")
        self.queue = [self.queue[i] for i in order]


def start_session(
    paths: Sequence[str],
    *,
    output: Path,
    labels_dir: Path | None = Path("data/labels"),
    model: Any = None,
    params: dict[str, Any] | None = None,
    order: str | None = None,
    retrain_every: int = 20,
    random_state: int = 0,
) -> LabellingSession:
    """Split the articles into sentences and queue those not labelled yet.

    Sentences already in `labels_dir` or in `output` (a previous run: resume) are skipped.
    """
    if retrain_every < 1:
        raise UsageError(f"--retrain-every must be at least 1 (got {retrain_every})")
    output = Path(output)
    if output.is_dir():
        raise UsageError(f"{output} is a folder; give a CSV file to write answers to")
    if not output.parent.is_dir():
        raise UsageError(f"{output.parent}: the output folder does not exist")
    check_separate([output], inputs=paths)
    known: set[str] = set()
    base_rows: list[tuple[str, str]] = []
    if (
        labels_dir is not None
        and Path(labels_dir).is_dir()
        and any(Path(labels_dir).rglob("*.csv"))
    ):
        known, base_rows = _known_texts([Path(labels_dir)])
    if output.exists() and output.stat().st_size:
        # A header without rows is what an earlier session that saved nothing may leave.
        done, done_rows = _known_texts([output], allow_empty=True)
        known |= done
        base_rows += done_rows
    items: list[Item] = []
    seen: set[str] = set()
    for document in iter_documents(paths):
        sentences = split_sentences(document.text)
        name = Path(document.id).name
        for index, sentence in enumerate(sentences):
            key = normalise(sentence.text)
            if key in known or key in seen or not key:
                continue
            seen.add(key)
            items.append(
                Item(
                    source=f"{name}#{index}",
                    text=sentence.text,
                    before=sentences[index - 1].text if index else "",
                    after=sentences[index + 1].text if index + 1 < len(sentences) else "",
                )
            )
    return LabellingSession(
        items,
        output=output,
        model=model,
        base_rows=base_rows,
        order=order or ("uncertain" if model is not None else "sequential"),
        retrain_every=retrain_every,
        params=params,
        random_state=random_state,
    )
