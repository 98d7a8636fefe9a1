"""Rows out: JSONL, CSV or a table for people, streamed, to stdout or to a file that appears only
when complete (written under a temporary name beside it, then renamed); and the same atomic
write for model files."""

from __future__ import annotations

import contextlib
import csv
import io
import json
import os
import shutil
import sys
import tempfile
import textwrap
from functools import partial
from pathlib import Path
from typing import IO, Iterable, Iterator, Sequence

from .errors import OutputError
from .readers import Document
from .tags import format_tags

STDOUT = "-"
Columns = dict  # field name -> one value per row, every list of one length: rows column by column


class ScoreColumn(Sequence):
    """The "scores" column as a rows x tags matrix: a dictionary per row is made only for whoever
    asks for one (JSON lines are written from the matrix)."""

    def __init__(self, tags: Sequence[str], matrix):
        self.tags, self.matrix = tuple(tags), matrix

    def __len__(self) -> int:
        return len(self.matrix)

    def __getitem__(self, index):
        if isinstance(index, slice):
            return ScoreColumn(self.tags, self.matrix[index])
        return dict(zip(self.tags, self.matrix[index].tolist()))

    def __iter__(self) -> Iterator[dict]:
        return (dict(zip(self.tags, row)) for row in self.matrix.tolist())

    def __eq__(self, other) -> bool:
        return isinstance(other, Sequence) and list(self) == list(other)
FORMATS = ("jsonl", "csv", "table", "parquet", "html")  # of rows; the first is the default
TEXT_FORMATS = ("jsonl", "csv", "table")  # streamed, appendable, resumable
# A document with fewer rows is written as JSON lines row by row: Arrow's column kernels cost a
# fixed 1 to 2 ms a call (and a tenth of a second to import), more than they save on a few rows.
ARROW_MIN_ROWS = 200



@contextlib.contextmanager
def atomic_path(path: str | Path) -> Iterator[Path]:
    """A temporary path beside ``path``; renamed to it only if the block succeeds."""
    path = Path(path)
    try:
        handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent or ".")
    except OSError as error:
        raise OutputError(f"{path}: cannot write ({error.strerror})") from None
    os.close(handle)
    # mkstemp makes the file private; give it the mode a plain open() would, or the replaced file's.
    os.chmod(temporary, path.stat().st_mode & 0o7777 if path.exists() else 0o666 & ~_umask())
    try:
        yield Path(temporary)
        os.replace(temporary, path)
    finally:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temporary)


def _umask() -> int:
    current = os.umask(0)
    os.umask(current)
    return current


