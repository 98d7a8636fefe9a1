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
    """One row per sentence: source, sentence index, start, end, text, tags and scores.

    With ``one_per_line`` each non-blank line is one sentence (the input is already split).
    """
    split: Callable[[str], Iterator[Sentence]] = iter_lines if one_per_line else iter_sentences
    for document in documents:
        sentences = list(split(document.text))
        for index, (sentence, prediction) in enumerate(
            zip(sentences, model.predict([s.text for s in sentences]))
        ):
            yield {
                "source": document.source,
                "sentence": index,
                "start": sentence.start,
                "end": sentence.end,
                "text": sentence.text,
                "tags": list(prediction.tags),
                "scores": {t: round(s, SCORE_DECIMALS) for t, s in prediction.scores.items()},
            }
