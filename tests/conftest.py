"""Shared fixtures: a tiny labelled set and a model trained on it (once per session)."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from stance.persist import load_model
from stance.training import train_from_files

ROOT = Path(__file__).resolve().parent.parent

# Ten short sentences per label: enough for 2- or 3-fold CV, small enough to train in a blink.
TINY = {
    "pro-war": [
        "We must fight until Kyiv falls.",
        "Total victory, no talks, mobilise everyone.",
        "Strike harder at their power plants.",
        "No ceasefire until our flag flies over Odesa.",
        "Anyone who wants peace now is a traitor.",
        "Send more men and finish the job.",
        "Victory will be ours, push on to the Dnipro.",
        "Escalate and hit the bridges tonight.",
        "Mobilise the whole country for total victory.",
        "Reject any talks and keep attacking.",
    ],
    "realist": [
        "Freeze the front and dig in.",
        "We lack the resources to win, so hold what we have.",
        "An interim deal along the current line is best.",
        "Fix the army and corruption first.",
        "Build defensive lines and stop the assaults.",
        "The generals mismanaged the war; entrench.",
        "Consolidate the gains and freeze the conflict.",
        "Hold the line and rebuild the economy.",
        "Dig defensive lines around current positions.",
        "Negotiate a freeze, keep the land bridge.",
    ],
    "anti-war": [
        "Stop the war and withdraw the troops.",
        "This invasion is a crime.",
        "Putin lost the war, bring the boys home.",
        "No to war, stop the killing.",
        "Russia must withdraw from Ukraine.",
        "Slava Ukraini, the occupiers must leave.",
        "The war is a criminal mistake, end it.",
        "Withdraw now and end this shameful war.",
        "Putin must go because of this crime.",
        "Stand with Ukraine against the invasion.",
    ],
    "neutral": [
        "Leave a reply.",
        "Written by a staff reporter.",
        "The talks resumed on Tuesday.",
        "Photo credit: Reuters.",
        "She is a researcher at a think tank.",
        "October 9, 2022 at 10:10 am.",
        "Subscribe to our newsletter.",
        "The meeting lasted two hours.",
        "Share this article.",
        "The elite is divided.",
    ],
}


def write_labels(
    path: Path, rows: list[tuple[str, str]], header: tuple[str, ...] = ("text", "label", "source")
) -> Path:
    with open(path, "w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        for text, label in rows:
            writer.writerow([text, label, "test"][: len(header)])
    return path


@pytest.fixture
def tiny_rows() -> list[tuple[str, str]]:
    return [(text, label) for label, texts in TINY.items() for text in texts]


@pytest.fixture
def tiny_labels(tmp_path: Path, tiny_rows: list[tuple[str, str]]) -> Path:
    return write_labels(tmp_path / "tiny.csv", tiny_rows)


@pytest.fixture(scope="session")
def tiny_model_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("model")
    labels = write_labels(
        folder / "tiny.csv", [(t, label) for label, texts in TINY.items() for t in texts]
    )
    output = folder / "tiny.joblib"
    train_from_files([labels], output=output, n_splits=2, random_state=0)
    return output


@pytest.fixture(scope="session")
def tiny_model(tiny_model_path: Path):
    pipeline, _ = load_model(tiny_model_path)
    return pipeline
