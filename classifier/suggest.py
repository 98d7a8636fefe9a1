"""Active learning: which pool sentences to label next.

The model scores every sentence of an unlabeled pool. A share of the picks is drawn uniformly at
random, so the labeled set stays representative and can give an unbiased estimate; the rest are the
sentences the model is least sure about (uncertainty sampling), or, when hunting a rare tag, those
with the highest score for it that the model is not yet certain of. Sentences already labeled (same
normalised text) and near-duplicates of labeled or already picked ones are skipped: news wires repeat
the same sentence across articles, and labeling it twice teaches nothing.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Sequence

import numpy as np

from .data import normalised
from .errors import ClaimtagError
from .model import Model
from .readers import Document
from .segment import iter_sentences
from .tags import format_tags

RANDOM = "random"
UNCERTAINTY = "uncertainty"
CERTAIN = 0.9  # a tag score at or above this needs no person to confirm it
NEAR_DUPLICATE = 0.8  # Jaccard similarity of word sets from which two sentences count as one
COLUMNS = ("source", "article", "start", "end", "text", "before", "after", "via", "guess", "score")

_WORD = re.compile(r"\w+")  # as data.normalised splits words


@dataclass(frozen=True)
class PoolSentence:
    source: str
    article: str
    start: int
    end: int
    text: str
    before: str
    after: str


def pool_sentences(documents: Iterable[Document]) -> list[PoolSentence]:
    """Every sentence of the documents, with the sentences either side of it as context."""
    pool = []
    for document in documents:
        article = document.id if document.id is not None else Path(document.source).stem
        sentences = list(iter_sentences(document.text))
        for i, sentence in enumerate(sentences):
            pool.append(
                PoolSentence(
                    document.source, article, sentence.start, sentence.end, sentence.text,
                    sentences[i - 1].text if i else "",
                    sentences[i + 1].text if i + 1 < len(sentences) else "",
                )
            )
    return pool


def suggest(
    model: Model,
    pool: Sequence[PoolSentence],
    n: int,
    tag: str | None = None,
    labeled: Iterable[str] = (),
    random_share: float = 0.2,
    seed: int = 0,
    match: str | None = None,
) -> list[dict]:
    """The ``n`` pool sentences most worth labeling next, as rows with the columns of ``COLUMNS``.

    ``round(n * random_share)`` are uniform random picks (``via`` "random"), the rest ranked by
    uncertainty (``via`` "uncertainty") or, with ``tag``, by that tag's score below ``CERTAIN``
    (``via`` "tag:TAG"). ``labeled`` holds texts that are labeled already. ``match``, a regular
    expression, limits the picks to sentences it finds something in: a way to start on a tag the
    model has never seen (``via`` then ends in "+match"); it suggests what to read, the person decides.
    """
    if tag is not None and tag not in model.tags:
        raise ClaimtagError(f"--tag {tag}: the model has no such tag (it has {', '.join(model.tags)})")
    scores = model.scores([s.text for s in pool])
    thresholds = np.array([model.thresholds[t] for t in model.tags])
    seen = _Seen(labeled)
    wanted = re.compile(match, re.IGNORECASE).search if match else None
    candidates = [
        i for i, s in enumerate(pool) if not seen.exact(s.text) and (wanted is None or wanted(s.text))
    ]
    rng = np.random.default_rng(seed)
    n_random = min(n, round(n * random_share))

    picks: list[tuple[int, str]] = []
    for i in rng.permutation(candidates):
        if len(picks) == n_random:
            break
        if seen.add_if_new(pool[i].text):
            picks.append((int(i), RANDOM + ("+match" if match else "")))

    via = (f"tag:{tag}" if tag else UNCERTAINTY) + ("+match" if match else "")
    for i in _ranked(candidates, scores, thresholds, model.tags.index(tag) if tag else None):
        if len(picks) == n:
            break
        if seen.add_if_new(pool[i].text):
            picks.append((i, via))

    tags = model.tags
    rows = []
    for i, reason in picks:
        sentence, row = pool[i], scores[i]
        guess = [t for t, s, c in zip(tags, row, thresholds) if s >= c]
        rows.append(
            {
                "source": sentence.source, "article": sentence.article, "start": sentence.start,
                "end": sentence.end, "text": sentence.text, "before": sentence.before,
                "after": sentence.after, "via": reason, "guess": format_tags(guess),
                "score": round(float(row[tags.index(tag)] if tag else _margin(row, thresholds)), 6),
            }
        )
    return rows


def _ranked(candidates: list[int], scores: np.ndarray, thresholds: np.ndarray, column: int | None) -> list[int]:
    if not candidates:
        return []
    index = np.array(candidates)
    if column is None:
        # Smallest margin first: the sentence whose least certain tag sits nearest its threshold.
        margins = np.array([_margin(scores[i], thresholds) for i in index])
        return [int(i) for i in index[np.argsort(margins, kind="stable")]]
    tag_scores = scores[index, column]
    unsure = tag_scores < CERTAIN
    order = np.argsort(-tag_scores[unsure], kind="stable")
    return [int(i) for i in index[unsure][order]]


def _margin(row: np.ndarray, thresholds: np.ndarray) -> float:
    """How far the least certain tag is from flipping, as a share of the room on its side (0..1)."""
    room = np.where(row >= thresholds, 1 - thresholds, thresholds)
    return float(np.min(np.abs(row - thresholds) / np.maximum(room, 1e-12)))


class _Seen:
    """Texts labeled or picked so far, to skip repeats and near-repeats."""

    def __init__(self, texts: Iterable[str]):
        self.keys: set[str] = set()
        self.word_sets: list[frozenset[str]] = []
        for text in texts:
            self._add(text)

    def exact(self, text: str) -> bool:
        return normalised(text) in self.keys

    def add_if_new(self, text: str) -> bool:
        if self.exact(text) or self._near(_words(text)):
            return False
        self._add(text)
        return True

    def _add(self, text: str) -> None:
        self.keys.add(normalised(text))
        self.word_sets.append(_words(text))

    def _near(self, words: frozenset[str]) -> bool:
        size = len(words)
        for other in self.word_sets:
            # Jaccard >= t needs the smaller set to be at least t times the larger.
            if min(size, len(other)) < NEAR_DUPLICATE * max(size, len(other)):
                continue
            union = len(words | other)
            if union and len(words & other) / union >= NEAR_DUPLICATE:
                return True
        return False


def _words(text: str) -> frozenset[str]:
    return frozenset(_WORD.findall(text.casefold()))
