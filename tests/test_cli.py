"""The command line through click's CliRunner: stdout, stderr and exit codes apart."""

from __future__ import annotations

import csv
import json
import os
import random
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from classifier import __version__
from classifier.cli import main

ACTORS = ["the army", "the rebels", "the militia", "the ministry", "the police", "the council"]
TEMPLATES = {
    "accusation": "{a} accused {b} of shelling the village, officials said.",
    "denial": "{a} denied that it had attacked {b} and called the reports false.",
    "casualty_report": "At least {n} people were killed when {a} clashed with {b}.",
    "demand": "{a} called on {b} to withdraw its fighters and release prisoners.",
    "": "{a} held a meeting with {b} about the market on {n} May.",
}


def write_labeled(path: Path, rows: list[dict]) -> Path:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    return path


def synthetic_rows() -> list[dict]:
    rows = []
    for article in range(6):
        for tag, template in TEMPLATES.items():
            for k in range(2):
                a, b = ACTORS[(article + k) % 6], ACTORS[(article + k + 2) % 6]
                rows.append({
                    "id": f"{article}-{tag}-{k}", "article": f"art{article}",
                    "text": template.format(a=a.capitalize(), b=b, n=article * 7 + k + 3),
                    "labels": tag,
                })
    return rows


@pytest.fixture(scope="module")
def labeled(tmp_path_factory) -> Path:
    return write_labeled(tmp_path_factory.mktemp("data") / "labeled.csv", synthetic_rows())


@pytest.fixture(scope="module")
def model(tmp_path_factory, labeled) -> Path:
    path = tmp_path_factory.mktemp("model") / "m.joblib"
    result = CliRunner().invoke(main, ["train", str(labeled), "--out", str(path)])
    assert result.exit_code == 0, result.output
    return path


@pytest.fixture
def run():
    def invoke(*args, input=None, env=None):
        return CliRunner().invoke(main, [str(a) for a in args], input=input, env=env)
    return invoke


def assert_clean_error(result, code: int, *fragments: str) -> None:
    """A one-line message on stderr, the given exit code, and no traceback."""
    assert result.exit_code == code, (result.exit_code, result.stderr)
    assert isinstance(result.exception, SystemExit)
    error_lines = [line for line in result.stderr.splitlines() if line.startswith("Error:")]
    assert len(error_lines) == 1, result.stderr
    assert "Traceback" not in result.stderr
    for fragment in fragments:
        assert fragment in error_lines[0], (fragment, error_lines[0])


# --- general -----------------------------------------------------------------------------------

def test_version(run):
    result = run("--version")
    assert result.exit_code == 0
    assert result.stdout.strip() == f"claimtag, version {__version__}"


@pytest.mark.parametrize("command", [[], ["train"], ["predict"], ["evaluate"], ["info"]])
def test_every_command_has_help_with_an_example(run, command):
    result = run(*command, "--help")
    assert result.exit_code == 0
    assert "Example:" in result.stdout
    assert "claimtag" in result.stdout.split("Example:")[1]


def test_unknown_option_is_a_usage_error(run):
    result = run("predict", "--no-such-option")
    assert result.exit_code == 2
    assert "No such option" in result.stderr


# --- train -------------------------------------------------------------------------------------

def test_train_reports_grouped_cv_on_stderr_and_saves(run, labeled, tmp_path):
    out = tmp_path / "m.joblib"
    result = run("train", labeled, "--out", out)
    assert result.exit_code == 0, result.stderr
    assert result.stdout == ""
    assert "grouped 5-fold cross-validation over 6 articles" in result.stderr
    for tag in ("accusation", "denial", "casualty_report", "demand"):
        assert any(line.startswith(tag) for line in result.stderr.splitlines())
    assert "macro F1" in result.stderr
    assert out.is_file()


def test_train_refuses_to_overwrite_without_force(run, labeled, tmp_path):
    out = tmp_path / "m.joblib"
    out.write_bytes(b"an earlier model")
    result = run("train", labeled, "--out", out)
    assert_clean_error(result, 73, str(out), "--force")
    assert out.read_bytes() == b"an earlier model"
    assert run("train", labeled, "--out", out, "--force").exit_code == 0
    assert out.read_bytes() != b"an earlier model"


