"""Shared fixtures for the model, evaluation, training, artifact and annotation tests.

A small synthetic corpus: 7 "articles" of 7 sentences each, with one obvious word cue per tag
("accused ... of", "denied", "were killed", "called on ... to") and neutral filler sentences.
"""

from __future__ import annotations

import logging

import numpy as np
import pytest

from classifier.data import LabeledData

PLACES = ["Aleppo", "Homs", "Idlib", "Raqqa", "Deir", "Hama", "Daraa"]
ACTORS = ["the army", "the rebels", "the militia", "the police", "the council", "the brigade", "the guards"]
DAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]

# (template, tags); every article gets each of these once.
TEMPLATES = [
    ("{A} accused {B} of shelling {place}.", {"accusation"}),
    ("{A} accused {B} of burning homes near {place} on {day}.", {"accusation"}),
    ("The ministry denied that {B} attacked {place} and rejected the reports.", {"denial"}),
    ("At least {n} people were killed in {place} on {day}.", {"casualty_report"}),
    ("{A} called on {B} to withdraw from {place} immediately.", {"demand"}),
    ("The market in {place} reopened on {day} after repairs.", set()),
    ("Weather in {place} was mild and sunny on {day}.", set()),
]
N_ARTICLES = 7


def synthetic_rows(n_articles: int = N_ARTICLES) -> list[tuple[str, frozenset[str], str]]:
    rows = []
    for article in range(n_articles):
        for k, (template, tags) in enumerate(TEMPLATES):
            text = template.format(
                A=ACTORS[(article + k) % len(ACTORS)].capitalize(),
                B=ACTORS[(article + k + 3) % len(ACTORS)],
                place=PLACES[article % len(PLACES)],
                day=DAYS[(article + k) % len(DAYS)],
                n=article * 5 + k + 3,
            )
            rows.append((text, frozenset(tags), f"article{article}"))
    return rows


def make_labeled(rows=None) -> LabeledData:
    rows = synthetic_rows() if rows is None else rows
    return LabeledData(
        texts=[text for text, _, _ in rows],
        tags=[tags for _, tags, _ in rows],
        groups=[group for _, _, group in rows],
        origins=[f"synthetic:{i + 2}" for i in range(len(rows))],
        files=[],
    )


# One sentence per tag that any model trained on the synthetic corpus gets right.
OBVIOUS = {
    "accusation": "The rebels accused the army of shelling the hospital.",
    "casualty_report": "At least 40 people were killed in the town on Friday.",
    "denial": "The ministry denied that the police attacked the town and rejected the reports.",
    "demand": "The guards called on the militia to withdraw from the town immediately.",
}


@pytest.fixture(scope="module")
def corpus():
    """The synthetic corpus as texts, a 0/1 tag matrix and article groups."""
    from classifier.tags import TAGS

    data = make_labeled()
    return data.texts, data.indicator(TAGS), np.array(data.groups)


@pytest.fixture(scope="module")
def fitted(corpus):
    """A pipeline fitted on the synthetic corpus (all four tags)."""
    from classifier.pipeline import build_pipeline
    from classifier.tags import TAGS

    texts, Y, groups = corpus
    return build_pipeline(TAGS, random_state=0).fit(texts, Y, tags__groups=groups)


@pytest.fixture
def synthetic_data() -> LabeledData:
    return make_labeled()


@pytest.fixture(scope="session")
def synthetic_model():
    """One model trained on the synthetic corpus, shared (read-only) by many tests."""
    from classifier.training import train

    return train(make_labeled(), seed=0)


@pytest.fixture
def claimtag_log(caplog):
    """caplog for the "claimtag" logger, which the CLI may have detached from the root logger."""
    logger = logging.getLogger("claimtag")
    propagate, level = logger.propagate, logger.level
    logger.propagate = True
    logger.setLevel(logging.INFO)
    caplog.set_level(logging.INFO, logger="claimtag")
    yield caplog
    logger.propagate, logger.level = propagate, level


def warning_messages(caplog) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.name == "claimtag" and r.levelno == logging.WARNING]
