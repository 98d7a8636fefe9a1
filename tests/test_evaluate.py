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


# --- random rows apart, learning curve (appended) ----------------------------------------------

import csv  # noqa: E402

from click.testing import CliRunner  # noqa: E402

from classifier.cli import main  # noqa: E402
from classifier.evaluate import format_learning_curve, learning_curve, plot_learning_curve  # noqa: E402

from conftest import synthetic_rows  # noqa: E402

CURVE_TAGS = ("accusation", "denial", "casualty_report", "demand")


def with_via(data: LabeledData, random_rows) -> LabeledData:
    data.via = ["random" if i in random_rows else "uncertainty" for i in range(len(data))]
    return data


def test_cross_validate_scores_the_random_rows_apart(synthetic_data):
    random_rows = set(range(0, len(synthetic_data), 3))
    data = with_via(synthetic_data, random_rows)
    data.via[1] = "random+match"  # drawn at random among regex matches: not a sample of the pool
    report = cross_validate(data, CURVE_TAGS, folds=3)
    part = report["random"]
    assert part["sentences"] == len(random_rows) == 17
    assert str(len(random_rows)) in part["scheme"]
    for tag in CURVE_TAGS:
        whole, sub = report["tags"][tag], part["tags"][tag]
        assert sub["tp"] + sub["fp"] + sub["fn"] + sub["tn"] == len(random_rows)
        assert all(sub[k] <= whole[k] for k in ("tp", "fp", "fn", "tn", "support"))
        assert sub["support"] == sum(tag in data.tags[i] for i in random_rows)
    assert 0 <= part["macro_f1"] <= 1
    text = format_report(report)
    assert part["scheme"] in text and text.count("macro F1") == 2


@pytest.mark.parametrize("vias", ["none", "all", "empty"])
def test_cross_validate_has_no_random_part_unless_some_rows_are_random(synthetic_data, vias):
    n = len(synthetic_data)
    synthetic_data.via = {"none": ["uncertainty"] * n, "all": ["random"] * n, "empty": [""] * n}[vias]
    report = cross_validate(synthetic_data, ("accusation", "demand"), folds=3)
    assert "random" not in report
    assert report["sentences"] == n
    assert format_report(report).count("macro F1") == 1


def test_learning_curve_one_point_per_share(synthetic_data):
    shares = (0.2, 0.5, 1.0)
    points = learning_curve(synthetic_data, CURVE_TAGS, folds=3, shares=shares)
    assert [p["share"] for p in points] == list(shares)
    sizes = [p["sentences"] for p in points]
    assert sizes == sorted(sizes) and sizes[0] > 0  # equal when a small share rounds to the same articles
    assert sizes[-1] <= len(synthetic_data)
    for p in points:
        assert 0 <= p["macro_f1"] <= 1
        assert set(p["f1"]) == set(CURVE_TAGS) and all(0 <= f <= 1 for f in p["f1"].values())
        assert p["macro_f1"] == pytest.approx(np.mean(list(p["f1"].values())))
    full = cross_validate(synthetic_data, CURVE_TAGS, folds=3)
    assert points[-1]["macro_f1"] == pytest.approx(full["macro_f1"])  # all of it = plain CV


def test_learning_curve_is_reproducible_by_seed(synthetic_data):
    first = learning_curve(synthetic_data, CURVE_TAGS, seed=4, folds=3, shares=(0.35,))
    again = learning_curve(synthetic_data, CURVE_TAGS, seed=4, folds=3, shares=(0.35,))
    assert first == again


def test_learning_curve_sentences_is_the_training_size_used(synthetic_data, monkeypatch):
    real = evaluate_module.build_pipeline
    sizes = []

    def recording(tags, seed):
        pipeline = real(tags, seed)
        fit = pipeline.fit

        def fit_and_count(texts, *args, **kwargs):
            sizes.append(len(texts))
            return fit(texts, *args, **kwargs)

        pipeline.fit = fit_and_count
        return pipeline

    monkeypatch.setattr(evaluate_module, "build_pipeline", recording)
    (point,) = learning_curve(synthetic_data, CURVE_TAGS, folds=3, shares=(0.1,))
    used = np.mean(sizes)
    assert abs(point["sentences"] - used) <= 0.25 * used, (point["sentences"], sizes)


