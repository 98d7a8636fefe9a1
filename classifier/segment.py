"""Split news text into sentences, keeping exact character offsets into the original text.

News text is not prose: headlines, datelines, captions and bylines stand on lines of their own, so a
line break always ends a sentence. Inside a line, a sentence ends at ``.``, ``!``, ``?`` or an ellipsis
(with any closing quotes or brackets that follow) when the next word can start a sentence and the
period does not belong to an abbreviation, an initial, or text inside brackets.
"""

from __future__ import annotations

import re
from typing import Iterator, NamedTuple


class Sentence(NamedTuple):
    start: int
    end: int
    text: str


# Titles and other abbreviations that are followed by a name or a number, never by a new sentence.
_NEVER_FINAL = frozenset(
    """mr mrs ms dr prof gen col lt sgt capt maj cmdr adm gov sen rep pres st mt rev fr jr sr
    no nos vol art fig jan feb mar apr jun jul aug sep sept oct nov dec vs etc al approx est dept
    e.g i.e inc ltd co corp bros""".split()
)
# After a dotted acronym such as U.S. or U.N. a capital letter usually continues the sentence
# ("the U.S. Army"); only these common sentence openers mark a new one.
_SENTENCE_OPENERS = frozenset(
    """the a an it he she they we i but and in on at as after this that these those there
    his her its their our however meanwhile since while when if according""".split()
)
_OPENING = "\"'“‘([{"
_CLOSING_BRACKETS = {")": "(", "]": "[", "}": "{"}
_BRACKET = re.compile(r"[()\[\]{}]")
# One character class, not alternatives that overlap ("..." and "."), which backtrack exponentially.
_BOUNDARY = re.compile(r"[.!?…]+[\"'”’)\]}]*(?=\s)")
_LINE = re.compile(r"[^\r\n]+")
_WORD_BEFORE = re.compile(r"([\w.'’-]*)$")
_NOT_SPACE = re.compile(r"\S")


def segment(text: str) -> list[Sentence]:
    """Return the sentences of ``text`` in order, each with ``text[start:end] == sentence.text``."""
    return list(iter_sentences(text))


def iter_sentences(text: str) -> Iterator[Sentence]:
    for line in _LINE.finditer(text):
        yield from _split_line(text, line.start(), line.end())


def iter_lines(text: str) -> Iterator[Sentence]:
    """One unit per non-blank line, for input that is already split into sentences."""
    for line in _LINE.finditer(text):
        sentence = _trimmed(text, line.start(), line.end())
        if sentence:
            yield sentence


def _split_line(text: str, start: int, end: int) -> Iterator[Sentence]:
    line = text[start:end]
    depth = 0
    scanned = 0
    unit_start = 0
    for match in _BOUNDARY.finditer(line):
        # Up to the match's end, so that a bracket closing a parenthesised sentence counts.
        depth = _bracket_depth(line, scanned, match.end(), depth)
        scanned = match.end()
        if depth == 0 and _ends_sentence(line, match):
            sentence = _trimmed(text, start + unit_start, start + match.end())
            if sentence:
                yield sentence
            unit_start = match.end()
    sentence = _trimmed(text, start + unit_start, end)
    if sentence:
        yield sentence


def _bracket_depth(line: str, start: int, end: int, depth: int) -> int:
    # Visit only the brackets: a loop over every character would cost more than the rest of the split.
    for match in _BRACKET.finditer(line, start, end):
        if match.group() in "([{":
            depth += 1
        elif depth:
            depth -= 1
    return depth


def _ends_sentence(line: str, match: re.Match) -> bool:
    following = _NOT_SPACE.search(line, match.end())
    if following is None:
        return False
    next_char = line[following.start()]
    if next_char.islower() or next_char in ",;:)]}":
        return False
    punctuation = match.group()
    if not punctuation.startswith("."):
        return True
    # Only the last few characters can hold the word; searching the whole line is quadratic.
    word = _WORD_BEFORE.search(line, max(0, match.start() - 40), match.start()).group(1).lstrip("'’-")
    if punctuation.startswith("..."):
        return True
    bare = word.rstrip(".").lower()
    if bare in _NEVER_FINAL or word.lower() in _NEVER_FINAL:
        return False
    if len(word) == 1 and word.isupper():  # an initial: "George W. Bush"
        return False
    if "." in word and len(word.replace(".", "")) <= 4 and word.replace(".", "").isalpha():
        next_word = re.match(r"[\w’']+", line[following.start():])
        return bool(next_word) and next_word.group().lower() in _SENTENCE_OPENERS or next_char in _OPENING
    return True


def _trimmed(text: str, start: int, end: int) -> Sentence | None:
    """The span without surrounding white space (including no-break spaces), or None if blank."""
    chunk = text[start:end]
    stripped_left = len(chunk) - len(chunk.lstrip())
    stripped_right = len(chunk) - len(chunk.rstrip())
    if stripped_left == len(chunk):
        return None
    start, end = start + stripped_left, end - stripped_right
    return Sentence(start, end, text[start:end])
