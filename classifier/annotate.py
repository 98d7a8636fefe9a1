"""Documents to output rows: segment, score in batches, and attach offsets, casualty figures and
who said it.

Sentences are scored many documents at a time (the scorer's cost is per call as much as per
sentence), but memory stays bounded: a batch holds at most ``BATCH_SENTENCES`` sentences besides
the document being read. With several jobs, whole batches also go to worker processes (forks of this
one where that is safe), which render their rows as output text and hand it back in spool files;
this process reads the inputs, writes the output and tags a batch itself whenever the workers have
enough queued.
"""

from __future__ import annotations

import gc
import multiprocessing
import multiprocessing.connection
import os
import pickle
import shutil
import signal
import sys
import tempfile
import threading
from collections import deque
from concurrent.futures import BrokenExecutor, Executor, Future
from contextlib import contextmanager
from dataclasses import dataclass
from itertools import chain, islice
from typing import Callable, Iterable, Iterator, Sequence

import numpy as np

from .errors import WorkerError
from .model import Model
from .readers import Document
from .segment import Sentence, iter_lines, iter_sentences
from .writers import Columns, ScoreColumn, rows_of

SCORE_DECIMALS = 6
BATCH_SENTENCES = 4096
# Text per task sent to a worker: enough to hide the cost of a task, little enough that the
# last tasks do not keep the other processes waiting long.
PARALLEL_BATCH_CHARS = 1 << 19
QUEUED_PER_WORKER = 3  # batches sent ahead to each worker
FIELDS = (
    "document", "id", "sentence", "start", "end", "text", "tags", "scores",
    "killed", "injured", "qualifier", "source",
)
FIGURE_FIELDS = {"killed", "injured", "qualifier"}  # computed only if one of them is wanted
# Tagged before workers are forked, so that they inherit what tagging loads: long enough, in
# characters and sentences, to take the paths that real batches take (Arrow's, in scoring and
# writing JSON lines).
WARM_UP = Document("warm-up", "At least 3 people were killed, the army said. " * 256)


def tag_document(model: Model, document: Document, one_per_line: bool = False) -> list[dict]:
    """One row per sentence of ``document``, with the fields of ``FIELDS``.

    With ``one_per_line`` each non-blank line is one sentence (the input is already split).
    """
    return rows_of(_tag_segmented(model, [(document, _split(document, one_per_line))])[0][1])


def tag_documents(model: Model, documents: Iterable[Document], one_per_line: bool = False) -> Iterator[dict]:
    """The rows of every document, in input order (see :func:`tag_document`)."""
    for _, rows in documents_with_rows(model, documents, one_per_line):
        yield from rows


def documents_with_rows(
    model: Model, documents: Iterable[Document], one_per_line: bool = False,
    batch_sentences: int = BATCH_SENTENCES, explain: int = 0, fields: Sequence[str] = FIELDS,
) -> Iterator[tuple[Document, list[dict]]]:
    """Each document with its rows, in input order, scored in batches of about ``batch_sentences``.

    ``explain`` > 0 adds to each row, under "explain", that many n-grams per tag that pushed its
    score up and down (see :mod:`.explain`). ``fields`` (a subset of ``FIELDS``, in that order)
    limits the rows to those fields, and work for the others (figures, attribution) is skipped.
    """
    for document, columns in documents_with_columns(model, documents, one_per_line, batch_sentences, explain, fields):
        yield document, rows_of(columns)


def documents_with_columns(
    model: Model, documents: Iterable[Document], one_per_line: bool = False,
    batch_sentences: int = BATCH_SENTENCES, explain: int = 0, fields: Sequence[str] = FIELDS,
) -> Iterator[tuple[Document, Columns]]:
    """As :func:`documents_with_rows`, each document's rows as columns: writers render those
    without building a dictionary per row."""
    pending: list[tuple[Document, list[Sentence]]] = []
    size = 0
    for document in documents:
        sentences = _split(document, one_per_line)
        pending.append((document, sentences))
        size += len(sentences)
        if size >= batch_sentences:
            yield from _tag_segmented(model, pending, explain, fields)
            pending, size = [], 0
    if pending:
        yield from _tag_segmented(model, pending, explain, fields)


