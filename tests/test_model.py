"""classifier.model.Model: tags, thresholds, scores and predictions; the fast scorer and lazy loading."""

from __future__ import annotations

import copy
import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from classifier.model import Model, Prediction
from classifier.pipeline import build_pipeline
from classifier.scorer import FastScorer
from classifier.tags import TAGS

from conftest import OBVIOUS, make_labeled

ROOT = Path(__file__).resolve().parent.parent





def _with_median_thresholds(fitted, texts):
    """A copy whose thresholds sit at each tag's median probability, far from 0.5."""
    pipeline = copy.deepcopy(fitted)
    pipeline[-1].thresholds_ = np.median(fitted.predict_proba(texts), axis=0)
    return pipeline


# --- Model -----------------------------------------------------------------------------------------


def test_model_tags_and_thresholds_come_from_the_fitted_step(fitted):
    model = Model(fitted)
    assert model.tags == list(TAGS)
    assert list(model.thresholds) == list(TAGS)
    assert list(model.thresholds.values()) == pytest.approx(list(fitted[-1].thresholds_))
    assert all(type(v) is float for v in model.thresholds.values())
    assert model.metadata == {}


def test_model_predict_returns_predictions_consistent_with_thresholds(fitted, corpus):
    texts = list(OBVIOUS.values()) + corpus[0][:10]
    fitted = _with_median_thresholds(fitted, texts)
    model = Model(fitted)
    assert list(model.thresholds.values()) == pytest.approx(list(fitted[-1].thresholds_))
    predictions = model.predict(texts)
    proba = fitted.predict_proba(texts)
    assert len(predictions) == len(texts)
    for prediction, row in zip(predictions, proba):
        assert isinstance(prediction, Prediction)
        assert list(prediction.scores) == list(TAGS)
        assert [prediction.scores[t] for t in TAGS] == pytest.approx(list(row))
        assert prediction.tags == tuple(
            t for t in TAGS if prediction.scores[t] >= model.thresholds[t]
        )
    # Model.predict and pipeline.predict agree
    from_pipeline = fitted.predict(texts)
    for prediction, row in zip(predictions, from_pipeline):
        assert set(prediction.tags) == {t for t, on in zip(TAGS, row) if on}


def test_model_predict_of_nothing_is_an_empty_list(fitted):
    model = Model(fitted)
    assert model.predict([]) == []
    assert model.scores([]).shape == (0, len(TAGS))


def test_model_with_a_subset_of_tags(corpus):
    texts, _, groups = corpus
    data = make_labeled()
    tags = ("demand", "accusation")
    pipeline = build_pipeline(tags).fit(texts, data.indicator(tags), tags__groups=groups)
    model = Model(pipeline, {"note": 1})
    assert model.tags == ["demand", "accusation"]
    assert model.metadata == {"note": 1}
    prediction = model.predict([OBVIOUS["demand"]])[0]
    assert list(prediction.scores) == ["demand", "accusation"]
    assert prediction.tags == ("demand",)
    assert "demand" in repr(model)


# --- the fast scorer -------------------------------------------------------------------------------


def test_the_default_recipe_gets_a_fast_scorer_that_scores_like_the_pipeline(fitted, corpus):
    model = Model(fitted)
    assert isinstance(model.scorer, FastScorer)
    texts = corpus[0] + list(OBVIOUS.values())
    np.testing.assert_allclose(model.scores(texts), fitted.predict_proba(texts), rtol=0, atol=1e-9)
    assert model.scorer.tags == list(TAGS)
    np.testing.assert_array_equal(model.scorer.thresholds, fitted[-1].thresholds_)


def test_a_given_scorer_is_used_instead_of_one_made_from_the_pipeline(fitted):
    scorer = FastScorer.from_pipeline(fitted)
    model = Model(fitted, scorer=scorer)
    assert model.scorer is scorer


