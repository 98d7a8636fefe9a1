"""classifier.scorer.FastScorer: the numpy twin of the fitted pipeline scores exactly like it.

The pipeline (TfidfVectorizer + TagClassifier) is the reference; the scorer must give the same
probabilities within 1e-9 on any text, in any batch, for every pipeline it accepts, and refuse
(``from_pipeline`` -> None) every pipeline it cannot reproduce.
"""

from __future__ import annotations

import copy
import pickle
import re
import subprocess
import sys
import warnings
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sklearn.dummy import DummyClassifier
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import MaxAbsScaler

from conftest import OBVIOUS

from classifier.model import Model
from classifier.pipeline import build_pipeline
from classifier.scorer import FastScorer
from classifier.segment import iter_sentences
from classifier.tags import TAGS

DATA = Path(__file__).resolve().parent.parent / "data"
ATOL = 1e-9


def assert_same_scores(scorer: FastScorer, pipeline, texts: list[str]) -> np.ndarray:
    ours = scorer.scores(texts)
    reference = pipeline.predict_proba(texts)
    assert ours.shape == reference.shape == (len(texts), len(scorer.tags))
    np.testing.assert_allclose(ours, reference, rtol=0, atol=ATOL)
    return ours


def fit_variant(corpus, tags=TAGS, Y=None, **tfidf):
    texts, Y_all, groups = corpus
    pipeline = build_pipeline(tags)
    pipeline.set_params(**{f"tfidf__{name}": value for name, value in tfidf.items()})
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # e.g. "token_pattern will not be used" with a tokenizer
        return pipeline.fit(texts, Y_all if Y is None else Y, tags__groups=groups)


@pytest.fixture(scope="module")
def pipeline(synthetic_model):
    return synthetic_model.pipeline


@pytest.fixture(scope="module")
def scorer(synthetic_model):
    """The default recipe's scorer, splitting every batch at byte level, however small (by default
    small batches take the pattern, as the regular-expression twin below does)."""
    assert synthetic_model.scorer is not None, "the default recipe must get a fast scorer"
    scorer = FastScorer(synthetic_model.scorer.arrays)
    scorer.arrow_min_chars = 0
    return scorer


@pytest.fixture(scope="module")
def vocabulary(pipeline) -> list[str]:
    return sorted(pipeline[0].vocabulary_)


# --- the synthetic model and real text --------------------------------------------------------------


def test_training_sentences_and_their_batch_match(scorer, pipeline, corpus):
    texts = corpus[0]
    scores = assert_same_scores(scorer, pipeline, texts)
    assert scores.min() < 0.1 and scores.max() > 0.9  # the words count: not all at the baseline


def test_every_sentence_of_the_bundled_articles_and_samples_matches(scorer, pipeline):
    files = sorted((DATA / "articles").glob("*.txt")) + sorted((DATA / "samples").glob("*.txt"))
    assert len(files) >= 2
    sentences = [
        s.text for path in files for s in iter_sentences(path.read_text(encoding="utf-8"))
    ]
    assert len(sentences) > 50
    assert_same_scores(scorer, pipeline, sentences)
    # one by one too, in chunks of one: the batch boundaries must not leak between sentences
    one_by_one = np.vstack([scorer.scores([text]) for text in sentences[:60]])
    np.testing.assert_allclose(one_by_one, scorer.scores(sentences)[:60], rtol=0, atol=1e-12)


