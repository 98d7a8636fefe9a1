"""Documents to output rows: segment each document, score its sentences, attach offsets."""

from __future__ import annotations

from typing import Callable, Iterable, Iterator

from .model import Model
from .readers import Document
from .segment import Sentence, iter_lines, iter_sentences

SCORE_DECIMALS = 6


def tag_documents(
    model: Model, documents: Iterable[Document], one_per_line: bool = False
) -> Iterator[dict]:
    """One row per sentence of each document, in order (see :func:`tag_document`)."""
    for document in documents:
        yield from tag_document(model, document, one_per_line)


def tag_document(model: Model, document: Document, one_per_line: bool = False) -> list[dict]:
    """One row per sentence: source, sentence index, start, end, text, tags and scores.

    With ``one_per_line`` each non-blank line is one sentence (the input is already split).
    """
    split: Callable[[str], Iterator[Sentence]] = iter_lines if one_per_line else iter_sentences
    sentences = list(split(document.text))
    return [
        {
            "source": document.source,
            "sentence": index,
            "start": sentence.start,
            "end": sentence.end,
            "text": sentence.text,
            "tags": list(prediction.tags),
            "scores": {t: round(s, SCORE_DECIMALS) for t, s in prediction.scores.items()},
        }
        for index, (sentence, prediction) in enumerate(
            zip(sentences, model.predict([s.text for s in sentences]))
        )
    ]


def tag_in_parallel(
    model: Model, documents: Iterable[Document], one_per_line: bool = False, jobs: int = 1,
    batch_size: int = 32,
) -> Iterator[tuple[Document, list[dict]]]:
    """Each document with its rows, in input order, spread over ``jobs`` processes (joblib)."""
    if jobs == 1:
        for document in documents:
            yield document, tag_document(model, document, one_per_line)
        return
    from joblib import Parallel, delayed

    with Parallel(n_jobs=jobs, return_as="generator") as parallel:
        for results in parallel(
            delayed(_tag_batch)(model, batch, one_per_line) for batch in _batches(documents, batch_size)
        ):
            yield from results


def _tag_batch(model: Model, documents: list[Document], one_per_line: bool) -> list:
    return [(document, tag_document(model, document, one_per_line)) for document in documents]


def _batches(items: Iterable, size: int) -> Iterator[list]:
    batch = []
    for item in items:
        batch.append(item)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch
