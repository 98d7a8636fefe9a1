"""Honest figures: grouped cross-validation (whole articles held out) and per-tag metrics."""

from __future__ import annotations

import logging
from typing import Sequence

import numpy as np
from sklearn.model_selection import GroupKFold

from .data import RANDOM, LabeledData
from .errors import ClaimtagError
from .model import Model
from .pipeline import build_pipeline

log = logging.getLogger("claimtag")

DEFAULT_FOLDS = 5
LEARNING_CURVE_SHARES = (0.1, 0.2, 0.35, 0.5, 0.75, 1.0)


def cross_validate(
    data: LabeledData, tags: Sequence[str], seed: int = 0, folds: int = DEFAULT_FOLDS
) -> dict:
    """Metrics of models that never saw the article they are scored on.

    Each outer fold trains a fresh pipeline, thresholds included (chosen by an inner grouped CV on
    the training part only), so no figure is tuned on the data it is measured on. Rows drawn at
    random (``via`` "random") are also scored apart, in ``report["random"]``: the sentences chosen
    by active learning are harder than typical ones, so only the random part estimates how the model
    does on text as it comes.
    """
    truth = data.indicator(tags)
    predicted = _out_of_fold(data, tags, seed, folds, share=1.0)
    report = metrics(truth, predicted, tags)
    report["scheme"] = _scheme(data, folds)
    rows = np.array([via == RANDOM for via in data.via], dtype=bool)
    if rows.any() and not rows.all():
        report["random"] = metrics(truth[rows], predicted[rows], tags)
        report["random"]["scheme"] = f"the same, on the {int(rows.sum())} sentences drawn at random"
    return report


def learning_curve(
    data: LabeledData, tags: Sequence[str], seed: int = 0, folds: int = DEFAULT_FOLDS,
    shares: Sequence[float] = LEARNING_CURVE_SHARES,
) -> list[dict]:
    """Grouped-CV macro F1 when each fold trains on only a share of its training articles (drawn at
    random, the same for every tag); the held-out folds are always whole."""
    truth = data.indicator(tags)
    points = []
    for share in shares:
        sizes: list[int] = []
        predicted = _out_of_fold(data, tags, seed, folds, share, sizes)
        report = metrics(truth, predicted, tags)
        points.append(
            {
                "share": share,
                "sentences": round(float(np.mean(sizes))),  # trained on, per fold
                "macro_f1": report["macro_f1"],
                "f1": {tag: m["f1"] for tag, m in report["tags"].items()},
            }
        )
        log.info("learning curve: %.0f%% of the training articles, macro F1 %.3f", share * 100, report["macro_f1"])
    return points


def _out_of_fold(
    data: LabeledData, tags: Sequence[str], seed: int, folds: int, share: float, sizes: list | None = None
) -> np.ndarray:
    texts = np.array(data.texts, dtype=object)
    groups = np.array(data.groups)
    truth = data.indicator(tags)
    n_folds = _n_folds(data, folds)
    rng = np.random.default_rng(seed)
    predicted = np.zeros_like(truth)
    for number, (train, test) in enumerate(GroupKFold(n_splits=n_folds).split(texts, groups=groups), start=1):
        if share < 1:
            articles = np.unique(groups[train])
            kept = rng.choice(articles, size=max(2, round(share * len(articles))), replace=False)
            train = train[np.isin(groups[train], kept)]
        else:
            log.info("cross-validation fold %d/%d: %d sentences held out", number, n_folds, len(test))
        if sizes is not None:
            sizes.append(len(train))
        pipeline = build_pipeline(tags, seed).fit(list(texts[train]), truth[train], tags__groups=groups[train])
        predicted[test] = pipeline.predict(list(texts[test]))
    return predicted


def _n_folds(data: LabeledData, folds: int) -> int:
    return min(folds, len(set(data.groups)))


def _scheme(data: LabeledData, folds: int) -> str:
    return f"grouped {_n_folds(data, folds)}-fold cross-validation over {len(set(data.groups))} articles"


def format_learning_curve(points: list[dict]) -> str:
    tags = list(points[0]["f1"]) if points else []
    lines = [f"{'share':>6}{'sentences':>10}{'macro F1':>10}" + "".join(f"{t:>16}" for t in tags)]
    for p in points:
        lines.append(
            f"{p['share']:>6.0%}{p['sentences']:>10}{p['macro_f1']:>10.3f}"
            + "".join(f"{p['f1'][t]:>16.3f}" for t in tags)
        )
    return "\n".join(lines)


def plot_learning_curve(points: list[dict], path: str) -> None:
    """Macro and per-tag F1 against training sentences, as a PNG written atomically."""
    try:
        import matplotlib
    except ImportError:
        raise ClaimtagError("the learning-curve plot needs matplotlib: pip install 'claimtag[plot]'") from None
    matplotlib.use("Agg")  # no screen needed
    from matplotlib import pyplot

    from .writers import atomic_path

    sizes = [p["sentences"] for p in points]
    figure, axes = pyplot.subplots(figsize=(7, 4.5))
    for tag in points[0]["f1"]:
        axes.plot(sizes, [p["f1"][tag] for p in points], marker=".", linewidth=1, alpha=0.7, label=tag)
    axes.plot(sizes, [p["macro_f1"] for p in points], marker="o", linewidth=2.5, color="black", label="macro F1")
    axes.set(xlabel="training sentences per fold", ylabel="F1 on held-out articles", ylim=(0, 1),
             title="claimtag learning curve (grouped cross-validation)")
    axes.grid(alpha=0.3)
    axes.legend(loc="lower right")
    figure.tight_layout()
    with atomic_path(path) as temporary:
        figure.savefig(temporary, format="png", dpi=120)
    pyplot.close(figure)


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
    if "random" in report:
        lines += ["", format_report(report["random"])]
    return "\n".join(lines)
