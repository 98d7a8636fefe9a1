"""Tests for classifier/readers.py: decoding, documents from files/directories/stdin, and tables."""

from __future__ import annotations

import io
import json
import sys

import pytest

from classifier.errors import EXIT_DATA, EXIT_NO_INPUT, DataError, NoInputError
from classifier.readers import Document, decode, expected_chars, iter_documents, read_document, read_table

from conftest import warning_messages


# --- decode ------------------------------------------------------------------------------------


def test_decode_utf8_without_warning(claimtag_log):
    assert decode("café “quoted” – done".encode("utf-8"), "a.txt") == "café “quoted” – done"
    assert warning_messages(claimtag_log) == []


def test_decode_drops_utf8_bom(claimtag_log):
    text = decode(b"\xef\xbb\xbfHello \xe2\x80\x9cthere\xe2\x80\x9d", "a.txt")
    assert text == "Hello “there”"
    assert warning_messages(claimtag_log) == []


def test_decode_windows_1252_curly_quotes_with_warning(claimtag_log):
    text = decode(b"first line\nhe said \x93quoted\x94", "news.txt")
    assert text == "first line\nhe said “quoted”"
    [message] = warning_messages(claimtag_log)
    assert message.startswith("news.txt:2:")
    assert "0x93" in message
    assert "windows-1252" in message


def test_decode_byte_undefined_in_cp1252_falls_back_to_latin1(claimtag_log):
    data = b"a\nb\nc\x81d \xe9"
    text = decode(data, "odd.txt")
    assert text == "a\nb\nc\u0081d \u00e9"
    assert text.encode("latin-1") == data
    [message] = warning_messages(claimtag_log)
    assert message.startswith("odd.txt:3:")
    assert "0x81" in message
    assert "latin-1" in message


def test_decode_bom_then_bad_byte_warning_names_the_right_byte_and_line(claimtag_log):
    decode(b"\xef\xbb\xbfab\n\x93x", "bom.txt")
    [message] = warning_messages(claimtag_log)
    assert message.startswith("bom.txt:2:")
    assert "0x93" in message


def test_decode_bom_is_dropped_on_the_fallback_path_too():
    assert decode(b"\xef\xbb\xbfab \x93x\x94", "bom.txt") == "ab “x”"


# --- read_document -----------------------------------------------------------------------------


def test_read_document_reads_and_decodes(tmp_path):
    path = tmp_path / "a.txt"
    path.write_bytes("Headline\n\nDr. Smith said “no”.\n".encode("utf-8"))
    document = read_document(path)
    assert document == Document(str(path), "Headline\n\nDr. Smith said “no”.\n")


def test_read_document_missing_file(tmp_path):
    path = tmp_path / "missing.txt"
    with pytest.raises(NoInputError) as info:
        read_document(path)
    assert info.value.exit_code == EXIT_NO_INPUT == 66
    assert str(info.value) == f"{path}: no such file"


@pytest.mark.parametrize("content", [b"", b"  \n\r\n\t \n"])
def test_read_document_empty_file(tmp_path, content):
    path = tmp_path / "empty.txt"
    path.write_bytes(content)
    with pytest.raises(NoInputError) as info:
        read_document(path)
    assert info.value.exit_code == 66
    assert str(path) in str(info.value)
    assert "empty" in str(info.value)


def test_read_document_binary_file(tmp_path):
    path = tmp_path / "image.txt"
    path.write_bytes(b"line one\nline two\n\x89PNG\x00\x00\x01")
    with pytest.raises(DataError) as info:
        read_document(path)
    assert info.value.exit_code == EXIT_DATA == 65
    assert str(info.value).startswith(f"{path}:3: ")
    assert "binary file" in str(info.value)


def test_read_document_directory_is_no_input(tmp_path):
    with pytest.raises(NoInputError, match="is a directory"):
        read_document(tmp_path)


class _FakeStdin:
    def __init__(self, data: bytes):
        self.buffer = io.BytesIO(data)


def test_read_document_dash_reads_stdin(monkeypatch):
    monkeypatch.setattr(sys, "stdin", _FakeStdin("From stdin “quoted”.\n".encode("utf-8")))
    assert read_document("-") == Document("-", "From stdin “quoted”.\n")


def test_read_document_empty_stdin(monkeypatch):
    monkeypatch.setattr(sys, "stdin", _FakeStdin(b""))
    with pytest.raises(NoInputError, match=r"^-: empty"):
        read_document("-")


