"""Saving and loading a model with its JSON manifest (model card); atomic writes.

A joblib file is a pickle: loading it can run code. The manifest is read and checked first
(sha256 of the model file, library versions, labels) so corruption and accidents are caught
before anything is unpickled. It does not protect against a malicious author: load only
models you trust.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import json
import os
import platform
import tempfile
from collections.abc import Iterator, Sequence
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path
from typing import IO, Any

from stance.errors import ModelError, OutputError
from stance.readers import STDIN

MANIFEST_FORMAT = 1
_PACKAGES = ("stance", "scikit-learn", "numpy", "scipy", "joblib", "pandas")
# The manifest and the arrays are saved beside the model under these suffixes.
_BESIDE_MODEL = (".json", ".npz")


def manifest_path(model_path: Path) -> Path:
    return Path(model_path).with_suffix(_BESIDE_MODEL[0])


def arrays_path(model_path: Path) -> Path:
    return Path(model_path).with_suffix(_BESIDE_MODEL[1])


def package_versions() -> dict[str, str]:
    versions = {"python": platform.python_version()}
    for name in _PACKAGES:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            versions[name] = "unknown"
    return versions


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def check_writable(path: Path, *, force: bool = False) -> None:
    """Raise OutputError unless `path` may be (over)written."""
    path = Path(path)
    if path.exists() and not force:
        raise OutputError(f"{path} exists; use --force to overwrite it")
    if path.is_dir():
        raise OutputError(f"{path} is a folder, not a file")
    folder = path.parent
    if not folder.is_dir():
        raise OutputError(f"{folder}: the output folder does not exist")
    if not os.access(folder, os.W_OK):
        raise OutputError(f"{folder}: the output folder is not writable")


def check_separate(outputs: Sequence[Path | None], *, inputs: Sequence[Path | str] = ()) -> None:
    """Refuse an output that is one of the input files or is named twice: writing it would
    destroy what is being read or written, even with --force."""
    taken = {Path(p).resolve() for p in inputs if str(p) != STDIN and Path(p).is_file()}
    for output in outputs:
        if output is None:
            continue
        resolved = Path(output).resolve()
        if resolved in taken:
            raise OutputError(f"{output} is also an input or another output; name another file")
        taken.add(resolved)


def check_model_output(
    path: Path, *, force: bool = False, inputs: Sequence[Path | str] = ()
) -> None:
    """Raise OutputError unless the model, its manifest and its arrays may be written."""
    path = Path(path)
    if path.suffix in _BESIDE_MODEL:
        raise OutputError(
            f"{path}: a model file cannot end in {path.suffix}; its manifest (.json) and "
            "arrays (.npz) are saved beside it under those names (use .joblib)"
        )
    targets = (path, manifest_path(path), arrays_path(path))
    check_separate(targets, inputs=inputs)
    for target in targets:
        check_writable(target, force=force)


@contextlib.contextmanager
def atomic_open(path: Path, mode: str = "w", *, force: bool = False) -> Iterator[IO[Any]]:
    """Write to a temporary file in the same folder, then os.replace it over `path`.

    If the block raises, the temporary file is removed and `path` is left as it was.
    """
    path = Path(path)
    check_writable(path, force=force)
    handle = tempfile.NamedTemporaryFile(  # noqa: SIM115 (closed below, then replaced)
        mode,
        dir=path.parent,
        prefix=f".{path.name}.",
        suffix=".tmp",
        delete=False,
        **({} if "b" in mode else {"encoding": "utf-8", "newline": ""}),
    )
    try:
        with handle:
            yield handle
            handle.flush()
            os.fsync(handle.fileno())
        # NamedTemporaryFile creates 0600; give the file the permissions a plain open() would.
        os.chmod(handle.name, 0o666 & ~_umask())
        os.replace(handle.name, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(handle.name)
        raise


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def save_model(
    pipeline: Any, path: Path, *, manifest: dict[str, Any], force: bool = False
) -> dict[str, Any]:
    """Dump `pipeline` with joblib and write its manifest beside it; returns the manifest.

    Beside it go the NumPy arrays of the fast path (`.npz`, when the pipeline has one) and
    the manifest. Each is written to a temporary file and renamed into place, the manifest
    last, so a failure never leaves a half-written file.
    """
    import joblib

    from stance.fast import FastModel

    path = Path(path)
    card_path = manifest_path(path)
    check_model_output(path, force=force)
    buffer = io.BytesIO()
    joblib.dump(pipeline, buffer, compress=3)
    blob = buffer.getvalue()
    arrays = io.BytesIO()
    try:
        FastModel.from_pipeline(pipeline).save(arrays)
    except ValueError:
        arrays = None  # not a pipeline the fast path reproduces: tag with joblib only
    card = {
        "format": MANIFEST_FORMAT,
        "model_file": path.name,
        "model_sha256": hashlib.sha256(blob).hexdigest(),
        "model_bytes": len(blob),
        "created": datetime.now(UTC).isoformat(timespec="seconds"),
        "versions": package_versions(),
        "labels": [str(c) for c in pipeline.classes_],
        **manifest,
    }
    if arrays is not None:
        card["arrays_file"] = arrays_path(path).name
        card["arrays_sha256"] = hashlib.sha256(arrays.getvalue()).hexdigest()
    # The manifest is replaced last: until then any old manifest describes the old files,
    # and a manifest whose hashes do not match its files is refused.
    with atomic_open(card_path, "w", force=True) as card_file:
        with atomic_open(path, "wb", force=True) as model_file:
            model_file.write(blob)
        if arrays is not None:
            with atomic_open(arrays_path(path), "wb", force=True) as arrays_file:
                arrays_file.write(arrays.getvalue())
        json.dump(card, card_file, indent=2, ensure_ascii=False)
        card_file.write("\n")
    return card


def read_manifest(path: Path) -> dict[str, Any]:
    """The manifest of the model at `path`, checked against the model file's bytes."""
    path = Path(path)
    card_path = manifest_path(path)
    if not path.is_file():
        raise ModelError(f"{path}: no model file here; train one with `stance train`")
    if path.suffix in _BESIDE_MODEL:  # easy to mistake for the model
        raise ModelError(f"{path} is beside the model, not the model; pass the .joblib file")
    if not card_path.is_file():
        raise ModelError(f"{card_path}: the model's manifest is missing; refusing to load {path}")
    try:
        card = json.loads(card_path.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise ModelError(f"{card_path}: the manifest is not valid JSON ({error})") from None
    if not isinstance(card, dict) or "model_sha256" not in card or "labels" not in card:
        raise ModelError(f"{card_path}: not a stance model manifest")
    actual = sha256_file(path)
    if actual != card["model_sha256"]:
        raise ModelError(
            f"{path}: sha256 {actual[:12]}... does not match the manifest's "
            f"{card['model_sha256'][:12]}...; the file is corrupt or was replaced"
        )
    return card


def load_tagger(path: Path, *, allow_version_mismatch: bool = False) -> tuple[Any, dict[str, Any]]:
    """The model for tagging: its NumPy arrays when the manifest lists them (no pickle, no
    scikit-learn import), else the joblib pipeline. Both are checked against the manifest."""
    from stance.fast import FastModel

    card = read_manifest(path)
    if not card.get("arrays_file"):
        return load_model(path, allow_version_mismatch=allow_version_mismatch)
    arrays = Path(path).parent / card["arrays_file"]
    if not arrays.is_file():
        raise ModelError(f"{arrays}: the model's arrays file is missing")
    actual = sha256_file(arrays)
    if actual != card.get("arrays_sha256"):
        raise ModelError(
            f"{arrays}: sha256 {actual[:12]}... does not match the manifest's; "
            "the file is corrupt or was replaced"
        )
    try:
        model = FastModel.load(arrays)
    except (ValueError, KeyError, OSError) as error:
        raise ModelError(f"{arrays}: cannot load the model's arrays ({error})") from None
    if [str(c) for c in model.classes_] != list(card["labels"]):
        raise ModelError(f"{arrays}: labels do not match the manifest's {card['labels']}")
    return model, card


def load_model(path: Path, *, allow_version_mismatch: bool = False) -> tuple[Any, dict[str, Any]]:
    """Check the manifest, then unpickle the model; returns (pipeline, manifest)."""
    import joblib

    card = read_manifest(path)
    trained_with = card.get("versions", {}).get("scikit-learn", "unknown")
    installed = package_versions()["scikit-learn"]
    if trained_with != installed and not allow_version_mismatch:
        raise ModelError(
            f"{path} was trained with scikit-learn {trained_with}, this is {installed}; "
            "retrain it, or pass --allow-version-mismatch to load it anyway"
        )
    try:
        pipeline = joblib.load(path)
    except Exception as error:  # any unpickling failure means an unusable file
        raise ModelError(
            f"{path}: cannot load the model ({type(error).__name__}: {error})"
        ) from None
    classes = [str(c) for c in getattr(pipeline, "classes_", [])]
    if classes != list(card["labels"]):
        raise ModelError(
            f"{path}: the model's labels {classes} do not match the manifest's {card['labels']}"
        )
    return pipeline, card


_TAGGERS: dict[tuple[str, bool], Any] = {}


def cached_tagger(path: Path, *, allow_version_mismatch: bool = False) -> Any:
    """load_tagger's model, loaded once per process (Dask workers, map_partitions)."""
    key = (str(Path(path).resolve()), allow_version_mismatch)
    if key not in _TAGGERS:
        _TAGGERS[key], _ = load_tagger(Path(path), allow_version_mismatch=allow_version_mismatch)
    return _TAGGERS[key]
