from pathlib import Path

import pytest

from stance.errors import UsageError
from stance.labelling import start_session
from stance.labels import parse_labels_csv


@pytest.fixture
def article(tmp_path: Path) -> Path:
    path = tmp_path / "article.txt"
    path.write_text(
        "Freeze the front. Stop the war.\n\nTotal victory! The talks lasted an hour.",
        encoding="utf-8",
    )
    return path


def rows(path: Path) -> list[tuple[str, str, str]]:
    frame = parse_labels_csv(path.read_bytes(), name=str(path))
    return list(zip(frame["text"], frame["label"], frame["source"], strict=True))


def test_answers_are_saved_at_once_and_undo_removes_the_last(article, tmp_path):
    out = tmp_path / "out.csv"
    session = start_session([str(article)], output=out, labels_dir=None)
    assert session.current.text == "Freeze the front."
    assert session.current.after == "Stop the war."
    session.answer("realist")
    assert rows(out) == [("Freeze the front.", "realist", "article.txt#0")]
    session.skip()
    session.answer("pro-war")
    assert session.undo() is True
    assert session.current.text == "Total victory!"
    assert [r[0] for r in rows(out)] == ["Freeze the front."]
    assert session.counts()["realist"] == 1


def test_resume_skips_what_is_done_and_what_is_in_labels(article, tmp_path):
    out = tmp_path / "out.csv"
    labels = tmp_path / "labels"
    labels.mkdir()
    (labels / "l.csv").write_text("text,label\nstop the war,anti-war\n", encoding="utf-8")
    first = start_session([str(article)], output=out, labels_dir=labels)
    assert [i.text for i in first.queue] == [
        "Freeze the front.",
        "Total victory!",
        "The talks lasted an hour.",
    ]
    first.answer("realist")
    second = start_session([str(article)], output=out, labels_dir=labels)
    assert [i.text for i in second.queue] == ["Total victory!", "The talks lasted an hour."]


def test_a_session_that_saves_nothing_leaves_no_file_and_a_bare_header_resumes(article, tmp_path):
    out = tmp_path / "out.csv"
    start_session([str(article)], output=out, labels_dir=None).skip()
    assert not out.exists()
    out.write_text("text,label,source\n", encoding="utf-8")
    session = start_session([str(article)], output=out, labels_dir=None)
    assert len(session.queue) == 4
    session.answer("realist")
    assert rows(out) == [("Freeze the front.", "realist", "article.txt#0")]


def test_uncertain_order_and_retraining(article, tmp_path, tiny_model):
    session = start_session(
        [str(article)],
        output=tmp_path / "o.csv",
        labels_dir=None,
        model=tiny_model,
        retrain_every=1,
    )
    assert session.order == "uncertain"
    proba = tiny_model.predict_proba([i.text for i in session.queue])
    margins = [sorted(p)[-1] - sorted(p)[-2] for p in proba]
    assert margins == sorted(margins)
    label, probabilities = session.suggestion()
    assert label in probabilities
    session.answer("neutral")
    assert session.retrained == 0  # one answer, one label: nothing to retrain on yet
    session.answer("realist")
    assert session.retrained == 1


def test_bad_session_arguments(article, tmp_path):
    with pytest.raises(UsageError, match="needs a model"):
        start_session([str(article)], output=tmp_path / "o.csv", labels_dir=None, order="uncertain")
    with pytest.raises(UsageError, match="unknown order"):
        start_session([str(article)], output=tmp_path / "o.csv", labels_dir=None, order="best")
    with pytest.raises(UsageError, match="does not exist"):
        start_session([str(article)], output=tmp_path / "no" / "o.csv", labels_dir=None)
