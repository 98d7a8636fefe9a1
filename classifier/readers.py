"""Inputs to documents: text files, directories of them, standard input, and CSV/JSONL tables.

Scraped news arrives in any encoding, so bytes that are not UTF-8 are decoded with a stated
fallback (Windows-1252, else Latin-1, which decodes anything) and reported, never refused.
Binary files and empty files are refused when named, skipped with a warning inside a directory.
"""

from __future__ import annotations

import io
import json
import logging
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Container, Iterable, Iterator

from .errors import DataError, NoInputError, at

if TYPE_CHECKING:
    import pandas

log = logging.getLogger("claimtag")

STDIN = "-"
FALLBACK_ENCODINGS = ("windows-1252", "latin-1")
_SNIFF_BYTES = 8192


@dataclass(frozen=True)
class Document:
    source: str
    text: str


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


def iter_documents(inputs: Iterable[str], skip: Container[str] = frozenset()) -> Iterator[Document]:
    """Documents from files, directories (their ``*.txt``, recursively, in name order) and ``-``,
    leaving out, unread, the sources in ``skip`` (those a resumed run has done already)."""
    for name in inputs:
        path = Path(name)
        if name != STDIN and path.is_dir():
            yield from _directory_documents(path, skip)
        elif name not in skip:
            yield read_document(name)


def _directory_documents(directory: Path, skip: Container[str]) -> Iterator[Document]:
    files = sorted(p for p in directory.rglob("*.txt") if p.is_file())
    if not files:
        raise NoInputError(f"{directory}: no *.txt files in this directory")
    for path in (p for p in files if str(p) not in skip):
        data = _read_bytes(path)
        problem = _unusable(data)
        if problem:
            log.warning("%s: skipped, %s file", path, problem)
            continue
        yield Document(str(path), decode(data, str(path)))


def _unusable(data: bytes) -> str | None:
    if 0 in data[:_SNIFF_BYTES]:
        return "binary"
    if not data.strip():
        return "empty"
    return None


def _read_bytes(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except FileNotFoundError:
        raise NoInputError(f"{path}: no such file") from None
    except IsADirectoryError:
        raise NoInputError(f"{path}: is a directory") from None
    except OSError as error:
        raise NoInputError(f"{path}: cannot read ({error.strerror})") from None


def _read_stdin() -> bytes:
    return sys.stdin.buffer.read()


def _first_line(error: Exception) -> str:
    return (str(error).strip().splitlines() or [type(error).__name__])[0]


def _line_of(data: bytes, offset: int) -> int:
    return data.count(b"\n", 0, offset) + 1


# --- tables -----------------------------------------------------------------------------------

TABLE_SUFFIXES = (".csv", ".jsonl", ".ndjson")


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
    # DataFrame(), not from_records(): it keeps a row for each {} line.
    frame = records if isinstance(records, pandas.DataFrame) else pandas.DataFrame(records, index=range(len(records)))
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
