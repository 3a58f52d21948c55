from pathlib import Path

import pytest

from stance.errors import OutputError
from stance.writers import open_output


def test_open_output_is_atomic_and_refuses_overwrite(tmp_path: Path):
    path = tmp_path / "out.csv"
    with open_output(path) as stream:
        stream.write("new")
    assert path.read_text() == "new"
    with pytest.raises(OutputError, match="exists"), open_output(path):
        pass
    with pytest.raises(OutputError, match="does not exist"), open_output(tmp_path / "no" / "x.csv"):
        pass
