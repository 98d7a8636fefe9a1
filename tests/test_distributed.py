"""classifier.distributed: predict on a real Dask LocalCluster (loopback) equals the single-process run."""

from __future__ import annotations

import contextlib
import json
import socket
import warnings

import pandas as pd
import pytest
from click.testing import CliRunner

import classifier.distributed as distributed
from classifier.annotate import documents_with_rows
from classifier.artifact import save
from classifier.cli import main
from classifier.distributed import local_cluster, partitions, tag_on_dask
from classifier.errors import DataError, NoInputError, OutputError
from classifier.readers import iter_documents

pytest.importorskip("dask.distributed")

ARTICLE = (
    "Rebels accused the army of shelling the town on {day}.\n"
    "The ministry denied that its jets struck the market, officials said.\n"
    "At least {n} people were killed, according to the Observatory.\n"
    "The council called on the militia to withdraw.\n"
)


@pytest.fixture(scope="module")
def cluster():
    with local_cluster(2) as local:
        yield local


@pytest.fixture
def corpus(tmp_path):
    folder = tmp_path / "in"
    (folder / "sub").mkdir(parents=True)
    for i in range(6):
        where = folder / "sub" if i % 2 else folder
        (where / f"doc{i}.txt").write_text(ARTICLE.format(day=f"day {i}", n=i + 3), encoding="utf-8")
    table = tmp_path / "table.parquet"
    pd.DataFrame({"body": [ARTICLE.format(day="Monday", n=40), "Nothing happened."], "key": ["x1", "x2"]}).to_parquet(table)
    return folder, table


def single_process(model, inputs, **options) -> list[dict]:
    documents = iter_documents(inputs, **options)
    return [row for _, rows in documents_with_rows(model, documents) for row in rows]


def normalised(rows) -> list[dict]:
    """Parquet gives numpy values and NaN for nulls; compare through JSON."""
    frame = pd.DataFrame(rows).astype(object).where(lambda f: f.notna(), None)
    return json.loads(frame.to_json(orient="records"))


def test_partitions_group_text_files_and_keep_each_table_alone(corpus, monkeypatch):
    folder, table = corpus
    monkeypatch.setattr(distributed, "TEXT_PARTITION_BYTES", 500)
    groups = partitions([str(folder), str(table)])
    assert groups[-1] == [str(table)]
    flat = [f for group in groups[:-1] for f in group]
    assert flat == sorted(str(p) for p in folder.rglob("*.txt"))
    assert len(groups) > 2  # small partitions: several text tasks


def test_cluster_output_equals_single_process_row_for_row(cluster, corpus, tmp_path, synthetic_model, monkeypatch):
    folder, table = corpus
    monkeypatch.setattr(distributed, "TEXT_PARTITION_BYTES", 500)  # several partitions, so order matters
    out = tmp_path / "out"
    count = tag_on_dask(synthetic_model, [str(folder)], str(out), "parquet", scheduler=cluster.scheduler_address)
    parts = sorted(out.glob("part-*.parquet"))
    assert len(parts) >= 2
    distributed_rows = pd.concat([pd.read_parquet(p) for p in parts], ignore_index=True)
    expected = single_process(synthetic_model, [str(folder)])
    assert count == len(expected) == len(distributed_rows)
    assert normalised(distributed_rows.to_dict("records")) == normalised(expected)


def test_jsonl_parts_from_a_table_carry_the_id(cluster, corpus, tmp_path, synthetic_model):
    _, table = corpus
    out = tmp_path / "out"
    tag_on_dask(synthetic_model, [str(table)], str(out), "jsonl", scheduler=cluster.scheduler_address,
                text_col="body", id_col="key")
    lines = (out / "part-00000.jsonl").read_text(encoding="utf-8").splitlines()
    rows = [json.loads(line) for line in lines]
    assert rows == single_process(synthetic_model, [str(table)], text_col="body", id_col="key")
    assert {r["id"] for r in rows} == {"x1", "x2"}


