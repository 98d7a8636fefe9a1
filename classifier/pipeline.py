"""The scikit-learn Pipeline: TF-IDF features and one logistic regression per tag.

Each tag gets its own decision threshold, chosen by cross-validation on the training data, because
with rare tags and balanced class weights the F1-best cut-off is rarely 0.5. The thresholds live in
the fitted estimator (``thresholds_``), so ``pipeline.predict`` and ``Model.predict`` agree and a
user can ``clone`` or grid-search the pipeline like any other.
"""

from __future__ import annotations

from typing import Sequence

import numpy as np
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.dummy import DummyClassifier
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import precision_recall_curve
from sklearn.model_selection import GroupKFold, KFold
from sklearn.pipeline import Pipeline
from sklearn.utils.validation import check_is_fitted

from .tags import TAGS

DEFAULT_THRESHOLD = 0.5


class TagClassifier(ClassifierMixin, BaseEstimator):
    """Multi-label classifier: one logistic regression per tag, each with an F1-best threshold.

    ``fit(X, Y, groups=None)`` takes a 0/1 matrix with one column per entry of ``tags``. The
    thresholds come from out-of-fold probabilities over ``threshold_folds`` folds, grouped by
    ``groups`` (whole articles held out) when given.
    """

    def __init__(
        self, tags=TAGS, C=10.0, class_weight="balanced", threshold_folds=5, random_state=0
    ):
        self.tags = tags
        self.C = C
        self.class_weight = class_weight
        self.threshold_folds = threshold_folds
        self.random_state = random_state

    def fit(self, X, Y, groups=None):
        Y = np.asarray(Y)
        if Y.ndim != 2 or Y.shape[1] != len(self.tags):
            raise ValueError(f"Y must have one column per tag ({len(self.tags)}), got shape {Y.shape}")
        self.classes_ = np.array(self.tags)
        self.estimators_ = self._fit_per_tag(X, Y)
        out_of_fold = self._out_of_fold_scores(X, Y, groups)
        self.thresholds_ = np.array(
            [best_threshold(Y[:, j], out_of_fold[:, j]) for j in range(Y.shape[1])]
        )
        return self

    def predict_proba(self, X) -> np.ndarray:
        """One probability per tag (columns in the order of ``tags``), not one per class."""
        check_is_fitted(self, "estimators_")
        return np.column_stack([positive_probability(e, X) for e in self.estimators_])

    def predict(self, X) -> np.ndarray:
        return (self.predict_proba(X) >= self.thresholds_).astype(int)

    def _fit_per_tag(self, X, Y) -> list:
        return [self._fit_one(X, Y[:, j]) for j in range(Y.shape[1])]

    def _fit_one(self, X, y):
        if len(np.unique(y)) < 2:  # a fold without a single example of the tag
            return DummyClassifier(strategy="prior").fit(X, y)
        model = LogisticRegression(
            C=self.C, class_weight=self.class_weight, solver="liblinear", max_iter=1000,
            random_state=self.random_state,
        )
        return model.fit(X, y)

    def _out_of_fold_scores(self, X, Y, groups) -> np.ndarray:
        scores = np.zeros(Y.shape, dtype=float)
        for train, test in _splits(Y.shape[0], groups, self.threshold_folds, self.random_state):
            estimators = self._fit_per_tag(X[train], Y[train])
            scores[test] = np.column_stack([positive_probability(e, X[test]) for e in estimators])
        return scores


def best_threshold(y_true: np.ndarray, scores: np.ndarray) -> float:
    """The cut-off that maximises F1 on these scores, halfway to the next lower score so that it
    does not sit exactly on one training example.

    Falls back to 0.5 where the scores cannot separate the tag: no positives, or a best cut-off
    that tags every sentence (its F1 comes from the tag's prevalence, not from the model).
    """
    if y_true.sum() == 0:
        return DEFAULT_THRESHOLD
    precision, recall, thresholds = precision_recall_curve(y_true, scores)
    with np.errstate(divide="ignore", invalid="ignore"):
        f1 = np.where(precision + recall > 0, 2 * precision * recall / (precision + recall), 0.0)[:-1]
    best = int(np.argmax(f1))
    if f1[best] == 0 or thresholds[best] <= scores.min():
        return DEFAULT_THRESHOLD
    lower = scores[scores < thresholds[best]]
    return float((thresholds[best] + lower.max()) / 2 if lower.size else thresholds[best])


def _splits(n_rows: int, groups, folds: int, seed: int):
    if groups is not None:
        groups = np.asarray(groups)
        n_groups = len(np.unique(groups))
        if n_groups >= 2:
            return GroupKFold(n_splits=min(folds, n_groups)).split(np.zeros(n_rows), groups=groups)
    return KFold(n_splits=min(folds, n_rows), shuffle=True, random_state=seed).split(np.zeros(n_rows))


def positive_probability(estimator, X) -> np.ndarray:
    classes = list(estimator.classes_)
    if 1 not in classes:
        return np.zeros(X.shape[0])
    return estimator.predict_proba(X)[:, classes.index(1)]


def build_pipeline(tags: Sequence[str] = TAGS, random_state: int = 0) -> Pipeline:
    """The untrained model. Fit it with ``fit(texts, Y, tags__groups=articles)``."""
    return Pipeline(
        [
            (
                "tfidf",
                TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True, strip_accents="unicode"),
            ),
            ("tags", TagClassifier(tags=tuple(tags), random_state=random_state)),
        ]
    )
