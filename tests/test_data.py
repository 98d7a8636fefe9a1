"""Tests for classifier/data.py: loading and validating labeled CSV/JSONL files."""

from __future__ import annotations

import hashlib
import json

import numpy as np
import pytest

from classifier.data import LabeledData, load_labeled
from classifier.errors import DataError
from classifier.tags import TAGS

from conftest import warning_messages


def write(path, text: str):
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture
def seed_csv(tmp_path):
    return write(
        tmp_path / "seed.csv",
        "id,article,text,labels\n"                                               # 1
        "1,art1,Rebels accused the army of shelling the town.,accusation\n"     # 2
        '2,art1,"The army denied it, and\nsaid 3 died.",denial|casualty_report\n'  # 3-4
        "3,art2,The weather was fine.,\n"                                        # 5
        "\n"                                                                     # 6
        "4,art2,Release the prisoners now.,demand| accusation \n"                # 7
        "5,art3,Nothing happened.,other\n",                                      # 8
    )


def test_load_labeled_csv(seed_csv, claimtag_log):
    data = load_labeled([seed_csv])
    assert len(data) == 5
    assert data.texts == [
        "Rebels accused the army of shelling the town.",
        "The army denied it, and\nsaid 3 died.",
        "The weather was fine.",
        "Release the prisoners now.",
        "Nothing happened.",
    ]
    assert data.tags == [
        frozenset({"accusation"}),
        frozenset({"denial", "casualty_report"}),
        frozenset(),
        frozenset({"demand", "accusation"}),
        frozenset(),
    ]
    assert all(isinstance(t, frozenset) for t in data.tags)
    assert data.groups == ["art1", "art1", "art2", "art2", "art3"]
    assert data.origins == [f"{seed_csv}:{n}" for n in (2, 3, 5, 7, 8)]
    assert data.files == [
        {"path": str(seed_csv), "sha256": hashlib.sha256(seed_csv.read_bytes()).hexdigest(), "rows": 5}
    ]
    assert warning_messages(claimtag_log) == []


def test_load_labeled_several_files_in_order(tmp_path):
    first = write(tmp_path / "a.csv", "text,labels,article\nOne.,denial,x\n")
    second = write(tmp_path / "b.jsonl", '{"text": "Two.", "labels": "demand", "article": "y"}\n')
    data = load_labeled([first, second])
    assert data.texts == ["One.", "Two."]
    assert data.origins == [f"{first}:2", f"{second}:1"]
    assert [f["path"] for f in data.files] == [str(first), str(second)]
    assert [f["rows"] for f in data.files] == [1, 1]


def test_load_labeled_jsonl_with_label_lists(tmp_path):
    path = write(
        tmp_path / "d.jsonl",
        "\n".join(
            [
                json.dumps({"text": "A accused B.", "labels": ["accusation", "denial"], "article": "a1"}),
                "",
                json.dumps({"text": "Nothing.", "labels": [], "article": "a1"}),
                json.dumps({"text": "Other here.", "labels": ["other"], "article": "a2"}),
                json.dumps({"text": "Strings too.", "labels": "demand|casualty_report", "article": "a2"}),
            ]
        )
        + "\n",
    )
    data = load_labeled([path])
    assert data.tags == [
        frozenset({"accusation", "denial"}),
        frozenset(),
        frozenset(),
        frozenset({"demand", "casualty_report"}),
    ]
    assert data.groups == ["a1", "a1", "a2", "a2"]
    assert data.origins == [f"{path}:{n}" for n in (1, 3, 4, 5)]


def test_load_labeled_jsonl_missing_labels_is_other(tmp_path):
    path = write(tmp_path / "d.jsonl", '{"text": "a", "labels": "denial"}\n{"text": "b"}\n{"text": "c", "labels": null}\n')
    assert load_labeled([path]).tags == [frozenset({"denial"}), frozenset(), frozenset()]


def test_load_labeled_custom_columns(tmp_path):
    path = write(tmp_path / "c.csv", "sentence,tags,doc\nHello.,demand,d1\n")
    data = load_labeled([path], text_col="sentence", labels_col="tags", group_col="doc")
    assert data.texts == ["Hello."]
    assert data.tags == [frozenset({"demand"})]
    assert data.groups == ["d1"]


def test_missing_text_column(tmp_path):
    path = write(tmp_path / "c.csv", "sentence,labels\nHello.,demand\n")
    with pytest.raises(DataError) as info:
        load_labeled([path])
    message = str(info.value)
    assert message.startswith(f"{path}:1: no column 'text'")
    assert "sentence" in message  # lists the columns there are
    assert "--text-col" in message
    assert info.value.exit_code == 65


def test_missing_labels_column(tmp_path):
    path = write(tmp_path / "c.csv", "text,tags\nHello.,demand\n")
    with pytest.raises(DataError) as info:
        load_labeled([path])
    assert str(info.value).startswith(f"{path}:1: no column 'labels'")
    assert "--labels-col" in str(info.value)


def test_empty_text_names_the_line(tmp_path):
    path = write(
        tmp_path / "c.csv",
        'text,labels,article\n"multi\nline",denial,a\n\nfine,,a\n   ,demand,a\n',
    )
    with pytest.raises(DataError) as info:
        load_labeled([path])
    assert str(info.value) == f"{path}:6: empty text"