def test_train_with_renamed_columns_and_tag_subset(run, tmp_path):
    rows = [{"doc": r["article"], "sentence": r["text"], "tags": r["labels"]} for r in synthetic_rows()]
    data = write_labeled(tmp_path / "renamed.csv", rows)
    out = tmp_path / "m.joblib"
    result = run("train", data, "--out", out, "--text-col", "sentence", "--labels-col", "tags",
                 "--group-col", "doc", "--tags", "demand,denial")
    assert result.exit_code == 0, result.stderr
    info = json.loads(run("info", out, "--json").stdout)
    assert info["tags"] == ["demand", "denial"]


def test_train_unknown_tag_in_option_is_a_usage_error(run, labeled, tmp_path):
    result = run("train", labeled, "--out", tmp_path / "m.joblib", "--tags", "accusation,blame")
    assert result.exit_code == 2
    assert "blame" in result.stderr


@pytest.mark.parametrize(
    "content, code, fragments",
    [
        (None, 66, ["no such file"]),
        ("article,labels\na,accusation\n", 65, ["no column 'text'", "--text-col"]),
        ("article,text,labels\na,Hello there.,\nb,   ,accusation\n", 65, [":3:", "empty text"]),
        ("article,text,labels\na,Hello there.,accusations\n", 65, [":2:", "unknown tag 'accusations'"]),
        ("article,text,labels\na,Army shelled it.,accusation\nb,army  shelled it.,\n", 65,
         [":3:", "same text as", "bad.csv:2 but"]),
        ("", 66, ["no rows"]),
        ("article,text,labels\n\"a,unterminated\n", 65, ["malformed CSV"]),
    ],
    ids=["missing", "no-text-column", "empty-text", "unknown-tag", "contradiction", "empty-file",
         "malformed"],
)
def test_train_bad_data(run, tmp_path, content, code, fragments):
    data = tmp_path / "bad.csv"
    if content is not None:
        data.write_text(content, encoding="utf-8")
    out = tmp_path / "m.joblib"
    result = run("train", data, "--out", out)
    assert_clean_error(result, code, str(data), *fragments)
    assert not out.exists()


def test_train_tag_with_too_few_examples(run, tmp_path):
    rows = synthetic_rows()
    rows = [r for r in rows if r["labels"] != "denial"] + [
        {"id": "x", "article": "art9", "text": "The ministry denied it all.", "labels": "denial"}
    ]
    data = write_labeled(tmp_path / "few.csv", rows)
    result = run("train", data, "--out", tmp_path / "m.joblib")
    assert_clean_error(result, 65, "tag 'denial' has 1 of", "--tags")


def test_train_leaves_out_a_tag_absent_from_the_data_with_a_warning(run, tmp_path):
    rows = [r for r in synthetic_rows() if r["labels"] != "denial"]
    data = write_labeled(tmp_path / "nodenial.csv", rows)
    out = tmp_path / "m.joblib"
    result = run("train", data, "--out", out)
    assert result.exit_code == 0, result.stderr
    assert "no sentence is tagged 'denial'" in result.stderr
    assert "denial" not in json.loads(run("info", out, "--json").stdout)["tags"]


def test_train_jsonl_with_label_lists(run, tmp_path):
    data = tmp_path / "data.jsonl"
    data.write_text(
        "\n".join(json.dumps({"article": r["article"], "text": r["text"],
                              "labels": [r["labels"]] if r["labels"] else []})
                  for r in synthetic_rows()),
        encoding="utf-8",
    )
    result = run("train", data, "--out", tmp_path / "m.joblib")
    assert result.exit_code == 0, result.stderr


def test_train_bad_jsonl_line(run, tmp_path):
    data = tmp_path / "data.jsonl"
    data.write_text('{"text": "a", "labels": ""}\n{"text": oops}\n', encoding="utf-8")
    assert_clean_error(run("train", data, "--out", tmp_path / "m.joblib"), 65, f"{data}:2:", "not valid JSON")


# --- predict -----------------------------------------------------------------------------------

FIELDS = ["document", "id", "sentence", "start", "end", "text", "tags", "scores", "killed", "injured", "qualifier", "source"]


def jsonl(text: str) -> list[dict]:
    return [json.loads(line) for line in text.splitlines()]


