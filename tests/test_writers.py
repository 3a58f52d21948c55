import csv
import io
import json
from pathlib import Path

import pytest

from stance.errors import OutputError
from stance.writers import open_output, write_rows

ROWS = [{"doc": "a", "text": 'He said "no, never".'}, {"doc": "b", "text": "Ünïcødé"}]


def test_csv_and_jsonl_round_trip():
    stream = io.StringIO()
    assert write_rows(iter(ROWS), stream, columns=["doc", "text"], fmt="csv") == 2
    assert list(csv.DictReader(io.StringIO(stream.getvalue()))) == ROWS
    stream = io.StringIO()
    write_rows(iter(ROWS), stream, columns=["doc", "text"], fmt="jsonl")
    assert [json.loads(line) for line in stream.getvalue().splitlines()] == ROWS


def test_open_output_is_atomic_and_refuses_overwrite(tmp_path: Path):
    path = tmp_path / "out.csv"
    with open_output(path) as stream:
        stream.write("new")
    assert path.read_text() == "new"
    with pytest.raises(OutputError, match="exists"), open_output(path):
        pass
    with pytest.raises(OutputError, match="does not exist"), open_output(tmp_path / "no" / "x.csv"):
        pass
