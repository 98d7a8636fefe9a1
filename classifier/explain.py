"""Why the model tagged a sentence or not: the n-grams that pushed each tag's score up or down.

A tag's score is the logistic function of a sum: the model's baseline (intercept) plus, for every
word or word pair of the sentence it knows, its learned weight times its TF-IDF value in this
sentence. Those products are the contributions listed here, largest first.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from .errors import ClaimtagError
from .model import Model


@dataclass(frozen=True)
class TagExplanation:
    tag: str
    score: float
    threshold: float
    baseline: float  # the intercept: the score's log-odds before any word counts
    up: list[tuple[str, float]] = field(default_factory=list)  # n-gram, contribution to the log-odds
    down: list[tuple[str, float]] = field(default_factory=list)

    @property
    def tagged(self) -> bool:
        return self.score >= self.threshold

    def as_dict(self) -> dict:
        return {
            "score": round(self.score, 6), "threshold": round(self.threshold, 6), "tagged": self.tagged,
            "baseline": round(self.baseline, 6),
            "up": [[gram, round(value, 6)] for gram, value in self.up],
            "down": [[gram, round(value, 6)] for gram, value in self.down],
        }


def explain(model: Model, texts: list[str], top: int) -> list[dict[str, TagExplanation]]:
    """For each text, each tag's score, threshold and its ``top`` contributions either way."""
    scorer = model.scorer
    if scorer is None:
        raise ClaimtagError("this model's pipeline is not TF-IDF + logistic regression, so it cannot be explained")
    rows, columns, values = scorer.features(texts)
    scores = scorer.scores(texts)
    thresholds = scorer.thresholds
    explanations = []
    for i in range(len(texts)):
        mine = rows == i
        cols, vals = columns[mine], values[mine]
        per_tag = {}
        for j, tag in enumerate(scorer.tags):
            contribution = vals * scorer.weights[cols, j]
            order = np.argsort(-contribution, kind="stable")
            up = [(scorer.feature_name(int(cols[k])), float(contribution[k])) for k in order if contribution[k] > 0]
            down = [(scorer.feature_name(int(cols[k])), float(contribution[k])) for k in order[::-1] if contribution[k] < 0]
            constant = scorer.constants[j]
            baseline = float(scorer.intercepts[j]) if np.isnan(constant) else _logit(float(constant))
            per_tag[tag] = TagExplanation(tag, float(scores[i, j]), float(thresholds[j]), baseline, up[:top], down[:top])
        explanations.append(per_tag)
    return explanations


def _logit(p: float) -> float:
    """The log-odds of a tag learned from one class (its score is fixed; no word moves it)."""
    p = min(max(p, 1e-300), 1 - 1e-16)
    return float(np.log(p) - np.log1p(-p))


def format_explanation(text: str, explanation: dict[str, TagExplanation]) -> str:
    """In plain words, for people."""
    lines = [text, ""]
    for tag, e in explanation.items():
        verdict = "tagged" if e.tagged else "not tagged"
        sign = ">=" if e.tagged else "<"
        lines.append(f"{tag}: {verdict} (score {e.score:.3f} {sign} threshold {e.threshold:.3f})")
        lines.append("  pushed up by:   " + (_grams(e.up) or "nothing it knows"))
        lines.append("  pushed down by: " + (_grams(e.down) or "nothing it knows"))
    return "\n".join(lines)


def _grams(pairs: list[tuple[str, float]]) -> str:
    return ", ".join(f"“{gram}” ({value:+.2f})" for gram, value in pairs)
