"""Split news text into sentences, keeping exact character offsets into the original text.

News text is not prose: headlines, datelines, captions and bylines stand on lines of their own, so a
line break always ends a sentence. Inside a line, a sentence ends at ``.``, ``!``, ``?`` or an ellipsis
(with any closing quotes or brackets that follow) when the next word can start a sentence and the
period does not belong to an abbreviation, an initial, or text inside brackets.
"""

from __future__ import annotations

import re
from bisect import bisect_left
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
_BRACKET = re.compile(r"[()\[\]{}]")
# End punctuation with its closing quotes or brackets, then white space and the first character of the
# next sentence (group 1), unless that character continues this one. The pattern opens with a single
# character, so that the re module skips ahead to candidates instead of trying a match at every
# position; it skips fastest to a literal, hence a pattern of its own for lines whose only end mark is
# the period. A match starts only where a run of end marks starts, and its repeats are possessive: a
# long run of periods that no white space follows is read once, not once per period (and alternatives
# that overlap, such as "..." and ".", would backtrack exponentially).
_FOLLOWED = r"[\"'”’)\]}]*+(?=\s+([^\s,;:)\]}]))"
_BOUNDARY = re.compile(r"[.!?…](?<![.!?…][.!?…])[.!?…]*+" + _FOLLOWED)
_PERIOD_BOUNDARY = re.compile(r"\.(?<!\.\.)\.*+" + _FOLLOWED)
_WORD = re.compile(r"[\w.'’-]*")
_NEXT_WORD = re.compile(r"[\w’']+")


def segment(text: str) -> list[Sentence]:
    """Return the sentences of ``text`` in order, each with ``text[start:end] == sentence.text``."""
    sentences: list[Sentence] = []
    offset = 0
    for line in _lines(text):
        stop = len(line.rstrip())
        if stop:
            _split_line(line, offset, stop, sentences)
        offset += len(line) + 1
    return sentences


def iter_sentences(text: str) -> Iterator[Sentence]:
    return iter(segment(text))


def iter_lines(text: str) -> Iterator[Sentence]:
    """One unit per non-blank line, for input that is already split into sentences."""
    offset = 0
    for line in _lines(text):
        stripped = line.strip()
        if stripped:
            start = offset + len(line) - len(line.lstrip())
            yield Sentence(start, start + len(stripped), stripped)
        offset += len(line) + 1


def _lines(text: str) -> list[str]:
    # \r, \n and \r\n all break lines. Making every \r a \n keeps each offset, and the empty line that
    # this puts inside \r\n is blank like any other.
    return text.replace("\r", "\n").split("\n")


def _split_line(line: str, offset: int, stop: int, sentences: list[Sentence]) -> None:
    """Append the sentences of ``line``, which starts at ``offset`` in the text and, trailing white space
    aside, ends at ``stop``."""
    start = len(line) - len(line.lstrip())
    enclosed = _enclosed(line)
    backwards = line[::-1]
    boundary = _BOUNDARY if "!" in line or "?" in line or "…" in line else _PERIOD_BOUNDARY
    # Up to stop only: a sentence cannot end where no other one follows on the line.
    for match in boundary.finditer(line, start, stop):
        if match[1].islower():
            continue
        end = match.end()
        # A bracket that the match itself closes counts: a parenthesised sentence ends after it.
        if enclosed and bisect_left(enclosed, end) % 2:
            continue
        punctuation = match[0]
        if punctuation[0] == "." and not punctuation.startswith("...") and _continues(line, backwards, match):
            continue
        sentences.append(Sentence(offset + start, offset + end, line[start:end]))
        start = match.start(1)
    sentences.append(Sentence(offset + start, offset + stop, line[start:stop]))


def _enclosed(line: str) -> list[int]:
    """Where each outermost bracket opens and where it closes (the line's length if it never does), in
    order: an end position has an odd number of these before it exactly when it is inside brackets."""
    # Most lines have no brackets, which ``in`` tells many times faster than a regex scan.
    if "(" not in line and "[" not in line and "{" not in line:
        return []
    bounds = []
    depth = 0
    for match in _BRACKET.finditer(line):
        if match[0] in "([{":
            if not depth:
                bounds.append(match.start())
            depth += 1
        elif depth:
            depth -= 1
            if not depth:
                bounds.append(match.start())
    if depth:
        bounds.append(len(line))
    return bounds


def _continues(line: str, backwards: str, match: re.Match) -> bool:
    """Whether the sentence goes on after a period, because of the word the period follows."""
    # Only the last few characters can hold the word. Matching it forwards in the reversed line finds
    # it in one step, where searching for a word that ends at the period tries every start.
    after = len(line) - match.start()
    word = _WORD.match(backwards, after, after + 40)[0][::-1].lstrip("'’-")
    if word.lower() in _NEVER_FINAL:
        return True
    if len(word) == 1 and word.isupper():  # an initial: "George W. Bush"
        return True
    letters = word.replace(".", "")
    if "." in word and len(letters) <= 4 and letters.isalpha():
        next_word = _NEXT_WORD.match(line, match.start(1))
        opens = match[1] in _OPENING or next_word is not None and next_word[0].lower() in _SENTENCE_OPENERS
        return not opens
    return False