def test_model_scores_accepts_a_tuple_and_predicts_the_obvious_tags(fitted):
    model = Model(fitted)
    texts = tuple(OBVIOUS.values())
    scores = model.scores(texts)
    assert scores.shape == (len(texts), len(TAGS))
    for prediction, tag in zip(model.predict(texts), OBVIOUS):
        assert prediction.tags == (tag,)
        assert all(type(v) is float for v in prediction.scores.values())


# --- Model.lazy ------------------------------------------------------------------------------------


class CountingLoader:
    def __init__(self, pipeline):
        self.pipeline, self.calls = pipeline, 0

    def __call__(self):
        self.calls += 1
        return self.pipeline


def test_lazy_model_loads_the_pipeline_only_when_asked_and_only_once(fitted):
    loader = CountingLoader(fitted)
    model = Model.lazy(loader, {"seed": 3}, FastScorer.from_pipeline(fitted))
    assert loader.calls == 0
    model.tags, model.thresholds, repr(model)
    model.scores(list(OBVIOUS.values()))
    model.predict(list(OBVIOUS.values()))
    model.predict([])
    assert loader.calls == 0
    assert model.metadata == {"seed": 3}
    assert model.artifact == {}
    assert model.pipeline is fitted
    assert loader.calls == 1
    assert model.pipeline is fitted
    model.scores(["The army denied it."])
    assert loader.calls == 1


def test_lazy_model_tags_thresholds_and_predictions_come_from_the_scorer(fitted):
    def refuse():
        raise AssertionError("the pipeline must not be loaded")

    model = Model.lazy(refuse, {}, FastScorer.from_pipeline(fitted))
    eager = Model(fitted)
    assert model.tags == eager.tags == list(TAGS)
    assert model.thresholds == eager.thresholds
    assert model.predict(list(OBVIOUS.values())) == eager.predict(list(OBVIOUS.values()))
    with pytest.raises(AssertionError, match="must not be loaded"):
        model.pipeline


def test_thresholds_come_from_the_scorer_not_from_the_pipeline(fitted):
    """A scorer carries the thresholds it was made with; the model follows it."""
    scorer = FastScorer.from_pipeline(fitted)
    moved = copy.deepcopy(fitted)
    moved[-1].thresholds_ = np.full(len(TAGS), 0.123)
    model = Model(moved, scorer=scorer)
    assert list(model.thresholds.values()) == pytest.approx(list(fitted[-1].thresholds_))


# --- a saved model tags without scikit-learn -------------------------------------------------------


SCRIPT = """
import json, sys
from classifier.artifact import load
model = load(sys.argv[1])
prediction = model.predict([sys.argv[2]])[0]
print(json.dumps({"tags": list(prediction.tags), "scores": prediction.scores,
                  "sklearn": "sklearn" in sys.modules, "pipeline_loaded": model._pipeline is not None}))
"""


def test_a_saved_model_tags_in_a_fresh_process_without_importing_sklearn(synthetic_model, tmp_path):
    from classifier.artifact import load, save

    path = save(synthetic_model, tmp_path / "m.joblib")
    sentence = OBVIOUS["accusation"]
    result = subprocess.run(
        [sys.executable, "-c", SCRIPT, str(path), sentence],
        cwd=ROOT, capture_output=True, text=True, timeout=60,
    )
    assert result.returncode == 0, result.stderr
    out = json.loads(result.stdout)
    assert out["sklearn"] is False
    assert out["pipeline_loaded"] is False
    assert out["tags"] == ["accusation"]
    expected = synthetic_model.predict([sentence])[0].scores
    assert out["scores"] == pytest.approx(expected, abs=1e-12)

    # in this process, the loaded pipeline unpickles on demand and agrees with its scorer
    loaded = load(path)
    assert loaded.scorer is not None
    texts = list(OBVIOUS.values()) + ["", "nothing known here"]
    np.testing.assert_allclose(loaded.scores(texts), loaded.pipeline.predict_proba(texts), rtol=0, atol=1e-9)
    np.testing.assert_allclose(loaded.scores(texts), synthetic_model.scores(texts), rtol=0, atol=1e-12)
    assert loaded.thresholds == synthetic_model.thresholds