def test_predict_directory_gives_one_json_row_per_sentence(run, model, tmp_path):
    docs = tmp_path / "docs"
    (docs / "sub").mkdir(parents=True)
    first = "Headline here\n\nThe army accused the rebels of shelling the village. Officials said so."
    (docs / "a.txt").write_text(first, encoding="utf-8")
    (docs / "sub" / "b.txt").write_text("At least 12 people were killed.", encoding="utf-8")
    (docs / "notes.md").write_text("not a text file to tag", encoding="utf-8")
    result = run("predict", "--model", model, docs)
    assert result.exit_code == 0, result.stderr
    rows = jsonl(result.stdout)
    assert [r["document"] for r in rows] == [str(docs / "a.txt")] * 3 + [str(docs / "sub" / "b.txt")]
    assert [r["sentence"] for r in rows] == [0, 1, 2, 0]
    for row in rows:
        assert list(row) == FIELDS
        source_text = Path(row["document"]).read_text(encoding="utf-8")
        assert source_text[row["start"]:row["end"]] == row["text"]
        assert set(row["scores"]) == {"accusation", "denial", "casualty_report", "demand"}
        assert all(row["scores"][t] >= 0 for t in row["tags"])
    assert "accusation" in rows[1]["tags"]
    assert "casualty_report" in rows[3]["tags"]
    assert "tagged 4 sentences" in result.stderr


def test_predict_reads_stdin_by_default_and_sentences_mode(run, model):
    text = "The militia called on the police to withdraw its fighters. It rained.\nSecond line.\n"
    segmented = jsonl(run("predict", "--model", model, input=text).stdout)
    per_line = jsonl(run("predict", "--model", model, "--sentences", input=text).stdout)
    assert [r["text"] for r in segmented] == [
        "The militia called on the police to withdraw its fighters.", "It rained.", "Second line."]
    assert [r["text"] for r in per_line] == [
        "The militia called on the police to withdraw its fighters. It rained.", "Second line."]
    assert all(r["document"] == "-" for r in segmented)
    assert "demand" in segmented[0]["tags"]


def test_predict_csv_output_file(run, model, tmp_path):
    doc = tmp_path / "a.txt"
    doc.write_text("The ministry denied that it had attacked the council. Nothing else.", encoding="utf-8")
    out = tmp_path / "out.csv"
    result = run("predict", "--model", model, doc, "--format", "csv", "--output", out)
    assert result.exit_code == 0, result.stderr
    assert result.stdout == ""
    with out.open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert len(rows) == 2
    assert list(rows[0])[:7] == ["document", "id", "sentence", "start", "end", "text", "tags"]
    assert "denial" in rows[0]["tags"].split("|")
    assert 0 <= float(rows[0]["scores.denial"]) <= 1
    assert [p.name for p in tmp_path.iterdir()] != [] and not list(tmp_path.glob(".*.tmp"))


def test_predict_failure_halfway_keeps_earlier_output(run, model, tmp_path):
    good = tmp_path / "good.txt"
    good.write_text("The army accused the rebels.", encoding="utf-8")
    out = tmp_path / "out.jsonl"
    out.write_text("earlier results\n", encoding="utf-8")
    result = run("predict", "--model", model, good, tmp_path / "missing.txt", "--output", out)
    assert_clean_error(result, 66, "missing.txt", "no such file")
    assert out.read_text(encoding="utf-8") == "earlier results\n"
    assert not list(tmp_path.glob(".*.tmp"))


def test_predict_bad_inputs(run, model, tmp_path):
    empty = tmp_path / "empty.txt"
    empty.write_text("  \n", encoding="utf-8")
    binary = tmp_path / "blob.txt"
    binary.write_bytes(b"line one\nline\x00two")
    assert_clean_error(run("predict", "--model", model, empty), 66, str(empty), "empty input")
    assert_clean_error(run("predict", "--model", model, binary), 65, f"{binary}:2:", "binary file")
    assert_clean_error(run("predict", "--model", model, input=""), 66, "-: empty input")


def test_predict_directory_skips_binary_and_empty_files_with_warnings(run, model, tmp_path):
    (tmp_path / "a.txt").write_text("The army accused the rebels.", encoding="utf-8")
    (tmp_path / "b.txt").write_bytes(b"\x00\x01\x02")
    (tmp_path / "c.txt").write_bytes(b"")
    result = run("predict", "--model", model, tmp_path)
    assert result.exit_code == 0, result.stderr
    assert len(jsonl(result.stdout)) == 1
    assert f"warning: {tmp_path / 'b.txt'}: skipped, binary file" in result.stderr
    assert f"warning: {tmp_path / 'c.txt'}: skipped, empty file" in result.stderr


