"""classifier.annotate: documents to one output row per sentence, with offsets and scores."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from classifier.annotate import SCORE_DECIMALS, documents_with_rows, tag_documents
from classifier.readers import Document
from classifier.tags import TAGS

KEYS = {"document", "id", "sentence", "start", "end", "text", "tags", "scores", "killed", "injured", "qualifier", "source"}

FIRST = Document(
    "first.txt",
    "The rebels accused the army of shelling the town. At least 12 people were killed.\n"
    "The ministry denied that the police attacked the town and rejected the reports.\n",
)
SECOND = Document(
    "second.txt",
    "  The library in the town reopened on Monday.\n\nThe guards called on the militia to withdraw.",
)


@pytest.fixture(scope="module")
def rows(synthetic_model):
    return list(tag_documents(synthetic_model, [FIRST, SECOND]))


def test_one_row_per_sentence_with_all_keys(rows):
    assert [(r["document"], r["sentence"]) for r in rows] == [
        ("first.txt", 0), ("first.txt", 1), ("first.txt", 2), ("second.txt", 0), ("second.txt", 1),
    ]
    for row in rows:
        assert set(row) == KEYS


def test_offsets_index_the_document_text(rows):
    documents = {d.source: d.text for d in (FIRST, SECOND)}
    for row in rows:
        assert documents[row["document"]][row["start"]:row["end"]] == row["text"]
    assert [r["text"] for r in rows] == [
        "The rebels accused the army of shelling the town.",
        "At least 12 people were killed.",
        "The ministry denied that the police attacked the town and rejected the reports.",
        "The library in the town reopened on Monday.",
        "The guards called on the militia to withdraw.",
    ]
    assert rows[3]["start"] == 2  # leading spaces are not part of the sentence
    assert rows[4]["start"] == SECOND.text.index("The guards")


def test_sentence_indices_restart_for_each_document(synthetic_model):
    documents = [Document("a", "One thing happened. Another did."), Document("b", "A third.")]
    rows = list(tag_documents(synthetic_model, documents))
    assert [(r["document"], r["sentence"]) for r in rows] == [("a", 0), ("a", 1), ("b", 0)]


def test_tags_follow_the_model(rows, synthetic_model):
    assert [r["tags"] for r in rows] == [
        ["accusation"], ["casualty_report"], ["denial"], [], ["demand"],
    ]
    predictions = synthetic_model.predict([r["text"] for r in rows])
    assert [r["tags"] for r in rows] == [list(p.tags) for p in predictions]
    assert all(isinstance(r["tags"], list) for r in rows)


def test_scores_cover_every_tag_rounded_to_six_decimals(rows, synthetic_model):
    raw = synthetic_model.scores([r["text"] for r in rows])
    changed = 0
    for row, expected in zip(rows, raw):
        assert list(row["scores"]) == list(TAGS)
        for tag, value in zip(TAGS, expected):
            score = row["scores"][tag]
            assert type(score) is float and 0.0 <= score <= 1.0
            assert score == round(score, SCORE_DECIMALS) == round(float(value), 6)
            assert abs(score - value) <= 0.5e-6
            changed += score != value
    assert changed  # the probabilities have more than six decimals, so rounding did something


def test_one_per_line_makes_each_non_blank_line_one_sentence(synthetic_model):
    text = "First line. Second sentence on the same line.\n\n   \n  Third line without a period  \n"
    document = Document("lines.txt", text)
    rows = list(tag_documents(synthetic_model, [document], one_per_line=True))
    assert [r["text"] for r in rows] == [
        "First line. Second sentence on the same line.", "Third line without a period",
    ]
    assert [r["sentence"] for r in rows] == [0, 1]
    for row in rows:
        assert text[row["start"]:row["end"]] == row["text"]
    # without it, the first line is two sentences
    assert len(list(tag_documents(synthetic_model, [document]))) == 3


def test_a_document_without_sentences_gives_no_rows(synthetic_model):
    documents = [Document("blank.txt", " \n\n\t\n"), Document("after.txt", "Something happened.")]
    rows = list(tag_documents(synthetic_model, documents))
    assert [(r["document"], r["sentence"]) for r in rows] == [("after.txt", 0)]


def test_documents_are_read_no_further_ahead_than_one_batch(synthetic_model):
    sentence = "The rebels accused the army of shelling the town."

    def documents():
        yield Document("a.txt", sentence)
        yield Document("b.txt", f"{sentence} {sentence}")  # the batch of 2 sentences is full here
        raise AssertionError("read past the batch before its rows were consumed")

    results = documents_with_rows(synthetic_model, documents(), batch_sentences=2)
    assert next(results)[0].source == "a.txt"
    assert next(results)[0].source == "b.txt"


def test_rows_are_plain_json(rows):
    for row in rows:
        assert json.loads(json.dumps(row)) == row


def render_where(columns):
    """What a test renderer returns: the process that tagged the rows, and the rows."""
    import multiprocessing
    import os

    from classifier.writers import rows_of

    return (os.getpid(), multiprocessing.current_process().name), rows_of(columns)


LINUX_ONLY = pytest.mark.skipif(sys.platform != "linux", reason="workers are forked on Linux only")


@pytest.mark.parametrize("threads, workers", [pytest.param(1, "ForkProcess", marks=LINUX_ONLY), (2, "LokyProcess")])
def test_parallel_tagging_shares_batches_between_this_process_and_the_workers_in_input_order(
        synthetic_model, tmp_path, monkeypatch, threads, workers):
    """A process with only one thread forks its workers; one with other threads (which could
    hold a lock while it forks) starts loky's, which load the model from its file."""
    import os
    import threading

    import classifier.annotate as annotate
    from classifier.artifact import load, save

    model = load(save(synthetic_model, tmp_path / "m.joblib"))
    documents = [Document(f"doc{i}.txt", f"Rebels accused the army of shelling town {i}. "
                          f"At least {i} people were killed. Markets reopened.") for i in range(60)]
    monkeypatch.setattr(annotate, "PARALLEL_BATCH_CHARS", 1)  # a batch a document
    temporary = tmp_path / "temporary"
    temporary.mkdir()
    monkeypatch.setattr(annotate.tempfile, "tempdir", str(temporary))  # where results are spooled
    expected = [(d.source, rows) for d, rows in annotate.tag_in_parallel(model, documents, jobs=1)]
    done = threading.Event()
    others = [threading.Thread(target=done.wait) for _ in range(threads - 1)]
    for thread in others:
        thread.start()
    try:
        got = list(annotate.tag_in_parallel(model, documents, jobs=2, render=render_where))
    finally:
        done.set()
        for thread in others:
            thread.join()
        if others:  # loky's executor keeps a thread of its own: stop it, so that later tests fork
            from joblib.externals.loky import get_reusable_executor

            get_reusable_executor(max_workers=1).shutdown(wait=True)
    assert [(d.source, rows) for d, (_, rows) in got] == expected
    where = {process for _, (process, _) in got}
    assert (os.getpid(), "MainProcess") in where and len(where) == 2  # this process tagged some batches
    assert {name.rstrip("-0123456789") for _, name in where} == {"MainProcess", workers}
    assert not list(temporary.iterdir())  # the spooled results are gone


