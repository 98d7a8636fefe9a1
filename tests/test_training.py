"""classifier.training: train() from labeled rows or files, its metadata, and its refusals."""

from __future__ import annotations

import csv
import hashlib
import logging
from datetime import datetime, timezone

import numpy as np
import pytest
import sklearn

from classifier import __version__
from classifier.errors import DataError
from classifier.model import Model
from classifier.tags import TAGS, format_tags
from classifier.training import train, trainable_tags

from conftest import make_labeled, synthetic_rows

ACCUSATION = "The rebels accused the army of shelling the hospital."


def write_csv(path, rows, text_col="text", labels_col="labels", group_col="article"):
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["id", group_col, text_col, labels_col])
        for i, (text, tags, group) in enumerate(rows):
            writer.writerow([i, group, text, format_tags(tags)])
    return path


def warnings_of(caplog):
    return [r.getMessage() for r in caplog.records if r.name == "claimtag" and r.levelno == logging.WARNING]


def test_train_returns_a_model_with_full_metadata(synthetic_model):
    model = synthetic_model
    assert isinstance(model, Model)
    meta = model.metadata
    assert set(meta) == {"tags", "thresholds", "seed", "training_data", "cv", "created", "versions"}
    assert meta["tags"] == list(TAGS) == model.tags
    assert meta["thresholds"] == model.thresholds
    assert meta["seed"] == 0
    training = meta["training_data"]
    assert set(training) == {"sha256", "files", "rows", "articles", "counts"}
    assert training["rows"] == 49
    assert training["articles"] == 7
    assert training["counts"] == {
        "accusation": 14, "denial": 7, "casualty_report": 7, "demand": 7, "other": 14,
    }
    assert training["files"] == []
    assert training["sha256"] == hashlib.sha256().hexdigest()  # digest of no files
    assert meta["cv"]["scheme"] == "grouped 5-fold cross-validation over 7 articles"
    assert set(meta["cv"]["tags"]) == set(TAGS)
    created = datetime.fromisoformat(meta["created"])
    assert created.utcoffset() == timezone.utc.utcoffset(None)
    assert abs((datetime.now(timezone.utc) - created).total_seconds()) < 3600
    assert meta["versions"]["scikit-learn"] == sklearn.__version__
    assert meta["versions"]["claimtag"] == __version__
    assert {"python", "numpy", "joblib"} <= set(meta["versions"])


def test_trained_model_tags_the_cues(synthetic_model):
    accusation, neutral = synthetic_model.predict([ACCUSATION, "The library in the town reopened on Monday."])
    assert accusation.tags == ("accusation",)
    assert neutral.tags == ()


def test_train_from_csv_paths(tmp_path):
    path = write_csv(tmp_path / "synthetic_data.csv", synthetic_rows())
    model = train([path], seed=1)
    training = model.metadata["training_data"]
    file_digest = hashlib.sha256(path.read_bytes()).hexdigest()
    assert training["files"] == [{"path": str(path), "sha256": file_digest, "rows": 49}]
    assert training["sha256"] == hashlib.sha256(bytes.fromhex(file_digest)).hexdigest()
    assert training["rows"] == 49 and training["articles"] == 7
    assert model.metadata["seed"] == 1
    assert model.predict([ACCUSATION])[0].tags == ("accusation",)


def test_train_from_several_csv_files_with_other_column_names(tmp_path):
    rows = synthetic_rows()
    names = {"text_col": "sentence", "labels_col": "gold", "group_col": "doc"}
    first = write_csv(tmp_path / "one.csv", rows[:21], **names)
    second = write_csv(tmp_path / "two.csv", rows[21:], **names)
    model = train([first, second], **names)
    training = model.metadata["training_data"]
    assert [f["rows"] for f in training["files"]] == [21, 28]
    assert training["articles"] == 7
    assert model.tags == list(TAGS)


def test_train_is_the_same_as_from_labeled_data(tmp_path, synthetic_model):
    path = write_csv(tmp_path / "synthetic_data.csv", synthetic_rows())
    from_file = train([path], seed=0)
    texts = make_labeled().texts + [ACCUSATION]
    np.testing.assert_array_equal(from_file.scores(texts), synthetic_model.scores(texts))


def test_the_same_seed_gives_the_same_model():
    first = train(make_labeled(), seed=4)
    second = train(make_labeled(), seed=4)
    texts = make_labeled().texts + [ACCUSATION]
    np.testing.assert_array_equal(first.scores(texts), second.scores(texts))
    assert first.thresholds == second.thresholds
    assert first.metadata["cv"] == second.metadata["cv"]
    assert first.metadata["seed"] == 4


