"""classifier.explain and the `explain` command / `predict --explain`: why a sentence got its tags."""

from __future__ import annotations

import json
import math

import pytest
from click.testing import CliRunner

from classifier.cli import main
from classifier.errors import ClaimtagError
from classifier.explain import TagExplanation, explain, format_explanation
from classifier.model import Model
from classifier.pipeline import build_pipeline
from classifier.tags import TAGS

from conftest import make_labeled

ACCUSATION = "The rebels accused the army of shelling the hospital."
SENTENCES = [
    ACCUSATION,
    "At least 40 people were killed in the town on Friday.",
    "The ministry denied that the police attacked the town and rejected the reports.",
    "The guards called on the militia to withdraw from the town immediately.",
    "The market in Homs reopened on Monday after repairs.",
    "accused accused accused the the army\nof shelling",
    "",
]
UNKNOWN = "Zyxwv qwerty plonk frobnicate 😀"
ALL = 10**6


def logit(p: float) -> float:
    return math.log(p) - math.log1p(-p)


def sigmoid(x: float) -> float:
    return 1.0 / (1.0 + math.exp(-x))


@pytest.fixture(scope="module")
def model_path(synthetic_model, tmp_path_factory):
    from classifier.artifact import save

    return save(synthetic_model, tmp_path_factory.mktemp("explain") / "m.joblib")


def invoke(*args, input=None):
    return CliRunner().invoke(main, [str(a) for a in args], input=input)


# --- explain() -------------------------------------------------------------------------------------


def test_one_explanation_per_text_with_every_tag(synthetic_model):
    explanations = explain(synthetic_model, SENTENCES, 3)
    assert len(explanations) == len(SENTENCES)
    for per_tag in explanations:
        assert list(per_tag) == list(TAGS)
        for tag, e in per_tag.items():
            assert isinstance(e, TagExplanation) and e.tag == tag


def test_baseline_plus_all_contributions_is_the_log_odds_of_the_score(synthetic_model):
    explanations = explain(synthetic_model, SENTENCES, ALL)
    scores = synthetic_model.scores(SENTENCES)
    for i, per_tag in enumerate(explanations):
        for j, (tag, e) in enumerate(per_tag.items()):
            assert e.score == pytest.approx(scores[i, j], abs=1e-12)
            total = e.baseline + sum(v for _, v in e.up) + sum(v for _, v in e.down)
            assert total == pytest.approx(logit(e.score), abs=1e-9), (SENTENCES[i], tag)


def test_the_score_matches_the_pipeline_and_the_baseline_its_intercept(synthetic_model):
    explanations = explain(synthetic_model, SENTENCES, 2)
    proba = synthetic_model.pipeline.predict_proba(SENTENCES)
    estimators = synthetic_model.pipeline[-1].estimators_
    for i, per_tag in enumerate(explanations):
        for j, e in enumerate(per_tag.values()):
            assert e.score == pytest.approx(proba[i, j], abs=1e-9)
            assert e.baseline == pytest.approx(estimators[j].intercept_[0], abs=1e-12)
            assert e.threshold == pytest.approx(synthetic_model.pipeline[-1].thresholds_[j])


@pytest.mark.parametrize("top", [1, 2, 3, ALL])
def test_up_is_positive_descending_down_negative_ascending_at_most_top(synthetic_model, top):
    explanations = explain(synthetic_model, SENTENCES, top)
    everything = explain(synthetic_model, SENTENCES, ALL)
    for per_tag, full in zip(explanations, everything):
        for tag, e in per_tag.items():
            ups, downs = [v for _, v in e.up], [v for _, v in e.down]
            assert len(ups) <= top and len(downs) <= top
            assert all(v > 0 for v in ups) and all(v < 0 for v in downs)
            assert ups == sorted(ups, reverse=True)
            assert downs == sorted(downs)  # most negative first
            # the top ones are the largest of all
            assert ups == [v for _, v in full[tag].up[:top]]
            assert downs == [v for _, v in full[tag].down[:top]]
            assert all(isinstance(g, str) and g for g, _ in e.up + e.down)


