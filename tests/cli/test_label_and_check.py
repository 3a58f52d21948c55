import csv
import json
import signal
import subprocess
import sys
import time
from pathlib import Path

from typer.testing import CliRunner

from stance.cli import app

runner = CliRunner()


def invoke(*args, input=None):
    return runner.invoke(app, [str(a) for a in args], input=input)


def saved(path: Path) -> list[dict]:
    with open(path, encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def test_scripted_session_answers_undo_skip_quit_and_resume(tmp_path):
    article = tmp_path / "a.txt"
    article.write_text("One thing. Two things. Three things. Four things.", encoding="utf-8")
    out = tmp_path / "answers.csv"
    # 1 -> One; bogus key -> reminder; 3 -> Two; u undoes Two; 4 -> Two; s skips Three; q.
    result = invoke(
        "label", article, "-o", out, "--labels", tmp_path, input="1\nx\n3\nu\n4\ns\nq\n"
    )
    assert result.exit_code == 0, result.output
    assert result.stdout.count("keys: 1 pro-war") == 2
    assert [(r["text"], r["label"], r["source"]) for r in saved(out)] == [
        ("One thing.", "pro-war", "a.txt#0"),
        ("Two things.", "neutral", "a.txt#1"),
    ]
    assert "saved 2 answers" in result.stdout and "skipped 1" in result.stdout
    # Resume: only the unanswered sentences are asked; end of input saves and stops.
    result = invoke("label", article, "-o", out, "--labels", tmp_path, input="2\n")
    assert "2 to go" in result.stdout
    assert [r["label"] for r in saved(out)] == ["pro-war", "neutral", "realist"]


def test_enter_accepts_the_suggestion(tmp_path, tiny_model_path):
    article = tmp_path / "a.txt"
    article.write_text("Freeze the front and dig in.", encoding="utf-8")
    out = tmp_path / "answers.csv"
    result = invoke(
        "label", article, "-o", out, "-m", tiny_model_path, "--labels", tmp_path, input="\n"
    )
    assert result.exit_code == 0, result.output
    assert "suggestion: realist" in result.stdout
    assert saved(out)[0]["label"] == "realist"


def test_killed_session_keeps_every_saved_answer(tmp_path):
    article = tmp_path / "a.txt"
    article.write_text(" ".join(f"Sentence number {i}." for i in range(50)), encoding="utf-8")
    out = tmp_path / "answers.csv"
    process = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "from stance.cli import main; main()",
            "label",
            str(article),
            "-o",
            str(out),
            "--labels",
            str(tmp_path),
        ],
        stdin=subprocess.PIPE,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    for key in ["1", "2", "3", "4", "1"]:
        process.stdin.write(key + "\n")
        process.stdin.flush()
    deadline = time.time() + 30
    while time.time() < deadline and (not out.exists() or len(saved(out)) < 5):
        time.sleep(0.05)
    process.send_signal(signal.SIGKILL)
    process.wait()
    answers = saved(out)
    assert [r["label"] for r in answers] == ["pro-war", "realist", "anti-war", "neutral", "pro-war"]
    assert [r["text"] for r in answers] == [f"Sentence number {i}." for i in range(5)]
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".tmp")]


def test_data_check_finds_planted_problems(tmp_path, tiny_rows):
    from tests.conftest import write_labels

    folder = tmp_path / "labels"
    folder.mkdir()
    rows = list(tiny_rows)
    rows[0] = (rows[0][0], "anti-war")  # flipped: a pro-war sentence labelled anti-war
    write_labels(folder / "a.csv", rows)
    write_labels(
        folder / "b.csv",
        [
            ("We must fight until Kyiv falls!", "pro-war"),  # near-duplicate of a.csv's first row
            ("Leave a reply.", "realist"),  # conflicts with a.csv's neutral "Leave a reply."
        ],
    )
    result = invoke("data", "check", folder, "--json", "--min-confidence", "0.3")
    assert result.exit_code == 1
    report = json.loads(result.stdout)
    assert any("conflicting labels for 'Leave a reply.'" in e for e in report["errors"])
    assert any(d["kind"] == "exact" and "Kyiv falls" in d["text"] for d in report["duplicates"])


# Labels with disjoint vocabularies, so out-of-fold predictions are reliable.
POOLS = {
    "pro-war": ["victory", "mobilise", "attack", "advance", "strike"],
    "realist": ["freeze", "entrench", "fortify", "hold", "dig"],
    "anti-war": ["withdraw", "crime", "peace", "protest", "leave"],
    "neutral": ["tuesday", "byline", "photo", "minutes", "weather"],
}


def disjoint_rows(labels=tuple(POOLS)) -> list[tuple[str, str]]:
    """20 sentences per label, each two words of that label's pool."""
    import itertools

    return [
        (f"{a} and {b} now", label)
        for label in labels
        for a, b in itertools.permutations(POOLS[label], 2)
    ]