def tag_in_parallel(
    model: Model, documents: Iterable[Document], one_per_line: bool = False, jobs: int = 1,
    render: Callable[[Columns], object] | None = None, explain: int = 0, fields: Sequence[str] = FIELDS,
    expected_chars: int | None = None,
) -> Iterator[tuple[Document, object]]:
    """Each document with its rows (or ``render(columns)`` of them), in input order, tagged by
    ``jobs`` processes: this one and ``jobs - 1`` workers.

    Documents go in batches of up to ``PARALLEL_BATCH_CHARS`` characters; given the input's
    ``expected_chars``, later batches are shorter (see :func:`_batches_by_size`). Once there is
    more than one batch, this process loads what tagging needs and starts the workers (see
    :func:`_workers`). Batches go to the workers while they have fewer than ``QUEUED_PER_WORKER``
    each to do, so that a worker never waits for the next; otherwise this process tags the next
    batch itself, and once the input is all read it takes back the batches no worker has started.
    So no core idles, and this process, which reads the inputs and writes the output, does not
    take a core from a worker.
    """
    with _rare_collections():
        if jobs == 1:
            for document, columns in documents_with_columns(model, documents, one_per_line, explain=explain, fields=fields):
                yield document, render(columns) if render else rows_of(columns)
            return
        work = (one_per_line, render, explain, fields)
        batches = _batches_by_size(documents, PARALLEL_BATCH_CHARS, expected_chars, jobs)
        first = list(islice(batches, 2))
        if len(first) < 2:  # a small input starts no workers
            for batch in first:
                yield from zip(batch, _tag_batch(model, batch, *work))
            return
        # Forked workers inherit what this loads (Arrow, the scorer's lookup table, the casualty
        # figures' rules) instead of each loading it while this process waits for them.
        _tag_batch(model, [WARM_UP], *work)
        spool = tempfile.mkdtemp(prefix="claimtag-")
        stop = None
        # Batches in input order, each with its worker's future or the results made here.
        pending: deque[tuple[list[Document], Future | list]] = deque()
        taken_back: list[Future] = []
        try:
            executor, stop = _workers(model, jobs - 1)
            for batch in chain(first, batches):
                busy = sum(1 for _, result in pending if not _finished(result))
                if busy < QUEUED_PER_WORKER * (jobs - 1):
                    pending.append((batch, executor.submit(_tag_task, batch, spool, *work)))
                else:
                    pending.append((batch, _tag_batch(model, batch, *work)))
                # Finished batches go out at once; at most a few wait behind a slow one.
                while pending and (len(pending) > 2 * QUEUED_PER_WORKER * jobs or _finished(pending[0][1])):
                    yield from _with_results(*pending.popleft())
            while pending:
                while not _finished(pending[0][1]) and (taken := _take_back_one(model, pending, work, jobs - 1)):
                    taken_back.append(taken)
                yield from _with_results(*pending.popleft())
        finally:
            for _, result in pending:
                if isinstance(result, Future):
                    result.cancel()
            if stop:
                # Not waiting for batches that were taken back, or for any after an early stop.
                stop(at_once=bool(pending) or not all(future.done() for future in taken_back))
            shutil.rmtree(spool, ignore_errors=True)


def _workers(model: Model, count: int) -> tuple[Executor, Callable[..., None]]:
    """``count`` worker processes, each with ``model``, and how to stop them when the run ends:
    ``at_once`` (when it stops early, or no longer needs what they are doing) without waiting for
    the batches they have started.

    Where forking is safe (Linux, and no other thread in this process that could hold a lock
    while it forks; macOS's system libraries, which numpy may use, are not fork-safe), the workers
    are forks of this process: they start in a few milliseconds with the model and all that
    tagging has loaded, and share those memory pages with this process. Elsewhere they are
    joblib's loky workers, kept for later calls: each starts a new interpreter, which imports
    claimtag and loads the model file, in about a second.
    """
    if sys.platform == "linux" and threading.active_count() == 1:
        from concurrent.futures import ProcessPoolExecutor

        executor = ProcessPoolExecutor(count, multiprocessing.get_context("fork"), _start_worker, (model, True))
        for stream in (sys.stdout, sys.stderr):
            stream.flush()  # or each worker would write what is buffered again when it ends
        others = set(multiprocessing.active_children())
        executor.submit(int).result()  # the workers are forked at the first task: now, after the flush
        forked = set(multiprocessing.active_children()) - others

        def stop(at_once: bool) -> None:
            if at_once:  # after Ctrl-C, say: a worker's batches can take a second
                for worker in forked:
                    worker.terminate()
            executor.shutdown(wait=True, cancel_futures=True)

        return executor, stop
    from joblib.externals.loky import get_reusable_executor

    shipped = _FileModel(model.artifact["path"], model.artifact["sha256"]) if model.artifact.get("path") else model
    executor = get_reusable_executor(max_workers=count, initializer=_start_worker, initargs=(shipped, False))
    return executor, lambda at_once: None  # kept for later calls; batches not started are cancelled


