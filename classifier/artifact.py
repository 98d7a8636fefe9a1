"""The model file: the fitted pipeline, its fast scorer and its metadata, as joblib or as skops.

In a joblib file the pipeline is stored as pickled bytes inside the payload, so that loading the
file (metadata and the scorer's plain arrays) does not import scikit-learn; the pipeline is
unpickled only if something asks for it.

joblib files are pickles, and loading a pickle runs whatever code it carries. So a joblib
artifact is loaded only when its SHA-256 matches the digest file written beside it at save time
(``model.joblib.sha256``, in ``sha256sum`` format), or when the user says ``--trust``.
skops files are loaded without running code: every type they name is checked against
``ALLOWED_TYPES`` below, a list that lives here and is never read from the artifact.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import pickle
import platform
import warnings
import zipfile
from pathlib import Path

from .errors import ArtifactError, NoInputError, OutputError, UntrustedError
from .model import Model
from .scorer import FastScorer
from .writers import atomic_path

log = logging.getLogger("claimtag")

FORMAT = "claimtag-model"
FORMAT_VERSION = 2
FORMATS = ("joblib", "skops")
DEFAULT_MODEL_ENV = "CLAIMTAG_MODEL"
BUNDLED_MODEL = Path(__file__).resolve().parent.parent / "models" / "default.joblib"
DIGEST_SUFFIX = ".sha256"

# Every type a claimtag model is made of; a skops file naming anything else is refused.
ALLOWED_TYPES = frozenset(
    {
        "builtins.dict", "builtins.list", "builtins.tuple", "builtins.str", "builtins.int",
        "builtins.float", "builtins.bool", "builtins.NoneType",
        "numpy.ndarray", "numpy.dtype", "numpy.float64", "numpy.float32", "numpy.int64",
        "numpy.int32", "numpy.int8", "numpy.bool_",
        "sklearn.pipeline.Pipeline",
        "sklearn.feature_extraction.text.TfidfVectorizer",
        "sklearn.feature_extraction.text.TfidfTransformer",
        "sklearn.linear_model._logistic.LogisticRegression",
        "sklearn.dummy.DummyClassifier",
        "classifier.pipeline.TagClassifier",
    }
)


def environment() -> dict[str, str]:
    """Versions that decide whether a saved pipeline unpickles and predicts the same."""
    import joblib
    import numpy
    import sklearn

    from . import __version__

    return {
        "python": platform.python_version(),
        "scikit-learn": sklearn.__version__,
        "numpy": numpy.__version__,
        "joblib": joblib.__version__,
        "claimtag": __version__,
    }


def default_model_path() -> Path:
    return Path(os.environ.get(DEFAULT_MODEL_ENV) or BUNDLED_MODEL)


def refuse_overwrite(path: str | Path, force: bool) -> None:
    """Checked before training, so a long run does not end in a refusal."""
    if Path(path).exists() and not force:
        raise OutputError(f"{path}: already exists; pass --force to replace it")


def format_for(path: str | Path, requested: str | None = None) -> str:
    """The requested format, else the one the file name says (``.skops``), else joblib."""
    if requested:
        return requested
    return "skops" if Path(path).suffix.lower() == ".skops" else "joblib"


def save(model: Model, path: str | Path, force: bool = False, fmt: str | None = None) -> Path:
    path = Path(path)
    refuse_overwrite(path, force)
    pickled = format_for(path, fmt) == "joblib"
    payload = {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "metadata": model.metadata,
        "scorer": model.scorer.to_dict() if pickled and model.scorer is not None else None,
        "pipeline": pickle.dumps(model.pipeline, protocol=5) if pickled else model.pipeline,
    }
    try:
        with atomic_path(path) as temporary:
            if pickled:
                import joblib

                joblib.dump(payload, temporary, compress=3)
                digest = _sha256(temporary)
                # Both digests are listed while the new file replaces the old one, so a crash
                # between the two renames leaves whichever file is in place loadable.
                _write_digests(path, [digest] + _listed_digests(path))
            else:
                import skops.io

                skops.io.dump(payload, temporary, compression=zipfile.ZIP_DEFLATED)
        if pickled:
            _write_digests(path, [digest])
    except OSError as error:
        raise OutputError(f"{path}: cannot write ({error.strerror})") from None
    return path


def load(path: str | Path | None = None, trust: bool = False) -> Model:
    """Load a model saved by :func:`save`; the bundled default model if no path is given.

    A joblib file must match its digest file unless ``trust`` is true; a skops file must name
    only allowed types, whatever ``trust`` says.
    """
    path = Path(path) if path is not None else default_model_path()
    if not path.is_file():
        hint = "" if path != default_model_path() else "; train one with `claimtag train` or pass --model"
        raise NoInputError(f"{path}: no such model file{hint}")
    if zipfile.is_zipfile(path):
        payload, artifact = _load_skops(path), {"format": "skops", "verified": "types allowed"}
    else:
        verified = _verify_digest(path, trust)
        payload, artifact = _load_joblib(path), {"format": "joblib", "verified": verified}
    if not isinstance(payload, dict) or payload.get("format") != FORMAT:
        raise ArtifactError(f"{path}: not a claimtag model (a file of something else)")
    if str(payload.get("format_version")) != str(FORMAT_VERSION):
        raise ArtifactError(
            f"{path}: claimtag model format {payload.get('format_version')}, this claimtag reads "
            f"{FORMAT_VERSION}; retrain it"
        )
    metadata = payload.get("metadata") or {}
    if isinstance(payload.get("pipeline"), bytes):
        pipeline = payload["pipeline"]

        def load_pipeline():
            _warn_on_version_change(path, metadata.get("versions", {}))
            return _unpickle(path, pipeline)

        scorer = payload.get("scorer")
        model = Model.lazy(load_pipeline, metadata, FastScorer(scorer)) if scorer else Model(load_pipeline(), metadata)
    else:
        _warn_on_version_change(path, metadata.get("versions", {}))
        model = Model(payload["pipeline"], metadata)
    model.artifact = artifact | {"path": str(path), "sha256": _sha256(path)}
    return model


def describe(path: str | Path | None = None, trust: bool = False) -> dict:
    """What an artifact holds, for ``claimtag info``."""
    path = Path(path) if path is not None else default_model_path()
    model = load(path, trust=trust)
    return model.artifact | {"bytes": path.stat().st_size, "tags": model.tags,
                             "thresholds": model.thresholds} | {
        k: v for k, v in model.metadata.items() if k not in ("tags", "thresholds")
    }


def digest_path(path: str | Path) -> Path:
    path = Path(path)
    return path.with_name(path.name + DIGEST_SUFFIX)


def _load_joblib(path: Path):
    import joblib

    try:
        return joblib.load(path)
    except Exception as error:  # any unpickling failure means the bytes are not our artifact
        raise ArtifactError(f"{path}: not a claimtag model ({_reason(error)})") from None


def _unpickle(path: Path, data: bytes):
    from sklearn.exceptions import InconsistentVersionWarning

    try:
        with warnings.catch_warnings():
            # Replaced by one warning that names both versions.
            warnings.simplefilter("ignore", InconsistentVersionWarning)
            return pickle.loads(data)
    except Exception as error:
        raise ArtifactError(f"{path}: not a claimtag model ({_reason(error)})") from None


def _load_skops(path: Path):
    import skops.io

    present = _skops_types(path)
    refused = sorted(present - ALLOWED_TYPES)
    if refused:
        raise UntrustedError(
            f"{path}: refused, it holds types a claimtag model never has: {', '.join(refused)}"
        )
    try:
        return skops.io.load(path, trusted=sorted(present))
    except Exception as error:
        raise ArtifactError(f"{path}: not a claimtag model ({_reason(error)})") from None


def _skops_types(path: Path) -> set[str]:
    """Every ``module.class`` named in a skops file's schema, read without loading anything."""
    try:
        with zipfile.ZipFile(path) as archive:
            schema = json.loads(archive.read("schema.json"))
    except (KeyError, ValueError, zipfile.BadZipFile, OSError) as error:
        raise ArtifactError(f"{path}: not a claimtag model ({_reason(error)})") from None
    found, pending = set(), [schema]
    while pending:
        node = pending.pop()
        if isinstance(node, dict):
            if "__module__" in node or "__class__" in node:
                found.add(f"{node.get('__module__')}.{node.get('__class__')}")
            pending.extend(node.values())
        elif isinstance(node, list):
            pending.extend(node)
    return found


