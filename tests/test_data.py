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


# --- property-based fuzzing (hypothesis) -------------------------------------------------------

import itertools  # noqa: E402

from hypothesis import HealthCheck, event, example, given, settings, strategies as st  # noqa: E402

from classifier.data import normalised  # noqa: E402  (the loader's notion of "the same text")
from classifier.errors import ClaimtagError, NoInputError  # noqa: E402

BOM = "\ufeff"
# tmp_path is shared by the examples of one test; each example writes its own files.
FUZZ = settings(deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
_example_number = itertools.count()

_AWKWARD = [
    "Dr. Smith said “no”.", "a,b", 'say "hi"', '"', "line\nbreak", "cr\rhere", "crlf\r\nhere",
    " padded ", "\ufeffbom", "sep\u2028arated", "nel\x85", "tab\there", "NA", "nan", "None", "null",
    "#comment", "=1+1", "1e5", "0x10", "’", "\x1a", "\\", "\\N",
]
# Texts a CSV file can hold: anything but NUL (which makes the file binary); at least one
# non-space character (the loader refuses empty texts).
_CSV_TEXTS = st.one_of(
    st.text(st.characters(codec="utf-8", exclude_characters="\x00"), min_size=1), st.sampled_from(_AWKWARD)
).filter(str.strip)
# JSON escapes whatever it must, so JSONL texts may also hold NULs and lone surrogates.
_JSON_TEXTS = st.one_of(
    _CSV_TEXTS,
    st.text(st.characters(exclude_categories=()), min_size=1),
    st.sampled_from(["\ud800", "a\udfffb", "nul\x00here", "\x00"]),
).filter(str.strip)
_ARTICLES = st.one_of(st.text(st.characters(codec="utf-8", exclude_characters="\x00")), st.sampled_from(_AWKWARD + [""]))
_TAG_LISTS = st.lists(st.sampled_from(TAGS), unique=True, max_size=4)  # in any order


def _consistent(rows):
    """Give rows with the same normalised text the labels of the first (the loader refuses others)."""
    first = {}
    return [(text, first.setdefault(normalised(text), tags), article) for text, tags, article in rows]


def _label_cell(tags: list[str], other: bool) -> str:
    return "|".join(tags) if tags or not other else "other"


def _csv_line(cells, quote_all: bool, line_end: str) -> str:
    # Not csv.writer: with lineterminator="\n" it leaves a lone "\r" unquoted (it quotes only the
    # characters of its own line terminator), and every CSV reader takes that "\r" for a line end.
    return ",".join(
        '"' + cell.replace('"', '""') + '"' if quote_all or any(ch in cell for ch in ',"\r\n') else cell
        for cell in cells
    ) + line_end


def _fresh_dir(tmp_path):
    directory = tmp_path / f"example{next(_example_number)}"
    directory.mkdir()
    return directory


@settings(FUZZ, max_examples=150)
@example(
    rows=[("crlf\r\nhere", ["denial", "demand"], ""), (" padded ", [], "NA"), ("PADDED", [], "x")],
    columns=["article", "text", "labels"], quote_all=False, line_end="\r\n", bom=True, other=True,
)
@given(
    rows=st.lists(st.tuples(_CSV_TEXTS, _TAG_LISTS, _ARTICLES), min_size=1, max_size=6),
    columns=st.permutations(["text", "labels", "article"]),
    quote_all=st.booleans(),
    line_end=st.sampled_from(["\n", "\r\n"]),
    bom=st.booleans(),
    other=st.booleans(),
)
def test_fuzz_load_labeled_csv_returns_exactly_the_rows_written(tmp_path, rows, columns, quote_all, line_end, bom, other):
    rows = _consistent(rows)
    content = _csv_line(columns, quote_all, line_end)
    lines = []
    for text, tags, article in rows:
        lines.append(content.count("\n") + 1)
        cells = {"text": text, "labels": _label_cell(tags, other), "article": article}
        content += _csv_line([cells[column] for column in columns], quote_all, line_end)
    directory = _fresh_dir(tmp_path)
    path = directory / "fuzz.csv"
    path.write_bytes(((BOM if bom else "") + content).encode("utf-8"))
    # The same rows in JSONL, loaded after the CSV: duplicates with the same labels are accepted.
    jsonl = directory / "fuzz.jsonl"
    jsonl.write_text(
        "".join(json.dumps({"text": t, "labels": tags, "article": a}) + "\n" for t, tags, a in rows),
        encoding="utf-8",
    )

    data = load_labeled([path, jsonl])

    assert data.texts == [text for text, _, _ in rows] * 2
    assert data.tags == [frozenset(tags) for _, tags, _ in rows] * 2
    assert data.groups == [article for _, _, article in rows] * 2
    assert data.origins == [f"{path}:{n}" for n in lines] + [f"{jsonl}:{n + 1}" for n in range(len(rows))]
    assert [f["rows"] for f in data.files] == [len(rows)] * 2


@settings(FUZZ, max_examples=150)
@example(
    rows=[("\ud800", ["accusation"], "a"), ("nul\x00here", [], "b")],
    ascii_only=False, as_list=[True, False], line_end="\r\n", blank=" ", bom=True,
)
@given(
    rows=st.lists(st.tuples(_JSON_TEXTS, _TAG_LISTS, _ARTICLES), min_size=1, max_size=6),
    ascii_only=st.booleans(),
    as_list=st.lists(st.booleans(), min_size=6, max_size=6),
    line_end=st.sampled_from(["\n", "\r\n"]),
    blank=st.sampled_from([None, "", " \t", "\u2028"]),
    bom=st.booleans(),
)
def test_fuzz_load_labeled_jsonl_returns_exactly_the_rows_written(tmp_path, rows, ascii_only, as_list, line_end, blank, bom):
    rows = _consistent(rows)
    # A lone surrogate cannot be written as UTF-8, only as a \ud800 escape.
    surrogates = any("\ud800" <= ch <= "\udfff" for text, _, _ in rows for ch in text)
    lines, out = [], []
    for (text, tags, article), listed in zip(rows, as_list):
        if blank is not None:
            out.append(blank)  # a blank line before every row
        labels = tags if listed else "|".join(tags)
        out.append(json.dumps({"labels": labels, "article": article, "text": text}, ensure_ascii=ascii_only or surrogates))
        lines.append(len(out))
    path = _fresh_dir(tmp_path) / "fuzz.jsonl"
    path.write_bytes(((BOM if bom else "") + line_end.join(out) + line_end).encode("utf-8"))

    data = load_labeled([path])

    assert data.texts == [text for text, _, _ in rows]
    assert data.tags == [frozenset(tags) for _, tags, _ in rows]
    assert data.groups == [article for _, _, article in rows]
    assert data.origins == [f"{path}:{n}" for n in lines]


_JSON_STRINGS = st.one_of(
    st.text(st.characters(exclude_categories=()), max_size=6),
    st.sampled_from(["\ud800", "\x00", " ", "other", "denial", "demand|accusation", "Denial", "a|b|"]),
)
_JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | _JSON_STRINGS,
    lambda children: st.lists(children, max_size=3) | st.dictionaries(_JSON_STRINGS, children, max_size=2),
    max_leaves=6,
)
_LABEL_VALUES = st.one_of(_TAG_LISTS, _TAG_LISTS.map("|".join), st.lists(_JSON_VALUES, max_size=3), _JSON_VALUES)
_RECORDS = st.fixed_dictionaries(
    {},
    optional={"text": st.one_of(_JSON_TEXTS, _JSON_VALUES), "labels": _LABEL_VALUES, "article": _JSON_VALUES},
)


