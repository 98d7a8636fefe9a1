"""Tests for classifier/writers.py: atomic output files and the jsonl/csv/table row formats."""

from __future__ import annotations

import csv
import io
import json
import os
import stat

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from classifier.errors import OutputError
from classifier.annotate import FIELDS, documents_with_columns
from classifier.readers import Document
from classifier.writers import ARROW_MIN_ROWS, Output, atomic_path, columns_of, render, rendered, rows_of, write_rows


def make_rows(n: int) -> list[dict]:
    texts = [
        "Rebels accused the army of shelling the town.",
        "The army denied it, saying “no shells” were fired.",
        'A "quoted", comma-laden\nmulti-line sentence.',
        "Café owners demanded compensation…",
        "Nothing happened.",
        "Extra sentence six.",
    ]
    tags = [["accusation"], ["denial"], ["demand", "accusation"], ["demand"], [], ["casualty_report"]]
    return [
        {
            "document": f"news/article{i // 3}.txt",
            "sentence": i % 3,
            "start": 10 * i,
            "end": 10 * i + 5,
            "text": texts[i],
            "tags": tags[i],
            "scores": {"accusation": round(0.1 * i, 6), "demand": 0.5},
        }
        for i in range(n)
    ]


def leftovers(directory) -> list[str]:
    return sorted(p.name for p in directory.iterdir())


# --- atomic_path / open_output -----------------------------------------------------------------


def test_atomic_path_renames_on_success(tmp_path):
    target = tmp_path / "out.txt"
    with atomic_path(target) as temporary:
        assert temporary.parent == tmp_path
        assert temporary != target
        temporary.write_text("done", encoding="utf-8")
        assert not target.exists()  # nothing appears until the block succeeds
    assert target.read_text(encoding="utf-8") == "done"
    assert leftovers(tmp_path) == ["out.txt"]


def test_atomic_path_replaces_an_existing_file_on_success(tmp_path):
    target = tmp_path / "out.txt"
    target.write_text("old", encoding="utf-8")
    with atomic_path(target) as temporary:
        temporary.write_text("new", encoding="utf-8")
    assert target.read_text(encoding="utf-8") == "new"
    assert leftovers(tmp_path) == ["out.txt"]


def test_atomic_path_failure_leaves_existing_file_and_no_temporary(tmp_path):
    target = tmp_path / "out.txt"
    target.write_text("old", encoding="utf-8")
    with pytest.raises(RuntimeError, match="boom"):
        with atomic_path(target) as temporary:
            temporary.write_text("half written", encoding="utf-8")
            raise RuntimeError("boom")
    assert target.read_text(encoding="utf-8") == "old"
    assert leftovers(tmp_path) == ["out.txt"]


def test_atomic_path_failure_without_existing_file_creates_nothing(tmp_path):
    target = tmp_path / "out.txt"
    with pytest.raises(KeyError):
        with atomic_path(target) as temporary:
            temporary.write_text("partial", encoding="utf-8")
            raise KeyError("x")
    assert leftovers(tmp_path) == []


def test_atomic_path_into_missing_directory_is_output_error(tmp_path):
    with pytest.raises(OutputError) as info:
        with atomic_path(tmp_path / "no" / "such" / "out.txt"):
            pass  # pragma: no cover
    assert info.value.exit_code == 73
    assert "cannot write" in str(info.value)


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def test_output_file_gets_normal_permissions(tmp_path):
    target = tmp_path / "out.jsonl"
    with Output(target) as out:
        out.write("a.txt", make_rows(1))
    expected = 0o666 & ~_umask()
    assert stat.S_IMODE(target.stat().st_mode) == expected


def test_output_dash_and_none_are_stdout(capsys):
    with Output("-") as out:
        out.write("a.txt", make_rows(1))
    with Output(None) as out:
        out.write("b.txt", make_rows(1))
    lines = capsys.readouterr().out.splitlines()
    assert [json.loads(line)["text"] for line in lines] == [make_rows(1)[0]["text"]] * 2


def test_output_file_appears_only_when_complete_as_utf8(tmp_path):
    target = tmp_path / "out.jsonl"
    rows = make_rows(2)
    with Output(target) as out:
        out.write("a.txt", rows)
        assert not target.exists()
    assert target.read_text(encoding="utf-8") == "".join(
        json.dumps(r, ensure_ascii=False) + "\n" for r in rows)
    assert leftovers(tmp_path) == ["out.jsonl"]