def _verify_digest(path: Path, trust: bool) -> str:
    expected = _listed_digests(path)
    if _sha256(path) in expected:
        return f"sha256 matches {digest_path(path).name}"
    if trust:
        log.warning("%s: loading an unverified pickle because of --trust", path)
        return "not verified (--trust)"
    problem = "does not match" if expected else "has no digest file"
    raise UntrustedError(
        f"{path}: {problem} {digest_path(path).name}, so it may not be the file that was saved; "
        f"loading a pickle runs code, so pass --trust only if you trust where it came from"
    )


def _listed_digests(path: Path) -> list[str]:
    try:
        lines = digest_path(path).read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeError):
        return []
    return [line.split()[0] for line in lines if line.strip()]


def _write_digests(path: Path, digests: list[str]) -> None:
    with atomic_path(digest_path(path)) as temporary:
        lines = "".join(f"{digest}  {path.name}\n" for digest in dict.fromkeys(digests))
        temporary.write_text(lines, encoding="utf-8")


def _sha256(path: str | Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _warn_on_version_change(path: Path, saved: dict) -> None:
    import sklearn

    before = saved.get("scikit-learn")
    if before != sklearn.__version__:
        log.warning(
            "%s: saved with scikit-learn %s but this is scikit-learn %s; predictions may differ, "
            "retrain the model to be sure", path, before or "(unknown)", sklearn.__version__,
        )


def _reason(error: Exception) -> str:
    text = str(error).strip().splitlines()
    return f"{type(error).__name__}: {text[0]}" if text else type(error).__name__


def format_description(description: dict) -> str:
    """``claimtag info`` for people."""
    from .evaluate import format_report

    training = description.get("training_data", {})
    lines = [
        f"model      {description['path']} ({description['bytes']:,} bytes)",
        f"format     {description['format']}, sha256 {description['sha256']}, {description['verified']}",
        f"created    {description.get('created', '?')}  seed {description.get('seed', '?')}",
        "tags       " + ", ".join(f"{t} (threshold {c:.3f})" for t, c in description["thresholds"].items()),
        f"trained on {training.get('rows', '?')} sentences from {training.get('articles', '?')} articles, "
        f"sha256 {training.get('sha256', '?')}",
    ]
    lines += [f"           {f['path']}: {f['rows']} rows, sha256 {f['sha256'][:16]}..." for f in training.get("files", [])]
    counts = training.get("counts", {})
    lines.append("examples   " + ", ".join(f"{tag} {n}" for tag, n in counts.items()))
    lines.append("versions   " + ", ".join(f"{k} {v}" for k, v in description.get("versions", {}).items()))
    if "cv" in description:
        lines += ["", format_report(description["cv"])]
    return "\n".join(lines)
