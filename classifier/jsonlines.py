"""Prediction rows as JSON lines, made a column at a time by Arrow's string kernels.

Tagging a sentence costs a few microseconds; building a dictionary per row and encoding it value by
value with the json module cost as much again. Here each column becomes an Arrow array of JSON text
in a few vectorised steps, and one kernel joins them into lines, byte for byte what
``json.dumps(row, ensure_ascii=False)`` writes. Arrays and the literals between them are made by
:mod:`.arrow_arrays`, which does not import pandas.
"""

from __future__ import annotations

import json
import re
from itertools import chain

import numpy as np
import pyarrow
import pyarrow.compute as compute

from .arrow_arrays import literal, numbers, strings
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
        text = "{"  # what comes before the next column's values
        for field, column in columns.items():
            text += _json_string(field) + ": "
            value = _JSON_OF_FIELD.get(field, _json_values)(column)
            if isinstance(value, str):
                text += value
            else:
                parts += [literal(text), value]
                text = ""
            text += ", "
        if not parts:  # every field the same in every row
            return ((text[:-2] + "}\n") * len(next(iter(columns.values())))).encode("utf-8", "replace")
        lines = compute.binary_join_element_wise(*parts, literal(text[:-2] + "}\n"), literal(""))
    except (pyarrow.ArrowException, OverflowError, TypeError, UnicodeError):
        return jsonl_bytes(rows_of(columns))
    offsets = np.frombuffer(lines.buffers()[1], dtype=np.int32)[lines.offset:lines.offset + len(lines) + 1]
    return lines.buffers()[2].to_pybytes()[offsets[0]:offsets[-1]]


_json_string = json.encoder.encode_basestring
_CONTROL = re.compile(r"[\x00-\x1f]")


def _json_values(column: list):
    return strings(list(map(json_line, column)))


def _constant_or_json_values(column: list):
    """A document's name and id: the same in every row of a document."""
    return json_line(column[0]) if column.count(column[0]) == len(column) else _json_values(column)


def _json_ints(column: list):
    kinds = set(map(type, column))
    if not kinds <= {int, type(None)}:  # numpy would turn "5", 5.5 and True into 5, 5 and 1
        return _json_values(column)
    if type(None) not in kinds:
        return compute.cast(numbers(np.array(column, dtype=np.int64)), pyarrow.string())
    valid = np.array([value is not None for value in column])
    values = numbers(np.array([value or 0 for value in column], dtype=np.int64), valid)
    return compute.fill_null(compute.cast(values, pyarrow.string()), literal("null"))


def _json_strings(column: list):
    """Escaped as json.dumps escapes: backslash and quote by Arrow, and the rare text with a control
    character by json itself."""
    text = strings(column)
    escaped = compute.replace_substring(compute.replace_substring(text, "\\", "\\\\"), '"', '\\"')
    if compute.any(compute.match_substring_regex(text, _CONTROL.pattern)).as_py():  # rare: found again here
        rows = [i for i, value in enumerate(column) if value is not None and _CONTROL.search(value)]
        control = np.zeros(len(column), dtype=bool)
        control[rows] = True
        escaped = compute.replace_with_mask(escaped, numbers(control), strings([_json_string(column[i])[1:-1] for i in rows]))
    quote = literal('"')
    return compute.fill_null(compute.binary_join_element_wise(quote, escaped, quote, literal("")), literal("null"))


def _json_string_lists(column: list[list[str]]):
    known: dict[tuple, str] = {}  # a handful of distinct tag lists
    json_lists = [known.get(key) or known.setdefault(key, json_line(list(key))) for key in map(tuple, column)]
    return strings(json_lists)


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
        text = compute.cast(numbers(values), pyarrow.string())
        whole = np.isfinite(values) & (values == np.floor(values)) & (np.abs(values) < 1e16)
        if whole.any():
            text = compute.if_else(numbers(whole), compute.binary_join_element_wise(text, literal(".0"), literal("")), text)
        odd = ~np.isfinite(values) | ((values != 0) & ((np.abs(values) < 1e-4) | (np.abs(values) >= 1e16)))
        if odd.any():
            text = compute.replace_with_mask(text, numbers(odd), strings([json_line(float(v)) for v in values[odd]]))
        parts += [literal(("{" if j == 0 else ", ") + _json_string(tag) + ": "), text]
    return compute.binary_join_element_wise(*parts, literal("}"), literal(""))


_JSON_OF_FIELD = {
    "document": _constant_or_json_values, "id": _constant_or_json_values,
    "text": _json_strings, "qualifier": _json_strings, "source": _json_strings,
    "sentence": _json_ints, "start": _json_ints, "end": _json_ints,
    "killed": _json_ints, "injured": _json_ints,
    "tags": _json_string_lists, "scores": _json_score_dicts,
}