def test_output_failure_keeps_old_file_and_leaves_nothing(tmp_path):
    target = tmp_path / "out.jsonl"
    target.write_text("old", encoding="utf-8")
    with pytest.raises(ValueError):
        with Output(target) as out:
            out.write("a.txt", make_rows(1))
            raise ValueError("stop")
    assert target.read_text(encoding="utf-8") == "old"
    assert leftovers(tmp_path) == ["out.jsonl"]


def test_output_interrupt_keeps_a_partial_file_that_resume_continues(tmp_path):
    target = tmp_path / "out.csv"
    rows = make_rows(4)
    with pytest.raises(KeyboardInterrupt):
        with Output(target, "csv") as out:
            out.write("a.txt", rows[:2])
            out.write("b.txt", rows[2:3])
            raise KeyboardInterrupt
    assert not target.exists()
    # a third source was half written when the process died: its bytes have no journal entry
    partial = tmp_path / ".out.csv.partial"
    partial.write_bytes(partial.read_bytes() + b"half a row")
    with Output(target, "csv", resume=True) as out:
        assert out.done == {"a.txt", "b.txt"}
        out.write("c.txt", rows[3:])
    with target.open(encoding="utf-8", newline="") as handle:
        records = list(csv.DictReader(handle))
    assert [r["text"] for r in records] == [r["text"] for r in rows]
    assert leftovers(tmp_path) == ["out.csv"]


def test_output_resume_without_a_partial_file_starts_afresh(tmp_path):
    target = tmp_path / "out.jsonl"
    with Output(target, resume=True) as out:
        assert out.done == set()
        out.write("a.txt", make_rows(1))
    assert len(target.read_text(encoding="utf-8").splitlines()) == 1


def test_output_without_resume_writes_a_new_partial_file_instead_of_emptying_a_leftover(tmp_path):
    """ext4 writes a file emptied by truncation out to disk when it is closed: a new one is not."""
    target = tmp_path / "out.jsonl"
    leftover = tmp_path / ".out.jsonl.partial"
    leftover.write_text("from an interrupted run\n", encoding="utf-8")
    os.link(leftover, tmp_path / "link")  # still the leftover file if that is not emptied
    with Output(target) as out:
        out.write("a.txt", make_rows(1))
    assert (tmp_path / "link").read_text(encoding="utf-8") == "from an interrupted run\n"
    assert len(target.read_text(encoding="utf-8").splitlines()) == 1


def test_output_resume_needs_a_file():
    with pytest.raises(OutputError, match="--resume needs --output"):
        Output("-", resume=True)


# --- write_rows --------------------------------------------------------------------------------


def test_write_rows_jsonl_one_object_per_line_unicode_kept():
    rows = make_rows(5)
    out = io.StringIO()
    assert write_rows(rows, out, "jsonl", chunk=2) == 5
    text = out.getvalue()
    assert text.endswith("\n")
    lines = text.split("\n")[:-1]
    assert len(lines) == 5
    assert [json.loads(line) for line in lines] == rows
    assert "“no shells”" in text and "Café" in text and "…" in text  # not \u escapes
    assert "\\u" not in text


_JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner, max_size=3),
    max_leaves=8,
)


@settings(max_examples=300, deadline=None)
@given(rows=st.lists(st.dictionaries(st.text(max_size=8), _JSON_VALUES, max_size=6), max_size=4))
def test_jsonl_lines_are_exactly_what_json_dumps_writes(rows):
    expected = "".join(json.dumps(row, ensure_ascii=False) + "\n" for row in rows)
    assert render(rows, "jsonl") == expected


def test_write_rows_is_the_default_format_jsonl():
    out = io.StringIO()
    write_rows(make_rows(1), out)
    assert json.loads(out.getvalue()) == make_rows(1)[0]


def test_write_rows_accepts_a_generator():
    out = io.StringIO()
    assert write_rows((row for row in make_rows(3)), out, "jsonl", chunk=2) == 3
    assert len(out.getvalue().splitlines()) == 3