def test_empty_text_in_jsonl(tmp_path):
    path = write(tmp_path / "d.jsonl", '{"text": "ok", "labels": ""}\n{"labels": "denial"}\n')
    with pytest.raises(DataError, match=r":2: empty text$"):
        load_labeled([path])


def test_unknown_tag_names_line_and_tag(tmp_path):
    path = write(tmp_path / "c.csv", "text,labels,article\nOne.,denial,a\nTwo.,denial|threat,a\n")
    with pytest.raises(DataError) as info:
        load_labeled([path])
    message = str(info.value)
    assert message.startswith(f"{path}:3: ")
    assert "'threat'" in message


def test_unknown_tag_in_jsonl_list(tmp_path):
    path = write(tmp_path / "d.jsonl", '{"text": "One.", "labels": ["denial", "Accusation"]}\n')
    with pytest.raises(DataError, match=r":1: unknown tag 'Accusation'"):
        load_labeled([path])


def test_contradictory_duplicates_name_both_places(tmp_path):
    path = write(
        tmp_path / "c.csv",
        "text,labels,article\nThe army shelled the town.,accusation,a\nOther.,,a\n"
        "  the ARMY   shelled\tthe town. ,denial,b\n",
    )
    with pytest.raises(DataError) as info:
        load_labeled([path])
    message = str(info.value)
    assert message.startswith(f"{path}:4: ")
    assert f"{path}:2" in message
    assert "denial" in message and "accusation" in message


def test_contradictory_duplicates_across_files(tmp_path):
    first = write(tmp_path / "a.csv", "text,labels,article\nSame text.,,x\n")
    second = write(tmp_path / "b.csv", "text,labels,article\nsame text.,demand,y\n")
    with pytest.raises(DataError) as info:
        load_labeled([first, second])
    message = str(info.value)
    assert message.startswith(f"{second}:2: ")
    assert f"{first}:2" in message
    assert "'other'" in message and "'demand'" in message


def test_identical_duplicates_with_same_labels_are_accepted(tmp_path):
    path = write(
        tmp_path / "c.csv",
        "text,labels,article\nSame text.,demand|denial,a\nsame   TEXT.,denial|demand,b\n",
    )
    data = load_labeled([path])
    assert data.texts == ["Same text.", "same   TEXT."]
    assert data.tags == [frozenset({"demand", "denial"})] * 2


def test_no_article_column_warns_and_each_row_is_its_own_group(tmp_path, claimtag_log):
    path = write(tmp_path / "c.csv", "text,labels\nOne.,denial\nTwo.,denial\nThree.,\n")
    data = load_labeled([path])
    assert data.groups == [f"{path}:2", f"{path}:3", f"{path}:4"]
    assert len(set(data.groups)) == 3
    [message] = warning_messages(claimtag_log)
    assert str(path) in message
    assert "'article'" in message
    assert "--group-col" in message


def test_indicator_shape_and_values(seed_csv):
    data = load_labeled([seed_csv])
    matrix = data.indicator(["accusation", "demand"])
    assert matrix.shape == (5, 2)
    assert matrix.dtype == np.int8
    assert matrix.tolist() == [[1, 0], [0, 0], [0, 0], [1, 1], [0, 0]]
    full = data.indicator(TAGS)
    assert full.shape == (5, 4)
    assert full.sum(axis=0).tolist() == [2, 1, 1, 1]  # accusation, denial, casualty_report, demand


def test_indicator_of_no_rows_keeps_the_tag_dimension():
    assert LabeledData().indicator(TAGS).shape == (0, 4)


def test_counts_and_group_counts(seed_csv):
    data = load_labeled([seed_csv])
    assert data.counts() == {
        "accusation": 2,
        "denial": 1,
        "casualty_report": 1,
        "demand": 1,
        "other": 2,
    }
    # accusation occurs in art1 and art2; the others in one article each.
    assert data.group_counts() == {"accusation": 2, "denial": 1, "casualty_report": 1, "demand": 1}


def test_group_counts_count_distinct_groups_not_rows(tmp_path):
    path = write(
        tmp_path / "c.csv",
        "text,labels,article\nA.,denial,x\nB.,denial,x\nC.,denial,x\nD.,denial,y\n",
    )
    data = load_labeled([path])
    assert data.counts()["denial"] == 4
    assert data.group_counts()["denial"] == 2


def test_sha256_changes_when_a_file_changes(tmp_path):
    path = write(tmp_path / "c.csv", "text,labels,article\nOne.,denial,a\n")
    before = load_labeled([path])
    again = load_labeled([path])
    assert before.sha256 == again.sha256
    assert len(before.sha256) == 64
    write(path, "text,labels,article\nOne.,demand,a\n")
    after = load_labeled([path])
    assert after.files[0]["sha256"] != before.files[0]["sha256"]
    assert after.files[0]["sha256"] == hashlib.sha256(path.read_bytes()).hexdigest()
    assert after.sha256 != before.sha256


def test_sha256_depends_on_file_order(tmp_path):
    first = write(tmp_path / "a.csv", "text,labels,article\nOne.,denial,a\n")
    second = write(tmp_path / "b.csv", "text,labels,article\nTwo.,demand,b\n")
    assert load_labeled([first, second]).sha256 != load_labeled([second, first]).sha256