def slow_in_workers(columns, parent=os.getpid()):
    from classifier.writers import rows_of

    if os.getpid() != parent:
        time.sleep(0.5)
    return rows_of(columns)


@LINUX_ONLY
def test_a_run_stopped_early_terminates_its_forked_workers_and_removes_the_spool(synthetic_model, tmp_path, monkeypatch):
    import multiprocessing

    import classifier.annotate as annotate

    documents = [Document(f"doc{i}.txt", "Rebels accused the army of shelling the town.") for i in range(60)]
    monkeypatch.setattr(annotate, "PARALLEL_BATCH_CHARS", 1)
    monkeypatch.setattr(annotate.tempfile, "tempdir", str(tmp_path))
    others = set(multiprocessing.active_children())  # loky's, say, from an earlier test
    stopped = annotate.tag_in_parallel(synthetic_model, documents, jobs=3, render=slow_in_workers)
    assert [next(stopped)[0] for _ in range(3)] == documents[:3]  # more are on their way
    workers = set(multiprocessing.active_children()) - others
    assert len(workers) == 2 and list(tmp_path.iterdir())  # spooling
    stopped.close()  # as after Ctrl-C, or when writing the output fails
    # Not left to finish the batches they had started (or to wait for more).
    assert [worker.exitcode for worker in workers] == [-signal.SIGTERM] * 2
    assert not list(tmp_path.iterdir())



@LINUX_ONLY
def test_forked_workers_exit_when_their_parent_is_killed(synthetic_model, tmp_path):
    from classifier.artifact import save

    model = save(synthetic_model, tmp_path / "m.joblib")
    script = f"""
import os, signal, sys
sys.path.insert(0, {str(Path(__file__).parent)!r})
import classifier.annotate as annotate
from classifier.artifact import load
from classifier.readers import Document
from test_annotate import render_where
annotate.PARALLEL_BATCH_CHARS = 1
documents = [Document(f"doc{{i}}.txt", "Rebels accused the army of shelling the town.") for i in range(200)]
for _, ((pid, _), _) in annotate.tag_in_parallel(load({str(model)!r}), documents, jobs=2, render=render_where):
    if pid != os.getpid():
        print(pid, flush=True)
        os.kill(os.getpid(), signal.SIGKILL)
"""
    parent = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=30,
                            env={**os.environ, "TMPDIR": str(tmp_path)})
    assert parent.returncode == -signal.SIGKILL, parent.stderr
    worker = int(parent.stdout)
    deadline = time.monotonic() + 10
    while _running(worker) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not _running(worker)


