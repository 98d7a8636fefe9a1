"""The four tags, their canonical order, and their text form in CSV cells (``a|b``; empty for other)."""

from __future__ import annotations

from typing import Iterable

TAGS = ("accusation", "denial", "casualty_report", "demand")
OTHER = "other"
SEPARATOR = "|"


class UnknownTagError(ValueError):
    def __init__(self, tag: str):
        super().__init__(f"unknown tag {tag!r} (known: {', '.join(TAGS)}; leave empty for {OTHER})")
        self.tag = tag


def parse_tags(cell: str) -> frozenset[str]:
    """Read a labels cell such as ``"accusation|casualty_report"``; blank (or ``other``) is no tag."""
    tags = {part.strip() for part in cell.split(SEPARATOR)} - {"", OTHER}
    for tag in tags:
        if tag not in TAGS:
            raise UnknownTagError(tag)
    return frozenset(tags)


def format_tags(tags: Iterable[str]) -> str:
    return SEPARATOR.join(ordered(tags))


def ordered(tags: Iterable[str]) -> list[str]:
    present = set(tags)
    return [tag for tag in TAGS if tag in present]
