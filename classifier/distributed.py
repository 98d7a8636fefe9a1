"""The same predict job on a Dask cluster (dask.distributed), for corpora one machine cannot take.

Each input partition (a text file, a group of small text files, or one Parquet/CSV/JSONL file) is a
task: a worker reads it, tags it with the model's numpy scorer (sent once to every worker, so workers
need neither the model file nor scikit-learn's pickle) and writes one output part,
``part-00000.parquet`` or ``part-00000.jsonl``, in input order. Reading the parts in name order
gives exactly the rows a single process gives. Workers must see the input and output paths (a
shared file system), as usual with Dask.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Iterable, Sequence

from .annotate import FIELDS
from .errors import ClaimtagError, NoInputError, OutputError
from .model import Model
from .readers import INPUT_TABLE_SUFFIXES, STDIN, input_files, input_size

log = logging.getLogger("claimtag")

PART_FORMATS = ("parquet", "jsonl")
TEXT_PARTITION_BYTES = 64 << 20  # small text files are grouped into partitions of about this size


def partitions(inputs: Iterable[str]) -> list[list[str]]:
    """Input files grouped into tasks: each table file alone, text files in groups of about
    ``TEXT_PARTITION_BYTES``, in the order ``predict`` reads them."""
    groups: list[list[str]] = []
    text: list[str] = []
    size = 0
    for path in _files(inputs):
        if Path(path).suffix.lower() in INPUT_TABLE_SUFFIXES:
            if text:
                groups.append(text)
                text, size = [], 0
            groups.append([path])
            continue
        text.append(path)
        size += input_size(path)
        if size >= TEXT_PARTITION_BYTES:
            groups.append(text)
            text, size = [], 0
    if text:
        groups.append(text)
    return groups


def tag_on_dask(
    model: Model, inputs: Sequence[str], output: str, fmt: str = "parquet", scheduler: str | None = None,
    workers: int = 2, text_col: str = "text", id_col: str | None = None, one_per_line: bool = False,
    explain: int = 0, fields: Sequence[str] = FIELDS,
) -> int:
    """Tag ``inputs`` on the cluster at ``scheduler`` (else a new local one with ``workers``
    processes), writing parts into the directory ``output``; returns the number of rows.
    ``explain`` and ``fields`` are :func:`.annotate.documents_with_rows`'s."""
    from dask.distributed import Client, as_completed

    if fmt not in PART_FORMATS:
        raise OutputError(f"--engine dask writes {' or '.join(PART_FORMATS)} parts, not {fmt}")
    if model.scorer is None:
        raise OutputError("--engine dask needs a model with a fast scorer (the TF-IDF + logistic regression recipe)")
    out = Path(output)
    if out.exists() and (not out.is_dir() or any(out.iterdir())):
        raise OutputError(f"{out}: exists and is not an empty directory; --engine dask writes its parts into a new one")
    tasks = partitions(inputs)
    portable = Model(None, model.metadata, model.scorer)  # the scorer's arrays, without the pipeline
    out.mkdir(parents=True, exist_ok=True)
    cluster = local_cluster(workers) if scheduler is None else None
    try:
        with Client(scheduler or cluster) as client:
            log.info("tagging %d partitions on %s", len(tasks), client.scheduler.address)
            shared = client.scatter(portable, broadcast=True)
            futures = [
                client.submit(_tag_partition, shared, files, str(out / f"part-{number:05d}.{fmt}"), fmt,
                              text_col, id_col, one_per_line, explain, tuple(fields), pure=False)
                for number, files in enumerate(tasks)
            ]
            count = 0
            for future in as_completed(futures):
                result = future.result()
                if isinstance(result, ClaimtagError):
                    client.cancel(futures)
                    raise result
                count += result
            return count
    finally:
        if cluster is not None:
            cluster.close()


def local_cluster(workers: int):
    """A dask.distributed LocalCluster of ``workers`` single-threaded processes on loopback."""
    from dask.distributed import LocalCluster

    # No dashboard, but the scheduler's HTTP server (health, metrics) starts anyway, by default on
    # 8787: the dashboard port of a cluster the user may be running, which would then warn.
    return LocalCluster(n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=None,
                        scheduler_kwargs={"dashboard_address": "127.0.0.1:0"}, host="127.0.0.1")


def _tag_partition(model: Model, files: list[str], path: str, fmt: str, text_col: str, id_col: str | None,
                   one_per_line: bool, explain: int, fields: Sequence[str]) -> int | ClaimtagError:
    """The rows written, or the input's error: returned, not raised, because a task that raises
    makes its worker log the error with a traceback, before the client's one-line message."""
    from .annotate import documents_with_columns
    from .readers import iter_documents
    from .writers import Output, rendered

    documents = iter_documents(files, text_col=text_col, id_col=id_col)
    try:
        with Output(path, fmt, tags=model.tags) as out:
            for document, columns in documents_with_columns(model, documents, one_per_line, explain=explain, fields=fields):
                out.write_rendered(document, rendered(columns, fmt, model.tags))
    except ClaimtagError as error:
        return error
    return out.count


def _files(inputs: Iterable[str]) -> list[str]:
    files = [name for name, _ in input_files(inputs)]
    if STDIN in files:
        raise NoInputError("--engine dask reads files, not standard input")
    return files
