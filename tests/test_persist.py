import json
from pathlib import Path

import pytest

from stance.errors import ModelError, OutputError
from stance.persist import (
    atomic_open,
    check_model_output,
    check_separate,
    load_model,
    manifest_path,
    read_manifest,
    save_model,
)


def test_round_trip_gives_identical_predictions(tiny_model, tmp_path: Path):
    path = tmp_path / "m.joblib"
    card = save_model(tiny_model, path, manifest={"note": "x"})
    loaded, loaded_card = load_model(path)
    texts = ["Freeze the front.", "Stop the war.", "Total victory!", "Leave a reply."]
    assert loaded.predict(texts).tolist() == tiny_model.predict(texts).tolist()
    assert (loaded.predict_proba(texts) == tiny_model.predict_proba(texts)).all()
    assert loaded_card == card
    assert card["labels"] == ["anti-war", "neutral", "pro-war", "realist"]
    assert card["versions"]["scikit-learn"]


def test_manifest_fields(tiny_model_path: Path):
    card = json.loads(manifest_path(tiny_model_path).read_text())
    for key in (
        "labels",
        "counts",
        "hyperparameters",
        "cv",
        "data",
        "versions",
        "model_sha256",
        "created",
    ):
        assert key in card
    assert card["data"]["sha256"] and card["cv"]["n_splits"] == 2


def test_existing_file_is_not_overwritten_without_force(tiny_model, tmp_path: Path):
    path = tmp_path / "m.joblib"
    path.write_bytes(b"old")
    with pytest.raises(OutputError, match="exists; use --force"):
        save_model(tiny_model, path, manifest={})
    assert path.read_bytes() == b"old"
    save_model(tiny_model, path, manifest={}, force=True)
    assert path.read_bytes() != b"old"


def test_crash_while_writing_leaves_old_file_and_no_temporary(tmp_path: Path):
    path = tmp_path / "out.csv"
    path.write_text("old", encoding="utf-8")
    with pytest.raises(RuntimeError), atomic_open(path, "w", force=True) as handle:
        handle.write("half")
        raise RuntimeError("simulated crash")
    assert path.read_text(encoding="utf-8") == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["out.csv"]


def _copy(tiny_model_path: Path, tmp_path: Path) -> Path:
    target = tmp_path / "m.joblib"
    target.write_bytes(tiny_model_path.read_bytes())
    manifest_path(target).write_text(manifest_path(tiny_model_path).read_text())
    return target


@pytest.mark.parametrize(
    ("damage", "message"),
    [
        (lambda p: p.unlink(), "no model file"),
        (lambda p: p.write_bytes(b""), "does not match the manifest"),
        (lambda p: p.write_bytes(p.read_bytes()[:100]), "does not match the manifest"),
        (
            lambda p: p.write_bytes(bytes([p.read_bytes()[0] ^ 1]) + p.read_bytes()[1:]),
            "does not match the manifest",
        ),
        (lambda p: manifest_path(p).unlink(), "manifest is missing"),
        (lambda p: manifest_path(p).write_text("{"), "not valid JSON"),
    ],
)
def test_damaged_models_are_refused_before_unpickling(
    tiny_model_path, tmp_path, damage, message, monkeypatch
):
    import joblib

    path = _copy(tiny_model_path, tmp_path)
    damage(path)
    monkeypatch.setattr(joblib, "load", lambda *a, **k: pytest.fail("unpickled a bad model"))
    with pytest.raises(ModelError, match=message):
        load_model(path)


def test_version_mismatch_is_refused_unless_allowed(tiny_model_path, tmp_path):
    path = _copy(tiny_model_path, tmp_path)
    card = json.loads(manifest_path(path).read_text())
    card["versions"]["scikit-learn"] = "0.1"
    manifest_path(path).write_text(json.dumps(card))
    with pytest.raises(ModelError, match=r"trained with scikit-learn 0\.1, this is"):
        load_model(path)
    pipeline, _ = load_model(path, allow_version_mismatch=True)
    assert len(pipeline.classes_) == 4


def test_manifest_labels_must_match_the_model(tiny_model_path, tmp_path):
    path = _copy(tiny_model_path, tmp_path)
    card = json.loads(manifest_path(path).read_text())
    card["labels"] = ["a", "b"]
    manifest_path(path).write_text(json.dumps(card))
    assert read_manifest(path)["labels"] == ["a", "b"]
    with pytest.raises(ModelError, match="do not match the manifest"):
        load_model(path)


def test_tagging_model_loads_from_arrays_without_unpickling(tiny_model, tmp_path, monkeypatch):
    import joblib

    from stance.fast import FastModel
    from stance.persist import arrays_path, load_tagger

    path = tmp_path / "m.joblib"
    card = save_model(tiny_model, path, manifest={})
    assert arrays_path(path).is_file() and card["arrays_file"] == "m.npz"
    monkeypatch.setattr(joblib, "load", lambda *a, **k: pytest.fail("unpickled the model"))
    model, _ = load_tagger(path)
    assert isinstance(model, FastModel)
    texts = ["Freeze the front.", "Stop the war.", "Total victory!", "Leave a reply."]
    expected = tiny_model.predict_proba(texts)
    assert abs(model.predict_proba(texts) - expected).max() < 1e-12
    assert list(model.predict(texts)) == list(tiny_model.predict(texts))
    data = bytearray(arrays_path(path).read_bytes())
    data[-10] ^= 1
    arrays_path(path).write_bytes(bytes(data))
    with pytest.raises(ModelError, match="does not match the manifest"):
        load_tagger(path)
    arrays_path(path).unlink()
    with pytest.raises(ModelError, match="arrays file is missing"):
        load_tagger(path)


def test_written_files_get_ordinary_permissions(tiny_model, tmp_path):
    import os

    path = tmp_path / "m.joblib"
    save_model(tiny_model, path, manifest={})
    mask = os.umask(0)
    os.umask(mask)
    assert (path.stat().st_mode & 0o777) == 0o666 & ~mask


def test_the_manifest_is_not_taken_for_the_model(tiny_model_path):
    with pytest.raises(ModelError, match="beside the model, not the model"):
        read_manifest(manifest_path(tiny_model_path))


@pytest.mark.parametrize("name", ["m.json", "m.npz"])
def test_a_model_file_cannot_take_the_name_of_its_manifest_or_arrays(tmp_path, name):
    with pytest.raises(OutputError, match="cannot end in"):
        check_model_output(tmp_path / name)
    check_model_output(tmp_path / "m.joblib")


def test_an_output_may_not_be_an_input_or_named_twice(tmp_path):
    source = tmp_path / "in.txt"
    source.write_text("x", encoding="utf-8")
    with pytest.raises(OutputError, match="also an input"):
        check_separate([tmp_path / "sub" / ".." / "in.txt"], inputs=[source])
    with pytest.raises(OutputError, match="another output"):
        check_separate([tmp_path / "a.csv", None, tmp_path / "a.csv"], inputs=["-"])
    check_separate([tmp_path / "a.csv", tmp_path / "b.csv"], inputs=[source, "-"])