def test_read_document_stdin_cp1252_warning_names_stdin(monkeypatch, claimtag_log):
    monkeypatch.setattr(sys, "stdin", _FakeStdin(b"\x93hi\x94"))
    assert read_document("-").text == "“hi”"
    [message] = warning_messages(claimtag_log)
    assert message.startswith("-:1:")


# --- iter_documents ----------------------------------------------------------------------------


def test_iter_documents_directory_recursive_sorted_skips_bad_files(tmp_path, claimtag_log):
    (tmp_path / "b.txt").write_text("bee", encoding="utf-8")
    (tmp_path / "a.txt").write_text("ay", encoding="utf-8")
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "c.txt").write_text("sea", encoding="utf-8")
    (tmp_path / "notes.md").write_text("not a text file", encoding="utf-8")
    (tmp_path / "data.csv").write_text("text,labels\nx,\n", encoding="utf-8")
    (tmp_path / "folder.txt").mkdir()  # a directory named like a text file is not a file
    (tmp_path / "binary.txt").write_bytes(b"abc\x00def")
    (tmp_path / "empty.txt").write_bytes(b" \n")

    documents = list(iter_documents([str(tmp_path)]))

    assert [d.source for d in documents] == [
        str(tmp_path / "a.txt"),
        str(tmp_path / "b.txt"),
        str(tmp_path / "sub" / "c.txt"),
    ]
    assert [d.text for d in documents] == ["ay", "bee", "sea"]
    messages = warning_messages(claimtag_log)
    assert any(str(tmp_path / "binary.txt") in m and "binary" in m for m in messages)
    assert any(str(tmp_path / "empty.txt") in m and "empty" in m for m in messages)
    assert len(messages) == 2


def test_iter_documents_directory_without_txt_is_no_input(tmp_path):
    (tmp_path / "notes.md").write_text("hello", encoding="utf-8")
    with pytest.raises(NoInputError) as info:
        list(iter_documents([str(tmp_path)]))
    assert info.value.exit_code == 66
    assert str(tmp_path) in str(info.value)


def test_iter_documents_mixes_files_directories_and_stdin(tmp_path, monkeypatch):
    single = tmp_path / "single.txt"
    single.write_text("one", encoding="utf-8")
    folder = tmp_path / "folder"
    folder.mkdir()
    (folder / "x.txt").write_text("two", encoding="utf-8")
    monkeypatch.setattr(sys, "stdin", _FakeStdin(b"three"))
    documents = list(iter_documents([str(single), str(folder), "-"]))
    assert [(d.source, d.text) for d in documents] == [
        (str(single), "one"),
        (str(folder / "x.txt"), "two"),
        ("-", "three"),
    ]


def test_iter_documents_named_binary_file_is_an_error(tmp_path):
    path = tmp_path / "bad.txt"
    path.write_bytes(b"\x00")
    with pytest.raises(DataError):
        list(iter_documents([str(path)]))


# --- read_table --------------------------------------------------------------------------------


def test_read_table_csv_multiline_cell_and_blank_lines_keep_line_numbers(tmp_path):
    path = tmp_path / "t.csv"
    path.write_text(
        'text,labels\n'          # 1
        '"first\nsecond\nthird",accusation\n'  # 2-4
        '\n'                     # 5
        'next row,denial\n'      # 6
        '\n'                     # 7
        '\n'                     # 8
        'last row,\n',           # 9
        encoding="utf-8",
    )
    table = read_table(path)
    assert table.path == str(path)
    assert table.lines == [2, 6, 9]
    assert table.rows["text"].tolist() == ["first\nsecond\nthird", "next row", "last row"]
    assert table.rows["labels"].tolist() == ["accusation", "denial", ""]
    assert list(table.rows.index) == [0, 1, 2]
    assert table.data == path.read_bytes()


def test_read_table_csv_crlf(tmp_path):
    path = tmp_path / "t.csv"
    path.write_bytes(b'text,labels\r\n"a\r\nb",x\r\n\r\nc,y\r\n')
    table = read_table(path)
    assert table.lines == [2, 5]
    assert table.rows["labels"].tolist() == ["x", "y"]