_worker_model: Model | None = None  # in a worker process: the model it tags with


def _start_worker(model: Model | _FileModel, forked: bool) -> None:
    global _worker_model
    _worker_model = model.load() if isinstance(model, _FileModel) else model
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is for the parent, which stops the workers
    if forked:
        # Unlike loky's, a forked worker would wait for work forever once its parent is killed.
        sentinel = multiprocessing.parent_process().sentinel
        threading.Thread(target=_exit_with, args=(sentinel,), daemon=True).start()


def _exit_with(sentinel: int) -> None:
    multiprocessing.connection.wait([sentinel])
    os._exit(1)


def _take_back_one(model: Model, pending: deque, work: tuple, workers: int) -> Future | None:
    """Tags here the last batch that no worker has started, if there is one, and returns the future
    it replaces: once the input is all read, this process would otherwise wait while the workers
    empty their queues.

    A batch the executor has already passed to a worker's queue cannot be cancelled; workers take
    batches in order, so one behind the ``workers`` oldest unfinished batches has not started, and
    is tagged here all the same. Its worker's results are not read.
    """
    unfinished = [index for index, (_, result) in enumerate(pending) if not _finished(result)]
    for position, index in reversed(list(enumerate(unfinished))):
        batch, future = pending[index]
        if future.cancel() or position >= workers:
            pending[index] = (batch, _tag_batch(model, batch, *work))
            return future
    return None


def _finished(result: Future | list) -> bool:
    return not isinstance(result, Future) or result.done()


def _with_results(batch: list[Document], result: Future | list) -> Iterator[tuple[Document, object]]:
    if isinstance(result, Future):
        try:
            spooled = result.result()
        except BrokenExecutor:
            raise WorkerError(
                "a worker process was killed while tagging (for lack of memory?); run again, with fewer --jobs"
            ) from None
        with open(spooled, "rb") as handle:
            result = pickle.load(handle)
        os.unlink(spooled)
    return zip(batch, result)


def _tag_task(documents: list[Document], spool: str, *work) -> str:
    """A worker's batch. Its results come back in a file of the spool directory, whose name is
    returned: through the executor's pipe they would move 64 KB at a time, each piece waiting for
    the parent's result thread to get the interpreter lock from the thread that tags."""
    with _rare_collections():
        results = _tag_batch(_worker_model, documents, *work)
    with tempfile.NamedTemporaryFile(dir=spool, delete=False) as handle:
        pickle.dump(results, handle, protocol=pickle.HIGHEST_PROTOCOL)
    return handle.name


def _tag_batch(model: Model, documents: list[Document], one_per_line: bool, render, explain: int, fields) -> list:
    return [
        render(columns) if render else rows_of(columns)
        for _, columns in documents_with_columns(model, documents, one_per_line, explain=explain, fields=fields)
    ]


@contextmanager
def _rare_collections() -> Iterator[None]:
    """Rows are many small containers without reference cycles, freed as soon as they are written.
    Python's cycle collector, run every 700 new containers, would scan them and every object of the
    loaded model over and over: a fifth of the time of tagging. It still runs, but rarely, and never
    on the objects that exist before tagging starts."""
    threshold = gc.get_threshold()
    gc.freeze()
    gc.set_threshold(100_000, *threshold[1:])
    try:
        yield
    finally:
        gc.set_threshold(*threshold)
        gc.unfreeze()


