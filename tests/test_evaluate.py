"""classifier.evaluate: metrics by hand, grouped cross-validation, evaluation and the report table."""

from __future__ import annotations

import json

import numpy as np
import pytest

import classifier.evaluate as evaluate_module
from classifier.data import LabeledData
from classifier.evaluate import cross_validate, evaluate, format_report, metrics
from classifier.tags import TAGS

from conftest import make_labeled

# Five sentences, three tags; worked out by hand below.
TRUTH = np.array([[1, 0, 0], [1, 1, 0], [0, 1, 0], [1, 0, 0], [0, 0, 0]])
PREDICTED = np.array([[1, 0, 0], [0, 1, 0], [1, 0, 0], [1, 0, 1], [0, 0, 0]])
HAND_TAGS = ("a", "b", "c")


def test_metrics_confusion_counts_by_hand():
    report = metrics(TRUTH, PREDICTED, HAND_TAGS)
    a, b, c = (report["tags"][t] for t in HAND_TAGS)
    assert (a["tp"], a["fp"], a["fn"], a["tn"]) == (2, 1, 1, 1)
    assert (b["tp"], b["fp"], b["fn"], b["tn"]) == (1, 0, 1, 3)
    assert (c["tp"], c["fp"], c["fn"], c["tn"]) == (0, 1, 0, 4)
    assert [a["support"], b["support"], c["support"]] == [3, 2, 0]
    assert report["sentences"] == 5


def test_metrics_scores_by_hand():
    report = metrics(TRUTH, PREDICTED, HAND_TAGS)
    a, b, c = (report["tags"][t] for t in HAND_TAGS)
    assert (a["precision"], a["recall"], a["f1"]) == pytest.approx((2 / 3, 2 / 3, 2 / 3))
    assert (b["precision"], b["recall"], b["f1"]) == pytest.approx((1.0, 0.5, 2 / 3))
    # c: one false positive and no true examples: precision 0/1, recall 0/0 -> 0
    assert (c["precision"], c["recall"], c["f1"]) == (0.0, 0.0, 0.0)
    assert report["macro_f1"] == pytest.approx((2 / 3 + 2 / 3 + 0) / 3)
    # micro: tp 3, fp 2, fn 2 -> precision 3/5, recall 3/5
    assert report["micro_f1"] == pytest.approx(0.6)


def test_metrics_agree_with_scikit_learn():
    from sklearn.metrics import f1_score, precision_score, recall_score

    report = metrics(TRUTH, PREDICTED, HAND_TAGS)
    kw = {"average": None, "zero_division": 0}
    assert [report["tags"][t]["f1"] for t in HAND_TAGS] == pytest.approx(list(f1_score(TRUTH, PREDICTED, **kw)))
    assert [report["tags"][t]["precision"] for t in HAND_TAGS] == pytest.approx(
        list(precision_score(TRUTH, PREDICTED, **kw)))
    assert [report["tags"][t]["recall"] for t in HAND_TAGS] == pytest.approx(
        list(recall_score(TRUTH, PREDICTED, **kw)))
    assert report["micro_f1"] == pytest.approx(f1_score(TRUTH, PREDICTED, average="micro", zero_division=0))


def test_metrics_zero_division_gives_zero():
    nothing = np.zeros((4, 2), dtype=int)
    report = metrics(nothing, nothing, ("x", "y"))
    for m in report["tags"].values():
        assert (m["precision"], m["recall"], m["f1"], m["support"]) == (0.0, 0.0, 0.0, 0)
        assert (m["tp"], m["fp"], m["fn"], m["tn"]) == (0, 0, 0, 4)
    assert report["macro_f1"] == 0.0 and report["micro_f1"] == 0.0


def test_metrics_with_no_predictions_has_zero_precision_and_recall():
    truth = np.array([[1], [1], [0]])
    report = metrics(truth, np.zeros_like(truth), ("x",))
    m = report["tags"]["x"]
    assert (m["precision"], m["recall"], m["f1"], m["fn"]) == (0.0, 0.0, 0.0, 2)


def test_metrics_without_tags_or_rows():
    assert metrics(np.zeros((3, 0)), np.zeros((3, 0)), ())["macro_f1"] == 0.0
    empty = metrics(np.zeros((0, 2)), np.zeros((0, 2)), ("x", "y"))
    assert empty["sentences"] == 0 and empty["micro_f1"] == 0.0


def test_metrics_report_is_plain_json():
    report = metrics(TRUTH, PREDICTED, HAND_TAGS)
    assert json.loads(json.dumps(report)) == report
    assert all(type(report["tags"]["a"][k]) is int for k in ("tp", "fp", "fn", "tn", "support"))


# --- cross-validation --------------------------------------------------------------------------


def test_cross_validate_report_structure_and_support(synthetic_data):
    report = cross_validate(synthetic_data, TAGS, seed=0, folds=5)
    assert set(report) == {"tags", "macro_f1", "micro_f1", "sentences", "scheme"}
    assert list(report["tags"]) == list(TAGS)
    counts = synthetic_data.counts()
    for tag, m in report["tags"].items():
        assert m["support"] == counts[tag]
        assert m["tp"] + m["fn"] == counts[tag]
        assert m["tp"] + m["fp"] + m["fn"] + m["tn"] == len(synthetic_data)
    assert report["sentences"] == len(synthetic_data) == 49
    assert report["scheme"] == "grouped 5-fold cross-validation over 7 articles"
    # each tag has a cue word shared by every article, so unseen articles are tagged well
    assert report["macro_f1"] >= 0.8