def _running(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as stat:
            return stat.read().rsplit(")", 1)[1].split()[0] != "Z"  # a zombie has exited
    except FileNotFoundError:
        return False


def killed_in_workers(columns, parent=os.getpid()):
    from classifier.writers import rows_of

    if os.getpid() != parent:
        os.kill(os.getpid(), signal.SIGKILL)  # as the kernel does when memory runs out
    return rows_of(columns)


@LINUX_ONLY
def test_a_worker_killed_while_tagging_is_an_error_of_one_line_and_the_spool_is_removed(
        synthetic_model, tmp_path, monkeypatch):
    import classifier.annotate as annotate
    from classifier.errors import WorkerError

    documents = [Document(f"doc{i}.txt", "Rebels accused the army of shelling the town.") for i in range(20)]
    monkeypatch.setattr(annotate, "PARALLEL_BATCH_CHARS", 1)
    monkeypatch.setattr(annotate.tempfile, "tempdir", str(tmp_path))
    with pytest.raises(WorkerError, match="a worker process was killed while tagging"):
        list(annotate.tag_in_parallel(synthetic_model, documents, jobs=2, render=killed_in_workers))
    assert not list(tmp_path.iterdir())


def test_batches_shrink_towards_the_expected_end_of_the_input():
    from classifier.annotate import _batches_by_size

    documents = [Document(f"doc{i}.txt", "x" * 10) for i in range(1000)]  # 10,000 characters
    fixed = list(_batches_by_size(documents, 800))
    guided = list(_batches_by_size(documents, 800, expected_chars=10_000, jobs=2))
    for batches in (fixed, guided):
        assert [d for batch in batches for d in batch] == documents
    assert {len(batch) for batch in fixed[:-1]} == {80}
    sizes = [10 * len(batch) for batch in guided]
    remaining = 10_000
    for size in sizes[:-1]:  # each closed by the document that reached an eighth of what remained
        assert size - 10 < min(800, max(100, remaining // 8)) <= size
        remaining -= size
    assert sizes[0] == 800 and sizes[-3:-1] == [100, 100] and len(guided) > len(fixed)


def test_a_small_input_starts_no_workers(synthetic_model, monkeypatch):
    import classifier.annotate as annotate

    def no_workers(model, count):
        raise AssertionError("workers started for one batch")

    monkeypatch.setattr(annotate, "_workers", no_workers)
    got = [(d, rows) for d, rows in annotate.tag_in_parallel(synthetic_model, [FIRST, SECOND], jobs=2)]
    assert got == list(documents_with_rows(synthetic_model, [FIRST, SECOND]))


def test_the_warm_up_document_takes_the_paths_that_real_batches_take(synthetic_model):
    from classifier.annotate import WARM_UP, _split
    from classifier.scorer import ARROW_MIN_CHARS
    from classifier.writers import ARROW_MIN_ROWS

    assert len(WARM_UP.text) >= ARROW_MIN_CHARS and len(_split(WARM_UP, False)) >= ARROW_MIN_ROWS


@LINUX_ONLY
def test_workers_are_forked_with_what_tagging_loads(synthetic_model, tmp_path, monkeypatch):
    import classifier.annotate as annotate
    from classifier.artifact import load, save

    model = load(save(synthetic_model, tmp_path / "m.joblib"))  # nothing loaded for tagging yet
    documents = [Document(f"doc{i}.txt", "Rebels accused the army of shelling the town.") for i in range(4)]
    monkeypatch.setattr(annotate, "PARALLEL_BATCH_CHARS", 1)
    loaded_at_fork = []
    start_workers = annotate._workers

    def workers(model, count):
        loaded_at_fork.append(model.scorer._byte_lookup is not None)
        return start_workers(model, count)

    monkeypatch.setattr(annotate, "_workers", workers)
    assert [d for d, _ in annotate.tag_in_parallel(model, documents, jobs=2)] == documents
    # Small batches tag without Arrow's lookup table; the warm-up built it before the fork.
    assert loaded_at_fork == [True]


@LINUX_ONLY
def test_at_the_end_batches_queued_for_a_busy_worker_are_tagged_here(synthetic_model, tmp_path, monkeypatch):
    """Even those already in a worker's queue, which cannot be cancelled: the worker that was
    still busy is stopped instead of being waited for."""
    import multiprocessing

    import classifier.annotate as annotate

    documents = [Document(f"doc{i}.txt", f"Rebels accused the army of shelling town {i}.") for i in range(8)]
    monkeypatch.setattr(annotate, "PARALLEL_BATCH_CHARS", 1)
    monkeypatch.setattr(annotate.tempfile, "tempdir", str(tmp_path))
    others = set(multiprocessing.active_children())
    got = []
    for document, (where, rows) in annotate.tag_in_parallel(synthetic_model, documents, jobs=2, render=slow_where):
        got.append((document, where[0] == os.getpid()))
        workers = set(multiprocessing.active_children()) - others or workers
    expected = [(d, rows) for d, rows in documents_with_rows(synthetic_model, documents)]
    # The worker got the first three batches; this process tagged the rest, then two of those three.
    assert got == [(documents[0], False)] + [(d, True) for d in documents[1:]]
    assert [worker.exitcode for worker in workers] == [-signal.SIGTERM]
    assert not list(tmp_path.iterdir())


def slow_where(columns, parent=os.getpid()):
    if os.getpid() != parent:
        time.sleep(1)
    return render_where(columns)