EDGE_CASES = {
    "empty": "",
    "one letter": "a",
    "one-letter words": "a b c d e f g h i j k l m n o p",
    "digits": "40 1999 3.14 2024-05-06 000",
    "punctuation only": "... !!! ??? -- ,,, ;; (( )) “” ‘’ « »",
    "whitespace only": " \t  \t ",
    "very long": " ".join(["The rebels accused the army of shelling the hospital."] * 400),
    "line break inside": "The rebels accused\nthe army of shelling\n\nthe town.",
    "crlf inside": "The ministry denied\r\nthat the police attacked\r\nthe town.",
    "lone cr": "At least 40 people\rwere killed\r",
    "leading and trailing breaks": "\n\naccused the army\n",
    "repeated words": "accused accused accused accused accused the the the the army army",
    "repeated bigram": "were killed were killed were killed were killed",
    "accents": "café naïve résumé Ümlaut ACCUSÉD accusé",
    "ligature": "The ﬁnal ﬂag was ﬁled",
    "dotted capital I": "İstanbul İSTANBUL iStanbul",
    "final sigma": "ΣΟΦΟΣ σοφος ΟΔΟΣ Σ",
    "arabic": "اتهم المتمردون الجيش بقصف المستشفى",
    "cjk": "叛军指责军队炮击医院 反政府勢力は軍を非難した",
    "emoji": "😀 accused 🏳️‍🌈 the army 👍🏽",
    "combining marks": "accu\u0301sed the a\u0308rmy e\u0301\u0301\u0301",
    "fullwidth": "ＡＣＣＵＳＥＤ ｔｈｅ ａｒｍｙ",
    # No lowercase of their own, capitals once accents are stripped: they stay capitals, as in
    # scikit-learn, which lowercases before it strips accents.
    "mathematical bold": "\U0001d400\U0001d402\U0001d402\U0001d414\U0001d412\U0001d404\U0001d403 the army ℌ",
    "zero width and nbsp": "accused\u200bthe\u00a0army\ufeff",
    "unseen words": "Zyxwv qwerty plonk frobnicate",
    "known words, unknown pair": "shelling accused army rebels killed denied",
    "mixed case": "ThE ReBeLs AcCuSeD tHe ArMy",
    "underscores and apostrophes": "army_of_rebels the army's can't don't",
    "tabs and odd spaces": "accused\tthe\u2003army\u2028of\u2029shelling",
    "control characters": "accused\x00the\x0barmy\x0c\x1e",
}


@pytest.mark.parametrize("text", list(EDGE_CASES.values()), ids=list(EDGE_CASES))
def test_edge_case_matches_alone(scorer, pipeline, text):
    assert_same_scores(scorer, pipeline, [text])


def test_edge_cases_match_as_one_batch_and_in_reverse(scorer, pipeline):
    texts = list(EDGE_CASES.values())
    forward = assert_same_scores(scorer, pipeline, texts)
    backward = assert_same_scores(scorer, pipeline, texts[::-1])
    np.testing.assert_allclose(forward, backward[::-1], rtol=0, atol=1e-12)


def test_a_pair_of_known_words_that_is_not_a_known_bigram_adds_only_the_unigrams(scorer, pipeline):
    vocabulary = pipeline[0].vocabulary_
    assert "shelling" in vocabulary and "accused" in vocabulary
    assert "shelling accused" not in vocabulary
    rows, columns, values = scorer.features(["shelling accused"])
    assert sorted(columns.tolist()) == sorted([vocabulary["shelling"], vocabulary["accused"]])
    assert_same_scores(scorer, pipeline, ["shelling accused", "accused shelling"])


def test_features_match_the_vectorizer_matrix(scorer, pipeline):
    texts = ["The rebels accused the army of shelling Aleppo.", "", "denied denied denied", "x\ny"]
    rows, columns, values = scorer.features(texts)
    dense = np.zeros((len(texts), len(pipeline[0].vocabulary_)))
    dense[rows, columns] = values
    np.testing.assert_allclose(dense, pipeline[0].transform(texts).toarray(), rtol=0, atol=1e-12)
    # sorted by row then column, as documented
    order = np.lexsort((columns, rows))
    np.testing.assert_array_equal(order, np.arange(len(rows)))


def test_an_empty_batch_gives_an_empty_matrix(scorer):
    assert scorer.scores([]).shape == (0, len(TAGS))


def _regex_twin(scorer: FastScorer) -> FastScorer:
    """The same scorer, tokenising with the regular expression instead of the byte-level split
    that the default token pattern gets (the two patterns match the same tokens)."""
    assert scorer.arrays["token_pattern"] == r"(?u)\b\w\w+\b"
    return FastScorer(scorer.arrays | {"token_pattern": r"\b\w\w+\b"})


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(batch=st.lists(st.text(), min_size=1, max_size=8))
def test_the_byte_level_split_finds_the_tokens_the_pattern_finds(scorer, batch):
    batch = batch + list(EDGE_CASES.values())
    for ours, reference in zip(scorer.features(batch), _regex_twin(scorer).features(batch)):
        np.testing.assert_array_equal(ours, reference)


def test_the_byte_level_split_on_curly_quotes_accents_and_lone_surrogates(scorer):
    texts = ["The army’s “shelling” of Aleppo", "accusé l’armée", "accused\ud800the army", "a’b’c accused"]
    for ours, reference in zip(scorer.features(texts), _regex_twin(scorer).features(texts)):
        np.testing.assert_array_equal(ours, reference)


