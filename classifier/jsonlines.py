"""Prediction rows as JSON lines, made a column at a time by Arrow's string kernels.

Tagging a sentence costs a few microseconds; building a dictionary per row and encoding it value by
value with the json module cost as much again. Here each column becomes an Arrow array of JSON text
in a few vectorised steps, and one kernel joins them into lines, byte for byte what
``json.dumps(row, ensure_ascii=False)`` writes.
"""

from __future__ import annotations

import json
from itertools import chain

import numpy as np
import pyarrow
import pyarrow.compute as compute

from .writers import Columns, ScoreColumn, json_line, jsonl_bytes, rows_of


def json_lines(columns: Columns) -> bytes:
    """UTF-8 JSON lines exactly as ``json.dumps(row, ensure_ascii=False)`` writes each row. They are
    made a column at a time by Arrow's string kernels: a dictionary per row and the general encoder's
    work per value cost more than tagging. The columns must hold the types of
    :data:`.annotate.FIELDS`; other fields, and values Arrow cannot hold (lone surrogates, integers
    beyond 64 bits), are encoded row by row."""
    if not columns or not len(next(iter(columns.values()))):
        return b""
    try:
        parts: list = []
        literal = "{"
        for field, column in columns.items():
            literal += _json_string(field) + ": "
            value = _JSON_OF_FIELD.get(field, _json_values)(column)
            if isinstance(value, str):
                literal += value
            else:
                parts += [literal, value]
                literal = ""
            literal += ", "
        if not parts:  # every field the same in every row
            return ((literal[:-2] + "}\n") * len(next(iter(columns.values())))).encode("utf-8", "replace")
        lines = compute.binary_join_element_wise(*parts, literal[:-2] + "}\n", "")
    except (pyarrow.ArrowException, OverflowError, UnicodeError):
        return jsonl_bytes(rows_of(columns))
    offsets = np.frombuffer(lines.buffers()[1], dtype=np.int32)[lines.offset:lines.offset + len(lines) + 1]
    return lines.buffers()[2].to_pybytes()[offsets[0]:offsets[-1]]


_json_string = json.encoder.encode_basestring


def _json_values(column: list):
    return pyarrow.array(list(map(json_line, column)), pyarrow.string())


def _constant_or_json_values(column: list):
    """A document's name and id: the same in every row of a document."""
    return json_line(column[0]) if column.count(column[0]) == len(column) else _json_values(column)


def _json_ints(column: list):
    return compute.cast(pyarrow.array(column, pyarrow.int64()), pyarrow.string()).fill_null("null")


def _json_strings(column: list):
    """Escaped as json.dumps escapes: backslash and quote by Arrow, and the rare text with a control
    character by json itself."""
    text = pyarrow.array(column, pyarrow.string())
    escaped = compute.replace_substring(compute.replace_substring(text, "\\", "\\\\"), '"', '\\"')
    control = compute.match_substring_regex(text, "[\\x00-\\x1f]").fill_null(False)
    if compute.any(control).as_py():
        rows = np.flatnonzero(control.to_numpy(zero_copy_only=False))
        escaped = compute.replace_with_mask(escaped, control, pyarrow.array([_json_string(column[i])[1:-1] for i in rows]))
    return compute.binary_join_element_wise('"', escaped, '"', "").fill_null("null")


def _json_string_lists(column: list[list[str]]):
    known: dict[tuple, str] = {}  # a handful of distinct tag lists
    json_lists = [known.get(key) or known.setdefault(key, json_line(list(key))) for key in map(tuple, column)]
    return pyarrow.array(json_lists, pyarrow.string())


def _json_score_dicts(column: list[dict[str, float]]):
    """Every dictionary has the same tags in the same order. Arrow writes a float with the digits
    of Python's repr, but in its own notation for whole numbers ("1" for "1.0") and for very small,
    very large or non-finite ones, which are left to repr."""
    if isinstance(column, ScoreColumn):
        tags, scores = column.tags, column.matrix
    else:
        tags = list(column[0])
        scores = np.fromiter(chain.from_iterable(map(dict.values, column)), dtype=np.float64, count=len(column) * len(tags))
        scores = scores.reshape(len(column), len(tags))
    parts: list = []
    for j, tag in enumerate(tags):
        values = scores[:, j]
        text = compute.cast(pyarrow.array(values), pyarrow.string())
        whole = np.isfinite(values) & (values == np.floor(values)) & (np.abs(values) < 1e16)
        if whole.any():
            text = compute.if_else(pyarrow.array(whole), compute.binary_join_element_wise(text, ".0", ""), text)
        odd = ~np.isfinite(values) | ((values != 0) & ((np.abs(values) < 1e-4) | (np.abs(values) >= 1e16)))
        if odd.any():
            text = compute.replace_with_mask(text, pyarrow.array(odd), pyarrow.array([json_line(float(v)) for v in values[odd]]))
        parts += [("{" if j == 0 else ", ") + _json_string(tag) + ": ", text]
    return compute.binary_join_element_wise(*parts, "}", "")


_JSON_OF_FIELD = {
    "document": _constant_or_json_values, "id": _constant_or_json_values,
    "text": _json_strings, "qualifier": _json_strings, "source": _json_strings,
    "sentence": _json_ints, "start": _json_ints, "end": _json_ints,
    "killed": _json_ints, "injured": _json_ints,
    "tags": _json_string_lists, "scores": _json_score_dicts,
}
