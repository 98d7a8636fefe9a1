"""Inputs to documents: text files, directories of them, globs, standard input, and tables
(CSV, JSONL, Parquet) whose rows are documents.

Scraped news arrives in any encoding, so bytes that are not UTF-8 are decoded with a stated
fallback (Windows-1252, else Latin-1, which decodes anything) and reported, never refused.
Binary files and empty files are refused when named, skipped with a warning inside a directory.
"""

from __future__ import annotations

import codecs
import csv
import glob
import io
import json
import logging
import os
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import IO, TYPE_CHECKING, Container, Iterable, Iterator

from .errors import DataError, NoInputError, at

if TYPE_CHECKING:
    import pandas

log = logging.getLogger("claimtag")

STDIN = "-"
FALLBACK_ENCODINGS = ("windows-1252", "latin-1")
_SNIFF_BYTES = 8192
DIRECTORY_SUFFIXES = (".txt", ".parquet")  # what a directory input is read for
_TABLE_BATCH = 1024  # Parquet rows per read: bounds memory whatever the file size
_ENCODING_CHUNK = 1 << 20


@dataclass(frozen=True)
class Document:
    """A text to tag. Rows of a table are documents too: ``id`` names the row within ``source``."""

    source: str
    text: str
    id: str | None = None

    @property
    def key(self) -> str:
        """Unique within a run: what a resumed run skips."""
        return self.source if self.id is None else f"{self.source}#{self.id}"


def decode(data: bytes, source: str) -> str:
    """Decode as UTF-8 (a BOM is dropped), else by the fallbacks, saying where UTF-8 failed."""
    data = data.removeprefix(b"\xef\xbb\xbf")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as error:
        bad = error.start
    for encoding in FALLBACK_ENCODINGS:
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        log.warning(
            "%s: not valid UTF-8 (byte 0x%02x); decoded as %s",
            at(source, _line_of(data, bad)), data[bad], encoding,
        )
        return text
    raise AssertionError("latin-1 decodes every byte")  # pragma: no cover


def read_document(path: str | Path) -> Document:
    """One named text file (or ``-`` for standard input); a problem with it is an error."""
    source = str(path)
    data = _read_stdin() if source == STDIN else _read_bytes(Path(path))
    problem = _unusable(data)
    if problem == "binary":
        raise DataError(f"{at(source, _line_of(data, data.index(0)))}: binary file, not text")
    if problem == "empty":
        raise NoInputError(f"{source}: empty input, nothing to tag")
    return Document(source, decode(data, source))


def iter_documents(
    inputs: Iterable[str], skip: Container[str] = frozenset(), text_col: str = "text",
    id_col: str | None = None,
) -> Iterator[Document]:
    """Documents from files, directories, glob patterns and ``-`` (see :func:`input_files`); a
    table (.csv, .jsonl, .parquet) gives one document per row, its text in ``text_col``, its id
    from ``id_col`` or else its row number, read as a stream.

    Documents whose ``key`` is in ``skip`` (done by a resumed run) are left out.
    """
    for name, in_directory in input_files(inputs):
        if name != STDIN and Path(name).suffix.lower() in INPUT_TABLE_SUFFIXES:
            yield from (d for d in iter_table_documents(name, text_col, id_col) if d.key not in skip)
        elif name in skip:
            continue
        elif in_directory:
            data = _read_bytes(Path(name))
            problem = _unusable(data)
            if problem:
                log.warning("%s: skipped, %s file", name, problem)
                continue
            yield Document(name, decode(data, name))
        else:
            yield read_document(name)


def input_files(inputs: Iterable[str]) -> Iterator[tuple[str, bool]]:
    """Each input file, and whether it was found in a directory (then an unusable file is skipped
    with a warning rather than refused). A directory gives its ``*.txt`` and ``*.parquet`` files,
    recursively, in name order; a pattern that names no file gives its matches in name order."""
    for name in inputs:
        path = Path(name)
        if name != STDIN and path.is_dir():
            files = sorted(p for p in path.rglob("*") if p.suffix in DIRECTORY_SUFFIXES and p.is_file())
            if not files:
                raise NoInputError(f"{path}: no *.txt or *.parquet files in this directory")
            yield from ((str(p), True) for p in files)
        elif name != STDIN and not path.exists() and glob.has_magic(name):
            matches = sorted(p for p in glob.glob(name, recursive=True) if Path(p).is_file())
            if not matches:
                raise NoInputError(f"{name}: no file matches this pattern")
            yield from ((match, False) for match in matches)
        else:
            yield name, False