def test_small_batches_take_the_pattern_and_large_ones_arrow_with_the_same_scores(synthetic_model, scorer, pipeline):
    default = FastScorer(synthetic_model.scorer.arrays)
    small = [OBVIOUS["accusation"], "accusé l’armée", "The army’s “shelling” of Aleppo"]
    np.testing.assert_array_equal(default.scores(small), scorer.scores(small))
    assert default._byte_lookup is None  # Arrow was not needed
    large = small * (default.arrow_min_chars // sum(map(len, small)) + 1)
    np.testing.assert_array_equal(default.scores(large), scorer.scores(large))
    assert default._byte_lookup is not None
    assert_same_scores(default, pipeline, large)


def test_scoring_with_arrow_does_not_import_pandas(synthetic_model, tmp_path):
    # pyarrow.array, pyarrow.scalar and fill_null import pandas: a third of a second per process.
    arrays = tmp_path / "arrays.pickle"
    arrays.write_bytes(pickle.dumps(synthetic_model.scorer.arrays))
    script = f"""
import pickle, sys
from classifier.scorer import FastScorer
scorer = FastScorer(pickle.loads(open({str(arrays)!r}, "rb").read()))
texts = {[OBVIOUS["accusation"], "accusé l’armée"]!r} * (scorer.arrow_min_chars // 20)
scorer.scores(texts)
print(scorer._byte_lookup is not None, "pandas" in sys.modules)
"""
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    assert done.stdout.split() == ["True", "False"]  # the Arrow path was taken, without pandas


def test_a_long_batch_is_scored_in_slices_with_the_same_scores(scorer, pipeline, corpus, monkeypatch):
    texts = corpus[0]
    whole = scorer.scores(texts)
    monkeypatch.setattr(scorer, "chunk_chars", 120)  # a few sentences a slice
    sliced = []
    monkeypatch.setattr(scorer, "_scores", lambda part, score=scorer._scores: sliced.append(len(part)) or score(part))
    np.testing.assert_array_equal(scorer.scores(texts), whole)
    assert len(sliced) > 5 and sum(sliced) == len(texts)
    assert_same_scores(scorer, pipeline, texts)


# --- property-based ------------------------------------------------------------------------------


def _texts_with_known_words(vocabulary_words):
    """Texts mixing arbitrary text with words the model knows, so features are not all empty."""
    words = st.one_of(st.sampled_from(vocabulary_words), st.text(max_size=8))
    glue = st.sampled_from([" ", "  ", "\n", "\r\n", ", ", ".", "\t", "-", "é", "\u00a0"])
    return st.lists(st.tuples(words, glue), max_size=12).map(
        lambda parts: "".join(w + g for w, g in parts)
    )


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(batch=st.lists(st.text(), min_size=1, max_size=8))
def test_any_batch_of_text_scores_like_the_pipeline(scorer, pipeline, batch):
    together = assert_same_scores(scorer, pipeline, batch)
    alone = np.vstack([scorer.scores([text]) for text in batch])
    np.testing.assert_allclose(together, alone, rtol=0, atol=1e-12)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_any_batch_of_known_words_scores_like_the_pipeline(scorer, pipeline, vocabulary, data):
    words = sorted({part for term in vocabulary for part in term.split(" ")})
    batch = data.draw(st.lists(_texts_with_known_words(words), min_size=1, max_size=6))
    together = assert_same_scores(scorer, pipeline, batch)
    alone = np.vstack([scorer.scores([text]) for text in batch])
    np.testing.assert_allclose(together, alone, rtol=0, atol=1e-12)


# --- other training data and recipes -------------------------------------------------------------


def test_a_tag_with_one_class_in_training_gets_a_constant_and_still_matches(corpus):
    texts, Y, groups = corpus
    Y = Y.copy()
    Y[:, TAGS.index("demand")] = 0  # never seen
    Y[:, TAGS.index("denial")] = 1  # always on
    pipeline = fit_variant(corpus, Y=Y)
    estimators = pipeline[-1].estimators_
    assert isinstance(estimators[TAGS.index("demand")], DummyClassifier)
    assert isinstance(estimators[TAGS.index("denial")], DummyClassifier)
    assert isinstance(estimators[TAGS.index("accusation")], LogisticRegression)
    scorer = FastScorer.from_pipeline(pipeline)
    assert scorer is not None
    probe = texts + list(EDGE_CASES.values())
    scores = assert_same_scores(scorer, pipeline, probe)
    assert (scores[:, TAGS.index("demand")] == 0).all()
    assert (scores[:, TAGS.index("denial")] == 1).all()
    assert len(np.unique(scores[:, TAGS.index("accusation")])) > 2


SUPPORTED = {
    "unigrams": {"ngram_range": (1, 1)},
    "no norm": {"norm": None},
    "linear tf": {"sublinear_tf": False},
    "no idf": {"use_idf": False},
    "case kept": {"lowercase": False},
    "accents kept": {"strip_accents": None},
    "raw counts": {"norm": None, "use_idf": False, "sublinear_tf": False},
    "single-letter tokens": {"token_pattern": r"(?u)\b\w+\b"},
    "pruned vocabulary": {"min_df": 2, "max_features": 40},
    "unsmoothed idf": {"smooth_idf": False},
}


@pytest.mark.parametrize("params", list(SUPPORTED.values()), ids=list(SUPPORTED))
def test_supported_recipe_variants_match(corpus, params):
    pipeline = fit_variant(corpus, **params)
    scorer = FastScorer.from_pipeline(pipeline)
    assert scorer is not None, params
    probe = corpus[0] + list(EDGE_CASES.values())
    assert_same_scores(scorer, pipeline, probe)
    model = Model(pipeline)
    assert model.scorer is not None
    np.testing.assert_allclose(model.scores(probe), pipeline.predict_proba(probe), rtol=0, atol=ATOL)


def _extra_step(corpus):
    texts, Y, groups = corpus
    base = build_pipeline(TAGS)
    pipeline = Pipeline([base.steps[0], ("scale", MaxAbsScaler()), base.steps[1]])
    return pipeline.fit(texts, Y, tags__groups=groups)


REFUSED = {
    "char analyzer": lambda c: fit_variant(c, analyzer="char"),
    "char_wb analyzer": lambda c: fit_variant(c, analyzer="char_wb"),
    "stop words": lambda c: fit_variant(c, stop_words="english"),
    "binary": lambda c: fit_variant(c, binary=True),
    "trigrams": lambda c: fit_variant(c, ngram_range=(1, 3)),
    "bigrams only": lambda c: fit_variant(c, ngram_range=(2, 2)),
    "custom tokenizer": lambda c: fit_variant(c, tokenizer=str.split, token_pattern=None),
    "token pattern with a group": lambda c: fit_variant(c, token_pattern=r"\b(\w\w+)\b"),
    "token pattern spanning lines": lambda c: fit_variant(c, token_pattern=r"[^ ]+"),
    "ascii accents": lambda c: fit_variant(c, strip_accents="ascii"),
    "l1 norm": lambda c: fit_variant(c, norm="l1"),
    "custom preprocessor": lambda c: fit_variant(c, preprocessor=str.upper),
    "extra step": _extra_step,
}


@pytest.mark.parametrize("make", list(REFUSED.values()), ids=list(REFUSED))
def test_pipelines_it_cannot_reproduce_get_no_scorer_and_the_model_uses_the_pipeline(corpus, make):
    pipeline = make(corpus)
    assert FastScorer.from_pipeline(pipeline) is None
    model = Model(pipeline)
    assert model.scorer is None
    assert model.tags == list(TAGS)
    assert list(model.thresholds.values()) == pytest.approx(list(pipeline[-1].thresholds_))
    probe = corpus[0][:10] + ["The rebels accused the army of shelling the hospital.", ""]
    np.testing.assert_array_equal(model.scores(probe), pipeline.predict_proba(probe))
    predictions = model.predict(probe)
    assert [p.scores["accusation"] for p in predictions] == pytest.approx(
        list(pipeline.predict_proba(probe)[:, 0])
    )


def test_an_unfitted_pipeline_gets_no_scorer():
    pipeline = build_pipeline(TAGS)
    assert FastScorer.from_pipeline(pipeline) is None
    assert Model(pipeline).scorer is None


def test_things_that_are_not_pipelines_get_no_scorer(synthetic_model):
    assert FastScorer.from_pipeline(None) is None
    assert FastScorer.from_pipeline(synthetic_model.pipeline[-1]) is None  # the classifier alone
    assert FastScorer.from_pipeline(Pipeline([("only", MaxAbsScaler())])) is None


# --- pipelines it accepts but does not reproduce (bugs) ------------------------------------------


def test_a_float32_vectorizer_is_refused_or_matched(corpus):
    pipeline = fit_variant(corpus, dtype=np.float32)
    scorer = FastScorer.from_pipeline(pipeline)
    if scorer is not None:
        assert_same_scores(scorer, pipeline, corpus[0] + list(EDGE_CASES.values()))


def test_a_verbose_token_pattern_is_refused_or_matched(corpus):
    pipeline = fit_variant(corpus, token_pattern=r"(?x) \b \w\w+ \b")
    scorer = FastScorer.from_pipeline(pipeline)
    if scorer is not None:
        assert_same_scores(scorer, pipeline, corpus[0])


def test_an_anchored_token_pattern_is_refused_or_matched(corpus):
    pipeline = fit_variant(corpus, token_pattern=r"^\w+")
    scorer = FastScorer.from_pipeline(pipeline)
    if scorer is not None:
        assert_same_scores(scorer, pipeline, corpus[0])


# --- to_dict -------------------------------------------------------------------------------------


def _plain(value):
    return value.tolist() if isinstance(value, np.ndarray) else value


def test_to_dict_holds_only_plain_values(scorer):
    arrays = scorer.to_dict()
    allowed = (str, int, float, bool, list, np.ndarray, type(None))
    for key, value in arrays.items():
        assert isinstance(value, allowed), (key, type(value))
        if isinstance(value, list):
            assert all(isinstance(v, (str, int, float, bool)) for v in value), key


def test_to_dict_round_trip_scores_identically(scorer, pipeline, corpus):
    probe = corpus[0] + list(EDGE_CASES.values())
    expected = scorer.scores(probe)
    again = FastScorer(scorer.to_dict())
    np.testing.assert_array_equal(again.scores(probe), expected)
    copied = FastScorer(copy.deepcopy(scorer.to_dict()))
    np.testing.assert_array_equal(copied.scores(probe), expected)
    as_lists = FastScorer({key: _plain(value) for key, value in scorer.to_dict().items()})
    np.testing.assert_array_equal(as_lists.scores(probe), expected)
    assert again.tags == as_lists.tags == list(TAGS)
    np.testing.assert_array_equal(as_lists.thresholds, scorer.thresholds)
    assert_same_scores(as_lists, pipeline, probe)
    # feature names survive too (explain depends on them)
    vocabulary = pipeline[0].vocabulary_
    for term in ["accused", "were killed", "called on"]:
        assert as_lists.feature_name(vocabulary[term]) == term


def test_feature_names_are_the_vocabulary(scorer, pipeline):
    for term, column in pipeline[0].vocabulary_.items():
        assert scorer.feature_name(column) == term
    assert re.fullmatch(r"\S+ \S+", scorer.feature_name(pipeline[0].vocabulary_["accused the"]))


def test_scoring_a_long_text_with_an_unnormalised_model_raises_no_warning(corpus):
    pipeline = fit_variant(corpus, norm=None, use_idf=False, sublinear_tf=False)
    scorer = FastScorer.from_pipeline(pipeline)
    text = EDGE_CASES["very long"]
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        pipeline.predict_proba([text])  # the reference is silent
        scores = scorer.scores([text])
    np.testing.assert_allclose(scores, pipeline.predict_proba([text]), rtol=0, atol=ATOL)


# --- the hash table of bigrams ------------------------------------------------------------------------


@settings(max_examples=200, deadline=None)
@given(
    keys=st.sets(st.integers(0, 2**40) | st.integers(0, 64).map(lambda k: k << 20), max_size=300),
    queries=st.lists(st.integers(0, 2**40) | st.integers(0, 64).map(lambda k: k << 20), max_size=300),
)
def test_key_table_finds_exactly_the_stored_keys(keys, queries):
    from classifier.scorer import _KeyTable

    keys = sorted(keys)
    values = {key: i * 7 for i, key in enumerate(keys)}
    table = _KeyTable(np.array(keys, dtype=np.int64), np.array([values[k] for k in keys], dtype=np.int64))
    probe = queries + keys  # misses, hits, and every stored key at least once
    found = table.get(np.array(probe, dtype=np.int64))
    assert found.tolist() == [values.get(q, -1) for q in probe]
