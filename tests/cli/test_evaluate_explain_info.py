import json
from pathlib import Path

from typer.testing import CliRunner

from stance.cli import app
from tests.conftest import write_labels

runner = CliRunner()


def invoke(*args):
    return runner.invoke(app, [str(a) for a in args])


def test_evaluate_tables_and_json(tiny_model_path: Path, tmp_path):
    labels = write_labels(
        tmp_path / "eval.csv",
        [
            ("Freeze the front and dig in.", "realist"),
            ("Stop the war now.", "anti-war"),
            ("Total victory, mobilise everyone.", "pro-war"),
            ("Subscribe to our newsletter.", "neutral"),
            ("Freeze the front and dig in now.", "anti-war"),
        ],
    )
    result = invoke("evaluate", labels, "-m", tiny_model_path)
    assert result.exit_code == 0, result.output
    for heading in ("macro-F1", "confusion", "reliability", "most confident errors"):
        assert heading in result.stdout
    result = invoke("evaluate", labels, "-m", tiny_model_path, "--json", "--errors", "1")
    report = json.loads(result.stdout)
    assert report["n"] == 5
    assert report["accuracy"] == 0.8
    assert len(report["errors"]) == 1 and report["errors"][0]["label"] == "anti-war"
    assert sum(map(sum, report["confusion"])) == 5


def test_evaluate_bad_labels(tiny_model_path, tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_text("text\nno label column\n", encoding="utf-8")
    result = invoke("evaluate", bad, "-m", tiny_model_path)
    assert result.exit_code == 1 and "missing column(s) label" in result.output


def test_explain_and_info(tiny_model_path):
    result = invoke("explain", "Freeze the front and dig in.", "-m", tiny_model_path, "--json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["label"] == "realist" and data["towards"]
    result = invoke("explain", "Freeze the front.", "-m", tiny_model_path, "-k", "3")
    assert result.exit_code == 0 and "towards realist" in result.stdout
    result = invoke("explain", "  ", "-m", tiny_model_path)
    assert result.exit_code == 2 and "nothing to explain" in result.output
    result = invoke("info", "-m", tiny_model_path, "--top", "3")
    assert result.exit_code == 0, result.output
    assert "trained on 40 sentences" in result.stdout
    assert "strongest 3 n-grams" in result.stdout
    card = json.loads(invoke("info", "-m", tiny_model_path, "--json").stdout)
    assert set(card["top_features"]) == {"anti-war", "neutral", "pro-war", "realist"}


def test_explain_and_info_show_character_ngrams(tmp_path):
    # Character n-grams are named "[gram]"; a table cell must not read them as rich markup.
    labels = write_labels(
        tmp_path / "chars.csv",
        [
            ("Freeze the front.", "realist"),
            ("Freeze the line where it stands.", "realist"),
            ("Dig in and freeze it.", "realist"),
            ("Stop the war.", "anti-war"),
            ("Withdraw the troops now.", "anti-war"),
            ("This war is a crime.", "anti-war"),
        ],
    )
    model = tmp_path / "chars.joblib"
    assert invoke("train", labels, "-o", model, "--cv", "2").exit_code == 0
    explained = json.loads(
        invoke("explain", "Freeze it.", "-m", model, "--json", "-k", "50").stdout
    )
    grams = [gram for gram, _ in explained["towards"] + explained["away"]]
    assert "[fre]" in grams
    result = invoke("explain", "Freeze it.", "-m", model, "-k", "50")
    assert result.exit_code == 0 and "[fre]" in result.stdout
    strongest = json.loads(invoke("info", "-m", model, "--json", "-k", "200").stdout)
    assert "[fre]" in [gram for gram, _ in strongest["top_features"]["realist"]]
    result = invoke("info", "-m", model, "-k", "200")
    assert result.exit_code == 0 and "[fre]" in result.stdout


def test_train_search_records_both_scores(tiny_labels, tmp_path, monkeypatch):
    import stance.training as training

    monkeypatch.setattr(training, "SEARCH_GRID", {"C": [0.5, 5.0]})
    model = tmp_path / "m.joblib"
    result = invoke("train", tiny_labels, "-o", model, "--cv", "2", "--search", "-j", "1")
    assert result.exit_code == 0, result.output
    assert "best" in result.stdout and "vs default" in result.stdout
    card = json.loads(model.with_suffix(".json").read_text())
    assert card["search"]["default"]["macro_f1"] <= card["search"]["best"]["macro_f1"]
    assert card["hyperparameters"]["C"] == card["search"]["best"]["params"]["C"]
