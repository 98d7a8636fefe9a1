"""classifier.pipeline: TagClassifier as a scikit-learn estimator, best_threshold, build_pipeline."""

from __future__ import annotations

import copy

import numpy as np
import pytest
from sklearn.base import clone
from sklearn.dummy import DummyClassifier
from sklearn.exceptions import NotFittedError
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GridSearchCV, GroupKFold, cross_val_score

import classifier.pipeline as pipeline_module
from classifier.pipeline import TagClassifier, best_threshold, build_pipeline
from classifier.tags import TAGS

from conftest import OBVIOUS, make_labeled, synthetic_rows





def _features(texts):
    return TfidfVectorizer().fit_transform(texts)


# --- scikit-learn conventions --------------------------------------------------------------------


def test_get_params_lists_exactly_the_constructor_arguments():
    est = TagClassifier(tags=("accusation", "denial"), C=2.0, class_weight=None,
                        threshold_folds=3, random_state=7)
    assert est.get_params() == {
        "tags": ("accusation", "denial"), "C": 2.0, "class_weight": None,
        "threshold_folds": 3, "random_state": 7,
    }


def test_set_params_returns_self_and_changes_the_parameter():
    est = TagClassifier()
    assert est.set_params(C=0.25, threshold_folds=2) is est
    assert est.C == 0.25 and est.threshold_folds == 2
    with pytest.raises(ValueError):
        est.set_params(no_such_parameter=1)


def test_pipeline_set_params_reaches_the_tag_step():
    pipeline = build_pipeline(("denial",), random_state=3)
    pipeline.set_params(tags__C=0.5)
    step = pipeline.named_steps["tags"]
    assert step.C == 0.5
    assert step.tags == ("denial",) and step.random_state == 3


def test_clone_copies_parameters_but_not_learned_state(corpus):
    texts, Y, groups = corpus
    est = TagClassifier(C=3.0, random_state=5).fit(_features(texts), Y, groups=groups)
    copy = clone(est)
    assert copy is not est
    assert copy.get_params() == est.get_params()
    for attribute in ("classes_", "estimators_", "thresholds_"):
        assert hasattr(est, attribute)
        assert not hasattr(copy, attribute)


def test_clone_of_a_pipeline_refits_to_the_same_probabilities(corpus, fitted):
    texts, Y, groups = corpus
    refit = clone(fitted).fit(texts, Y, tags__groups=groups)
    np.testing.assert_array_equal(refit.predict_proba(texts), fitted.predict_proba(texts))


def test_fit_returns_self_and_sets_learned_attributes(corpus):
    texts, Y, groups = corpus
    est = TagClassifier()
    assert est.fit(_features(texts), Y, groups=groups) is est
    assert list(est.classes_) == list(TAGS)
    assert len(est.estimators_) == len(TAGS)
    assert all(isinstance(e, LogisticRegression) for e in est.estimators_)
    assert est.thresholds_.shape == (len(TAGS),)
    assert np.all((est.thresholds_ > 0) & (est.thresholds_ < 1))


def test_predict_before_fit_raises_not_fitted_error():
    with pytest.raises(NotFittedError):
        TagClassifier().predict_proba(np.zeros((2, 3)))


@pytest.mark.parametrize("columns", [3, 5])
def test_fit_rejects_a_target_with_the_wrong_number_of_columns(corpus, columns):
    texts, Y, _ = corpus
    wrong = np.zeros((len(texts), columns), dtype=int)
    wrong[:, 0] = Y[:, 0]
    with pytest.raises(ValueError, match="one column per tag"):
        TagClassifier().fit(_features(texts), wrong)


def test_fit_rejects_a_one_dimensional_target(corpus):
    texts, Y, _ = corpus
    with pytest.raises(ValueError, match="one column per tag"):
        TagClassifier(tags=("accusation",)).fit(_features(texts), Y[:, 0])