def test_folds_are_passed_to_cross_validation(synthetic_data):
    assert train(synthetic_data, folds=3).metadata["cv"]["scheme"].startswith("grouped 3-fold")


def test_requested_tags_are_learned_in_the_requested_order(synthetic_data, claimtag_log):
    model = train(synthetic_data, tags=["demand", "accusation"])
    assert model.tags == ["demand", "accusation"]
    assert list(model.metadata["cv"]["tags"]) == ["demand", "accusation"]
    assert warnings_of(claimtag_log) == []  # the tags left out were left out on purpose


def test_tags_absent_from_the_data_are_left_out_with_a_warning(claimtag_log):
    rows = [r for r in synthetic_rows() if "demand" not in r[1]]
    model = train(make_labeled(rows))
    assert model.tags == ["accusation", "denial", "casualty_report"]
    warnings = warnings_of(claimtag_log)
    assert len(warnings) == 1
    assert "'demand'" in warnings[0] and "will not learn" in warnings[0]


@pytest.mark.parametrize("examples", [0, 1])
def test_a_requested_tag_with_too_few_examples_is_refused(examples, claimtag_log):
    rows = [r for r in synthetic_rows() if "demand" not in r[1]]
    rows += [(f"The army called on the rebels to leave town {i}.", frozenset({"demand"}), "article0")
             for i in range(examples)]
    with pytest.raises(DataError) as error:
        train(make_labeled(rows), tags=["accusation", "demand"])
    assert error.value.exit_code == 65
    message = error.value.message
    assert "'demand'" in message and "--tags" in message
    assert f"has {examples} of {len(rows)}" in message
    assert "\n" not in message


def test_a_single_example_is_refused_even_when_tags_are_not_requested():
    rows = [r for r in synthetic_rows() if "demand" not in r[1]]
    rows.append(("The army called on the rebels to leave.", frozenset({"demand"}), "article3"))
    with pytest.raises(DataError, match="'demand'.*--tags"):
        train(make_labeled(rows))


def test_a_tag_on_almost_every_sentence_is_refused():
    rows = [(f"Group {g} accused the others of attack number {i}.", frozenset({"accusation"}), f"a{g}")
            for g in range(3) for i in range(3)]
    rows.append(("The market reopened.", frozenset(), "a0"))  # only one sentence without the tag
    with pytest.raises(DataError, match="'accusation'.*at least 2 with and 2 without"):
        train(make_labeled(rows), tags=["accusation"])


def test_all_rows_from_one_article_is_refused():
    rows = [(text, tags, "only-article") for text, tags, _ in synthetic_rows()]
    with pytest.raises(DataError) as error:
        train(make_labeled(rows))
    assert error.value.exit_code == 65
    assert "one article" in error.value.message


def test_data_without_any_tag_is_refused():
    rows = [(text, frozenset(), group) for text, _, group in synthetic_rows()]
    with pytest.raises(DataError, match="nothing to learn"):
        train(make_labeled(rows))


def test_refusal_names_the_training_files(tmp_path):
    rows = [(text, tags, "only-article") for text, tags, _ in synthetic_rows()]
    path = write_csv(tmp_path / "single.csv", rows)
    with pytest.raises(DataError) as error:
        train([path])
    assert error.value.message.startswith(str(path))


def test_a_tag_from_a_single_article_is_learned_with_a_warning(claimtag_log):
    rows = [r for r in synthetic_rows() if "demand" not in r[1] or r[2] == "article2"]
    rows.append(("The brigade called on the guards to release the prisoners.", frozenset({"demand"}), "article2"))
    model = train(make_labeled(rows))
    assert "demand" in model.tags
    warnings = warnings_of(claimtag_log)
    assert len(warnings) == 1
    assert "'demand'" in warnings[0] and "one article" in warnings[0] and "all 2" in warnings[0]


def test_trainable_tags_leaves_the_data_alone(synthetic_data, claimtag_log):
    assert trainable_tags(synthetic_data, None) == list(TAGS)
    assert trainable_tags(synthetic_data, ("denial",)) == ["denial"]
    assert warnings_of(claimtag_log) == []


def test_an_unknown_requested_tag_is_a_data_error(synthetic_data):
    with pytest.raises(DataError, match="bogus"):
        train(synthetic_data, tags=["accusation", "bogus"])