def test_read_table_csv_with_bom_and_cp1252(tmp_path, claimtag_log):
    bom = tmp_path / "bom.csv"
    bom.write_bytes(b"\xef\xbb\xbftext,labels\nhello,\n")
    assert list(read_table(bom).rows.columns) == ["text", "labels"]
    legacy = tmp_path / "legacy.csv"
    legacy.write_bytes(b"text,labels\n\x93hi\x94,demand\n")
    assert read_table(legacy).rows["text"].tolist() == ["“hi”"]
    assert any(m.startswith(f"{legacy}:2:") for m in warning_messages(claimtag_log))


def test_read_table_jsonl_with_blank_lines(tmp_path):
    path = tmp_path / "t.jsonl"
    path.write_text('\n{"text": "a", "labels": ["denial"]}\n  \n{"text": "b", "labels": ""}\n\n', encoding="utf-8")
    table = read_table(path)
    assert table.lines == [2, 4]
    assert table.rows["text"].tolist() == ["a", "b"]
    assert table.rows["labels"].tolist() == [["denial"], ""]


def test_read_table_ndjson_suffix_case_insensitive(tmp_path):
    path = tmp_path / "t.NDJSON"
    path.write_text('{"text": "a"}\n', encoding="utf-8")
    assert read_table(path).rows["text"].tolist() == ["a"]


def test_read_table_invalid_json_line(tmp_path):
    path = tmp_path / "t.jsonl"
    path.write_text('{"text": "a"}\n\n{"text": \n', encoding="utf-8")
    with pytest.raises(DataError) as info:
        read_table(path)
    assert str(info.value).startswith(f"{path}:3: not valid JSON")
    assert info.value.exit_code == 65


def test_read_table_json_array_line(tmp_path):
    path = tmp_path / "t.jsonl"
    path.write_text('{"text": "a"}\n["text", "b"]\n', encoding="utf-8")
    with pytest.raises(DataError) as info:
        read_table(path)
    assert str(info.value).startswith(f"{path}:2:")
    assert "JSON object" in str(info.value) and "list" in str(info.value)


def test_read_table_jsonl_string_with_unicode_line_separator(tmp_path):
    path = tmp_path / "t.jsonl"
    rows = [{"text": "first\u2028part", "labels": ""}, {"text": "nel\u0085here", "labels": "demand"}]
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    table = read_table(path)
    assert table.rows["text"].tolist() == ["first\u2028part", "nel\u0085here"]
    assert table.lines == [1, 2]


@pytest.mark.parametrize("name", ["t.tsv", "t.json", "noextension"])
def test_read_table_unknown_extension(tmp_path, name):
    path = tmp_path / name
    path.write_text("text\nx\n", encoding="utf-8")
    with pytest.raises(DataError) as info:
        read_table(path)
    assert str(path) in str(info.value)
    assert "unknown table format" in str(info.value)


def test_read_table_unknown_extension_checked_before_existence(tmp_path):
    with pytest.raises(DataError, match="unknown table format"):
        read_table(tmp_path / "missing.xlsx")


def test_read_table_missing_file(tmp_path):
    path = tmp_path / "missing.csv"
    with pytest.raises(NoInputError, match="no such file"):
        read_table(path)


@pytest.mark.parametrize(
    "name, content, error, message",
    [
        ("t.csv", "", NoInputError, "{path}: no rows"),
        ("t.csv", "\n\n", NoInputError, "{path}: no rows"),
        ("t.csv", "text,labels\n\n\n", NoInputError, "{path}: no rows"),
        ("t.csv", "text,labels\n", NoInputError, "{path}: no rows"),
        ("t.jsonl", "\n \n", NoInputError, "{path}: no rows"),
        ("t.csv", "text,labels\nfine,denial\na,b,c\n", DataError,
         "{path}: malformed CSV: Error tokenizing data. C error: Expected 2 fields in line 3, saw 3"),
        ("t.csv", 'text,labels\n"never closed,denial\n', DataError, "{path}: malformed CSV: "),
        ("t.csv", "text,labels\na,b,c\n", DataError, "{path}: malformed CSV: "),
    ],
    ids=["empty", "blank-lines", "header-and-blanks", "header-only", "blank-jsonl",
         "later-row-too-wide", "unterminated-quote", "first-row-too-wide"],
)
def test_read_table_refuses_tables_without_usable_rows(tmp_path, name, content, error, message):
    path = tmp_path / name
    path.write_text(content, encoding="utf-8")
    with pytest.raises(error) as info:
        read_table(path)
    assert str(info.value).startswith(message.format(path=path))


