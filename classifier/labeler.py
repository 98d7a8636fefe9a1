"""Labeling candidate sentences by hand in a terminal, one key per decision.

Each accepted answer is appended to the labeled CSV and fsynced before the next sentence shows,
so a session may end any way at all (a quit, Ctrl-C, a closed terminal) without losing an answer;
the next run resumes with the candidates whose id is not in the file yet.
"""

from __future__ import annotations

import csv
import io
import logging
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Callable, Iterator

import click

from .errors import DataError, NoInputError, OutputError, at
from .readers import read_table
from .tags import OTHER, TAGS, UnknownTagError, format_tags, parse_tags
from .writers import atomic_path

if TYPE_CHECKING:
    from .model import Model

log = logging.getLogger("claimtag")

COLUMNS = ("id", "article", "start", "end", "text", "labels", "via")
REQUIRED = ("article", "start", "end", "text")
MNEMONICS = dict(zip("adcm", TAGS))
TOGGLES = {str(number): tag for number, tag in enumerate(TAGS, start=1)} | MNEMONICS
ACCEPT, SKIP, UNDO, QUIT, HELP = frozenset({"\r", "\n", "y"}), "s", "u", "q", "?"
# Ctrl-C and Ctrl-D arrive as characters when several keys come in one read of a raw terminal.
STOP = frozenset({"\x03", "\x04"})

HELP_TEXT = "\n".join(
    [f"  {number} {letter}    toggle {tag}" for number, (letter, tag) in enumerate(MNEMONICS.items(), start=1)]
    + [
        "  Enter y  accept the ticked tags (none ticked = other) and go on",
        "  s        skip; asked again in a later run, not in this one",
        "  u        undo the last answer accepted in this run and show it again",
        "  q        quit (Ctrl-C and Ctrl-D too); accepted answers are saved already",
        "  ?        this help",
    ]
)


@dataclass(frozen=True)
class Candidate:
    article: str
    start: int
    end: int
    text: str
    before: str = ""
    after: str = ""
    via: str = ""
    guess: frozenset[str] | None = None  # None when the candidates file has no guess column
    score: str = ""

    @property
    def id(self) -> str:
        return f"{self.article}-{self.start}"


def read_candidates(path: str | Path) -> list[Candidate]:
    """Candidates as ``claimtag suggest`` writes them, in file order; a repeated id is shown once."""
    table = read_table(path)
    columns = [str(c) for c in table.rows.columns]
    missing = [c for c in REQUIRED if c not in columns]
    if missing:
        raise DataError(
            f"{at(table.path, 1)}: no column {', '.join(map(repr, missing))} (columns: {', '.join(columns)}); "
            f"a candidates file needs {', '.join(REQUIRED)}"
        )
    candidates, first_line = [], {}
    for line, (_, row) in zip(table.lines, table.rows.iterrows()):
        where = at(table.path, line)
        text = _cell(row["text"])
        if not text.strip():
            raise DataError(f"{where}: empty text")
        article = _cell(row["article"])
        if not article.strip():
            raise DataError(f"{where}: empty article")
        candidate = Candidate(
            article=article,
            start=_offset(row["start"], "start", where),
            end=_offset(row["end"], "end", where),
            text=text,
            before=_cell(row.get("before")),
            after=_cell(row.get("after")),
            via=_cell(row.get("via")),
            guess=_guess(row["guess"], where) if "guess" in columns else None,
            score=_cell(row.get("score")),
        )
        if candidate.id in first_line:
            log.warning("%s: same article and start as line %d; shown once", where, first_line[candidate.id])
            continue
        first_line[candidate.id] = line
        candidates.append(candidate)
    return candidates


def _cell(value) -> str:
    # JSONL rows without a key come out of pandas as NaN.
    return "" if value is None or (isinstance(value, float) and value != value) else str(value)


def _offset(value, column: str, where: str) -> int:
    # The id is "{article}-{start}", unique only while start is a non-negative integer.
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = _cell(value).strip()
    if isinstance(value, bool) or not (text.isascii() and text.isdigit()):
        raise DataError(f"{where}: {column} must be a character offset (0 or more), not {text!r}")
    return int(text)


def _guess(value, where: str) -> frozenset[str]:
    try:
        return parse_tags(_cell(value))
    except UnknownTagError as error:
        raise DataError(f"{where}: guess: {error}") from None


