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
    ["info", "--model", "/no/such/model.joblib", "--plots", "/no/such/folder/plots"],
    ["evaluate", "tests/data/bom.csv", "--plots", "/no/such/folder/plots"],
    ["tag", "-", "--format", "html", "-o", "/no/such/folder/r.html"],
    ["tag", "tests/data", "--engine", "dask"],
    ["tag", "-", "--engine", "dask", "-o", "/tmp"],
    ["tag", "tests/data", "--engine", "dask", "-o", "/no/such/folder/out", "-f", "table"],
    ["tag", "tests/data", "--partitions", "0"],
    ["label"],
    ["label", "/no/such/article.txt", "-o", "/tmp/answers.csv"],
    ["label", "tests/data/bom.csv", "-o", "/no/such/folder/answers.csv"],
    ["label", "tests/data/bom.csv", "-o", "/tmp/a.csv", "--order", "best"],
    ["label", "tests/data/bom.csv", "-o", "/tmp/a.csv", "--order", "uncertain"],
    ["label", "tests/data/bom.csv", "-o", "/tmp/a.csv", "--retrain-every", "0"],
    ["label", "tests/data/bom.csv", "-o", "/tmp/a.csv", "-m", "/no/such/model.joblib"],
    ["data"],
    ["data", "check", "/no/such/labels"],
    ["data", "check", "tests/data/unknown_label.csv", "--no-model"],
    ["data", "check", "--near", "2"],
]


@pytest.mark.parametrize("args", BAD_ARGUMENTS, ids=lambda a: " ".join(a) or "<none>")
def test_bad_arguments_never_raise(args):
    result = runner.invoke(app, args, input="some text\n")
    assert result.exit_code != 0
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    assert "Traceback" not in result.output
