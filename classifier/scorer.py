"""The fitted pipeline's scores, computed with numpy alone: fast, and without importing scikit-learn.

scikit-learn turns texts into features one at a time in Python and takes seconds to import, which
dominates tagging one sentence and caps batch speed. This scorer keeps what the fitted pipeline
learned as plain arrays (token ids, idf, weights, intercepts, thresholds) and scores a whole batch
at once: the texts are joined and split into tokens in one pass, each token is one dictionary lookup,
bigrams are found in a hash table of pairs of token ids, and the sums are vectorised. The pipeline
stays the reference: tests hold the two within 1e-9 of each other, and a pipeline this scorer cannot
reproduce exactly (another analyzer, stop words, a custom tokenizer...) simply gets no scorer.
"""

from __future__ import annotations

import re
import string
import unicodedata
from typing import Sequence

import numpy as np

SEPARATOR = "\n"  # joins the texts of a batch: never part of a token
_SEPARATOR_ID = -2
_UNKNOWN_ID = -1
_SHORT_ID = -3  # a one-character word, which the default token pattern skips
DEFAULT_TOKEN_PATTERN = r"(?u)\b\w\w+\b"  # scikit-learn's: runs of two or more word characters
# Below this many characters a batch is tokenised by the pattern: for a few sentences, importing
# Arrow and building its lookup table cost more than the byte-level split saves.
ARROW_MIN_CHARS = 1 << 13
# Batches longer than this are scored in slices: the time per sentence is the same from a few hundred
# sentences on, while the memory grows with the batch.
CHUNK_CHARS = 1 << 18
# For the default pattern, words are split at byte level, far faster than a regular expression:
# every ASCII byte that is not a word character becomes a space and the separator becomes NUL.
# Texts with other characters are tokenised by the pattern itself first.
_ASCII_WORDS = bytes(
    0 if byte == ord(SEPARATOR) else byte if chr(byte).isalnum() or byte == ord("_") or byte > 127 else 32
    for byte in range(256)
)