def test_write_rows_csv_header_once_across_chunks():
    rows = make_rows(5)
    out = io.StringIO()
    assert write_rows(rows, out, "csv", chunk=2) == 5
    text = out.getvalue()
    assert text.count("document,sentence,") == 1
    records = list(csv.reader(io.StringIO(text)))
    header, body = records[0], records[1:]
    assert header == [
        "document", "sentence", "start", "end", "text", "tags", "scores.accusation", "scores.demand",
    ]
    assert len(body) == 5
    parsed = [dict(zip(header, record)) for record in body]
    assert [p["text"] for p in parsed] == [r["text"] for r in rows]  # quotes, commas, newline survive
    assert [p["tags"] for p in parsed] == ["accusation", "denial", "accusation|demand", "demand", ""]
    assert [float(p["scores.accusation"]) for p in parsed] == [r["scores"]["accusation"] for r in rows]
    assert all(float(p["scores.demand"]) == 0.5 for p in parsed)
    assert [p["document"] for p in parsed] == [r["document"] for r in rows]
    assert [int(p["start"]) for p in parsed] == [r["start"] for r in rows]


def test_write_rows_csv_exact_multiple_of_chunk():
    out = io.StringIO()
    assert write_rows(make_rows(4), out, "csv", chunk=2) == 4
    assert len(list(csv.reader(io.StringIO(out.getvalue())))) == 5  # header + 4


def test_write_rows_table_header_and_one_line_per_row(monkeypatch):
    monkeypatch.setenv("COLUMNS", "120")
    rows = make_rows(5)
    out = io.StringIO()
    assert write_rows(rows, out, "table", chunk=2) == 5
    lines = out.getvalue().splitlines()
    assert len(lines) == 6  # the multi-line text is shortened onto one line
    assert lines[0].split() == ["document", "#", "tags", "text"]
    assert sum(line.startswith("document") for line in lines) == 1
    assert lines[1].startswith("article0.txt")  # the file name, not the whole path
    assert "news/" not in out.getvalue()
    assert lines[1].split()[1] == "0"
    assert "accusation" in lines[1]
    assert "demand, accusation" in lines[3]
    assert lines[5].split()[2] == "-"  # no tags
    assert lines[5].rstrip().endswith("Nothing happened.")


def test_write_rows_table_shortens_long_text(monkeypatch):
    monkeypatch.setenv("COLUMNS", "100")  # text column is at least 30 characters
    row = make_rows(1)[0] | {"text": "word " * 100}
    out = io.StringIO()
    write_rows([row], out, "table")
    line = out.getvalue().splitlines()[1]
    assert line.endswith(" ...")
    assert len(line) < 120


@pytest.mark.parametrize("fmt", ["jsonl", "csv"])
def test_write_rows_zero_rows_writes_nothing(fmt):
    out = io.StringIO()
    assert write_rows([], out, fmt) == 0
    assert out.getvalue() == ""


def test_write_rows_zero_rows_table_has_only_the_header():
    out = io.StringIO()
    assert write_rows([], out, "table") == 0
    assert len(out.getvalue().splitlines()) == 1
    assert out.getvalue().split() == ["document", "#", "tags", "text"]


# --- rows as annotate makes them, column by column ------------------------------------------------

TAGGED = [
    Document("wire%1.txt", "Rebels accused the army of shelling the town, killing 12 civilians. "
             "The ministry denied it, a spokesman said.\n“No shells”, he added.", id="a\"1"),
    Document("empty.txt", ""),
    Document("two.txt", "Protesters demanded the release of 3 detainees. Nothing else happened.", id=None),
]


# Long enough for the JSON lines of Arrow's column kernels (shorter documents are written row by row).
LONG = Document("long.txt", "\n".join([TAGGED[0].text] * (ARROW_MIN_ROWS // 3 + 1)), id="long")


@pytest.mark.parametrize("fields", [FIELDS, ("document", "sentence", "start", "end", "text", "tags", "scores"),
                                    ("text",), ("killed", "source", "id", "document")])
@pytest.mark.parametrize("explain", [0, 2])
def test_columns_render_as_json_dumps_writes_each_row(synthetic_model, fields, explain):
    seen = 0
    for document, columns in documents_with_columns(synthetic_model, [*TAGGED, LONG], explain=explain, fields=fields):
        rows = rows_of(columns)
        expected = "".join(json.dumps(row, ensure_ascii=False) + "\n" for row in rows)
        assert rendered(columns, "jsonl", synthetic_model.tags) == (expected.encode(), len(rows))
        assert columns_of(rows) == (columns if rows else {})
        seen += len(rows)
    assert seen == 5 + 3 * (ARROW_MIN_ROWS // 3 + 1)  # every sentence of every document, none of the empty one