def test_predict_decodes_non_utf8_with_a_stated_fallback(run, model, tmp_path):
    doc = tmp_path / "cp1252.txt"
    doc.write_bytes("First line.\n\x93Quoted\x94 words here.".encode("latin-1"))
    result = run("predict", "--model", model, doc)
    assert result.exit_code == 0
    assert f"{doc}:2: not valid UTF-8 (byte 0x93); decoded as windows-1252" in result.stderr
    assert jsonl(result.stdout)[1]["text"] == "“Quoted” words here."


def test_predict_default_model_from_environment(run, model):
    result = run("predict", "--sentences", input="At least 9 people were killed.",
                 env={"CLAIMTAG_MODEL": str(model)})
    assert result.exit_code == 0, result.stderr
    assert "casualty_report" in jsonl(result.stdout)[0]["tags"]


def test_bundled_default_model_tags_the_readme_example(run, monkeypatch):
    monkeypatch.delenv("CLAIMTAG_MODEL", raising=False)
    result = run("predict", "--sentences", input="Rebels accused the army of shelling the town.\n")
    assert result.exit_code == 0, result.stderr
    assert jsonl(result.stdout)[0]["tags"] == ["accusation"]


def test_predict_with_a_file_that_is_not_a_model(run, tmp_path):
    fake = tmp_path / "fake.joblib"
    fake.write_bytes(os.urandom(256))
    result = run("predict", "--model", fake, input="Some text.")
    assert_clean_error(result, 77, str(fake), "has no digest file fake.joblib.sha256", "--trust")
    result = run("predict", "--model", fake, "--trust", input="Some text.")
    assert_clean_error(result, 65, str(fake), "not a claimtag model")


def test_predict_table_format(run, model):
    result = run("predict", "--model", model, "--format", "table", input="The army accused the rebels of shelling the village.")
    lines = result.stdout.splitlines()
    assert lines[0].split() == ["document", "#", "tags", "text"]
    assert lines[1].split()[:3] == ["-", "0", "accusation"]
    assert lines[1].endswith("The army accused the rebels of shelling the village.")


# --- evaluate and info -------------------------------------------------------------------------

def test_evaluate_table_and_json(run, model, labeled, tmp_path):
    fresh = write_labeled(tmp_path / "fresh.csv", [
        {"text": "The council accused the army of shelling the market, residents said.", "labels": "accusation"},
        {"text": "At least 40 people were killed when the police clashed with the army.", "labels": "casualty_report"},
        {"text": "The army held a meeting with the council about roads.", "labels": ""},
    ])
    table = run("evaluate", fresh, "--model", model)
    assert table.exit_code == 0, table.stderr
    assert "macro F1" in table.stdout and "held-out evaluation on 3 sentences" in table.stdout
    report = json.loads(run("evaluate", fresh, "--model", model, "--json").stdout)
    assert report["tags"]["accusation"]["support"] == 1
    assert report["tags"]["casualty_report"]["support"] == 1
    assert set(report["tags"]["denial"]) >= {"precision", "recall", "f1", "support", "tp", "fp", "fn", "tn"}
    assert 0 <= report["macro_f1"] <= 1 and 0 <= report["micro_f1"] <= 1
    assert "trained on this file" in run("evaluate", labeled, "--model", model).stderr


def test_info_readable_and_json(run, model, labeled):
    readable = run("info", model)
    assert readable.exit_code == 0
    assert str(model) in readable.stdout and "threshold" in readable.stdout and "macro F1" in readable.stdout
    info = json.loads(run("info", model, "--json").stdout)
    assert info["tags"] == ["accusation", "denial", "casualty_report", "demand"]
    assert set(info["thresholds"]) == set(info["tags"])
    assert info["training_data"]["rows"] == len(synthetic_rows())
    assert info["training_data"]["files"][0]["path"] == str(labeled)
    assert len(info["training_data"]["sha256"]) == 64
    assert set(info["versions"]) == {"python", "scikit-learn", "numpy", "joblib", "claimtag"}
    assert info["cv"]["scheme"].startswith("grouped")
    assert info["created"]


def test_info_bad_artifacts(run, tmp_path):
    truncated = tmp_path / "truncated.joblib"
    truncated.write_bytes((Path(__file__).resolve().parents[1] / "models" / "default.joblib").read_bytes()[:500])
    assert_clean_error(run("info", truncated), 77, str(truncated), "has no digest file")
    assert_clean_error(run("info", truncated, "--trust"), 65, str(truncated), "not a claimtag model")
    assert_clean_error(run("info", tmp_path / "nope.joblib"), 66, "no such model file")