def fake_points():
    return [
        {"share": share, "sentences": size, "macro_f1": f1, "f1": {"accusation": f1, "casualty_report": f1 / 2}}
        for share, size, f1 in [(0.1, 12, 0.25), (0.5, 60, 0.5), (1.0, 120, 0.875)]
    ]


def test_format_learning_curve_header_and_one_line_per_point():
    lines = format_learning_curve(fake_points()).splitlines()
    assert len(lines) == 4
    header = lines[0].split()
    assert header[:5] == ["share", "sentences", "macro", "F1", "accusation"]
    assert len(header) == 6 and "casualty_report".startswith(header[5])  # names cut to 14 characters
    assert lines[1].split() == ["10%", "12", "0.250", "0.250", "0.125"]
    assert lines[3].split() == ["100%", "120", "0.875", "0.875", "0.438"]
    assert len(format_learning_curve([]).splitlines()) == 1


def test_plot_learning_curve_writes_a_png_and_no_temporary_file(tmp_path):
    out = tmp_path / "curve.png"
    plot_learning_curve(fake_points(), str(out))
    data = out.read_bytes()
    assert data.startswith(b"\x89PNG\r\n\x1a\n") and len(data) > 1000
    assert [p.name for p in tmp_path.iterdir()] == ["curve.png"]
    plot_learning_curve(fake_points()[:2], str(out))  # replaces it
    assert out.read_bytes() != data and [p.name for p in tmp_path.iterdir()] == ["curve.png"]


def write_synthetic_csv(path, via: bool):
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["article", "text", "labels"] + (["via"] if via else []))
        for i, (text, tags, group) in enumerate(synthetic_rows()):
            extra = ["random" if i % 4 == 0 else "uncertainty"] if via else []
            writer.writerow([group, text, "|".join(sorted(tags))] + extra)
    return path


def test_cli_evaluate_learning_curve_prints_both_tables_and_writes_the_png(tmp_path):
    data = write_synthetic_csv(tmp_path / "labeled.csv", via=False)
    png = tmp_path / "out.png"
    result = CliRunner().invoke(main, ["evaluate", str(data), "--learning-curve", str(png), "--folds", "3"])
    assert result.exit_code == 0, result.stderr
    out = result.stdout
    assert "grouped 3-fold cross-validation over 7 articles" in out
    assert out.count("macro F1") == 2  # the CV summary line and the curve's header
    table = out.split("learning curve\n", 1)[1].strip().splitlines()
    assert table[0].split()[:4] == ["share", "sentences", "macro", "F1"]
    assert [line.split()[0] for line in table[1:]] == ["10%", "20%", "35%", "50%", "75%", "100%"]
    assert png.read_bytes().startswith(b"\x89PNG")
    assert "saved the learning curve plot" in result.stderr and "share" not in result.stderr


def test_cli_evaluate_cv_json_has_the_random_part_with_a_via_column(tmp_path):
    data = write_synthetic_csv(tmp_path / "labeled.csv", via=True)
    result = CliRunner().invoke(main, ["evaluate", str(data), "--cv", "--json", "--folds", "3"])
    assert result.exit_code == 0, result.stderr
    report = json.loads(result.stdout)
    assert report["sentences"] == 49
    assert report["random"]["sentences"] == len(range(0, 49, 4)) == 13
    assert "learning_curve" not in report
    plain = CliRunner().invoke(
        main, ["evaluate", str(write_synthetic_csv(tmp_path / "plain.csv", via=False)), "--cv", "--json", "--folds", "3"]
    )
    assert plain.exit_code == 0, plain.stderr
    assert "random" not in json.loads(plain.stdout)
