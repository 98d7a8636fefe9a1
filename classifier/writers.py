"""Rows out: JSONL, CSV or a table for people, streamed, to stdout or to a file that appears only
when complete (written under a temporary name beside it, then renamed)."""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import sys
import tempfile
import textwrap
from pathlib import Path
from typing import IO, Iterable, Iterator

from .errors import OutputError
from .tags import format_tags

STDOUT = "-"
FORMATS = ("jsonl", "csv", "table")


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


@contextlib.contextmanager
def open_output(path: str | Path | None) -> Iterator[IO[str]]:
    """Standard output for None or ``-``, else a text file written atomically."""
    if path is None or str(path) == STDOUT:
        yield sys.stdout
        return
    with atomic_path(path) as temporary, open(temporary, "w", encoding="utf-8", newline="") as out:
        yield out


def write_rows(rows: Iterable[dict], out: IO[str], fmt: str = "jsonl", chunk: int = 1000) -> int:
    """Write prediction rows as they come, in chunks; returns how many were written."""
    write = {"jsonl": _jsonl, "csv": _csv, "table": _table}[fmt]
    count = 0
    batch: list[dict] = []
    for row in rows:
        batch.append(row)
        if len(batch) >= chunk:
            write(batch, out, first=count == 0)
            count += len(batch)
            batch = []
    if batch or count == 0:
        write(batch, out, first=count == 0)
        count += len(batch)
    out.flush()
    return count


def _jsonl(rows: list[dict], out: IO[str], first: bool) -> None:
    out.writelines(json.dumps(row, ensure_ascii=False) + "\n" for row in rows)


def _csv(rows: list[dict], out: IO[str], first: bool) -> None:
    import pandas

    if not rows:
        return
    flat = [
        {k: v for k, v in row.items() if k not in ("tags", "scores")}
        | {"tags": format_tags(row["tags"])}
        | {f"scores.{tag}": score for tag, score in row["scores"].items()}
        for row in rows
    ]
    pandas.DataFrame(flat).to_csv(out, header=first, index=False, lineterminator="\n")


def _table(rows: list[dict], out: IO[str], first: bool) -> None:
    width = shutil.get_terminal_size((120, 24)).columns
    text_width = max(30, width - 66)
    if first:
        out.write(f"{'source':<30} {'#':>3}  {'tags':<28} text\n")
    for row in rows:
        tags = ", ".join(row["tags"]) or "-"
        text = textwrap.shorten(row["text"], text_width, placeholder=" ...")
        out.write(f"{_fit(Path(row['source']).name, 30):<30} {row['sentence']:>3}  {tags:<28} {text}\n")


def _fit(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 3] + "..."
