"""Tests for classifier/labeler.py and `claimtag label`: scripted keys, the file on disk after each
kind of ending, resuming, refusals of bad input, and one session on a real pseudo-terminal."""

from __future__ import annotations

import csv
import json
import os
import select
import subprocess
import sys
import time
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from classifier.cli import main
from classifier.data import load_labeled
from classifier.errors import EXIT_CANT_CREATE, EXIT_NO_INPUT, DataError, NoInputError, OutputError
from classifier.labeler import COLUMNS, run_labeler

ROOT = Path(__file__).resolve().parent.parent

SENTENCES = [
    ("Rebels accused the army of shelling Homs.", "random"),
    ("The army denied the reports.", "uncertainty"),
    ("At least 12 people were killed.", "tag:casualty_report"),
]


def write_candidates(path: Path, rows=None, guesses=None) -> Path:
    """A candidates CSV in the shape `claimtag suggest` writes, all from one article."""
    rows = SENTENCES if rows is None else rows
    fields = ["source", "article", "start", "end", "text", "before", "after", "via"]
    fields += ["guess", "score"] if guesses is not None else []
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(fields)
        start = 0
        for k, (text, via) in enumerate(rows):
            before = rows[k - 1][0] if k else ""
            after = rows[k + 1][0] if k + 1 < len(rows) else ""
            row = ["news.txt", "a1", start, start + len(text), text, before, after, via]
            row += [guesses[k], "0.50"] if guesses is not None else []
            writer.writerow(row)
            start += len(text) + 1
    return path


def script(*keys):
    """A read_key that returns ``keys`` in turn (an exception class is raised), then "" as at the
    end of a non-terminal input."""
    pending = iter(keys)

    def read_key():
        key = next(pending, "")
        if isinstance(key, type):
            raise key()
        return key

    return read_key


class Screen:
    def __init__(self):
        self.lines: list[str] = []

    def __call__(self, text: str) -> None:
        self.lines.extend(click.unstyle(text).splitlines() or [""])

    def cards(self) -> list[str]:
        """The sentence of each card shown, in order."""
        return [line[2:] for line in self.lines if line.startswith("▶ ")]


def rows(path: Path) -> list[dict]:
    with path.open(newline="", encoding="utf-8") as handle:
        reader = csv.DictReader(handle)
        assert tuple(reader.fieldnames) == COLUMNS
        return list(reader)


def labels(path: Path) -> list[str]:
    return [row["labels"] for row in rows(path)]


@pytest.fixture
def candidates(tmp_path) -> Path:
    return write_candidates(tmp_path / "candidates.csv")


@pytest.fixture
def out(tmp_path) -> Path:
    return tmp_path / "labeled.csv"


def label(candidates, out, *keys, model=None):
    screen = Screen()
    summary = run_labeler(candidates, out, read_key=script(*keys), echo=screen, model=model)
    return summary, screen


# --- answering ---------------------------------------------------------------------------------

def test_toggles_and_accept_write_the_ticked_tags(candidates, out):
    summary, _ = label(candidates, out, "1", "3", "\r", "d", "m", "y", "2", "2", "4", "\n")
    assert labels(out) == ["accusation|casualty_report", "denial|demand", "demand"]
    assert summary.labeled == 3
    assert summary.counts == {"accusation": 1, "denial": 1, "casualty_report": 1, "demand": 2, "other": 0}


def test_row_has_id_offsets_text_and_via(candidates, out):
    label(candidates, out, "1", "\r")
    [row] = rows(out)
    assert row == {
        "id": "a1-0", "article": "a1", "start": "0", "end": str(len(SENTENCES[0][0])),
        "text": SENTENCES[0][0], "labels": "accusation", "via": "random",
    }


def test_accept_with_no_tag_writes_other_as_empty(candidates, out):
    label(candidates, out, "\r")
    assert labels(out) == [""]


def test_several_keys_in_one_read_count_one_by_one_but_an_escape_sequence_is_one_key(candidates, out):
    # "\x1b[A" (arrow up) ends in "A": split into characters it would toggle accusation.
    _, screen = label(candidates, out, "2\r", "\x1b[A", "\r")
    assert labels(out) == ["denial", ""]
    assert any("does nothing" in line for line in screen.lines)


def test_help_lists_every_key(candidates, out):
    _, screen = label(candidates, out, "?", "q")
    text = "\n".join(screen.lines)
    for fragment in ("1 a", "toggle accusation", "4 m", "toggle demand", "Enter y", "skip", "undo", "quit"):
        assert fragment in text
    assert not out.read_text().strip().count("\n")  # the header only


