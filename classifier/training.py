"""Training: from labeled files to a fitted, cross-validated Model with its provenance."""

from __future__ import annotations

import logging
from datetime import datetime, timezone
from pathlib import Path
from typing import Iterable, Sequence

from .artifact import environment
from .data import GROUP_COLUMN, LABELS_COLUMN, TEXT_COLUMN, LabeledData, load_labeled
from .errors import DataError
from .evaluate import DEFAULT_FOLDS, cross_validate
from .model import Model
from .pipeline import build_pipeline
from .tags import TAGS, UnknownTagError

log = logging.getLogger("claimtag")

MIN_EXAMPLES = 2  # one to train on and one to test on, at the least


def train(
    data: LabeledData | Iterable[str | Path],
    tags: Sequence[str] | None = None,
    seed: int = 0,
    folds: int = DEFAULT_FOLDS,
    text_col: str = TEXT_COLUMN,
    labels_col: str = LABELS_COLUMN,
    group_col: str = GROUP_COLUMN,
) -> Model:
    """Cross-validate, then fit on all of ``data`` (labeled rows, or paths of CSV/JSONL files).

    Without ``tags`` the model learns every tag that occurs in the data. The grouped
    cross-validation report is kept in ``model.metadata["cv"]``.
    """
    if not isinstance(data, LabeledData):
        data = load_labeled(data, text_col, labels_col, group_col)
    tags = trainable_tags(data, tags)
    log.info("training on %d sentences, %d articles, tags: %s", len(data), len(set(data.groups)), ", ".join(tags))
    report = cross_validate(data, tags, seed, folds)
    pipeline = build_pipeline(tags, seed).fit(data.texts, data.indicator(tags), tags__groups=data.groups)
    model = Model(pipeline)
    model.metadata = {
        "tags": model.tags,
        "thresholds": model.thresholds,
        "seed": seed,
        "training_data": {
            "sha256": data.sha256,
            "files": data.files,
            "rows": len(data),
            "articles": len(set(data.groups)),
            "counts": data.counts(),
        },
        "cv": report,
        "created": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "versions": environment(),
    }
    return model


def trainable_tags(data: LabeledData, requested: Sequence[str] | None) -> list[str]:
    """The tags to learn, refusing any with too few examples to cross-validate."""
    counts, spread = data.counts(), data.group_counts()
    where = ", ".join(f["path"] for f in data.files) or "training data"
    for tag in requested or ():
        if tag not in TAGS:
            raise DataError(f"{where}: {UnknownTagError(tag)}")
    if requested is None:
        requested = [t for t in TAGS if counts[t]]
        for tag in (t for t in TAGS if not counts[t]):
            log.warning("%s: no sentence is tagged %r, so the model will not learn it", where, tag)
        if not requested:
            raise DataError(f"{where}: no sentence has a tag; there is nothing to learn")
    if len(set(data.groups)) < 2:
        raise DataError(f"{where}: all rows are from one article; grouped cross-validation needs two")
    for tag in requested:
        if counts[tag] < MIN_EXAMPLES or len(data) - counts[tag] < MIN_EXAMPLES:
            raise DataError(
                f"{where}: tag {tag!r} has {counts[tag]} of {len(data)} sentences; cross-validation "
                f"needs at least {MIN_EXAMPLES} with and {MIN_EXAMPLES} without it "
                f"(label more, or leave it out with --tags)"
            )
        if spread[tag] == 1:
            log.warning(
                "%s: all %d %r sentences come from one article, so cross-validation cannot "
                "test that tag on an unseen article", where, counts[tag], tag,
            )
    return list(requested)