def test_the_obvious_accusation_is_pushed_up_by_accused(synthetic_model):
    e = explain(synthetic_model, [ACCUSATION], 5)[0]["accusation"]
    assert e.tagged
    assert "accused" in [gram for gram, _ in e.up]
    assert "accused" not in [gram for gram, _ in e.down]
    denial = explain(synthetic_model, ["The ministry denied the reports."], 5)[0]["denial"]
    assert "denied" in [gram for gram, _ in denial.up]


def test_grams_are_words_and_word_pairs_of_the_text(synthetic_model):
    text = "The army accused the rebels of shelling Aleppo."
    words = text.lower().rstrip(".").split()
    pairs = {f"{a} {b}" for a, b in zip(words, words[1:])}
    for e in explain(synthetic_model, [text], ALL)[0].values():
        for gram, _ in e.up + e.down:
            assert gram in words or gram in pairs, gram


def test_tagged_is_score_at_or_above_threshold(synthetic_model):
    explanations = explain(synthetic_model, SENTENCES, 1)
    predictions = synthetic_model.predict(SENTENCES)
    seen = set()
    for per_tag, prediction in zip(explanations, predictions):
        for tag, e in per_tag.items():
            assert e.tagged == (e.score >= e.threshold)
            assert e.tagged == (tag in prediction.tags)
            seen.add(e.tagged)
    assert seen == {True, False}
    on = TagExplanation("t", score=0.5, threshold=0.5, baseline=0.0)
    off = TagExplanation("t", score=0.4999, threshold=0.5, baseline=0.0)
    assert on.tagged and not off.tagged


def test_a_text_with_no_known_words_is_its_baseline(synthetic_model):
    for text in [UNKNOWN, "", "!!! ..."]:
        for e in explain(synthetic_model, [text], ALL)[0].values():
            assert e.up == [] and e.down == []
            assert e.score == pytest.approx(sigmoid(e.baseline), abs=1e-12)


def test_explanations_do_not_depend_on_the_batch(synthetic_model):
    together = explain(synthetic_model, SENTENCES, 3)
    for text, per_tag in zip(SENTENCES, together):
        alone = explain(synthetic_model, [text], 3)[0]
        for tag in TAGS:
            for direction in ("up", "down"):
                mine, batched = getattr(alone[tag], direction), getattr(per_tag[tag], direction)
                assert [g for g, _ in mine] == [g for g, _ in batched]
                assert [v for _, v in mine] == pytest.approx([v for _, v in batched], abs=1e-12)
            assert alone[tag].score == pytest.approx(per_tag[tag].score, abs=1e-12)


def test_a_model_without_a_scorer_cannot_be_explained():
    data = make_labeled()
    pipeline = build_pipeline(TAGS)
    pipeline.set_params(tfidf__analyzer="char")
    pipeline.fit(data.texts, data.indicator(TAGS), tags__groups=data.groups)
    model = Model(pipeline)
    assert model.scorer is None
    with pytest.raises(ClaimtagError, match="cannot be explained"):
        explain(model, [ACCUSATION], 3)


def test_a_tag_learned_from_one_class_is_explained_consistently():
    data = make_labeled()
    Y = data.indicator(TAGS).copy()
    Y[:, TAGS.index("demand")] = 0  # the tag never occurs: a constant predictor
    pipeline = build_pipeline(TAGS).fit(data.texts, Y, tags__groups=data.groups)
    model = Model(pipeline)
    assert model.scorer is not None
    e = explain(model, [UNKNOWN], ALL)[0]["demand"]
    assert e.score == 0.0
    assert e.up == [] and e.down == []
    assert sigmoid(e.baseline) == pytest.approx(e.score, abs=1e-9)


# --- format_explanation and as_dict ----------------------------------------------------------------