class Output:
    """Where prediction rows go, one source (document) at a time.

    To a file, rows are written to a partial file beside it (``.NAME.partial``) and each finished
    source is recorded in a journal (``.NAME.partial.journal``) with the partial file's length. The
    partial file replaces the target only when the run completes, so an earlier output stays intact
    whatever happens. If the run is killed or interrupted, ``resume=True`` cuts the partial file back
    to the last finished source and goes on from there; ``done`` holds the sources to skip.
    """

    def __init__(self, path: str | Path | None, fmt: str = "jsonl", resume: bool = False, tags: Sequence[str] = ()):
        self.fmt = fmt
        self.tags = list(tags)
        self.count = 0
        self.done: set[str] = set()
        self.path = None if path is None or str(path) == STDOUT else Path(path)
        self._writer = None  # a ParquetWriter, opened with the first rows
        self._report = None  # an HtmlReport, written when complete
        if fmt not in TEXT_FORMATS and resume:
            raise OutputError(f"--resume works with {', '.join(TEXT_FORMATS)} output, not {fmt}")
        if fmt == "parquet" and self.path is None:
            raise OutputError("--format parquet needs --output FILE: Parquet is not written to a terminal or pipe")
        if fmt == "html":
            from .report import HtmlReport

            self._report = HtmlReport(self.tags)
        if self.path is None:
            if resume:
                raise OutputError("--resume needs --output: standard output cannot be resumed")
            self._header = True
            return
        self.partial = self.path.with_name(f".{self.path.name}.partial")
        self.journal = self.partial.with_name(self.partial.name + ".journal")
        length = self._resume_point() if resume else 0
        try:
            if length:
                self._file = open(self.partial, "r+b")
                self._file.truncate(length)
                self._file.seek(length)
            else:
                # A new file rather than an emptied one: ext4 writes a file that was emptied by
                # truncation out to disk when it is closed (auto_da_alloc), 0.2 s per 350 MB.
                with contextlib.suppress(FileNotFoundError):
                    self.partial.unlink()
                self._file = open(self.partial, "wb")
            self._journal = open(self.journal, "a" if length else "w", encoding="utf-8")
        except OSError as error:
            raise OutputError(f"{self.path}: cannot write ({error.strerror})") from None
        self._header = length == 0

    def _resume_point(self) -> int:
        """The partial file's length after its last finished source; 0 if there is nothing to resume."""
        length = 0
        try:
            lines = self.journal.read_text(encoding="utf-8").splitlines()
        except (OSError, UnicodeError):
            lines = []
        for line in lines:
            try:
                entry = json.loads(line)
            except json.JSONDecodeError:
                break  # a line cut short by the interruption
            self.done.add(entry["source"])
            length = entry["end"]
        if not self.partial.exists() or self.partial.stat().st_size < length:
            self.done.clear()
            return 0
        return length

    def write(self, document, rows: list[dict]) -> None:
        """The rows of one document, as :mod:`.annotate` makes them."""
        self.write_rendered(document, rendered(columns_of(rows), self.fmt, self.tags))

    def write_rendered(self, document, chunk: tuple[object, int]) -> None:
        """What :func:`rendered` made of one document's rows (possibly in a worker process)."""
        if self.fmt == "html":
            self._report.add(document, chunk[0])
            self.count += chunk[1]
            return
        if self.fmt == "parquet":
            table, count = chunk
            if count:
                if self._writer is None:
                    import pyarrow.parquet as parquet

                    self._writer = parquet.ParquetWriter(self._file, table.schema)
                self._writer.write_table(table)
            self.count += count
            return
        key = document.key if isinstance(document, Document) else str(document)
        text, count = chunk
        if self.fmt == "csv" or self.fmt == "table":
            header, _, body = text.partition("\n")
            text = text if self._header and count else body
            self._header = self._header and not count
        self.count += count
        # JSON lines come as UTF-8 already. Lone surrogates (possible in JSON input) cannot be
        # encoded; they become "?".
        data = text if isinstance(text, bytes) else text.encode("utf-8", "replace")
        if self.path is None:
            sys.stdout.write(data.decode("utf-8"))
            sys.stdout.flush()
            return
        self._file.write(data)
        self._file.flush()
        self._journal.write(json.dumps({"source": key, "end": self._file.tell()}) + "\n")
        self._journal.flush()

    def __enter__(self) -> "Output":
        return self

    def __exit__(self, kind, error, trace) -> None:
        if self._writer is not None:
            self._writer.close()
        if self._report is not None and kind is None:
            page = self._report.render().encode("utf-8", "replace")
            if self.path is None:
                sys.stdout.write(page.decode("utf-8"))
            else:
                self._file.write(page)
        if self.path is None:
            return
        self._file.close()
        self._journal.close()
        if kind is None:
            os.chmod(self.partial, 0o666 & ~_umask())
            os.replace(self.partial, self.path)
            self.journal.unlink()
        elif not issubclass(kind, KeyboardInterrupt):
            # A bad input: nothing worth resuming. An interrupt keeps the partial file for --resume.
            for leftover in (self.partial, self.journal):
                with contextlib.suppress(FileNotFoundError):
                    leftover.unlink()


def write_records(records: list[dict], path: str | Path, columns: Sequence[str], fmt: str | None = None) -> None:
    """Plain records (no tags or scores to flatten) as CSV or JSONL, to stdout or atomically to a
    file; the format is ``fmt``, else the file's suffix, else CSV."""
    import pandas

    fmt = fmt or ("jsonl" if Path(str(path)).suffix.lower() in (".jsonl", ".ndjson") else "csv")
    frame = pandas.DataFrame(records, columns=list(columns))
    write = (
        (lambda out: frame.to_csv(out, index=False, lineterminator="\n"))
        if fmt == "csv"
        else (lambda out: frame.to_json(out, orient="records", lines=True, force_ascii=False))
    )
    if str(path) == STDOUT:
        write(sys.stdout)
        return
    with atomic_path(path) as temporary:
        with open(temporary, "w", encoding="utf-8", newline="") as out:
            write(out)


def render(rows: list[dict], fmt: str, header: bool = False) -> str:
    """Prediction rows as text in a text format (jsonl, csv, table); ``header`` adds the header
    line of formats that have one."""
    out = io.StringIO()
    {"jsonl": _jsonl, "csv": _csv, "table": _table}[fmt](rows, out, header)
    return out.getvalue()


def rows_of(columns: Columns) -> list[dict]:
    return [dict(zip(columns, values)) for values in zip(*columns.values())]


def columns_of(rows: list[dict]) -> Columns:
    return {field: [row[field] for row in rows] for field in rows[0]} if rows else {}