def test_read_table_binary(tmp_path):
    path = tmp_path / "t.csv"
    path.write_bytes(b"text,labels\nab\x00,\n")
    with pytest.raises(DataError) as info:
        read_table(path)
    assert str(info.value).startswith(f"{path}:2: binary file")


# --- property-based fuzzing (hypothesis) -------------------------------------------------------

import itertools  # noqa: E402

from hypothesis import HealthCheck, event, example, given, settings, strategies as st  # noqa: E402

from classifier.errors import ClaimtagError  # noqa: E402
from classifier.segment import segment  # noqa: E402

BOM = b"\xef\xbb\xbf"
# tmp_path is shared by the examples of one test; each example writes its own files.
FUZZ = settings(deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
_example_number = itertools.count()

# Bytes that look like text, CSV or JSONL more often than uniformly random bytes do, with the
# awkward parts mixed in: NULs, a BOM, CP1252 quotes, bytes no code page defines, CR, CRLF.
_BYTE_PIECES = [
    b"\n", b"\r", b"\r\n", b"\x00", BOM, b"\x93", b"\x94", b"\x81", b"\x8d", b"\xff", b"\xc3\xa9",
    b"\xe2\x80\x9c", b"\xed\xa0\x80", b" ", b"\t", b"\x0c", b",", b'"', b"'", b"{", b"}", b"[", b"]",
    b":", b"\\", b"\\u0000", b"\\ud800", b"\\udfff", b"\\n", b"null", b"true", b"1", b"-0.5e3", b"NaN",
    b"text", b"labels", b"article", b"denial", b"accusation|demand", b'"text"', b'"labels"',
    b'{"text": "a", "labels": "denial"}', b"text,labels,article", b"Hello. World",
]
_SOME_BYTES = st.one_of(
    st.binary(max_size=300),
    st.lists(st.one_of(st.sampled_from(_BYTE_PIECES), st.binary(max_size=4)), max_size=40).map(b"".join),
)


def _fresh_dir(tmp_path):
    directory = tmp_path / f"example{next(_example_number)}"
    directory.mkdir()
    return directory


def _expected_decoding(data: bytes) -> tuple[str, str]:
    body = data.removeprefix(BOM)
    for encoding in ("utf-8", "windows-1252", "latin-1"):
        try:
            return body.decode(encoding), encoding
        except UnicodeDecodeError:
            continue
    raise AssertionError("latin-1 decodes every byte")


@settings(FUZZ, max_examples=300)
@example(b"\xef\xbb\xbf\xef\xbb\xbf\x93")
@example(b"\x81\n\x00\xff")
@given(_SOME_BYTES)
def test_fuzz_decode_any_bytes(claimtag_log, data):
    claimtag_log.clear()
    text = decode(data, "fuzz.bin")
    assert isinstance(text, str)
    expected, encoding = _expected_decoding(data)
    assert text == expected
    # Nothing is lost: the text encodes back to exactly the bytes after the BOM.
    assert text.encode(encoding) == data.removeprefix(BOM)
    messages = warning_messages(claimtag_log)
    if encoding == "utf-8":
        assert messages == []
    else:
        [message] = messages
        assert message.startswith("fuzz.bin:") and encoding in message


@settings(max_examples=300, deadline=None)
@given(st.text())
def test_fuzz_decode_round_trips_utf8_with_or_without_bom(text):
    assert decode(text.encode("utf-8"), "a.txt") == text.removeprefix("\ufeff")
    # Only one BOM is dropped, so a text that starts with U+FEFF keeps it after a BOM.
    assert decode(BOM + text.encode("utf-8"), "a.txt") == text


@settings(max_examples=200, deadline=None)
@given(_SOME_BYTES.filter(lambda data: not data.startswith(BOM)))
def test_fuzz_decode_bom_is_dropped_on_every_path(data):
    assert decode(BOM + data, "a.txt") == decode(data, "a.txt")


def _read_document_or_error(path):
    try:
        document = read_document(path)
    except ClaimtagError as error:
        assert isinstance(error, (DataError, NoInputError))
        event(f"read_document: {type(error).__name__}")
        return error
    event("read_document: Document")
    return document


@settings(FUZZ, max_examples=200)
@example(data=b"\x00")
@example(data=b" \r\n\t")
@example(data=BOM)
@example(data=b"a" * 8192 + b"\x00")
@given(data=_SOME_BYTES)
def test_fuzz_read_document_of_random_bytes(tmp_path, data):
    path = tmp_path / "fuzz.txt"
    path.write_bytes(data)
    result = _read_document_or_error(path)  # anything but a ClaimtagError escapes and fails
    if isinstance(result, ClaimtagError):
        assert str(path) in str(result)
        return
    assert isinstance(result.text, str)
    assert result == Document(str(path), decode(data, str(path)))
    for sentence in segment(result.text):  # offsets index the decoded text
        assert result.text[sentence.start:sentence.end] == sentence.text


@settings(FUZZ, max_examples=50)
@given(files=st.lists(_SOME_BYTES, min_size=1, max_size=4))
def test_fuzz_iter_documents_of_a_directory_of_random_files(tmp_path, files):
    directory = _fresh_dir(tmp_path)
    paths = []
    for number, data in enumerate(files):
        path = directory / ("sub" if number % 2 else ".") / f"f{number}.txt"
        path.parent.mkdir(exist_ok=True)
        path.write_bytes(data)
        paths.append(path)
    documents = list(iter_documents([str(directory)]))  # unusable files are skipped, never raised
    usable = {str(p): data for p, data in zip(paths, files) if b"\x00" not in data[:8192] and data.strip()}
    assert [d.source for d in documents] == sorted(usable)
    for document in documents:
        assert isinstance(document.text, str)
        assert document.text == decode(usable[document.source], document.source)
    # Named one by one, each file gives the same document, or a ClaimtagError if it was skipped.
    by_source = {d.source: d for d in documents}
    for path in paths:
        result = _read_document_or_error(path)
        if str(path) in usable:
            assert result == by_source[str(path)]
        else:
            assert isinstance(result, ClaimtagError)


_LF_TEXT = st.lists(
    st.one_of(
        st.sampled_from(["\n", "\n\n", ". ", "? ", "… ", "U.S. ", "Dr. ", "The ", "word", " ", "\u00a0", "“", "”"]),
        st.text(st.characters(codec="utf-8", exclude_characters="\r\x00"), max_size=5),
    ),
    max_size=40,
).map("".join)


@settings(FUZZ, max_examples=150)
@example(text="Headline\n\nFirst. Second.\nLast", line_end="\r", bom=True)
@given(text=_LF_TEXT, line_end=st.sampled_from(["\r\n", "\r"]), bom=st.booleans())
def test_fuzz_crlf_and_cr_files_segment_like_lf_files(tmp_path, text, line_end, bom):
    directory = _fresh_dir(tmp_path)
    results = []
    for name, ending in (("lf.txt", "\n"), ("other.txt", line_end)):
        path = directory / name
        path.write_bytes((BOM if bom else b"") + text.replace("\n", ending).encode("utf-8"))
        results.append(_read_document_or_error(path))
    lf, other = results
    assert type(lf) is type(other)
    if isinstance(lf, Document):
        assert other.text == lf.text.replace("\n", line_end)
        assert [s.text for s in segment(other.text)] == [s.text for s in segment(lf.text)]


def _read_table_or_error(path):
    try:
        table = read_table(path)
    except ClaimtagError as error:
        assert isinstance(error, (DataError, NoInputError))
        assert str(path) in str(error)
        event(f"read_table {path.suffix}: {type(error).__name__}")
        return error
    event(f"read_table {path.suffix}: Table")
    return table


# Lines of comma-separated pieces, which parse as a table more often than random bytes do.
_TABLE_LIKE_BYTES = st.tuples(
    st.lists(
        st.lists(st.lists(st.sampled_from(_BYTE_PIECES), max_size=3).map(b"".join), min_size=1, max_size=3)
        .map(b",".join),
        min_size=1, max_size=6,
    ),
    st.sampled_from([b"\n", b"\r\n", b"\r"]),
).map(lambda lines_and_end: lines_and_end[1].join(lines_and_end[0]))


def _assert_table_is_consistent(table, path, data):
    assert table.path == str(path)
    assert table.data == data
    assert table.lines == sorted(set(table.lines)) and table.lines[0] >= 1
    if len(table.rows.columns):  # see test_read_table_jsonl_lines_of_empty_objects
        assert len(table.rows) == len(table.lines)
    assert list(table.rows.index) == list(range(len(table.rows)))


@settings(FUZZ, max_examples=200)
@example(suffix=".csv", data=b'text,labels\n"a\r\nb",\r\n\x93c\x94,denial\n')
@example(suffix=".csv", data=b"text,labels\n" + b"a,\n" * 3000 + b"\x00,\n")
@example(suffix=".jsonl", data=BOM + b'{"text": "\\ud800\\u0000", "labels": []}\r\n')
@given(suffix=st.sampled_from([".csv", ".jsonl"]), data=st.one_of(_SOME_BYTES, _TABLE_LIKE_BYTES))
def test_fuzz_read_table_of_random_bytes(tmp_path, suffix, data):
    path = tmp_path / f"fuzz{suffix}"
    path.write_bytes(data)
    table = _read_table_or_error(path)  # anything but a ClaimtagError escapes and fails
    if not isinstance(table, ClaimtagError):
        _assert_table_is_consistent(table, path, data)


# Any JSON value, with strings that hold lone surrogates, NULs, U+2028 and BOMs once escaped.
_JSON_STRINGS = st.one_of(
    st.text(st.characters(exclude_categories=()), max_size=8),  # surrogates included
    st.sampled_from(["\ud800", "\udfff", "a\ud83d", "\x00", "\u2028", "\ufeff", "\r\n", "text", "labels"]),
)
_JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | _JSON_STRINGS,
    lambda children: st.lists(children, max_size=3) | st.dictionaries(_JSON_STRINGS, children, max_size=3),
    max_leaves=8,
)
_JSON_OBJECTS = st.dictionaries(
    st.sampled_from(["text", "labels", "article"]) | _JSON_STRINGS, _JSON_VALUES, max_size=4
)