def iter_table_documents(path: str | Path, text_col: str = "text", id_col: str | None = None) -> Iterator[Document]:
    """One document per row of a CSV, JSONL or Parquet file, read in bounded chunks.

    A row with no text is skipped (it has nothing to tag); one with a missing id is an error.
    """
    path = Path(path)
    suffix = path.suffix.lower()
    reader = {".parquet": _parquet_records, ".csv": _csv_records}.get(suffix, _jsonl_records)
    columns = [text_col] + ([id_col] if id_col else [])
    for number, (line, record) in enumerate(reader(path, columns), start=1):
        text = record.get(text_col)
        if id_col:
            row_id = record.get(id_col)
            if row_id is None or str(row_id).strip() == "":
                raise DataError(f"{at(path, line)}: empty {id_col!r} (the --id-col)")
            row_id = str(row_id)
        else:
            row_id = str(number)
        if text is None or (isinstance(text, float) and text != text):  # null or NaN
            continue
        if not isinstance(text, str):
            raise DataError(f"{at(path, line)}: {text_col!r} is {type(text).__name__}, not text")
        yield Document(str(path), text, row_id)


def _missing(path: Path, columns: list[str], present: Iterable[str], line: int = 1) -> None:
    present = list(present)
    for column in columns:
        if column not in present:
            raise DataError(
                f"{at(path, line)}: no column {column!r} (columns: {', '.join(map(str, present)) or 'none'});"
                " choose one with --text-col / --id-col"
            )


def _parquet_records(path: Path, columns: list[str]) -> Iterator[tuple[int, dict]]:
    import pyarrow
    import pyarrow.parquet as parquet

    try:
        table = parquet.ParquetFile(path)
    except FileNotFoundError:
        raise NoInputError(f"{path}: no such file") from None
    except (pyarrow.ArrowException, OSError) as error:
        raise DataError(f"{path}: not a readable Parquet file ({_first_line(error)})") from None
    _missing(path, columns, table.schema_arrow.names)
    row = 0
    for batch in table.iter_batches(batch_size=_TABLE_BATCH, columns=columns):
        for record in batch.to_pylist():
            row += 1
            yield row, record  # Parquet has no lines; the row number stands in


def _csv_records(path: Path, columns: list[str]) -> Iterator[tuple[int, dict]]:
    with _open_text(path) as handle:
        reader = csv.reader(handle)
        try:
            header = next(reader, None)
            if header is None:
                raise NoInputError(f"{path}: no rows")
            _missing(path, columns, header)
            start = reader.line_num + 1
            for fields in reader:
                if len(fields) > len(header):
                    raise DataError(f"{at(path, start)}: {len(fields)} fields, the header has {len(header)}")
                if any(fields):
                    yield start, dict(zip(header, fields))
                start = reader.line_num + 1
        except csv.Error as error:
            raise DataError(f"{at(path, reader.line_num)}: malformed CSV ({error})") from None


def _jsonl_records(path: Path, columns: list[str]) -> Iterator[tuple[int, dict]]:
    with _open_text(path) as handle:
        for number, line in enumerate(handle, start=1):
            if not line.strip():
                continue
            try:
                record = json.loads(line)
            except (json.JSONDecodeError, RecursionError, ValueError) as error:
                raise DataError(f"{at(path, number)}: not valid JSON ({getattr(error, 'msg', _first_line(error))})") from None
            if not isinstance(record, dict):
                raise DataError(f"{at(path, number)}: expected a JSON object, got {type(record).__name__}")
            _missing(path, columns, record, number)
            yield number, record


def _open_text(path: Path) -> IO[str]:
    """Open for streaming in the encoding :func:`decode` would pick, found by one pass in chunks."""
    decoder = codecs.getincrementaldecoder("utf-8")()
    lines = 0
    try:
        with open(path, "rb") as handle:
            first = handle.read(3)
            encoding = "utf-8-sig" if first == b"\xef\xbb\xbf" else "utf-8"
            chunk = first
            while chunk:
                try:
                    decoder.decode(chunk)
                except UnicodeDecodeError as error:
                    bad = max(0, error.start)
                    for fallback in FALLBACK_ENCODINGS:
                        if _decodes(path, fallback):
                            log.warning(
                                "%s: not valid UTF-8 (byte 0x%02x); decoded as %s",
                                at(path, lines + chunk.count(b"\n", 0, bad) + 1), chunk[bad], fallback,
                            )
                            return open(path, encoding=fallback, newline="")
                lines += chunk.count(b"\n")
                chunk = handle.read(_ENCODING_CHUNK)
        return open(path, encoding=encoding, newline="")
    except FileNotFoundError:
        raise NoInputError(f"{path}: no such file") from None
    except OSError as error:
        raise NoInputError(f"{path}: cannot read ({error.strerror})") from None


def _decodes(path: Path, encoding: str) -> bool:
    decoder = codecs.getincrementaldecoder(encoding)()
    try:
        with open(path, "rb") as handle:
            while chunk := handle.read(_ENCODING_CHUNK):
                decoder.decode(chunk)
    except UnicodeDecodeError:
        return False
    return True


def _unusable(data: bytes) -> str | None:
    if 0 in data[:_SNIFF_BYTES]:
        return "binary"
    if not data.strip():
        return "empty"
    return None