def test_grid_search_with_group_kfold_and_grouped_thresholds(corpus):
    texts, Y, groups = corpus
    search = GridSearchCV(
        build_pipeline(TAGS), {"tags__C": [0.5, 10.0]}, cv=GroupKFold(n_splits=3),
        scoring="f1_macro", error_score="raise",
    )
    # tags__groups must be sliced to each training fold, or the inner GroupKFold gets the wrong length.
    search.fit(texts, Y, groups=groups, tags__groups=groups)
    scores = search.cv_results_["mean_test_score"]
    assert len(scores) == 2
    assert np.all((scores >= 0) & (scores <= 1))
    assert search.best_params_["tags__C"] in (0.5, 10.0)
    predicted = search.best_estimator_.predict([OBVIOUS["accusation"]])
    assert predicted.shape == (1, len(TAGS))
    assert predicted[0, TAGS.index("accusation")] == 1


def test_cross_val_score_f1_macro_on_held_out_articles(corpus):
    texts, Y, groups = corpus
    scores = cross_val_score(
        build_pipeline(TAGS), texts, Y, groups=groups, cv=GroupKFold(n_splits=3),
        scoring="f1_macro", params={"tags__groups": groups}, error_score="raise",
    )
    assert scores.shape == (3,)
    # Every tag has its own cue word, shared by all articles: unseen articles are easy.
    assert scores.min() >= 0.8


# --- probabilities and predictions ---------------------------------------------------------------


def test_predict_proba_has_one_column_per_tag_in_the_unit_interval(fitted, corpus):
    texts = corpus[0] + list(OBVIOUS.values()) + ["Completely unrelated words here."]
    proba = fitted.predict_proba(texts)
    assert proba.shape == (len(texts), len(TAGS))
    assert np.all((proba >= 0) & (proba <= 1))
    # one probability per tag, not a distribution over tags: rows need not sum to 1
    assert not np.allclose(proba.sum(axis=1), 1.0)


def _with_median_thresholds(fitted, texts):
    """A copy whose thresholds sit at each tag's median probability, far from 0.5."""
    pipeline = copy.deepcopy(fitted)
    pipeline[-1].thresholds_ = np.median(fitted.predict_proba(texts), axis=0)
    return pipeline


def test_predict_is_probability_at_or_above_each_tags_threshold(fitted, corpus):
    texts = corpus[0] + list(OBVIOUS.values())
    expected = (fitted.predict_proba(texts) >= fitted.named_steps["tags"].thresholds_).astype(int)
    np.testing.assert_array_equal(fitted.predict(texts), expected)

    moved = _with_median_thresholds(fitted, texts)
    proba = moved.predict_proba(texts)
    expected = (proba >= moved[-1].thresholds_).astype(int)
    assert (expected != (proba >= 0.5)).any()  # the thresholds make a difference here
    np.testing.assert_array_equal(moved.predict(texts), expected)


def test_the_same_random_state_gives_identical_probabilities(corpus):
    texts, Y, groups = corpus
    first = build_pipeline(TAGS, random_state=11).fit(texts, Y, tags__groups=groups)
    second = build_pipeline(TAGS, random_state=11).fit(texts, Y, tags__groups=groups)
    probe = texts + list(OBVIOUS.values())
    np.testing.assert_array_equal(first.predict_proba(probe), second.predict_proba(probe))
    np.testing.assert_array_equal(first[-1].thresholds_, second[-1].thresholds_)


def test_the_model_learns_the_word_cues(fitted):
    for tag, sentence in OBVIOUS.items():
        predicted = dict(zip(TAGS, fitted.predict([sentence])[0]))
        assert predicted[tag] == 1, (tag, sentence, predicted)
        assert sum(predicted.values()) == 1, (sentence, predicted)
    assert not fitted.predict(["The market in the town reopened on Monday after repairs."]).any()


# --- best_threshold --------------------------------------------------------------------------------


def test_best_threshold_separable_scores_sits_between_the_classes():
    y = np.array([0, 0, 1, 1])
    scores = np.array([0.1, 0.2, 0.6, 0.9])
    threshold = best_threshold(y, scores)
    # F1 is 1 at the cut-off 0.6; halfway down to the next lower score 0.2 gives 0.4.
    assert threshold == pytest.approx(0.4)
    assert ((scores >= threshold) == y.astype(bool)).all()


