"""stance: tag the stance of news sentences on Russia's war against Ukraine.

The command line is `stance` (stance.cli). For Python and pandas/Dask users:
`tag_dataframe(df, model)` tags a DataFrame's text column. Heavy imports happen inside the
functions, so importing the package stays cheap.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

__all__ = ["output_meta", "tag_dataframe"]


def _model(model: Any) -> Any:
    """A loaded model; a path is loaded once per process (Dask workers reuse it)."""
    if isinstance(model, str | Path):
        from stance.persist import cached_tagger

        return cached_tagger(Path(model))
    return model


def tag_dataframe(
    df: Any,
    model: Any,
    *,
    text_column: str = "text",
    unit: str = "sentence",
    min_confidence: float = 0.0,
    batch_size: int = 2000,
) -> Any:
    """Tag the texts in `df[text_column]`: one output row per unit, as `stance tag` writes
    them, with the DataFrame's index (as a string) in the `doc` column.

    `model` is a path to a model file (loaded once per process) or a loaded model. Works on
    a pandas DataFrame and, through `ddf.map_partitions(tag_dataframe, path,
    meta=output_meta(path))`, on a Dask DataFrame.
    """
    import pandas as pd

    from stance.readers import Document
    from stance.tagging import output_columns, tag_documents

    loaded = _model(model)
    documents = (
        Document(str(index), text if isinstance(text, str) else "")
        for index, text in zip(df.index, df[text_column], strict=True)
    )
    rows = tag_documents(
        documents, loaded, unit=unit, min_confidence=min_confidence, batch_size=batch_size
    )
    return _frame(pd, list(rows), output_columns(loaded.classes_))


def output_meta(model: Any) -> Any:
    """An empty DataFrame with tag_dataframe's columns and dtypes (Dask's `meta`)."""
    import pandas as pd

    from stance.tagging import output_columns

    return _frame(pd, [], output_columns(_model(model).classes_))


def _frame(pd: Any, rows: list[dict[str, Any]], columns: list[str]) -> Any:
    frame = pd.DataFrame(rows, columns=columns)
    types = {
        "doc": "object",
        "text": "object",
        "label": "object",
        "index": "int64",
        "start": "int64",
        "end": "int64",
    }
    return frame.astype({c: types.get(c, "float64") for c in columns})
