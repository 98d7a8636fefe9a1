"""Tests for classifier/readers.py: decoding, documents from files/directories/stdin, and tables."""

from __future__ import annotations

import io
import json
import sys

import pytest

from classifier.errors import EXIT_DATA, EXIT_NO_INPUT, DataError, NoInputError
from classifier.readers import Document, decode, iter_documents, read_document, read_table

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