@settings(FUZZ, max_examples=200)
@example(records=[{"text": float("nan"), "labels": ["denial"]}, {"text": "a", "labels": [None]}])
@example(records=[{"text": ["x"], "labels": {"a": 1}}])
@example(records=[{}, {"text": "b", "labels": "other"}])
@given(records=st.lists(_RECORDS, min_size=1, max_size=5))
def test_fuzz_load_labeled_jsonl_of_arbitrary_values_raises_only_claimtag_errors(tmp_path, records):
    path = tmp_path / "fuzz.jsonl"
    path.write_bytes("".join(json.dumps(r) + "\n" for r in records).encode("ascii"))
    try:
        data = load_labeled([path])
    except ClaimtagError as error:
        assert isinstance(error, (DataError, NoInputError))
        assert str(path) in str(error)
        event(f"load_labeled: {type(error).__name__}")
        return
    event("load_labeled: loaded")
    assert len(data) == len(records)
    assert all(isinstance(text, str) and text.strip() for text in data.texts)
    assert all(tags <= set(TAGS) for tags in data.tags)
    assert all(isinstance(group, str) for group in data.groups)


_HEADER_NAMES = ["article", "note", "Text", " text", "", "labels "]


@settings(FUZZ, max_examples=150)
@given(
    data=st.data(),
    required=st.sampled_from([["text", "labels"]] * 4 + [["text"], ["labels"]]),
    extra=st.lists(st.sampled_from(_HEADER_NAMES), max_size=3, unique=True),
)
def test_fuzz_load_labeled_csv_with_any_header_loads_cells_or_raises_data_error(tmp_path, data, required, extra):
    columns = data.draw(st.permutations(required + extra), label="columns")
    cell = {
        "labels": st.one_of(_TAG_LISTS.map("|".join), st.sampled_from(["other", "", "threat", " denial "])),
        "text": st.one_of(_CSV_TEXTS, _CSV_TEXTS, _CSV_TEXTS, st.sampled_from(["", " "])),
    }
    rows = data.draw(
        st.lists(st.tuples(*(cell.get(c, _ARTICLES) for c in columns)), min_size=1, max_size=5),
        label="rows",
    )
    path = tmp_path / "fuzz.csv"
    path.write_text("".join(_csv_line(row, False, "\n") for row in [columns, *rows]), encoding="utf-8")
    try:
        loaded = load_labeled([path])
    except ClaimtagError as error:
        assert isinstance(error, (DataError, NoInputError))
        event(f"load_labeled: {type(error).__name__}")
        return
    event("load_labeled: loaded")
    kept = [dict(zip(columns, row)) for row in rows if any(c.strip() for c in row)]
    assert loaded.texts == [row["text"] for row in kept]
    if "article" in columns:
        assert loaded.groups == [row["article"] for row in kept]