def test_best_threshold_does_not_depend_on_the_order_of_the_rows():
    y = np.array([1, 0, 1, 0, 0])
    scores = np.array([0.8, 0.3, 0.7, 0.1, 0.35])
    assert best_threshold(y, scores) == pytest.approx((0.7 + 0.35) / 2)


def test_best_threshold_picks_the_f1_best_cut_off_when_classes_overlap():
    y = np.array([0, 1, 0, 1, 1])
    scores = np.array([0.1, 0.2, 0.3, 0.6, 0.8])
    # F1 by cut-off: 0.1 -> 0.75, 0.2 -> 6/7, 0.3 -> 2/3, 0.6 -> 0.8, 0.8 -> 0.5; best is 0.2,
    # halfway down to 0.1.
    assert best_threshold(y, scores) == pytest.approx(0.15)


def test_best_threshold_without_positives_is_one_half():
    assert best_threshold(np.zeros(4, dtype=int), np.array([0.1, 0.2, 0.6, 0.9])) == 0.5


def test_best_threshold_with_all_scores_equal_is_one_half():
    assert best_threshold(np.array([0, 1, 0, 1]), np.full(4, 0.3)) == 0.5


def test_best_threshold_is_one_half_when_the_best_cut_off_tags_everything():
    y = np.array([1, 1, 0, 1])
    scores = np.array([0.9, 0.2, 0.5, 0.1])
    # Tagging all four gives F1 6/7, better than any real cut-off, but says nothing about scores.
    assert best_threshold(y, scores) == 0.5


# --- folds without examples of a tag ----------------------------------------------------------------


def _one_article_demand_rows():
    """Demand sentences only in article0: a grouped fold that holds it out has no demand at all."""
    rows = [r for r in synthetic_rows() if "demand" not in r[1] or r[2] == "article0"]
    rows.append(("The brigade called on the guards to release the prisoners.", frozenset({"demand"}), "article0"))
    return rows


def test_a_training_fold_without_a_tag_uses_the_dummy_path(monkeypatch):
    fits = []

    class CountingDummy(DummyClassifier):
        def fit(self, X, y, sample_weight=None):
            fits.append(np.unique(y).tolist())
            return super().fit(X, y, sample_weight=sample_weight)

    monkeypatch.setattr(pipeline_module, "DummyClassifier", CountingDummy)
    data = make_labeled(_one_article_demand_rows())
    Y = data.indicator(TAGS)
    est = TagClassifier(threshold_folds=5).fit(_features(data.texts), Y, groups=data.groups)
    assert fits and all(classes == [0] for classes in fits)  # the held-out-demand fold(s)
    demand = TAGS.index("demand")
    assert isinstance(est.estimators_[demand], LogisticRegression)  # all data has both classes
    assert np.isfinite(est.thresholds_).all()
    assert est.predict(_features(data.texts)).shape == Y.shape


def test_a_tag_without_any_positive_example_is_never_predicted(corpus):
    texts, Y, groups = corpus
    Y = Y.copy()
    demand = TAGS.index("demand")
    Y[:, demand] = 0
    X = _features(texts)
    est = TagClassifier().fit(X, Y, groups=groups)
    assert isinstance(est.estimators_[demand], DummyClassifier)
    assert est.thresholds_[demand] == 0.5
    proba = est.predict_proba(X)
    assert np.all(proba[:, demand] == 0)
    assert not est.predict(X)[:, demand].any()
    assert est.predict(X)[:, TAGS.index("accusation")].sum() > 0


def test_threshold_folds_without_groups_fall_back_to_plain_kfold(corpus):
    texts, Y, _ = corpus
    est = TagClassifier(threshold_folds=3).fit(_features(texts), Y)
    assert est.thresholds_.shape == (len(TAGS),)
    assert np.isfinite(est.thresholds_).all()
