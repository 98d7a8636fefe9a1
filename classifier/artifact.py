"""The model file: one joblib file holding the fitted pipeline and its metadata.

Pickle-based files run code when loaded: load only artifacts you trust (your own, or a
colleague's whose file you verified).
"""

from __future__ import annotations

import logging
import os
import platform
import warnings
from pathlib import Path

from .errors import ArtifactError, NoInputError, OutputError
from .model import Model
from .writers import atomic_path

log = logging.getLogger("claimtag")

FORMAT = "claimtag-model"
FORMAT_VERSION = 1
DEFAULT_MODEL_ENV = "CLAIMTAG_MODEL"
BUNDLED_MODEL = Path(__file__).resolve().parent.parent / "models" / "default.joblib"


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


def save(model: Model, path: str | Path, force: bool = False) -> Path:
    import joblib

    path = Path(path)
    refuse_overwrite(path, force)
    payload = {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "metadata": model.metadata,
        "pipeline": model.pipeline,
    }
    try:
        with atomic_path(path) as temporary:
            joblib.dump(payload, temporary, compress=3)
    except OSError as error:
        raise OutputError(f"{path}: cannot write ({error.strerror})") from None
    return path


def load(path: str | Path | None = None) -> Model:
    """Load a model saved by :func:`save`; the bundled default model if no path is given."""
    import joblib
    from sklearn.exceptions import InconsistentVersionWarning

    path = Path(path) if path is not None else default_model_path()
    if not path.is_file():
        hint = "" if path != default_model_path() else "; train one with `claimtag train` or pass --model"
        raise NoInputError(f"{path}: no such model file{hint}")
    try:
        with warnings.catch_warnings():
            # Replaced below by one warning that names both versions.
            warnings.simplefilter("ignore", InconsistentVersionWarning)
            payload = joblib.load(path)
    except Exception as error:  # any unpickling failure means the bytes are not our artifact
        raise ArtifactError(f"{path}: not a claimtag model ({_reason(error)})") from None
    if not isinstance(payload, dict) or payload.get("format") != FORMAT:
        raise ArtifactError(f"{path}: not a claimtag model (a joblib file of something else)")
    if payload.get("format_version") != FORMAT_VERSION:
        raise ArtifactError(
            f"{path}: claimtag model format {payload.get('format_version')}, this claimtag reads "
            f"{FORMAT_VERSION}; retrain it"
        )
    metadata = payload.get("metadata") or {}
    _warn_on_version_change(path, metadata.get("versions", {}))
    return Model(payload["pipeline"], metadata)


def describe(path: str | Path | None = None) -> dict:
    """What an artifact holds, for ``claimtag info``."""
    path = Path(path) if path is not None else default_model_path()
    model = load(path)
    return {"path": str(path), "bytes": path.stat().st_size, "tags": model.tags,
            "thresholds": model.thresholds} | {
        k: v for k, v in model.metadata.items() if k not in ("tags", "thresholds")
    }


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