# --- convert and safe formats --------------------------------------------------------------------

def test_convert_joblib_to_skops_keeps_predictions(run, model, tmp_path):
    target = tmp_path / "m.skops"
    result = run("convert", model, target)
    assert result.exit_code == 0, result.stderr
    text = "The army accused the rebels of shelling the village.\nAt least 4 people were killed.\n"
    original = jsonl(run("predict", "--model", model, "--sentences", input=text).stdout)
    converted = jsonl(run("predict", "--model", target, "--sentences", input=text).stdout)
    assert converted == original
    info = json.loads(run("info", target, "--json").stdout)
    assert info["format"] == "skops" and info["verified"] == "types allowed"
    assert_clean_error(run("convert", model, target), 73, str(target), "--force")


def test_train_format_skops(run, labeled, tmp_path):
    out = tmp_path / "m.model"
    assert run("train", labeled, "--out", out, "--format", "skops").exit_code == 0
    assert json.loads(run("info", out, "--json").stdout)["format"] == "skops"
    assert not (tmp_path / "m.model.sha256").exists()


def test_info_shows_the_digest_check(run, model):
    readable = run("info", model).stdout
    assert "format     joblib, sha256 " in readable
    assert f"sha256 matches {model.name}.sha256" in readable


def test_ctrl_c_during_predict_exits_130_and_resume_goes_on_from_the_finished_documents(run, model, tmp_path, monkeypatch):
    from classifier.writers import Output

    docs = tmp_path / "docs"
    docs.mkdir()
    for i in range(4):
        (docs / f"{i}.txt").write_text(f"At least {i} people were killed. The army denied it.", encoding="utf-8")
    write = Output.write_rendered

    def interrupted_at_the_third(self, document, chunk):
        if self.count == 4:  # two documents of two sentences written
            raise KeyboardInterrupt  # as Ctrl-C does
        write(self, document, chunk)

    monkeypatch.setattr(Output, "write_rendered", interrupted_at_the_third)
    out = tmp_path / "tags.jsonl"
    assert_clean_error(run("predict", "--model", model, docs, "-o", out), 130, "interrupted", "add --resume")
    assert not out.exists()
    to_stdout = run("predict", "--model", model, docs)
    assert_clean_error(to_stdout, 130, "interrupted")
    assert "--resume" not in to_stdout.stderr  # standard output cannot be resumed
    monkeypatch.undo()
    resumed = run("predict", "--model", model, docs, "-o", out, "--resume")
    assert "resuming: 2 documents were done already" in resumed.stderr
    assert jsonl(out.read_text(encoding="utf-8")) == jsonl(run("predict", "--model", model, docs).stdout)


# --- crash safety: SIGKILL at random points ------------------------------------------------------

def claimtag_process(*args) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "classifier", "-q", *map(str, args)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def killed_at_random_points(args, delays):
    """Start the command once per delay and SIGKILL it after that many seconds; returns how
    many runs were really cut off (the others finished first)."""
    cut = 0
    for delay in delays:
        process = claimtag_process(*args)
        try:
            process.wait(timeout=delay)
        except subprocess.TimeoutExpired:
            process.send_signal(signal.SIGKILL)
            process.wait()
            cut += 1
    return cut


def test_sigkill_during_train_leaves_the_previous_model_loadable(run, labeled, model, tmp_path):
    from classifier.artifact import load

    big = write_labeled(tmp_path / "big.csv", [
        dict(row, article=f"{row['article']}-{copy}", text=f"{row['text']} Copy {copy} of it.")
        for copy in range(60) for row in synthetic_rows()
    ])
    out = tmp_path / "m.joblib"
    assert run("train", labeled, "--out", out).exit_code == 0
    before = load(out).scores(["The army accused the rebels."])
    # Training this takes about 2.7 s here, most of it before the model is written.
    delays = random.Random(5).sample([x / 20 for x in range(6, 44)], 6)
    assert killed_at_random_points(["train", big, "--out", out, "--force"], delays) >= 4
    survivor = load(out)  # verified against its digest: old or new, never half of one
    assert survivor.scores(["The army accused the rebels."]).shape == before.shape
    assert sorted(p.name for p in tmp_path.iterdir() if not p.name.startswith(".")) == [
        "big.csv", "m.joblib", "m.joblib.sha256"]