@dataclass(frozen=True)  # equal for the same file, so that loky reuses the workers that loaded it
class _FileModel:
    """A model file a worker loads, checked against the digest the parent loaded."""

    path: str
    sha256: str

    def load(self) -> Model:
        from .artifact import load
        from .errors import UntrustedError

        model = load(self.path, trust=True)  # the parent verified it; the digest below must match that
        if model.artifact["sha256"] != self.sha256:
            raise UntrustedError(f"{self.path}: the model file changed while tagging")
        return model


def _split(document: Document, one_per_line: bool) -> list[Sentence]:
    return list((iter_lines if one_per_line else iter_sentences)(document.text))


def _tag_segmented(
    model: Model, segmented: list[tuple[Document, list[Sentence]]], explain: int = 0,
    fields: Sequence[str] = FIELDS,
) -> list[tuple[Document, Columns]]:
    # Built a column at a time over the whole batch, and only the columns wanted: per-row Python
    # work is what limits the speed of tagging.
    sentences = [s for _, document_sentences in segmented for s in document_sentences]
    texts = [s.text for s in sentences]
    counts = [len(document_sentences) for _, document_sentences in segmented]
    tags = model.tags
    scores = model.scores(texts)
    wanted = set(fields)
    columns: Columns = {}
    if "document" in wanted:
        columns["document"] = [document.source for document, ss in segmented for _ in ss]
    if "id" in wanted:
        columns["id"] = [document.id for document, ss in segmented for _ in ss]
    if "sentence" in wanted:
        columns["sentence"] = [index for count in counts for index in range(count)]
    if "start" in wanted:
        columns["start"] = [s.start for s in sentences]
    if "end" in wanted:
        columns["end"] = [s.end for s in sentences]
    columns["text"] = texts
    if "tags" in wanted:
        # Each row's tags as a bit mask, so that the list of tags is built once per mask.
        on = scores >= np.array([model.thresholds[t] for t in tags])
        masks = (on @ (1 << np.arange(len(tags), dtype=np.int64 if len(tags) < 63 else object))).tolist()
        tags_of = {mask: [t for j, t in enumerate(tags) if mask >> j & 1] for mask in set(masks)}
        columns["tags"] = [tags_of[mask].copy() for mask in masks]
    if "scores" in wanted:
        columns["scores"] = ScoreColumn(tags, np.round(scores, SCORE_DECIMALS))
    if wanted & FIGURE_FIELDS:
        from .figures import casualty_figures  # imported when wanted: compiling its rules takes a while

        figures = list(map(casualty_figures, texts))
        columns["killed"] = [f.killed for f in figures]
        columns["injured"] = [f.injured for f in figures]
        columns["qualifier"] = [f.qualifier for f in figures]
    if "source" in wanted:
        from .attribution import attribute  # as for the figures

        columns["source"] = [source for _, ss in segmented for source in attribute([s.text for s in ss])]
    columns = {field: columns[field] for field in fields}
    if explain:
        from .explain import explain as explain_texts

        columns["explain"] = [
            {tag: e.as_dict() for tag, e in explanation.items()} for explanation in explain_texts(model, texts, explain)
        ]
    results, start = [], 0
    for (document, _), count in zip(segmented, counts):
        results.append((document, {field: values[start:start + count] for field, values in columns.items()}))
        start += count
    return results


def _batches_by_size(
    documents: Iterable[Document], chars: int, expected_chars: int | None = None, jobs: int = 1,
) -> Iterator[list[Document]]:
    """Batches of whole documents, each closed once it holds ``chars`` characters. Given the
    input's ``expected_chars``, a batch holds no more than a ``4 * jobs``-th of what remains, but
    at least ``chars // 8``: the last batches, which the other processes wait for, are short, and
    the earlier ones long enough to hide the cost of a task."""
    batch, size, read = [], 0, 0
    target = chars
    for document in documents:
        batch.append(document)
        size += len(document.text)
        if size >= target:
            yield batch
            read += size
            batch, size = [], 0
            if expected_chars is not None:
                target = min(chars, max(chars // 8, (expected_chars - read) // (4 * jobs)))
    if batch:
        yield batch