@settings(FUZZ, max_examples=200)
@given(
    values=st.lists(st.one_of(_JSON_OBJECTS, _JSON_OBJECTS, _JSON_VALUES), min_size=1, max_size=5),
    ascii_only=st.booleans(),
    line_end=st.sampled_from(["\n", "\r\n"]),
    bom=st.booleans(),
    blank=st.sampled_from(["", " ", "\t", "\r"]),
)
def test_fuzz_read_table_jsonl_of_arbitrary_json_values(tmp_path, values, ascii_only, line_end, bom, blank):
    lines = [json.dumps(value, ensure_ascii=ascii_only) for value in values]
    text = line_end.join(lines[:1] + [blank] + lines[1:]) + line_end  # a blank line after the first
    # Unescaped lone surrogates become bytes that are not UTF-8, and so go through the fallback.
    data = (BOM if bom else b"") + text.encode("utf-8", errors="surrogatepass")
    path = tmp_path / "fuzz.jsonl"
    path.write_bytes(data)
    table = _read_table_or_error(path)
    if isinstance(table, ClaimtagError):
        return
    _assert_table_is_consistent(table, path, data)
    if ascii_only:  # plain ASCII: every line parses as written
        assert all(isinstance(value, dict) for value in values)
        assert table.lines == [1] + list(range(3, len(values) + 2))