class FastScorer:
    """Scores like ``pipeline.predict_proba``; build it with :meth:`from_pipeline`.

    ``arrays`` is what :meth:`to_dict` returns: only str, int, float, bool, lists and numpy arrays,
    so it can be stored and loaded without scikit-learn.
    """

    def __init__(self, arrays: dict):
        self.arrays = arrays
        self.tags: list[str] = list(arrays["tags"])
        self.thresholds = np.asarray(arrays["thresholds"], dtype=np.float64)
        self.tokens: list[str] = list(arrays["tokens"])
        self._ids = dict(zip(self.tokens, range(len(self.tokens))))
        self._ids[SEPARATOR] = _SEPARATOR_ID
        self._token_re = re.compile(f"{arrays['token_pattern']}|{SEPARATOR}")
        self._splits_bytes = arrays["token_pattern"] == DEFAULT_TOKEN_PATTERN
        self._word_re = re.compile(arrays["token_pattern"])
        self._byte_lookup: tuple | None = None  # (words as an Arrow array, their ids), made on first use
        self.arrow_min_chars = ARROW_MIN_CHARS
        self.chunk_chars = CHUNK_CHARS
        self._unigram_column = np.asarray(arrays["unigram_column"], dtype=np.int64)
        self._bigram_keys = np.asarray(arrays["bigram_keys"], dtype=np.int64)
        self._bigram_column = np.asarray(arrays["bigram_column"], dtype=np.int64)
        self._bigrams = _KeyTable(self._bigram_keys, self._bigram_column)
        self._idf = None if arrays["idf"] is None else np.asarray(arrays["idf"], dtype=np.float64)
        self.weights = np.asarray(arrays["weights"], dtype=np.float64)  # features x tags
        self._weights_by_tag = np.ascontiguousarray(self.weights.T)  # a tag's weights gathered faster
        self.intercepts = np.asarray(arrays["intercepts"], dtype=np.float64)
        self.constants = np.asarray(arrays["constants"], dtype=np.float64)  # NaN: use the weights
        self.feature_names: list[str] | None = None  # built on first use by explain

    @classmethod
    def from_pipeline(cls, pipeline) -> "FastScorer | None":
        """The scorer of a fitted ``Pipeline([TfidfVectorizer, TagClassifier])``, or None if this
        pipeline does something the scorer does not reproduce."""
        from sklearn.feature_extraction.text import TfidfVectorizer

        from .pipeline import TagClassifier, positive_probability

        steps = getattr(pipeline, "steps", None)
        if not steps or len(steps) != 2:
            return None
        vectorizer, classifier = steps[0][1], steps[1][1]
        if type(vectorizer) is not TfidfVectorizer or not isinstance(classifier, TagClassifier):
            return None
        if not _reproducible(vectorizer) or not hasattr(classifier, "estimators_"):
            return None
        vocabulary = vectorizer.vocabulary_
        n_features = len(vocabulary)
        terms = [term.split(" ") for term in vocabulary]
        if any(len(parts) > vectorizer.ngram_range[1] or "" in parts for parts in terms):
            return None  # a token with a space in it: unigrams and bigrams could not be told apart
        tokens = sorted({part for parts in terms for part in parts})
        ids = {token: i for i, token in enumerate(tokens)}
        unigram_column = np.full(len(tokens), _UNKNOWN_ID, dtype=np.int64)
        bigrams = []
        for term, column in vocabulary.items():
            parts = term.split(" ")
            if len(parts) == 1:
                unigram_column[ids[term]] = column
            else:
                bigrams.append((ids[parts[0]] * len(tokens) + ids[parts[1]], column))
        bigrams.sort()
        weights = np.zeros((n_features, len(classifier.estimators_)))
        intercepts = np.zeros(len(classifier.estimators_))
        constants = np.full(len(classifier.estimators_), np.nan)
        empty = vectorizer.transform([""])
        for j, estimator in enumerate(classifier.estimators_):
            classes = list(getattr(estimator, "classes_", []))
            if hasattr(estimator, "coef_") and classes == [0, 1] and estimator.coef_.shape[0] == 1:
                weights[:, j] = estimator.coef_[0]
                intercepts[j] = estimator.intercept_[0]
            elif hasattr(estimator, "coef_"):
                return None
            else:  # a constant predictor (a tag with one class in the training data)
                constants[j] = positive_probability(estimator, empty)[0]
        return cls(
            {
                "tags": [str(tag) for tag in classifier.classes_],
                "thresholds": np.asarray(classifier.thresholds_, dtype=np.float64),
                "token_pattern": vectorizer.token_pattern,
                "lowercase": bool(vectorizer.lowercase),
                "strip_accents": vectorizer.strip_accents,
                "sublinear_tf": bool(vectorizer.sublinear_tf),
                "norm": vectorizer.norm,
                "bigrams": vectorizer.ngram_range[1] == 2,
                "tokens": tokens,
                "unigram_column": unigram_column,
                "bigram_keys": np.array([key for key, _ in bigrams], dtype=np.int64),
                "bigram_column": np.array([column for _, column in bigrams], dtype=np.int64),
                "idf": np.asarray(vectorizer.idf_, dtype=np.float64) if vectorizer.use_idf else None,
                "weights": weights,
                "intercepts": intercepts,
                "constants": constants,
            }
        )

    def to_dict(self) -> dict:
        return self.arrays

    def scores(self, texts: Sequence[str]) -> np.ndarray:
        """A len(texts) x len(tags) matrix of probabilities, as ``pipeline.predict_proba`` gives."""
        if len(texts) > 1 and sum(map(len, texts)) > self.chunk_chars:
            # Scored a slice at a time: the arrays of a batch take about 40 bytes per character.
            slices, start, size = [], 0, 0
            for end, text in enumerate(texts, 1):
                size += len(text)
                if size >= self.chunk_chars or end == len(texts):
                    slices.append(self._scores(texts[start:end]))
                    start, size = end, 0
            return np.vstack(slices)
        return self._scores(texts)

    def _scores(self, texts: Sequence[str]) -> np.ndarray:
        rows, columns, values = self.features(texts)
        decision = np.empty((len(texts), len(self.tags)))
        for j, weights in enumerate(self._weights_by_tag):
            decision[:, j] = np.bincount(rows, values * weights.take(columns), minlength=len(texts))
        with np.errstate(over="ignore"):  # exp of a very negative decision: the probability is 0
            probabilities = 1.0 / (1.0 + np.exp(-(decision + self.intercepts)))
        constant = ~np.isnan(self.constants)
        probabilities[:, constant] = self.constants[constant]
        return probabilities

    def features(self, texts: Sequence[str]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """The TF-IDF matrix as (row, column, value) triples, sorted by row then column."""
        arrays = self.arrays
        n = len(texts)
        texts = [t.replace(SEPARATOR, " ") if SEPARATOR in t else t for t in texts]
        if self._splits_bytes and sum(map(len, texts)) >= self.arrow_min_chars:
            ids = self._byte_token_ids(texts)
        else:
            ids = self._pattern_token_ids(texts)
        row_of = np.cumsum(ids == _SEPARATOR_ID)

        known = ids >= 0
        unigram = np.full(ids.shape, _UNKNOWN_ID)
        unigram[known] = self._unigram_column[ids[known]]
        rows, columns = [row_of[unigram >= 0]], [unigram[unigram >= 0]]
        if arrays["bigrams"] and len(ids) > 1 and len(self._bigram_keys):
            first, second = ids[:-1], ids[1:]
            both = (first >= 0) & (second >= 0)  # the separator's id keeps pairs inside one text
            keys = first[both] * len(self.tokens) + second[both]
            column = self._bigrams.get(keys)
            found = column != _UNKNOWN_ID
            rows.append(row_of[:-1][both][found])
            columns.append(column[found])
        rows, columns = np.concatenate(rows), np.concatenate(columns)

        n_features = self.weights.shape[0]
        cells = rows * n_features + columns
        if n * n_features < 2**31:
            cells = cells.astype(np.int32)  # sorts and divides faster
        # Equal cells are equal integers, so any sort gives the same result; numpy's quicksort of
        # 32-bit integers uses SIMD instructions where the CPU has them: 7 times faster than its
        # merge sort here.
        cells.sort(kind="quicksort")
        starts = np.flatnonzero(np.diff(cells, prepend=-1)) if len(cells) else cells
        counts = np.diff(np.append(starts, len(cells)))
        rows, columns = np.divmod(cells[starts], n_features)
        values = counts.astype(np.float64)
        if arrays["sublinear_tf"]:
            values = np.log(values) + 1
        if self._idf is not None:
            values *= self._idf[columns]
        if arrays["norm"] == "l2":
            norms = np.sqrt(np.bincount(rows, values * values, minlength=n))
            norms[norms == 0] = 1
            values /= norms[rows]
        return rows, columns, values

    def _non_ascii(self, text: str) -> str:
        """A text with characters beyond ASCII, prepared for tokenising: accents stripped if the
        vectorizer strips them and, for the byte-level split, its tokens found by the pattern and
        joined by spaces (its characters may be word characters or not: "é" or "’")."""
        if self.arrays["strip_accents"] == "unicode":
            text = _strip_accents(text)
        return f" {' '.join(self._word_re.findall(text))} " if self._splits_bytes else text

    def _prepared(self, texts: Sequence[str]) -> list[str]:
        """Each text lowercased if the vectorizer lowercases (before accents are stripped, as it
        does), and through :meth:`_non_ascii` if it goes beyond ASCII. Text by text, not joined:
        one character beyond ASCII makes Python handle a whole string as wider characters, several
        times slower."""
        if self.arrays["lowercase"]:
            texts = [t.lower() for t in texts]
        return [t if t.isascii() else self._non_ascii(t) for t in texts]

    def _pattern_token_ids(self, texts: Sequence[str]) -> np.ndarray:
        """The id of every token of ``texts`` in order, with the separator's between two texts, as
        the token pattern finds them."""
        joined = SEPARATOR.join(self._prepared(texts))
        get = self._ids.get
        return np.array([get(token, _UNKNOWN_ID) for token in self._token_re.findall(joined)], dtype=np.int64)

    def _byte_token_ids(self, texts: Sequence[str]) -> np.ndarray:
        """As :meth:`_pattern_token_ids`, the words split at byte level and looked up by Arrow."""
        import pyarrow.compute

        from .arrow_arrays import binary_array, filled

        # Spaces around the separator keep it a word of its own.
        data = f" {SEPARATOR} ".join(self._prepared(texts)).encode("utf-8", "surrogatepass")
        data = data.translate(_ASCII_WORDS) + b" "
        # Arrow looks up every word in C++, three times faster than a dictionary lookup per word.
        # The words are not copied out of the text: each is an Arrow string that runs from a space
        # to the next one (included, hence the space after every word of the lookup table).
        words, ids = self._byte_lookup or self._make_byte_lookup()
        ends = np.flatnonzero(np.frombuffer(data, np.uint8) == ord(" ")) + 1
        found = pyarrow.compute.index_in(binary_array(data, ends), value_set=words)
        token_ids = ids[filled(found, len(ids) - 1)]
        return token_ids[token_ids != _SHORT_ID]

    def _make_byte_lookup(self) -> tuple:
        """Every word the split can give, with its id: the vocabulary's tokens, the separator, and the
        one-character words and empty strings (between two spaces) that the pattern skips; anything
        else is unknown (the last id)."""
        from .arrow_arrays import binary_array

        words = {token.encode("utf-8", "surrogatepass"): i for i, token in enumerate(self.tokens)}
        words.update({char.encode(): _SHORT_ID for char in string.ascii_letters + string.digits + "_"})
        words[b""] = _SHORT_ID
        words[SEPARATOR.encode().translate(_ASCII_WORDS)] = _SEPARATOR_ID
        ids = np.array([*words.values(), _UNKNOWN_ID], dtype=np.int64)
        spaced = [word + b" " for word in words]
        self._byte_lookup = (binary_array(b"".join(spaced), np.cumsum([len(word) for word in spaced])), ids)
        return self._byte_lookup

    def feature_name(self, column: int) -> str:
        if self.feature_names is None:
            names = [""] * self.weights.shape[0]
            for token, column_of in zip(self.tokens, self._unigram_column):
                if column_of >= 0:
                    names[column_of] = token
            size = len(self.tokens)
            for key, column_of in zip(self._bigram_keys, self._bigram_column):
                names[column_of] = f"{self.tokens[key // size]} {self.tokens[key % size]}"
            self.feature_names = names
        return self.feature_names[column]


class _KeyTable:
    """Exact lookup of many non-negative int64 keys at once, in an open-addressing hash table held
    in numpy arrays: several times faster than a binary search over the sorted keys, and bigram
    lookups are a large share of scoring."""

    _EMPTY = -1

    def __init__(self, keys: np.ndarray, values: np.ndarray):
        bits = max(4, (4 * len(keys)).bit_length())  # at most a quarter full: probes stay short
        self._shift = np.uint64(64 - bits)
        self._mask = (1 << bits) - 1
        self._keys = np.full(1 << bits, self._EMPTY, dtype=np.int64)
        self._values = np.zeros(1 << bits, dtype=np.int64)
        pending = np.arange(len(keys))
        slots = self._slots(keys)
        while len(pending):
            free = self._keys[slots] == self._EMPTY
            taken, first = np.unique(slots[free], return_index=True)  # the first key asking gets it
            placed = pending[free][first]
            self._keys[taken], self._values[taken] = keys[placed], values[placed]
            waiting = self._keys[slots] != keys[pending]
            pending, slots = pending[waiting], (slots[waiting] + 1) & self._mask

    def _slots(self, keys: np.ndarray) -> np.ndarray:
        mixed = keys.astype(np.uint64) * np.uint64(0x9E3779B97F4A7C15)  # Fibonacci hashing
        return (mixed >> self._shift).astype(np.int64)

    def get(self, queries: np.ndarray, missing: int = _UNKNOWN_ID) -> np.ndarray:
        """The value of each query key, or ``missing``."""
        found = np.full(len(queries), missing, dtype=np.int64)
        active = np.arange(len(queries))
        slots = self._slots(queries)
        while len(active):
            stored = self._keys[slots]
            hit = stored == queries[active]
            found[active[hit]] = self._values[slots[hit]]
            probing = ~hit & (stored != self._EMPTY)
            active, slots = active[probing], (slots[probing] + 1) & self._mask
        return found


def _reproducible(vectorizer) -> bool:
    pattern = vectorizer.token_pattern
    return (
        vectorizer.analyzer == "word"
        and vectorizer.tokenizer is None
        and vectorizer.preprocessor is None
        and vectorizer.stop_words is None
        and not vectorizer.binary
        and vectorizer.ngram_range[0] == 1
        and vectorizer.ngram_range[1] in (1, 2)
        and vectorizer.strip_accents in (None, "unicode")
        and vectorizer.norm in (None, "l2")
        and np.dtype(vectorizer.dtype) == np.float64
        and isinstance(pattern, str)
        and _splits_like_separate_texts(pattern)
    )


def _splits_like_separate_texts(pattern: str) -> bool:
    """The scorer tokenises a batch joined by line breaks: that must give each text's tokens, in
    order, and no token may contain a space (bigrams are stored as "a b")."""
    try:
        single, joined = re.compile(pattern), re.compile(f"{pattern}|{SEPARATOR}")
    except re.error:
        return False
    if single.groups:
        return False
    probes = ["ab cd", "ef, gh-ij", "", "kl  mn.", "o p q"]
    expected = [[t for t in single.findall(probe)] for probe in probes]
    found, current = [], []
    for token in joined.findall(SEPARATOR.join(probes)):
        if token == SEPARATOR:
            found.append(current)
            current = []
        else:
            current.append(token)
    found.append(current)
    return found == expected and all(" " not in t and SEPARATOR not in t for ts in expected for t in ts)


def _strip_accents(text: str) -> str:
    """scikit-learn's ``strip_accents_unicode``."""
    return "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))