def test_sigkill_during_predict_keeps_earlier_output_and_resume_completes_it(run, model, tmp_path):
    docs = tmp_path / "docs"
    docs.mkdir()
    for number in range(150):
        (docs / f"{number:03d}.txt").write_text(
            " ".join(TEMPLATES[tag].format(a="The army", b="the rebels", n=number) for tag in TEMPLATES) * 20,
            encoding="utf-8")
    reference = tmp_path / "reference.jsonl"
    assert run("predict", "--model", model, docs, "--output", reference).exit_code == 0
    out = tmp_path / "out.jsonl"
    out.write_text("an earlier complete output\n", encoding="utf-8")
    delays = random.Random(7).sample([x / 10 for x in range(12, 30)], 5)
    cut = killed_at_random_points(["predict", "--model", model, docs, "--output", out, "--resume"], delays)
    if out.read_text(encoding="utf-8") == "an earlier complete output\n":
        assert cut == len(delays)  # every run was killed before it finished
        assert (tmp_path / ".out.jsonl.partial").exists()
    result = run("predict", "--model", model, docs, "--output", out, "--resume")
    assert result.exit_code == 0, result.stderr
    assert out.read_bytes() == reference.read_bytes()  # no source duplicated or skipped
    assert not list(tmp_path.glob(".out.jsonl.partial*"))


# --- determinism ---------------------------------------------------------------------------------

def test_same_data_and_seed_give_byte_identical_scores_across_runs_and_jobs(run, labeled, tmp_path):
    docs = tmp_path / "docs"
    docs.mkdir()
    for number in range(40):
        (docs / f"{number:02d}.txt").write_text(
            f"{TEMPLATES['accusation'].format(a='The army', b='the rebels', n=number)} "
            f"{TEMPLATES['casualty_report'].format(a='The army', b='the rebels', n=number)}",
            encoding="utf-8")
    outputs = []
    for name, jobs in (("first", 1), ("second", 1), ("third", 2)):
        model = tmp_path / f"{name}.joblib"
        assert run("train", labeled, "--out", model, "--seed", 3).exit_code == 0
        result = run("predict", "--model", model, docs, "--jobs", jobs)
        assert result.exit_code == 0, result.stderr
        outputs.append(result.stdout_bytes)
    assert len(outputs[0].splitlines()) == 80
    assert outputs[0] == outputs[1] == outputs[2]


# --- tagging a few sentences loads only what they need -------------------------------------------

FOOTPRINT = """
import json, sys
from classifier.cli import main
from classifier import figures
try:
    main(["-q", "predict", "--model", *sys.argv[1:]], standalone_mode=False)
finally:
    print(json.dumps({"modules": sorted(m for m in ("sklearn", "pyarrow", "pandas") if m in sys.modules),
                      "compiled": figures._pattern.cache_info().currsize, "patterns": len(figures._PATTERNS)}),
          file=sys.stderr)
"""


def test_tagging_one_sentence_imports_neither_scikit_learn_nor_arrow_nor_every_figure_rule(model, tmp_path):
    # Each of them costs a noticeable part of a second at start-up, and one sentence needs none.
    text = tmp_path / "one.txt"
    text.write_text("At least 12 people were killed when the army shelled the town.\n", encoding="utf-8")
    result = subprocess.run([sys.executable, "-c", FOOTPRINT, str(model), "--sentences", str(text)],
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    row = json.loads(result.stdout)
    assert row["killed"] == 12 and "casualty_report" in row["tags"]
    footprint = json.loads(result.stderr.strip().splitlines()[-1])
    assert footprint["modules"] == []
    assert 0 < footprint["compiled"] < footprint["patterns"]


def test_tagging_a_corpus_uses_arrow_but_does_not_import_pandas(model, tmp_path):
    # pyarrow.array and friends import pandas (a third of a second); the rows are made without them.
    corpus = tmp_path / "corpus.txt"
    sentences = [f"{template.format(n=n)}" for n in range(1500) for template in (
        "The army accused the rebels of shelling the town {n} times.", "At least {n} people were killed.")]
    corpus.write_text(" ".join(sentences) + "\n", encoding="utf-8")
    out = tmp_path / "rows.jsonl"
    result = subprocess.run([sys.executable, "-c", FOOTPRINT, str(model), str(corpus), "-o", str(out)],
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stderr.strip().splitlines()[-1])["modules"] == ["pyarrow"]
    rows = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert [row["text"] for row in rows] == sentences
    assert rows[3]["killed"] == 1 and "accusation" in rows[2]["tags"]
