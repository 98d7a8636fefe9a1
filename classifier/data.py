"""Labeled sentences: loading CSV/JSONL files, validating them, and keeping where each row came from."""

from __future__ import annotations

import hashlib
import logging
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable, Sequence

import numpy as np

from .errors import DataError, at
from .readers import read_table
from .tags import TAGS, UnknownTagError, format_tags, parse_tags

TEXT_COLUMN = "text"
LABELS_COLUMN = "labels"
_WORD = re.compile(r"\w+")
GROUP_COLUMN = "article"
VIA_COLUMN = "via"
RANDOM = "random"  # the via of rows drawn at random: together an unbiased sample of their pool

log = logging.getLogger("claimtag")


@dataclass
class LabeledData:
    texts: list[str] = field(default_factory=list)
    tags: list[frozenset[str]] = field(default_factory=list)
    groups: list[str] = field(default_factory=list)
    origins: list[str] = field(default_factory=list)  # "file:line" of each row
    files: list[dict] = field(default_factory=list)  # path, sha256 and row count of each file
    via: list[str] = field(default_factory=list)  # why each row was picked for labeling ("random", ...)

    def __len__(self) -> int:
        return len(self.texts)

    def indicator(self, tags: Sequence[str]) -> np.ndarray:
        """A rows x tags matrix of 0/1, the form scikit-learn takes for multi-label targets."""
        return np.array([[tag in row for tag in tags] for row in self.tags], dtype=np.int8).reshape(
            len(self), len(tags)
        )

    def counts(self) -> dict[str, int]:
        return {tag: sum(tag in row for row in self.tags) for tag in TAGS} | {
            "other": sum(not row for row in self.tags)
        }

    def group_counts(self) -> dict[str, int]:
        """In how many distinct groups (articles) each tag occurs."""
        return {tag: len({g for g, row in zip(self.groups, self.tags) if tag in row}) for tag in TAGS}

    @property
    def sha256(self) -> str:
        """One digest of all training files, in the order given."""
        digest = hashlib.sha256()
        for entry in self.files:
            digest.update(bytes.fromhex(entry["sha256"]))
        return digest.hexdigest()


def load_labeled(
    paths: Iterable[str | Path],
    text_col: str = TEXT_COLUMN,
    labels_col: str = LABELS_COLUMN,
    group_col: str = GROUP_COLUMN,
) -> LabeledData:
    """Read and validate labeled files; every problem names the file and line it is on."""
    data = LabeledData()
    seen: dict[str, tuple[str, frozenset[str]]] = {}
    for path in paths:
        table = read_table(path)
        _require_columns(table, {text_col: "--text-col", labels_col: "--labels-col"})
        has_groups = group_col in table.rows.columns
        has_via = VIA_COLUMN in table.rows.columns
        if not has_groups:
            log.warning(
                "%s: no column %r, so each row is its own group and cross-validation cannot hold out "
                "whole articles (name yours with --group-col)", table.path, group_col,
            )
        for index, line in enumerate(table.lines):
            row = table.rows.iloc[index]
            where = at(table.path, line)
            text = _cell(row[text_col])
            if not text.strip():
                raise DataError(f"{where}: empty text")
            tags = _tags(row[labels_col], where)
            key = normalised(text)
            if key in seen and seen[key][1] != tags:
                first, first_tags = seen[key]
                raise DataError(
                    f"{where}: same text as {first} but labeled {format_tags(tags) or 'other'!r} here "
                    f"and {format_tags(first_tags) or 'other'!r} there"
                )
            seen.setdefault(key, (where, tags))
            data.texts.append(text)
            data.tags.append(tags)
            data.groups.append(_cell(row[group_col]) if has_groups else where)
            data.origins.append(where)
            data.via.append(_cell(row[VIA_COLUMN]) if has_via else "")
        data.files.append(
            {"path": table.path, "sha256": hashlib.sha256(table.data).hexdigest(), "rows": len(table.lines)}
        )
    return data


def table_texts(path: str | Path, text_col: str = TEXT_COLUMN) -> list[str]:
    """The texts of a CSV/JSONL file, labeled or not (e.g. sentences already suggested)."""
    table = read_table(path)
    _require_columns(table, {text_col: "--text-col"})
    return [_cell(value) for value in table.rows[text_col]]


def _require_columns(table, options: dict[str, str]) -> None:
    columns = [str(c) for c in table.rows.columns]
    for column, option in options.items():
        if column not in columns:
            raise DataError(
                f"{at(table.path, 1)}: no column {column!r} (columns: {', '.join(columns)}); "
                f"name yours with {option}"
            )


def _cell(value) -> str:
    return "" if value is None or (isinstance(value, float) and np.isnan(value)) else str(value)


def _tags(value, where: str) -> frozenset[str]:
    try:
        if isinstance(value, (list, tuple)):  # JSONL may hold a list of tags
            return parse_tags("|".join(str(v) for v in value))
        return parse_tags(_cell(value))
    except UnknownTagError as error:
        raise DataError(f"{where}: {error}") from None


def normalised(text: str) -> str:
    """The form under which two sentences are the same: case, spacing and punctuation ignored."""
    return " ".join(_WORD.findall(text.casefold()))