class LabeledFile:
    """The labeled CSV, opened for appending: what it holds already, and rows added one at a time,
    each on disk before :meth:`append` returns."""

    def __init__(self, path: str | Path):
        self.path = Path(path)
        self.rows: list[tuple[str, frozenset[str]]] = []  # (id, tags) of every row in the file
        self._offsets: list[int] = []  # where each row appended by this object starts
        needs_newline = self._read_existing()
        self._handle = self._open()
        if needs_newline:
            self._write(b"\n")
        if self._size() == 0:
            self._write(_csv_line(COLUMNS))
            _fsync_directory(self.path)

    @property
    def ids(self) -> set[str]:
        return {id_ for id_, _ in self.rows}

    @property
    def appended(self) -> int:
        return len(self._offsets)

    def counts(self) -> dict[str, int]:
        return {tag: sum(tag in tags for _, tags in self.rows) for tag in TAGS} | {
            OTHER: sum(not tags for _, tags in self.rows)
        }

    def append(self, candidate: Candidate, tags: frozenset[str]) -> None:
        offset = self._size()
        self._write(
            _csv_line(
                [candidate.id, candidate.article, candidate.start, candidate.end, candidate.text,
                 format_tags(tags), candidate.via]
            )
        )
        self._offsets.append(offset)
        self.rows.append((candidate.id, tags))

    def remove_last(self) -> str:
        """Take out the last row this object appended, by writing the file anew without it and
        renaming that over the old one; returns its id."""
        offset = self._offsets[-1]
        self._handle.close()
        try:
            kept = self.path.read_bytes()[:offset]
            with atomic_path(self.path) as temporary, open(temporary, "wb") as new:
                new.write(kept)
                new.flush()
                os.fsync(new.fileno())
            _fsync_directory(self.path)
        except OSError as error:
            raise OutputError(f"{self.path}: cannot rewrite ({error.strerror})") from None
        finally:
            self._handle = self._open()
        self._offsets.pop()
        return self.rows.pop()[0]

    def close(self) -> None:
        self._handle.close()

    def __enter__(self) -> "LabeledFile":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def _read_existing(self) -> bool:
        """Load the rows already in the file; true if its last line lacks its newline."""
        try:
            data = self.path.read_bytes()
        except FileNotFoundError:
            return False
        except OSError as error:
            raise OutputError(f"{self.path}: cannot read ({error.strerror})") from None
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError as error:
            # Appending UTF-8 to a file in another encoding would leave it in two.
            line = data.count(b"\n", 0, error.start) + 1
            raise DataError(f"{at(self.path, line)}: not UTF-8; refusing to append to it") from None
        reader = csv.reader(io.StringIO(text, newline=""))
        header = next(reader, None)
        if header is None:
            return False
        if tuple(header) != COLUMNS:
            raise OutputError(
                f"{at(self.path, 1)}: header is {','.join(header)!r}, not {','.join(COLUMNS)!r}; "
                f"refusing to append to a file that claimtag label did not write"
            )
        line = reader.line_num + 1
        for row in reader:
            where, line = at(self.path, line), reader.line_num + 1
            if not row:
                continue
            if len(row) != len(COLUMNS):
                raise DataError(f"{where}: {len(row)} fields, expected {len(COLUMNS)} ({','.join(COLUMNS)})")
            try:
                self.rows.append((row[0], parse_tags(row[COLUMNS.index("labels")])))
            except UnknownTagError as error:
                raise DataError(f"{where}: {error}") from None
        return not text.endswith("\n")

    def _open(self):
        try:
            return open(self.path, "ab")
        except OSError as error:
            raise OutputError(f"{self.path}: cannot write ({error.strerror})") from None

    def _size(self) -> int:
        return os.fstat(self._handle.fileno()).st_size

    def _write(self, data: bytes) -> None:
        try:
            self._handle.write(data)
            self._handle.flush()
            os.fsync(self._handle.fileno())
        except OSError as error:
            raise OutputError(f"{self.path}: cannot write ({error.strerror})") from None


def _csv_line(fields) -> bytes:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerow(fields)
    # Lone surrogates (possible in JSONL input) cannot be encoded; they become "?".
    return buffer.getvalue().encode("utf-8", "replace")