@pytest.mark.parametrize(
    "header, row", [("text,labels,text", "Hello.,denial,other"), ("article,text,labels,article", "a1,Hello.,denial,a2")]
)
def test_load_labeled_csv_with_a_repeated_column(tmp_path, header, row):
    path = write(tmp_path / "c.csv", f"{header}\n{row}\n")
    try:
        data = load_labeled([path])
    except DataError:
        return  # refusing the header is a fix
    cells = set(row.split(","))
    assert set(data.texts) <= cells and set(data.groups) <= cells


# --- the via column (appended) -----------------------------------------------------------------


def test_load_labeled_fills_via_from_a_via_column(tmp_path):
    path = write(
        tmp_path / "via.csv",
        "article,text,labels,via\n"
        "a1,Rebels accused the army.,accusation,random\n"
        "a1,The army denied it.,denial,uncertainty\n"
        "a2,Two people died.,casualty_report,\n"
        "a2,Leave now.,demand,tag:demand+match\n",
    )
    data = load_labeled([path])
    assert data.via == ["random", "uncertainty", "", "tag:demand+match"]  # an empty cell is "", not "nan"
    assert len(data.via) == len(data.texts)


def test_load_labeled_via_is_empty_without_the_column_and_per_file(tmp_path):
    plain = write(tmp_path / "plain.csv", "article,text,labels\na1,Rebels accused the army.,accusation\na1,Quiet day.,\n")
    data = load_labeled([plain])
    assert data.via == ["", ""]
    picked = write(tmp_path / "picked.jsonl", json.dumps({"text": "Leave now.", "labels": ["demand"], "via": "random"}) + "\n")
    both = load_labeled([plain, picked])
    assert both.via == ["", "", "random"]
    assert load_labeled([picked, plain]).via == ["random", "", ""]