def _read_bytes(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError as error:
        raise _unreadable(path, error) from None


def input_size(path: str | Path) -> int:
    """The size in bytes of an input file, refused as reading it would be."""
    try:
        return os.path.getsize(path)
    except OSError as error:
        raise _unreadable(path, error) from None


def expected_chars(inputs: Iterable[str]) -> int | None:
    """About how many characters of text the inputs hold: their files' total size in bytes, or None
    if one is standard input. Only a hint, for sharing out the work; a file that cannot be read
    counts as empty here, and reading it says why."""
    total = 0
    for name, _ in input_files(inputs):
        if name == STDIN:
            return None
        try:
            total += os.path.getsize(name)
        except OSError:
            pass
    return total


def _unreadable(path: str | Path, error: OSError) -> NoInputError:
    if isinstance(error, FileNotFoundError):
        return NoInputError(f"{path}: no such file")
    if isinstance(error, IsADirectoryError):
        return NoInputError(f"{path}: is a directory")
    return NoInputError(f"{path}: cannot read ({error.strerror})")


def _read_stdin() -> bytes:
    return sys.stdin.buffer.read()


def _first_line(error: Exception) -> str:
    return (str(error).strip().splitlines() or [type(error).__name__])[0]


def _line_of(data: bytes, offset: int) -> int:
    return data.count(b"\n", 0, offset) + 1


# --- tables -----------------------------------------------------------------------------------

TABLE_SUFFIXES = (".csv", ".jsonl", ".ndjson")  # labeled data
INPUT_TABLE_SUFFIXES = TABLE_SUFFIXES + (".parquet",)  # documents to tag


@dataclass
class Table:
    """Rows of a CSV or JSONL file, with the line each row starts on, for error messages."""

    path: str
    rows: pandas.DataFrame
    lines: list[int]
    data: bytes


def read_table(path: str | Path) -> Table:
    import pandas

    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in TABLE_SUFFIXES:
        raise DataError(f"{path}: unknown table format {suffix or '(no extension)'!r}; use .csv or .jsonl")
    data = _read_bytes(path)
    if _unusable(data) == "binary":
        raise DataError(f"{at(path, _line_of(data, data.index(0)))}: binary file, not a table")
    text = decode(data, str(path))
    records, lines = _parse_csv(text, path) if suffix == ".csv" else _parse_jsonl(text, path)
    if not len(records):
        raise NoInputError(f"{path}: no rows")
    if isinstance(records, pandas.DataFrame):
        frame = records
    else:
        # DataFrame(), not from_records(): it keeps a row for each {} line. Object dtype
        # throughout: pandas would store strings in Arrow, which refuses the lone surrogates
        # JSON can escape.
        columns = pandas.Index(list(dict.fromkeys(k for r in records for k in r)), dtype=object)
        frame = pandas.DataFrame(records, index=range(len(records)), columns=columns, dtype=object)
    return Table(str(path), frame.reset_index(drop=True), lines, data)


def _parse_csv(text: str, path: Path):
    import pandas

    if not text.strip():
        return [], []
    try:
        # header=None makes every row match the header's field count; with a header, pandas would
        # silently take an extra first field of the first row as an index.
        frame = pandas.read_csv(
            io.StringIO(text), header=None, dtype=str, keep_default_na=False, skip_blank_lines=False
        )
    except (pandas.errors.ParserError, UnicodeError, ValueError) as error:
        raise DataError(f"{path}: malformed CSV: {str(error).strip().splitlines()[-1]}") from None
    header = list(frame.iloc[0])
    repeated = sorted({name for name in header if header.count(name) > 1})
    if repeated:
        raise DataError(f"{at(path, 1)}: column {repeated[0]!r} appears more than once in the header")
    frame.columns = header
    frame = frame.iloc[1:]
    if frame.empty:
        return frame, []
    # Line numbers count the newlines inside quoted cells, so a message points at the real line.
    embedded = frame.apply(lambda row: sum(cell.count("\n") for cell in row), axis=1).tolist()
    lines, line = [], 2
    for extra in embedded:
        lines.append(line)
        line += 1 + extra
    blank = frame.apply(lambda row: not any(cell.strip() for cell in row), axis=1).to_numpy()
    return frame[~blank], [n for n, skip in zip(lines, blank) if not skip]


def _parse_jsonl(text: str, path: Path):
    records, lines = [], []
    # Not splitlines(): JSON strings may hold U+2028 and other characters it would split at.
    for number, line in enumerate(text.split("\n"), start=1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError as error:
            raise DataError(f"{at(path, number)}: not valid JSON ({error.msg})") from None
        except (RecursionError, ValueError) as error:  # nesting too deep, an integer too long
            raise DataError(f"{at(path, number)}: JSON this reader cannot load ({_first_line(error)})") from None
        if not isinstance(record, dict):
            raise DataError(f"{at(path, number)}: expected a JSON object, got {type(record).__name__}")
        records.append(record)
        lines.append(number)
    return records, lines
