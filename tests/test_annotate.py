"""classifier.annotate: documents to one output row per sentence, with offsets and scores."""

from __future__ import annotations

import json

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
    """What a test renderer returns: which process tagged the rows, and the rows."""
    import os

    from classifier.writers import rows_of

    return os.getpid(), rows_of(columns)


def test_parallel_tagging_shares_batches_between_this_process_and_the_workers_in_input_order(
        synthetic_model, tmp_path, monkeypatch):
    import os

    import classifier.annotate as annotate
    from classifier.artifact import load, save

    model = load(save(synthetic_model, tmp_path / "m.joblib"))  # the workers load it from its file
    documents = [Document(f"doc{i}.txt", f"Rebels accused the army of shelling town {i}. "
                          f"At least {i} people were killed. Markets reopened.") for i in range(60)]
    monkeypatch.setattr(annotate, "PARALLEL_BATCH_CHARS", 1)  # a batch a document
    temporary = tmp_path / "temporary"
    temporary.mkdir()
    monkeypatch.setattr(annotate.tempfile, "tempdir", str(temporary))  # where results are spooled
    expected = [(d.source, rows) for d, rows in annotate.tag_in_parallel(model, documents, jobs=1)]
    got = list(annotate.tag_in_parallel(model, documents, jobs=2, render=render_where))
    assert [(d.source, rows) for d, (_, rows) in got] == expected
    where = {pid for _, (pid, _) in got}
    assert os.getpid() in where and len(where) == 2  # this process tagged some batches, a worker the rest
    assert not list(temporary.iterdir())  # the spooled results are gone

    stopped = annotate.tag_in_parallel(model, documents, jobs=2)
    assert next(stopped)[0] == documents[0]
    assert list(temporary.iterdir())  # spooling
    stopped.close()  # as when writing the output fails
    assert not list(temporary.iterdir())

