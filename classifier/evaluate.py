"""Honest figures: grouped cross-validation (whole articles held out) and per-tag metrics."""

from __future__ import annotations

import logging
from typing import Sequence

import numpy as np
from sklearn.model_selection import GroupKFold

from .data import LabeledData
from .model import Model
from .pipeline import build_pipeline

log = logging.getLogger("claimtag")

DEFAULT_FOLDS = 5


def cross_validate(
    data: LabeledData, tags: Sequence[str], seed: int = 0, folds: int = DEFAULT_FOLDS
) -> dict:
    """Metrics of models that never saw the article they are scored on.

    Each outer fold trains a fresh pipeline, thresholds included (chosen by an inner grouped CV on
    the training part only), so no figure is tuned on the data it is measured on.
    """
    texts = np.array(data.texts, dtype=object)
    groups = np.array(data.groups)
    truth = data.indicator(tags)
    n_groups = len(np.unique(groups))
    n_folds = min(folds, n_groups)
    predicted = np.zeros_like(truth)
    for number, (train, test) in enumerate(
        GroupKFold(n_splits=n_folds).split(texts, groups=groups), start=1
    ):
        log.info("cross-validation fold %d/%d: %d sentences held out", number, n_folds, len(test))
        pipeline = build_pipeline(tags, seed).fit(
            list(texts[train]), truth[train], tags__groups=groups[train]
        )
        predicted[test] = pipeline.predict(list(texts[test]))
    report = metrics(truth, predicted, tags)
    report["scheme"] = f"grouped {n_folds}-fold cross-validation over {n_groups} articles"
    return report


def evaluate(model: Model, data: LabeledData) -> dict:
    """Metrics of ``model`` on ``data`` as given (honest only if the model never saw it)."""
    tags = model.tags
    predicted = np.array([[t in p.tags for t in tags] for p in model.predict(data.texts)], dtype=int)
    report = metrics(data.indicator(tags), predicted.reshape(len(data), len(tags)), tags)
    report["scheme"] = f"held-out evaluation on {len(data)} sentences"
    return report


def metrics(truth: np.ndarray, predicted: np.ndarray, tags: Sequence[str]) -> dict:
    """Per-tag precision, recall, F1, support and confusion counts, with macro and micro F1."""
    per_tag = {}
    for j, tag in enumerate(tags):
        t, p = truth[:, j].astype(bool), predicted[:, j].astype(bool)
        counts = {
            "tp": int((t & p).sum()), "fp": int((~t & p).sum()),
            "fn": int((t & ~p).sum()), "tn": int((~t & ~p).sum()),
        }
        per_tag[tag] = _scores(**counts) | {"support": int(t.sum())} | counts
    total = {k: sum(m[k] for m in per_tag.values()) for k in ("tp", "fp", "fn", "tn")}
    return {
        "tags": per_tag,
        "macro_f1": float(np.mean([m["f1"] for m in per_tag.values()])) if per_tag else 0.0,
        "micro_f1": _scores(**total)["f1"],
        "sentences": int(truth.shape[0]),
    }


def _scores(tp: int, fp: int, fn: int, tn: int) -> dict:
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"precision": precision, "recall": recall, "f1": f1}


def format_report(report: dict) -> str:
    """A fixed-width table of a report, for people."""
    lines = [
        report.get("scheme", ""),
        f"{'tag':<16}{'precision':>10}{'recall':>8}{'f1':>7}{'support':>9}{'tp':>6}{'fp':>6}{'fn':>6}{'tn':>6}",
    ]
    for tag, m in report["tags"].items():
        lines.append(
            f"{tag:<16}{m['precision']:>10.3f}{m['recall']:>8.3f}{m['f1']:>7.3f}{m['support']:>9}"
            f"{m['tp']:>6}{m['fp']:>6}{m['fn']:>6}{m['tn']:>6}"
        )
    lines.append(f"macro F1 {report['macro_f1']:.3f}   micro F1 {report['micro_f1']:.3f}")
    return "\n".join(lines)