def _fsync_directory(path: Path) -> None:
    """Make a new or renamed file's directory entry durable too (POSIX only; elsewhere a no-op)."""
    if os.name != "posix":
        return
    descriptor = os.open(path.parent, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


@dataclass
class Summary:
    path: str
    labeled: int  # accepted in this run and still in the file
    total: int  # rows in the file
    left: int  # candidates not in the file
    counts: dict[str, int] = field(default_factory=dict)


def format_summary(summary: Summary) -> str:
    counts = ", ".join(f"{tag} {n}" for tag, n in summary.counts.items())
    return (
        f"labeled {summary.labeled} this run; {summary.total} in {summary.path} ({counts}); "
        f"{summary.left} candidate{'' if summary.left == 1 else 's'} left"
    )


def read_terminal_key() -> str:
    """``click.getchar``, with a missing terminal said in one line instead of a traceback."""
    try:
        return click.getchar()
    except OSError:  # no controlling terminal: /dev/tty cannot be opened
        raise NoInputError("claimtag label reads keys from a terminal, and there is none") from None


def run_labeler(
    candidates: str | Path,
    out_path: str | Path,
    read_key: Callable[[], str] = read_terminal_key,
    echo: Callable[[str], object] = click.echo,
    model: Model | None = None,
) -> Summary:
    """Ask about each candidate not yet in ``out_path``, appending every accepted answer to it.

    ``read_key`` returns the next key (or several, when typed faster than read); raising
    KeyboardInterrupt or EOFError, or returning "", ends the session. ``echo`` prints one line,
    possibly styled with ``click.style``. Guesses come from ``model`` if given, else from the
    candidates' ``guess`` column.
    """
    everything = read_candidates(candidates)
    with LabeledFile(out_path) as labeled:
        done = labeled.ids
        pending = [(n, c) for n, c in enumerate(everything, start=1) if c.id not in done]
        guesses = _guesses([c for _, c in pending], model)
        echo(f"{len(pending)} of {len(everything)} candidates to label into {out_path}; ? for help")
        try:
            _session(pending, guesses, len(everything), labeled, _keys(read_key), echo)
        except KeyboardInterrupt:  # Ctrl-C outside the raw key read; every accepted answer is on disk
            pass
        left = sum(c.id not in labeled.ids for c in everything)
        return Summary(str(out_path), labeled.appended, len(labeled.rows), left, labeled.counts())


def _guesses(pending: list[Candidate], model: Model | None) -> list[tuple[frozenset[str] | None, str]]:
    """For each candidate, the tags to pre-select (None: no guess) and how to describe them."""
    if model is None:
        return [(c.guess, _described_guess(c)) for c in pending]
    predictions = model.predict([c.text for c in pending])
    return [
        (
            frozenset(p.tags),
            "model: " + (", ".join(f"{t} {p.scores[t]:.2f}" for t in p.tags) or OTHER),
        )
        for p in predictions
    ]


def _described_guess(candidate: Candidate) -> str:
    if candidate.guess is None:
        return ""
    score = f" (score {candidate.score})" if candidate.score else ""
    return f"guess: {format_tags(candidate.guess) or OTHER}{score}"


def _keys(read_key: Callable[[], str]) -> Iterator[str]:
    while True:
        try:
            chunk = read_key()
        except (KeyboardInterrupt, EOFError):
            return
        if not chunk:  # the end of a non-terminal input, where click.getchar returns ""
            return
        if chunk.startswith("\x1b"):  # one special key (an arrow, F1), not several
            yield chunk
            continue
        for key in chunk:
            if key in STOP:
                return
            yield key


def _session(pending, guesses, total, labeled: LabeledFile, keys: Iterator[str], echo) -> None:
    history: list[tuple[int, frozenset[str]]] = []  # (index in pending, tags) of accepted answers
    skipped: set[int] = set()
    index, selected = 0, None
    while index < len(pending):
        number, candidate = pending[index]
        guess, described = guesses[index]
        if selected is None:
            selected = set(guess or ())
        _show(candidate, number, total, described, selected, echo)
        while True:
            key = next(keys, QUIT).lower()
            if key == QUIT:
                return
            if key in TOGGLES:
                selected ^= {TOGGLES[key]}
                echo(_choices(selected))
            elif key in ACCEPT:
                tags = frozenset(selected)
                labeled.append(candidate, tags)
                history.append((index, tags))
                echo(click.style(f"  saved: {format_tags(tags) or OTHER}", fg="green"))
                break
            elif key == SKIP:
                skipped.add(index)
                echo(click.style("  skipped", fg="yellow"))
                break
            elif key == UNDO:
                if not history:
                    echo("  nothing to undo in this run")
                    continue
                labeled.remove_last()
                index, previous = history.pop()
                selected = set(previous)
                echo(click.style(f"  undone: {format_tags(previous) or OTHER}; showing it again", fg="yellow"))
                break
            elif key == HELP:
                echo(HELP_TEXT)
            else:
                echo(f"  key {key!r} does nothing; ? for help")
        if key != UNDO:
            index, selected = _next(index, skipped, len(pending)), None
    echo("no candidates left to label")


def _next(index: int, skipped: set[int], length: int) -> int:
    # After an undo the answers past the undone one were all skips, which this run does not ask again.
    index += 1
    while index < length and index in skipped:
        index += 1
    return index


def _show(candidate: Candidate, number: int, total: int, described: str, selected: set[str], echo) -> None:
    echo("")
    heading = f"── {number}/{total}  via {candidate.via or '?'}  {candidate.id} "
    echo(click.style(heading + "─" * max(0, 60 - len(heading)), bold=True))
    if candidate.before:
        echo(click.style(f"  {candidate.before}", dim=True))
    echo(click.style(f"▶ {candidate.text}", bold=True))
    if candidate.after:
        echo(click.style(f"  {candidate.after}", dim=True))
    if described:
        echo(click.style(f"  {described}", fg="cyan"))
    echo(_choices(selected))


def _choices(selected: set[str]) -> str:
    boxes = [
        click.style(f"[x] {number} {tag}", fg="green", bold=True) if tag in selected else f"[ ] {number} {tag}"
        for number, tag in enumerate(TAGS, start=1)
    ]
    state = format_tags(selected) or OTHER
    return "  " + "  ".join(boxes) + f"  = {state}"
