"""Tests for classifier/tags.py: parsing and formatting labels cells."""

from __future__ import annotations

import pytest

from classifier.tags import OTHER, TAGS, UnknownTagError, format_tags, ordered, parse_tags


def test_tags_and_their_canonical_order():
    assert TAGS == ("accusation", "denial", "casualty_report", "demand")
    assert OTHER == "other"


@pytest.mark.parametrize(
    "cell, expected",
    [
        ("accusation", {"accusation"}),
        ("accusation|casualty_report", {"accusation", "casualty_report"}),
        (" denial | demand ", {"denial", "demand"}),
        ("demand|demand", {"demand"}),
        ("|denial||", {"denial"}),
        ("", set()),
        ("   ", set()),
        ("other", set()),
        ("other|denial", {"denial"}),
    ],
)
def test_parse_tags(cell, expected):
    result = parse_tags(cell)
    assert isinstance(result, frozenset)
    assert result == frozenset(expected)


@pytest.mark.parametrize("cell, bad", [("threat", "threat"), ("denial|Accusation", "Accusation"), ("a|b", None)])
def test_parse_tags_unknown(cell, bad):
    with pytest.raises(UnknownTagError) as info:
        parse_tags(cell)
    error = info.value
    assert isinstance(error, ValueError)
    if bad is not None:
        assert error.tag == bad
    else:
        assert error.tag in {"a", "b"}
    message = str(error)
    assert message.startswith(f"unknown tag {error.tag!r}")
    for tag in TAGS:
        assert tag in message
    assert "other" in message


def test_unknown_tag_error_message():
    assert str(UnknownTagError("x")) == (
        "unknown tag 'x' (known: accusation, denial, casualty_report, demand; leave empty for other)"
    )


def test_format_tags_canonical_order():
    assert format_tags({"demand", "accusation"}) == "accusation|demand"
    assert format_tags(["demand", "casualty_report", "denial", "accusation"]) == (
        "accusation|denial|casualty_report|demand"
    )
    assert format_tags(frozenset()) == ""
    assert format_tags(["denial", "denial"]) == "denial"


def test_ordered_follows_tags_order():
    assert ordered({"demand", "denial"}) == ["denial", "demand"]
    assert ordered([]) == []


@pytest.mark.parametrize(
    "tags",
    [frozenset(), frozenset({"denial"}), frozenset({"demand", "accusation", "casualty_report"}), frozenset(TAGS)],
)
def test_format_then_parse_round_trips(tags):
    assert parse_tags(format_tags(tags)) == tags