@pytest.mark.parametrize(
    "line",
    ["[" * 100_000, '{"text": ' + "[" * 100_000 + "}", '{"text": ' + "1" * 4301 + "}"],
    ids=["nested-array", "nested-in-object", "long-integer"],
)
def test_read_table_jsonl_that_json_cannot_load_is_a_data_error(tmp_path, line):
    path = tmp_path / "t.jsonl"
    path.write_text('{"text": "fine"}\n' + line + "\n", encoding="utf-8")
    with pytest.raises(DataError) as info:
        read_table(path)
    assert str(info.value).startswith(f"{path}:2: ")


def test_read_table_jsonl_lines_of_empty_objects(tmp_path):
    path = tmp_path / "t.jsonl"
    path.write_text("{}\n{}\n", encoding="utf-8")
    try:
        table = read_table(path)
    except DataError:
        return  # refusing such a file is as good as keeping one row per line
    assert len(table.rows) == len(table.lines) == 2


def test_expected_chars_is_the_total_size_of_the_input_files_or_none_with_stdin(tmp_path):
    (tmp_path / "a.txt").write_text("abc")
    (tmp_path / "d").mkdir()
    (tmp_path / "d" / "b.txt").write_text("hello")
    (tmp_path / "d" / "c.txt").write_text("é")  # bytes, not characters: a hint
    assert expected_chars([str(tmp_path / "a.txt"), str(tmp_path / "d")]) == 3 + 5 + 2
    assert expected_chars([str(tmp_path / "a.txt"), "-"]) is None
    assert expected_chars([str(tmp_path / "a.txt"), str(tmp_path / "missing.txt")]) == 3  # reading it says why
