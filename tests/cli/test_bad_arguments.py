"""Every command, given bad arguments, exits with a message: no exception escapes."""

import pytest
from typer.testing import CliRunner

from stance.cli import app

runner = CliRunner()

BAD_ARGUMENTS = [
    [],
    ["nonsense-command"],
    ["train", "--cv", "-1"],
    ["train", "--cv", "abc"],
    ["train", "/no/such/labels.csv"],
    ["train", "--output", "/no/such/folder/m.joblib", "tests/data/bom.csv"],
    ["train", "--bogus-option"],
    ["tag"],
    ["tag", "/no/such/file.txt"],
    ["tag", "-", "--unit", "paragraph"],
    ["tag", "-", "--format", "xml"],
    ["tag", "-", "--min-confidence", "2"],
    ["tag", "-", "--batch-size", "0"],
    ["tag", "-", "--model", "/no/such/model.joblib"],
    ["tag", "tests/data", "--model", "tests/data/bom.csv"],
    ["evaluate"],
    ["evaluate", "/no/such.csv"],
    ["evaluate", "tests/data/bom.csv", "--model", "/no/such/model.joblib"],
    ["evaluate", "tests/data/bom.csv", "--errors", "-3"],
    ["explain"],
    ["explain", "text", "--model", "/no/such/model.joblib"],
    ["explain", "text", "--top", "0"],
    ["info", "--model", "/no/such/model.joblib"],
    ["info", "--model", "tests/data"],
    ["info", "--top", "x"],
]


@pytest.mark.parametrize("args", BAD_ARGUMENTS, ids=lambda a: " ".join(a) or "<none>")
def test_bad_arguments_never_raise(args):
    result = runner.invoke(app, args, input="some text\n")
    assert result.exit_code != 0
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    assert "Traceback" not in result.output