@pytest.mark.parametrize("folds, expected", [(3, 3), (10, 7)])
def test_cross_validate_never_uses_more_folds_than_articles(synthetic_data, folds, expected):
    report = cross_validate(synthetic_data, ("accusation",), folds=folds)
    assert report["scheme"] == f"grouped {expected}-fold cross-validation over 7 articles"
    assert list(report["tags"]) == ["accusation"]


def test_cross_validate_holds_out_whole_articles(synthetic_data, monkeypatch):
    real = evaluate_module.build_pipeline
    folds = []

    class Spy:
        def __init__(self, pipeline):
            self.pipeline = pipeline

        def fit(self, texts, Y, **params):
            folds.append({"train": list(texts), "groups": list(params["tags__groups"])})
            self.pipeline.fit(texts, Y, **params)
            return self

        def predict(self, texts):
            folds[-1]["test"] = list(texts)
            return self.pipeline.predict(texts)

    monkeypatch.setattr(evaluate_module, "build_pipeline", lambda tags, seed: Spy(real(tags, seed)))
    cross_validate(synthetic_data, TAGS, folds=4)

    group_of = dict(zip(synthetic_data.texts, synthetic_data.groups))
    assert len(folds) == 4
    tested = []
    for fold in folds:
        train_groups = {group_of[t] for t in fold["train"]}
        test_groups = {group_of[t] for t in fold["test"]}
        assert not train_groups & test_groups
        # the inner (threshold) cross-validation gets the article of each training sentence
        assert fold["groups"] == [group_of[t] for t in fold["train"]]
        assert len(fold["train"]) + len(fold["test"]) == len(synthetic_data)
        tested += fold["test"]
    assert sorted(tested) == sorted(synthetic_data.texts)  # every sentence scored exactly once


def test_cross_validate_with_tag_missing_from_some_training_folds():
    from conftest import synthetic_rows

    rows = [r for r in synthetic_rows() if "denial" not in r[1] or r[2] in ("article0", "article1")]
    data = make_labeled(rows)
    report = cross_validate(data, TAGS, folds=7)
    assert report["tags"]["denial"]["support"] == 2
    assert report["scheme"].endswith("over 7 articles")


# --- evaluate ----------------------------------------------------------------------------------


def test_evaluate_counts_match_the_models_predictions(synthetic_model):
    data = make_labeled()
    report = evaluate(synthetic_model, data)
    predictions = synthetic_model.predict(data.texts)
    for tag in synthetic_model.tags:
        truth = [tag in row for row in data.tags]
        guessed = [tag in p.tags for p in predictions]
        m = report["tags"][tag]
        assert m["tp"] == sum(t and g for t, g in zip(truth, guessed))
        assert m["fp"] == sum(g and not t for t, g in zip(truth, guessed))
        assert m["fn"] == sum(t and not g for t, g in zip(truth, guessed))
        assert m["support"] == sum(truth)
    assert report["scheme"] == "held-out evaluation on 49 sentences"
    assert report["macro_f1"] >= 0.9  # its own training data, with obvious cues


def test_evaluate_on_new_sentences(synthetic_model):
    data = LabeledData(
        texts=[
            "The police accused the militia of looting the depot.",
            "Twelve soldiers and 30 people were killed near the bridge.",
            "The council reopened the library on Monday.",
        ],
        tags=[frozenset({"accusation"}), frozenset({"casualty_report"}), frozenset()],
        groups=["x", "x", "y"], origins=["n:2", "n:3", "n:4"], files=[],
    )
    report = evaluate(synthetic_model, data)
    assert report["sentences"] == 3
    assert (report["tags"]["accusation"]["tp"], report["tags"]["casualty_report"]["tp"]) == (1, 1)
    assert report["tags"]["demand"]["support"] == 0


def test_evaluate_reports_only_the_models_tags(synthetic_data):
    from classifier.model import Model
    from classifier.pipeline import build_pipeline

    tags = ("denial", "demand")
    pipeline = build_pipeline(tags).fit(synthetic_data.texts, synthetic_data.indicator(tags), tags__groups=synthetic_data.groups)
    report = evaluate(Model(pipeline), synthetic_data)
    assert list(report["tags"]) == ["denial", "demand"]
    assert report["tags"]["denial"]["support"] == 7


def test_evaluate_on_no_sentences(synthetic_model):
    report = evaluate(synthetic_model, LabeledData())
    assert report["sentences"] == 0
    assert report["scheme"] == "held-out evaluation on 0 sentences"
    assert all(m["support"] == 0 and m["f1"] == 0.0 for m in report["tags"].values())


# --- format_report -----------------------------------------------------------------------------


def test_format_report_has_every_tag_and_the_f1_figures():
    report = metrics(TRUTH, PREDICTED, HAND_TAGS) | {"scheme": "hand-made example"}
    text = format_report(report)
    lines = text.splitlines()
    assert lines[0] == "hand-made example"
    assert len(lines) == 2 + len(HAND_TAGS) + 1
    rows = {line.split()[0]: line.split()[1:] for line in lines[2:-1]}
    assert set(rows) == set(HAND_TAGS)
    # precision recall f1 support tp fp fn tn
    assert rows["a"] == ["0.667", "0.667", "0.667", "3", "2", "1", "1", "1"]
    assert rows["c"] == ["0.000", "0.000", "0.000", "0", "0", "1", "0", "4"]
    assert "macro F1 0.444" in lines[-1]  # 4/9
    assert "micro F1 0.600" in lines[-1]


def test_format_report_of_a_cross_validation(synthetic_data):
    report = cross_validate(synthetic_data, ("accusation", "demand"), folds=3)
    text = format_report(report)
    assert report["scheme"] in text
    for tag in ("accusation", "demand"):
        assert any(line.startswith(tag) for line in text.splitlines())
    assert f"macro F1 {report['macro_f1']:.3f}" in text
