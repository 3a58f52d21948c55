"""PNG charts for `stance evaluate --plots` and `stance info --plots` (matplotlib, optional)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from stance.errors import UsageError
from stance.persist import atomic_open


def require_matplotlib() -> Any:
    try:
        import matplotlib
    except ImportError:
        raise UsageError("--plots needs matplotlib: pip install 'stance[plots]'") from None
    matplotlib.use("Agg")  # files only, no display
    import matplotlib.pyplot as plt

    return plt


def _save(figure: Any, path: Path) -> Path:
    with atomic_open(path, "wb", force=True) as handle:
        figure.savefig(handle, format="png", dpi=120, bbox_inches="tight")
    return path


def _folder(folder: Path) -> Path:
    folder = Path(folder)
    if not folder.is_dir():
        if not folder.parent.is_dir():
            raise UsageError(f"{folder.parent}: the folder for --plots does not exist")
        folder.mkdir()
    return folder


def evaluation_plots(report: dict[str, Any], folder: Path) -> list[Path]:
    """confusion.png (a heatmap of counts) and reliability.png (confidence vs accuracy)."""
    plt = require_matplotlib()
    folder = _folder(folder)
    labels, matrix = report["labels"], report["confusion"]
    figure, axes = plt.subplots(figsize=(5.5, 4.5))
    image = axes.imshow(matrix, cmap="Blues")
    axes.set_xticks(range(len(labels)), labels, rotation=30, ha="right")
    axes.set_yticks(range(len(labels)), labels)
    axes.set_xlabel("predicted")
    axes.set_ylabel("gold")
    top = max((max(row) for row in matrix), default=0)
    for i, row in enumerate(matrix):
        for j, value in enumerate(row):
            axes.text(
                j,
                i,
                str(value),
                ha="center",
                va="center",
                color="white" if value > top / 2 else "black",
            )
    figure.colorbar(image, ax=axes)
    axes.set_title(f"confusion (n={report['n']}, macro-F1 {report['macro_f1']:.3f})")
    paths = [_save(figure, folder / "confusion.png")]
    plt.close(figure)
    bins = [row for row in report["reliability"] if row["count"]]
    figure, axes = plt.subplots(figsize=(5, 4.5))
    axes.plot([0, 1], [0, 1], linestyle="--", color="#999999", label="perfect calibration")
    axes.plot(
        [b["confidence"] for b in bins],
        [b["accuracy"] for b in bins],
        marker="o",
        color="#0072B2",
        label="model",
    )
    axes.set_xlim(0, 1)
    axes.set_ylim(0, 1)
    axes.set_xlabel("mean confidence in bin")
    axes.set_ylabel("accuracy in bin")
    axes.set_title(f"reliability (ECE {report['ece']:.3f})")
    axes.legend(loc="upper left")
    paths.append(_save(figure, folder / "reliability.png"))
    plt.close(figure)
    return paths


def feature_plot(features: dict[str, list[tuple[str, float]]], folder: Path) -> list[Path]:
    """top_ngrams.png: the strongest n-grams of each label as horizontal bars."""
    from stance.report import COLOURS

    plt = require_matplotlib()
    folder = _folder(folder)
    figure, axes = plt.subplots(1, len(features), figsize=(4 * len(features), 4.5))
    for axis, (label, rows) in zip(
        list(getattr(axes, "flat", [axes])), features.items(), strict=True
    ):
        names = [name for name, _ in rows][::-1]  # strongest at the top
        weights = [weight for _, weight in rows][::-1]
        axis.barh(range(len(names)), weights, color=COLOURS.get(label, ("#666666",))[0])
        axis.set_yticks(range(len(names)), names)
        axis.set_title(label)
        axis.tick_params(axis="y", labelsize=8)
    figure.suptitle("strongest n-grams per label (coefficients)")
    figure.tight_layout()
    path = _save(figure, folder / "top_ngrams.png")
    plt.close(figure)
    return [path]