def test_parts_keep_the_fields_asked_for_and_the_explanations(cluster, corpus, tmp_path, synthetic_model):
    folder, _ = corpus
    out = tmp_path / "out"
    fields = ("document", "sentence", "tags", "killed")
    tag_on_dask(synthetic_model, [str(folder)], str(out), "jsonl", scheduler=cluster.scheduler_address,
                explain=2, fields=fields)
    rows = [json.loads(line) for part in sorted(out.glob("part-*.jsonl")) for line in part.read_text().splitlines()]
    documents = iter_documents([str(folder)])
    expected = [row for _, rows in documents_with_rows(synthetic_model, documents, explain=2, fields=fields) for row in rows]
    assert rows == expected
    assert list(rows[0]) == [*fields, "explain"]


def test_cli_starts_a_local_cluster_without_a_scheduler_address(corpus, tmp_path, synthetic_model):
    folder, _ = corpus
    model = tmp_path / "m.joblib"
    save(synthetic_model, model)
    out = tmp_path / "tags"
    result = CliRunner().invoke(
        main, ["predict", str(folder), "--model", str(model), "--engine", "dask", "--jobs", "1",
               "--format", "parquet", "--output", str(out)],
    )
    assert result.exit_code == 0, result.output
    rows = pd.read_parquet(out)
    assert len(rows) == len(single_process(synthetic_model, [str(folder)]))
    assert "tagged" in result.stderr and result.stdout == ""


def test_a_local_cluster_leaves_the_dashboard_port_to_the_users_own(corpus, tmp_path, synthetic_model):
    """A cluster of the user's own may hold 8787 (here the test holds it, if nothing else does)."""
    folder, _ = corpus
    with contextlib.ExitStack() as stack:
        holder = stack.enter_context(socket.socket())
        with contextlib.suppress(OSError):
            holder.bind(("127.0.0.1", 8787))
            holder.listen()
        caught = stack.enter_context(warnings.catch_warnings(record=True))
        warnings.simplefilter("always")
        count = tag_on_dask(synthetic_model, [str(folder)], str(tmp_path / "tags"), "jsonl", workers=1)
    assert not [w for w in caught if "already in use" in str(w.message)]
    assert count == len(single_process(synthetic_model, [str(folder)]))


@pytest.mark.parametrize(
    "inputs, fmt, prepare, error",
    [
        (["-"], "parquet", None, NoInputError),
        (None, "csv", None, OutputError),
        (None, "parquet", "occupied", OutputError),
    ],
)
def test_refusals(corpus, tmp_path, synthetic_model, inputs, fmt, prepare, error):
    folder, _ = corpus
    out = tmp_path / "out"
    if prepare == "occupied":
        out.mkdir()
        (out / "keep.txt").write_text("mine")
    with pytest.raises(error):
        tag_on_dask(synthetic_model, inputs or [str(folder)], str(out), fmt, scheduler="tcp://127.0.0.1:1")
    if prepare == "occupied":
        assert (out / "keep.txt").read_text() == "mine"


def test_a_missing_input_is_refused_before_any_task_starts(tmp_path, synthetic_model):
    out = tmp_path / "out"
    with pytest.raises(NoInputError, match="missing.txt: no such file"):
        tag_on_dask(synthetic_model, [str(tmp_path / "missing.txt")], str(out), "jsonl", scheduler="tcp://127.0.0.1:1")
    assert not out.exists()


def test_a_bad_input_is_one_error_from_the_client_not_a_worker_traceback(tmp_path, synthetic_model, capfd):
    """The local cluster's workers are started in the test, so their stderr is captured too."""
    table = tmp_path / "t.csv"
    table.write_text("a,b\n1,2\n", encoding="utf-8")
    with pytest.raises(DataError, match="t.csv:1: no column 'text'"):
        tag_on_dask(synthetic_model, [str(table)], str(tmp_path / "out"), "jsonl", workers=1)
    assert "Traceback" not in capfd.readouterr().err
    assert list((tmp_path / "out").iterdir()) == []  # the failed part is not left behind


def test_cli_dask_without_output_directory_is_a_usage_error(corpus, tmp_path, synthetic_model):
    folder, _ = corpus
    model = tmp_path / "m.joblib"
    save(synthetic_model, model)
    result = CliRunner().invoke(main, ["predict", str(folder), "--model", str(model), "--engine", "dask"])
    assert result.exit_code == 2
    assert "--output" in result.stderr