def test_data_check_ranks_flipped_labels_and_exits_zero_without_errors(tmp_path):
    from tests.conftest import write_labels

    rows = disjoint_rows()
    flipped = {0: "neutral", 25: "pro-war", 47: "realist"}
    for index, label in flipped.items():
        rows[index] = (rows[index][0], label)
    path = write_labels(tmp_path / "flipped.csv", rows)
    result = invoke("data", "check", path, "--json", "--min-confidence", "0.5")
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert {issue["text"] for issue in report["label_issues"]} == {rows[i][0] for i in flipped}
    issue = report["label_issues"][0]
    assert issue["self_confidence"] < issue["confidence"]
    result = invoke("data", "check", path, "--no-model")
    assert result.exit_code == 0 and "0 errors" in result.stdout


def test_data_check_reports_every_bad_file(tmp_path):
    (tmp_path / "a.csv").write_text("text,label\nA,maybe\n", encoding="utf-8")
    (tmp_path / "b.csv").write_bytes(b"text,label\nB\xff,neutral\n")
    result = invoke("data", "check", tmp_path, "--no-model")
    assert result.exit_code == 1
    assert "unknown label 'maybe'" in result.stdout and "not UTF-8" in result.stdout
    result = invoke("train", tmp_path, "-o", tmp_path / "m.joblib")
    assert result.exit_code == 1 and "1 more problems: run `stance data check`" in result.stderr


def test_data_check_warns_of_words_that_come_with_one_label(tmp_path):
    from tests.conftest import write_labels

    rows = [(f"Freeze the current line, plan {i}.", "realist") for i in range(25)]
    rows += [
        (f"Sentence {i} about something else.", label)
        for i, label in enumerate(["pro-war", "anti-war", "neutral"] * 8)
    ]
    write_labels(tmp_path / "a.csv", rows)
    result = invoke("data", "check", tmp_path / "a.csv", "--no-model")
    assert result.exit_code == 0
    assert "words nearly always of one label" in result.stdout
    assert "'current' in 25 sentences, 100% realist" in result.stdout
    report = json.loads(invoke("data", "check", tmp_path / "a.csv", "--no-model", "--json").stdout)
    assert {e["word"] for e in report["skewed_words"]} >= {"current", "freeze", "line", "plan"}
    assert "sentence" not in {e["word"] for e in report["skewed_words"]}


def test_check_writes_a_fix_sheet_and_fix_applies_it(tmp_path):
    from tests.conftest import write_labels

    rows = disjoint_rows(("pro-war", "neutral"))
    rows[3] = (rows[3][0], "neutral")  # a pro-war sentence labelled neutral
    path = write_labels(tmp_path / "flipped.csv", rows)
    fixes = tmp_path / "fixes.csv"
    result = invoke("data", "check", path, "-c", "0.5", "--fixes", fixes)
    assert result.exit_code == 0, result.output
    assert f"wrote 1 flagged rows to {fixes}" in result.stderr
    sheet = saved(fixes)
    assert [(r["text"], r["label"], r["predicted"], r["fix"]) for r in sheet] == [
        (rows[3][0], "neutral", "pro-war", "")
    ]
    # The sheet exists now: writing it again needs --force.
    result = invoke("data", "check", path, "-c", "0.5", "--fixes", fixes)
    assert result.exit_code == 1 and "exists; use --force" in result.stderr

    sheet[0]["fix"] = "pro-war"
    with open(fixes, "w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(sheet[0]))
        writer.writeheader()
        writer.writerows(sheet)
    result = invoke("data", "fix", fixes, "--dry-run")
    assert result.exit_code == 0 and "would change 1 file(s): 1 relabelled" in result.stdout
    assert saved(path)[3]["label"] == "neutral"
    result = invoke("data", "fix", fixes)
    assert result.exit_code == 0 and "changed 1 file(s): 1 relabelled, 0 dropped" in result.stdout
    assert [r["label"] for r in saved(path)] == ["pro-war"] * 20 + ["neutral"] * 20
    # Applied once, the sheet no longer matches the file: refused, nothing changed.
    before = path.read_bytes()
    result = invoke("data", "fix", fixes)
    assert result.exit_code == 1
    assert "the row no longer reads as in the fix sheet" in result.stderr
    assert "Traceback" not in result.output and path.read_bytes() == before


def test_fix_sheet_needs_the_label_error_search(tmp_path, tiny_labels):
    result = invoke("data", "check", tiny_labels, "--no-model", "--fixes", tmp_path / "f.csv")
    assert result.exit_code == 2 and "--fixes needs the label-error search" in result.stderr
    assert not (tmp_path / "f.csv").exists()