def test_shows_position_via_and_context(candidates, out):
    _, screen = label(candidates, out, "\r", "q")
    second = screen.lines.index("▶ " + SENTENCES[1][0])
    assert "2/3" in screen.lines[second - 2] and "via uncertainty" in screen.lines[second - 2]
    assert screen.lines[second - 1] == "  " + SENTENCES[0][0]
    assert screen.lines[second + 1] == "  " + SENTENCES[2][0]


# --- undo and skip -----------------------------------------------------------------------------

def test_undo_removes_the_last_row_and_shows_that_sentence_again(candidates, out, tmp_path):
    label(candidates, out, "1", "\r", "2", "\r", "u", "q")
    assert labels(out) == ["accusation"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["candidates.csv", "labeled.csv"]  # no temp file left


def test_undo_reshows_with_the_undone_tags_ticked_and_can_be_answered_again(candidates, out):
    _, screen = label(candidates, out, "1", "\r", "2", "\r", "u", "2", "4", "\r", "\r")
    first, second, third = (text for text, _ in SENTENCES)
    assert screen.cards() == [first, second, third, second, third]
    assert "  [ ] 1 accusation  [x] 2 denial  [ ] 3 casualty_report  [ ] 4 demand  = denial" in screen.lines
    assert labels(out) == ["accusation", "demand", ""]


def test_undo_twice_goes_back_two_answers(candidates, out):
    _, screen = label(candidates, out, "1", "\r", "2", "\r", "u", "u", "q")
    assert labels(out) == []
    assert screen.cards()[-1] == SENTENCES[0][0]


def test_undo_with_nothing_accepted_in_this_run_keeps_earlier_rows(candidates, out):
    label(candidates, out, "1", "\r", "q")
    _, screen = label(candidates, out, "u", "q")
    assert labels(out) == ["accusation"]
    assert "  nothing to undo in this run" in screen.lines


def test_skip_writes_nothing_and_is_not_asked_again_in_this_run(candidates, out):
    _, screen = label(candidates, out, "1", "\r", "s", "u", "2", "\r", "q")
    assert labels(out) == ["accusation|denial"]
    first, second, third = (text for text, _ in SENTENCES)
    # Answering the undone first sentence again goes on past the skipped second one.
    assert screen.cards() == [first, second, third, first, third]


def test_skipped_sentence_is_asked_in_the_next_run(candidates, out):
    label(candidates, out, "s", "\r", "\r")
    _, screen = label(candidates, out, "1", "\r")
    assert screen.cards() == [SENTENCES[0][0]]
    assert [row["text"] for row in rows(out)] == [SENTENCES[1][0], SENTENCES[2][0], SENTENCES[0][0]]


# --- ending and resuming -----------------------------------------------------------------------

def test_quit_then_a_second_run_resumes_at_the_first_unanswered(candidates, out):
    first, _ = label(candidates, out, "1", "\r", "q")
    assert (first.labeled, first.total, first.left) == (1, 1, 2)
    second, screen = label(candidates, out, "2", "\r", "q")
    assert screen.cards() == [SENTENCES[1][0], SENTENCES[2][0]]
    assert "2/3" in screen.lines[screen.lines.index("▶ " + SENTENCES[1][0]) - 2]
    assert labels(out) == ["accusation", "denial"]
    assert out.read_text().count("id,article") == 1
    assert (second.labeled, second.total, second.left) == (1, 2, 1)


def test_a_run_with_everything_labeled_says_so(candidates, out):
    label(candidates, out, "\r", "\r", "\r")
    summary, screen = label(candidates, out)
    assert summary.labeled == 0 and summary.left == 0 and summary.total == 3
    assert screen.cards() == []
    assert "no candidates left to label" in screen.lines


@pytest.mark.parametrize("ending", [KeyboardInterrupt, EOFError])
def test_interrupt_keeps_every_answer_before_it(candidates, out, ending):
    summary, _ = label(candidates, out, "1", "\r", "4", ending)
    assert labels(out) == ["accusation"]
    assert summary.labeled == 1


def test_ctrl_c_and_ctrl_d_read_with_other_keys_end_the_session(candidates, out):
    label(candidates, out, "1\r2\x03\r")
    assert labels(out) == ["accusation"]
    label(candidates, out, "\x04\r")
    assert labels(out) == ["accusation"]


def test_appends_after_a_last_line_without_newline(candidates, out):
    out.write_text("id,article,start,end,text,labels,via\nb1-0,b1,0,5,Hello,,random", encoding="utf-8")
    summary, _ = label(candidates, out, "1", "\r", "q")
    assert [row["id"] for row in rows(out)] == ["b1-0", "a1-0"]
    assert summary.total == 2 and summary.counts["other"] == 1


def test_output_loads_as_training_data(tmp_path, out):
    tricky = [('He said "no, never",\nthen left.', "random"), ("Plain.", "random")]
    candidates = write_candidates(tmp_path / "c.csv", tricky)
    label(candidates, out, "2", "\r", "\r")
    data = load_labeled([out])
    assert data.texts == [tricky[0][0], "Plain."]
    assert data.tags == [frozenset({"denial"}), frozenset()]
    assert data.groups == ["a1", "a1"]


# --- guesses -----------------------------------------------------------------------------------

def test_guess_column_is_preselected(tmp_path, out):
    candidates = write_candidates(tmp_path / "c.csv", guesses=["denial|demand", "", "accusation"])
    _, screen = label(candidates, out, "\r", "\r", "1", "\r")
    assert labels(out) == ["denial|demand", "", ""]
    assert "  guess: denial|demand (score 0.50)" in screen.lines
    assert "  guess: other (score 0.50)" in screen.lines


def test_model_guess_is_preselected_over_the_guess_column(tmp_path, out, synthetic_model):
    text = "The militia accused the police of shelling Hama."
    [prediction] = synthetic_model.predict([text])
    assert prediction.tags == ("accusation",)
    candidates = write_candidates(tmp_path / "c.csv", [(text, "random")], guesses=["demand"])
    _, screen = label(candidates, out, "\r", model=synthetic_model)
    assert labels(out) == ["accusation"]
    assert any(line.startswith("  model: accusation 0.") for line in screen.lines)


def test_jsonl_candidates_with_numbers_and_missing_keys(tmp_path, out):
    path = tmp_path / "c.jsonl"
    path.write_text(
        json.dumps({"article": 7, "start": 40, "end": 52, "text": "Troops left.", "via": "random"}) + "\n"
        + json.dumps({"article": 7, "start": 0, "end": 10, "text": "Shots fired.", "guess": "casualty_report"}) + "\n",
        encoding="utf-8",
    )
    label(path, out, "\r", "\r")
    assert [(r["id"], r["labels"], r["via"]) for r in rows(out)] == [
        ("7-40", "", "random"), ("7-0", "casualty_report", ""),
    ]


# --- bad input ---------------------------------------------------------------------------------

def test_existing_file_with_another_header_is_refused_and_left_alone(candidates, out):
    out.write_text("text,labels\nHello,denial\n", encoding="utf-8")
    before = out.read_bytes()
    with pytest.raises(OutputError, match=r"labeled\.csv:1: header is 'text,labels'"):
        label(candidates, out, "\r")
    assert out.read_bytes() == before


def test_existing_row_with_unknown_tag_is_refused_with_its_line(candidates, out):
    out.write_text("id,article,start,end,text,labels,via\na-0,a,0,1,\"two\nlines\",,r\nb-0,b,0,1,x,bogus,r\n")
    with pytest.raises(DataError, match=r"labeled\.csv:4: unknown tag 'bogus'"):
        label(candidates, out, "\r")


def test_missing_column_is_refused_naming_file_and_column(tmp_path, out):
    path = tmp_path / "c.csv"
    path.write_text("article,text\na1,Hello.\n", encoding="utf-8")
    with pytest.raises(DataError, match=r"c\.csv:1: no column 'start', 'end'"):
        label(path, out, "\r")
    assert not out.exists()


def test_bad_offset_is_refused_with_its_line(tmp_path, out):
    path = tmp_path / "c.csv"
    path.write_text("article,start,end,text\na1,0,5,Hello.\na1,-3,5,Bye.\n", encoding="utf-8")
    with pytest.raises(DataError, match=r"c\.csv:3: start must be a character offset"):
        label(path, out, "\r")


def test_unknown_guess_is_refused_with_its_line(tmp_path, out):
    path = write_candidates(tmp_path / "c.csv", guesses=["denial", "blame", ""])
    with pytest.raises(DataError, match=r"c\.csv:3: guess: unknown tag 'blame'"):
        label(path, out, "\r")


def test_missing_candidates_file_is_no_input(tmp_path, out):
    with pytest.raises(NoInputError, match=r"nope\.csv: no such file"):
        label(tmp_path / "nope.csv", out)


def test_repeated_candidate_is_asked_once(tmp_path, out):
    path = write_candidates(tmp_path / "c.csv", [SENTENCES[0]])
    with path.open("a", encoding="utf-8") as handle:
        handle.write(f"news.txt,a1,0,41,{SENTENCES[0][0]},,,uncertainty\n")
    _, screen = label(path, out, "\r", "\r")
    assert screen.cards() == [SENTENCES[0][0]]
    assert len(rows(out)) == 1


# --- command line ------------------------------------------------------------------------------

def test_cli_labels_from_input_and_puts_the_summary_on_stderr(candidates, out):
    result = CliRunner().invoke(main, ["label", str(candidates), "--out", str(out)], input="1\r\r3s")
    assert result.exit_code == 0, result.stderr
    assert labels(out) == ["accusation", ""]
    assert "▶ " + SENTENCES[2][0] in result.stdout
    assert result.stderr.strip() == (
        f"claimtag: labeled 2 this run; 2 in {out} (accusation 1, denial 0, casualty_report 0, "
        "demand 0, other 1); 1 candidate left"
    )
    assert "labeled 2 this run" not in result.stdout


def test_cli_resumes_and_refuses_a_foreign_file(candidates, out, tmp_path):
    runner = CliRunner()
    assert runner.invoke(main, ["label", str(candidates), "-o", str(out)], input="1\rq").exit_code == 0
    result = runner.invoke(main, ["label", str(candidates), "-o", str(out)], input="2\rq")
    assert result.exit_code == 0
    assert labels(out) == ["accusation", "denial"]
    foreign = tmp_path / "foreign.csv"
    foreign.write_text("text,labels\n", encoding="utf-8")
    result = runner.invoke(main, ["label", str(candidates), "-o", str(foreign)], input="\r")
    assert result.exit_code == EXIT_CANT_CREATE
    assert result.stderr.startswith("Error: ") and "header is 'text,labels'" in result.stderr


def test_cli_help_has_an_example():
    result = CliRunner().invoke(main, ["label", "--help"])
    assert result.exit_code == 0
    assert "claimtag label candidates.csv --out" in result.stdout.split("Example:")[1]


def test_without_a_terminal_it_says_so(candidates, out):
    # A new session has no controlling terminal, so /dev/tty cannot be opened.
    result = subprocess.run(
        [sys.executable, "-m", "classifier", "label", str(candidates), "--out", str(out)],
        cwd=ROOT, stdin=subprocess.DEVNULL, capture_output=True, text=True, start_new_session=True, timeout=60,
    )
    assert result.returncode == EXIT_NO_INPUT, result.stderr
    assert "reads keys from a terminal" in result.stderr
    assert "Traceback" not in result.stderr
    assert labels(out) == []


# --- a real terminal ---------------------------------------------------------------------------

@pytest.mark.skipif(sys.platform == "win32", reason="pseudo-terminals are POSIX")
def test_session_on_a_pseudo_terminal(candidates, out):
    import termios

    master, slave = os.openpty()
    process = subprocess.Popen(
        [sys.executable, "-m", "classifier", "label", str(candidates), "--out", str(out)],
        cwd=ROOT, stdin=slave, stdout=slave, stderr=slave, start_new_session=True,
    )
    os.close(slave)
    seen = bytearray()
    since = 0  # where the output after the last key starts

    def wait_for(text: str, timeout: float = 30) -> None:
        deadline = time.monotonic() + timeout
        while text.encode() not in seen[since:]:
            remaining = deadline - time.monotonic()
            assert remaining > 0, f"no {text!r} in {seen[since:].decode(errors='replace')!r}"
            if select.select([master], [], [], remaining)[0]:
                try:
                    chunk = os.read(master, 4096)
                except OSError:  # EIO: the child closed the terminal
                    chunk = b""
                assert chunk, f"ended without {text!r}: {seen.decode(errors='replace')!r}"
                seen.extend(chunk)

    def press(key: bytes, timeout: float = 30) -> None:
        # click.getchar enters raw mode with TCSAFLUSH, which discards keys sent before it; and
        # output is awaited after each key first, so this raw mode is the next read's, not the last's.
        nonlocal since
        deadline = time.monotonic() + timeout
        while termios.tcgetattr(master)[3] & termios.ICANON:
            assert time.monotonic() < deadline, "the labeler never waited for a key"
            time.sleep(0.01)
        since = len(seen)
        os.write(master, key)

    try:
        wait_for("1/3")
        press(b"1")
        wait_for("= accusation")
        press(b"\r")
        wait_for("2/3")
        press(b"u")
        wait_for("undone: accusation")
        press(b"4")
        wait_for("= accusation|demand")
        press(b"\r")
        wait_for("2/3")
        press(b"\x03")  # Ctrl-C, read as a key in raw mode
        wait_for("candidates left")
        assert process.wait(timeout=30) == 0
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
        os.close(master)
    assert labels(out) == ["accusation|demand"]
    assert b"labeled 1 this run" in seen
