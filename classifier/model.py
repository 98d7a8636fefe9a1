"""A trained model as users hold it: the fitted pipeline, what is known about it, and its fast scorer.

The scikit-learn pipeline is the reference. Scores come from its numpy twin (:mod:`.scorer`) when
the pipeline is one the scorer reproduces, which makes tagging fast and lets a saved model tag text
without importing scikit-learn at all: a model loaded from a file unpickles its pipeline only when
something asks for it (evaluation, conversion, grid search).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Sequence

import numpy as np

from .scorer import FastScorer


@dataclass(frozen=True)
class Prediction:
    tags: tuple[str, ...]
    scores: dict[str, float]


class Model:
    """``Model(pipeline, metadata)``; ``scorer`` is made from the pipeline unless given."""

    def __init__(self, pipeline, metadata: dict | None = None, scorer: FastScorer | None = None):
        self._pipeline = pipeline
        self._load_pipeline: Callable[[], object] | None = None
        self.metadata = metadata or {}
        self.scorer = scorer if scorer is not None else FastScorer.from_pipeline(pipeline)
        self.artifact: dict = {}  # the file it was loaded from: path, format, sha256, verified

    @classmethod
    def lazy(cls, load_pipeline: Callable[[], object], metadata: dict, scorer: FastScorer) -> "Model":
        """A model whose pipeline is loaded by ``load_pipeline`` on first use."""
        model = cls.__new__(cls)
        model._pipeline, model._load_pipeline = None, load_pipeline
        model.metadata, model.scorer, model.artifact = metadata, scorer, {}
        return model

    @property
    def pipeline(self):
        if self._pipeline is None and self._load_pipeline is not None:
            self._pipeline = self._load_pipeline()
        return self._pipeline

    @property
    def tags(self) -> list[str]:
        if self.scorer is not None:
            return list(self.scorer.tags)
        return [str(tag) for tag in self.pipeline[-1].classes_]

    @property
    def thresholds(self) -> dict[str, float]:
        values = self.scorer.thresholds if self.scorer is not None else self.pipeline[-1].thresholds_
        return dict(zip(self.tags, map(float, values)))

    def scores(self, texts: Sequence[str]) -> np.ndarray:
        """A len(texts) x len(tags) matrix of probabilities."""
        if not len(texts):
            return np.zeros((0, len(self.tags)))
        if self.scorer is not None:
            return self.scorer.scores(list(texts))
        return self.pipeline.predict_proba(list(texts))

    def predict(self, texts: Sequence[str]) -> list[Prediction]:
        tags = self.tags
        thresholds = np.array([self.thresholds[t] for t in tags])
        return [
            Prediction(
                tuple(t for t, s, c in zip(tags, row, thresholds) if s >= c),
                {t: float(s) for t, s in zip(tags, row)},
            )
            for row in self.scores(texts)
        ]

    def __repr__(self) -> str:
        return f"Model(tags={self.tags}, thresholds={self.thresholds})"