def test_format_explanation_mentions_every_tag_and_the_verdict(synthetic_model):
    text = ACCUSATION
    explanation = explain(synthetic_model, [text], 3)[0]
    out = format_explanation(text, explanation)
    lines = out.splitlines()
    assert lines[0] == text
    for tag, e in explanation.items():
        line = next(line for line in lines if line.startswith(f"{tag}:"))
        assert ("not tagged" in line) == (not e.tagged)
        assert (": tagged" in line) == e.tagged
        assert f"{e.score:.3f}" in line and f"{e.threshold:.3f}" in line
    assert "“accused”" in out
    assert "tagged" in out and "not tagged" in out


def test_format_explanation_says_nothing_known_for_unknown_words(synthetic_model):
    out = format_explanation(UNKNOWN, explain(synthetic_model, [UNKNOWN], 3)[0])
    assert out.count("nothing it knows") == 2 * len(TAGS)


def test_as_dict_is_json_ready(synthetic_model):
    e = explain(synthetic_model, [ACCUSATION], 2)[0]["accusation"]
    d = json.loads(json.dumps(e.as_dict()))
    assert set(d) == {"score", "threshold", "tagged", "baseline", "up", "down"}
    assert d["tagged"] is True
    assert d["up"][0][0] == e.up[0][0]
    assert d["score"] == pytest.approx(e.score, abs=1e-6)


# --- command line ----------------------------------------------------------------------------------


def test_cli_explain_lists_every_tag(model_path):
    result = invoke("explain", ACCUSATION, "--model", model_path)
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[0] == ACCUSATION
    for tag in TAGS:
        assert f"{tag}:" in result.stdout
    assert "accusation: tagged" in result.stdout
    assert "“accused”" in result.stdout


def test_cli_explain_json(model_path):
    result = invoke("explain", ACCUSATION, "--model", model_path, "--json", "--top", "2")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["text"] == ACCUSATION
    assert set(data) == {"text", *TAGS}
    for tag in TAGS:
        assert set(data[tag]) == {"score", "threshold", "tagged", "baseline", "up", "down"}
        assert len(data[tag]["up"]) <= 2 and len(data[tag]["down"]) <= 2
    assert data["accusation"]["tagged"] is True
    assert "accused" in [gram for gram, _ in data["accusation"]["up"]]


def test_cli_explain_reads_stdin_for_a_dash(model_path):
    result = invoke("explain", "-", "--model", model_path, "--json", input=ACCUSATION + "\n")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["text"] == ACCUSATION
    assert data["accusation"]["tagged"] is True


def test_cli_predict_explain_adds_top_n_per_tag(model_path):
    lines = "\n".join(SENTENCES[:5]) + "\n"
    result = invoke("predict", "--sentences", "--explain=2", "--model", model_path, input=lines)
    assert result.exit_code == 0, result.output
    rows = [json.loads(line) for line in result.stdout.splitlines()]
    assert len(rows) == 5
    assert any(len(row["explain"][tag]["up"]) == 2 for row in rows for tag in TAGS)
    for row in rows:
        assert set(row["explain"]) == set(TAGS)
        for tag in TAGS:
            e = row["explain"][tag]
            assert len(e["up"]) <= 2 and len(e["down"]) <= 2
            assert e["tagged"] == (tag in row["tags"])
    assert "accused" in [gram for gram, _ in rows[0]["explain"]["accusation"]["up"]]


def test_cli_predict_without_explain_has_no_explain_key(model_path):
    result = invoke("predict", "--sentences", "--model", model_path, input=ACCUSATION + "\n")
    assert result.exit_code == 0, result.output
    rows = [json.loads(line) for line in result.stdout.splitlines()]
    assert len(rows) == 1
    assert "explain" not in rows[0]
    assert rows[0]["tags"] == ["accusation"]


def test_cli_predict_explain_flag_alone_uses_the_default_top(model_path):
    from classifier.cli import DEFAULT_TOP

    text = "accused accused the army the rebels of shelling the hospital were killed denied called on"
    result = invoke("predict", "--sentences", "--explain", "--model", model_path, input=text + "\n")
    assert result.exit_code == 0, result.output
    row = json.loads(result.stdout.splitlines()[0])
    lengths = [len(row["explain"][t][d]) for t in TAGS for d in ("up", "down")]
    assert max(lengths) == DEFAULT_TOP