def rendered(columns: Columns, fmt: str, tags: Sequence[str] = ()) -> tuple[object, int]:
    """One document's rows, column by column as :mod:`.annotate` makes them, made ready to write,
    and how many: UTF-8 lines for JSONL, text with its header line for the other text formats, an
    Arrow table for Parquet, the rows themselves for HTML."""
    count = len(next(iter(columns.values()), ()))
    if fmt == "parquet":
        return arrow_table(columns, tags), count
    if fmt == "html":
        return rows_of(columns), count
    if fmt == "jsonl":
        if count < ARROW_MIN_ROWS:
            return jsonl_bytes(rows_of(columns)), count
        from .jsonlines import json_lines

        return json_lines(columns), count
    return render(rows_of(columns), fmt, header=True), count


def arrow_table(columns: Columns, tags: Sequence[str]):
    """Rows as an Arrow table with a fixed schema, so every document's table can go to one file."""
    import pyarrow

    integer, text = pyarrow.int64(), pyarrow.string()
    fields = [
        ("document", text), ("id", text), ("sentence", integer), ("start", integer), ("end", integer),
        ("text", text), ("tags", pyarrow.list_(text)),
        ("scores", pyarrow.struct([(tag, pyarrow.float64()) for tag in tags])),
        ("killed", integer), ("injured", integer), ("qualifier", text), ("source", text),
    ]
    fields = [(name, kind) for name, kind in fields if not columns or name in columns]
    if "explain" in columns:
        fields.append(("explain", text))  # nested per tag and direction: kept as JSON text
        columns = columns | {"explain": [json.dumps(value, ensure_ascii=False) for value in columns["explain"]]}
    schema = pyarrow.schema(fields)
    return pyarrow.Table.from_pydict({name: list(columns.get(name, [])) for name in schema.names}, schema=schema)


def write_rows(rows: Iterable[dict], out: IO[str], fmt: str = "jsonl", chunk: int = 1000, header: bool = True) -> int:
    """Write prediction rows as they come, in chunks; returns how many were written.

    ``header`` is false when appending to output that has its header already.
    """
    count = 0
    batch: list[dict] = []
    for row in rows:
        batch.append(row)
        if len(batch) >= chunk:
            out.write(render(batch, fmt, header and count == 0))
            count += len(batch)
            batch = []
    if batch or count == 0:
        out.write(render(batch, fmt, header and count == 0))
        count += len(batch)
    out.flush()
    return count


def _json_line_encoder():
    """``row -> JSON text``, as ``json.dumps(row, ensure_ascii=False)`` writes it. json.dumps builds
    a new C encoder for every call, which costs more than encoding a row; this one is built once."""
    make = getattr(json.encoder, "c_make_encoder", None)
    if make is None:  # an interpreter without the C accelerator
        return partial(json.dumps, ensure_ascii=False)
    encode = make(None, json.JSONEncoder().default, json.encoder.encode_basestring, None, ": ", ", ", False, False, True)
    return lambda row: "".join(encode(row, 0))


json_line = _json_line_encoder()


def jsonl_bytes(rows: Iterable[dict]) -> bytes:
    """UTF-8 JSON lines, row by row; lone surrogates (possible in JSON input) become "?"."""
    return "".join(json_line(row) + "\n" for row in rows).encode("utf-8", "replace")


def _jsonl(rows: list[dict], out: IO[str], first: bool) -> None:
    out.write("\n".join(map(json_line, rows)))
    if rows:
        out.write("\n")


def csv_columns(rows: list[dict]) -> list[str]:
    """Flat columns: scores become one ``scores.TAG`` column per tag."""
    columns = []
    for key, value in rows[0].items():
        columns.extend(f"scores.{tag}" for tag in value) if key == "scores" else columns.append(key)
    return columns


def _csv(rows: list[dict], out: IO[str], first: bool) -> None:
    if not rows:
        return
    writer = csv.writer(out, lineterminator="\n")
    if first:
        writer.writerow(csv_columns(rows))
    for row in rows:
        cells = []
        for key, value in row.items():
            if key == "scores":
                cells.extend(value.values())
            elif key == "tags":
                cells.append(format_tags(value))
            else:
                cells.append("" if value is None else value)
        writer.writerow(cells)


def _table(rows: list[dict], out: IO[str], first: bool) -> None:
    width = shutil.get_terminal_size((120, 24)).columns
    text_width = max(30, width - 66)
    if first:
        out.write(f"{'document':<30} {'#':>3}  {'tags':<28} text\n")
    for row in rows:
        tags = ", ".join(row["tags"]) or "-"
        text = textwrap.shorten(row["text"], text_width, placeholder=" ...")
        name = Path(row["document"]).name + (f"#{row['id']}" if row.get("id") is not None else "")
        out.write(f"{_fit(name, 30):<30} {row['sentence']:>3}  {tags:<28} {text}\n")


def _fit(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 3] + "..."
