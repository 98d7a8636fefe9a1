"""Tests for classifier/jsonlines.py: JSON lines made column by column are exactly json.dumps's."""

from __future__ import annotations

import json

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from classifier.jsonlines import json_lines
from classifier.writers import ScoreColumn, rows_of


def test_odd_values_and_fields_are_written_as_json_dumps_writes_them():
    columns = {
        "document": ["a\\b\"c", "é\u2028"], "id": [None, "x%sy"], "sentence": [0, 10**20], "start": [0, 1],
        "end": [5, 6], "text": ["“quoted”\n\t", ""], "tags": [[], ["a", "b%"]],
        "scores": [{"a": 0.1, "b%": 1e-07}, {"a": 1.0, "b%": 0.0}], "killed": [None, 0], "qualifier": [None, "at least"],
        "odd%field": [{"nested": [1, None]}, float("inf")],
    }
    rows = rows_of(columns)
    assert json_lines(columns) == "".join(json.dumps(row, ensure_ascii=False) + "\n" for row in rows).encode()
    assert json_lines({}) == b""


_SCORE = st.floats(0, 1) | st.sampled_from([0.0, 1.0, 1e-4, 9.9e-05, 5e-05, 1e-06, 0.1, 0.999999, 0.5])


@settings(max_examples=300, deadline=None)
@given(data=st.data(), n=st.integers(1, 6))
def test_prediction_columns_of_any_values_are_written_as_json_dumps_writes_them(data, n):
    text = st.text(st.characters(blacklist_categories=["Cs"]))  # lone surrogates: a row-by-row path
    optional_text = st.none() | text
    optional_int = st.none() | st.integers(0, 10**6)
    draw = lambda strategy: data.draw(st.lists(strategy, min_size=n, max_size=n))  # noqa: E731
    columns = {
        "document": [data.draw(text)] * n, "id": [data.draw(optional_text)] * n, "sentence": draw(st.integers(0, 10**9)),
        "start": draw(st.integers(0, 10**12)), "end": draw(st.integers(0, 10**12)), "text": draw(text),
        "tags": draw(st.lists(st.sampled_from(["accusation", "denial", "demand"]), unique=True)),
        "scores": [{"accusation": a, "denial": b} for a, b in zip(draw(_SCORE), draw(_SCORE))],
        "killed": draw(optional_int), "injured": draw(optional_int), "qualifier": draw(optional_text),
        "source": draw(optional_text),
    }
    fields = data.draw(st.lists(st.sampled_from(list(columns)), min_size=1, unique=True))
    columns = {field: columns[field] for field in fields}
    expected = "".join(json.dumps(row, ensure_ascii=False) + "\n" for row in rows_of(columns))
    assert json_lines(columns) == expected.encode()


def test_a_score_matrix_is_written_as_its_dictionaries_would_be():
    matrix = np.array([[0.1, 1.0], [0.0, 5e-05], [0.123456, 0.999999]])
    columns = {"sentence": [0, 1, 2], "scores": ScoreColumn(["a", "b%"], matrix)}
    assert list(columns["scores"]) == [{"a": 0.1, "b%": 1.0}, {"a": 0.0, "b%": 5e-05}, {"a": 0.123456, "b%": 0.999999}]
    assert columns["scores"][1:] == [{"a": 0.0, "b%": 5e-05}, {"a": 0.123456, "b%": 0.999999}]
    expected = "".join(json.dumps(row, ensure_ascii=False) + "\n" for row in rows_of(columns))
    assert json_lines(columns) == expected.encode()


def test_every_field_the_same_in_every_row():
    assert json_lines({"document": ["a.txt"] * 3}) == b'{"document": "a.txt"}\n' * 3
