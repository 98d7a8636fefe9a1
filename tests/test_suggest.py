"""classifier.suggest: the pool, picking what to label next (random, uncertainty, tag hunting,
regex match), skipping labeled texts and near-duplicates; and the `claimtag suggest` command."""

from __future__ import annotations

import csv
import io
import itertools
import json
import re

import numpy as np
import pytest

from classifier.errors import ClaimtagError
from click.testing import CliRunner

from classifier.artifact import save
from classifier.cli import main
from classifier.readers import Document
from classifier.suggest import (
    CERTAIN, COLUMNS, NEAR_DUPLICATE, PoolSentence, normalised, pool_sentences, suggest,
)
from classifier.tags import format_tags

from conftest import make_labeled, synthetic_rows

_WORD = re.compile(r"\w+")

ACTORS = ["the army", "the rebels", "the militia", "the police", "the council", "the brigade", "the guards",
          "the ministry"]
PLACES = ["Aleppo", "Homs", "Idlib", "Raqqa", "Hama", "Daraa", "Latakia", "Tartus", "Manbij", "Afrin"]
TEMPLATES = [
    "{A} accused {B} of shelling {p}.",
    "{A} denied attacking {p} and rejected the claims.",
    "At least {n} people were killed in {p}.",
    "{A} called on {B} to leave {p}.",
    "{A} said {B} had moved near {p}.",
    "Residents of {p} reported fighting between {A} and {B}.",
    "{A} blamed {B} for the blast in {p}.",
    "Officials in {p} met {B} to discuss the roads.",
]
# Long enough that changing one word keeps the word sets' Jaccard similarity above NEAR_DUPLICATE.
LONG = "The army accused the rebels of shelling the market in Aleppo and burning the grain stores on Monday morning."
NEAR = LONG.replace("Monday", "Tuesday")


def jaccard(a: str, b: str) -> float:
    x, y = frozenset(_WORD.findall(a.casefold())), frozenset(_WORD.findall(b.casefold()))
    return len(x & y) / len(x | y)


def clean_texts() -> list[str]:
    """About a hundred distinct sentences, no two of them near-duplicates: the training sentences
    (which the model is sure of) and new ones (some of which it is not)."""
    candidates = [text for text, _, _ in synthetic_rows()]
    for k, (place, template) in enumerate(itertools.product(PLACES, TEMPLATES)):
        a, b = ACTORS[k % 8], ACTORS[(k * 3 + 1) % 8]
        if a == b:
            b = ACTORS[(k + 1) % 8]
        candidates.append(template.format(A=a.capitalize(), B=b, p=place, n=k + 2))
    kept: list[str] = []
    for text in candidates:
        if all(jaccard(text, other) < NEAR_DUPLICATE - 0.02 for other in kept):
            kept.append(text)
    return kept


TEXTS = clean_texts()


def documents(texts: list[str], per_document: int = 6) -> list[Document]:
    return [
        Document(f"pool/doc{i:02d}.txt", " ".join(texts[start:start + per_document]))
        for i, start in enumerate(range(0, len(texts), per_document))
    ]


@pytest.fixture(scope="module")
def pool() -> list[PoolSentence]:
    sentences = pool_sentences(documents(TEXTS))
    assert [s.text for s in sentences] == TEXTS  # the segmenter gives back the sentences joined
    return sentences


def margin(row: np.ndarray, thresholds: np.ndarray) -> float:
    """Worked out independently of suggest._margin: nearest threshold, as a share of its side."""
    shares = []
    for score, threshold in zip(row, thresholds):
        room = 1 - threshold if score >= threshold else threshold
        shares.append(abs(score - threshold) / room)
    return min(shares)


def model_view(model, texts):
    scores = model.scores(texts)
    thresholds = np.array([model.thresholds[t] for t in model.tags])
    return scores, thresholds


# --- pool_sentences ----------------------------------------------------------------------------


def test_pool_sentences_offsets_articles_and_context():
    text = "  Rebels accused the army. The army denied it!\nThree people were killed."
    docs = [
        Document("news/first story.txt", text),
        Document("table.csv", "Only one sentence here.", id="row-7"),
        Document("other.csv", "Id zero is an id.", id="0"),
    ]
    pool = pool_sentences(docs)
    assert [s.text for s in pool] == [
        "Rebels accused the army.", "The army denied it!", "Three people were killed.",
        "Only one sentence here.", "Id zero is an id.",
    ]
    for sentence, document in zip(pool, [docs[0]] * 3 + docs[1:]):
        assert document.text[sentence.start:sentence.end] == sentence.text
        assert sentence.source == document.source
    assert [s.article for s in pool] == ["first story", "first story", "first story", "row-7", "0"]
    first, middle, last, alone, zero = pool
    assert (first.before, first.after) == ("", "The army denied it!")
    assert (middle.before, middle.after) == ("Rebels accused the army.", "Three people were killed.")
    assert (last.before, last.after) == ("The army denied it!", "")  # not the next document's sentence
    assert (alone.before, alone.after) == ("", "")
    assert (zero.before, zero.after) == ("", "")


def test_pool_sentences_of_nothing():
    assert pool_sentences([]) == []
    assert pool_sentences([Document("empty.txt", "\n  \n")]) == []


# --- suggest: shares, columns, ordering --------------------------------------------------------


@pytest.mark.parametrize("n, share", [(10, 0.2), (10, 0.0), (7, 1.0), (12, 0.25)])
def test_suggest_gives_n_rows_with_the_random_share(synthetic_model, pool, n, share):
    rows = suggest(synthetic_model, pool, n, random_share=share)
    assert len(rows) == n
    assert all(tuple(row) == COLUMNS for row in rows)
    vias = [row["via"] for row in rows]
    assert vias.count("random") == round(n * share)
    assert vias.count("uncertainty") == n - round(n * share)
    assert vias == sorted(vias, key=lambda v: v != "random")  # random picks first
    by_text = {s.text: s for s in pool}
    for row in rows:
        sentence = by_text[row["text"]]
        assert (row["source"], row["article"], row["start"], row["end"], row["before"], row["after"]) == (
            sentence.source, sentence.article, sentence.start, sentence.end, sentence.before, sentence.after
        )
    assert len({row["text"] for row in rows}) == n


def test_uncertainty_picks_are_the_smallest_margins_in_ascending_order(synthetic_model, pool):
    n = 15
    rows = suggest(synthetic_model, pool, n, random_share=0)
    scores, thresholds = model_view(synthetic_model, TEXTS)
    margins = [margin(row, thresholds) for row in scores]
    picked = [row["score"] for row in rows]
    assert picked == sorted(picked)
    assert picked == pytest.approx(sorted(margins)[:n], abs=1e-6)
    for row in rows:
        i = TEXTS.index(row["text"])
        assert row["score"] == pytest.approx(margins[i], abs=1e-6)
        assert 0 <= row["score"] <= 1
        guess = [t for t, s, c in zip(synthetic_model.tags, scores[i], thresholds) if s >= c]
        assert row["guess"] == format_tags(guess)


def test_uncertainty_part_after_random_picks_is_ranked_among_the_rest(synthetic_model, pool):
    rows = suggest(synthetic_model, pool, 10, random_share=0.3, seed=3)
    random_rows, ranked = rows[:3], rows[3:]
    assert {row["via"] for row in random_rows} == {"random"}
    scores, thresholds = model_view(synthetic_model, TEXTS)
    chosen = {row["text"] for row in random_rows}
    rest = sorted(margin(scores[i], thresholds) for i, t in enumerate(TEXTS) if t not in chosen)
    # Sentences with the same words but an unseen place name score alike: compare the margins.
    assert [row["score"] for row in ranked] == pytest.approx(rest[:7], abs=1e-6)
    assert chosen.isdisjoint(row["text"] for row in ranked)


def test_tag_hunt_ranks_by_that_score_below_certain(synthetic_model, pool):
    tag = "denial"
    column = synthetic_model.tags.index(tag)
    scores = synthetic_model.scores(TEXTS)[:, column]
    certain = {t for t, s in zip(TEXTS, scores) if s >= CERTAIN}
    assert certain  # the pool holds sentences the model is sure of, which must be left out
    n = 8
    rows = suggest(synthetic_model, pool, n, tag=tag, random_share=0)
    assert len(rows) == n
    assert {row["via"] for row in rows} == {f"tag:{tag}"}
    picked = [row["score"] for row in rows]
    assert picked == sorted(picked, reverse=True)
    assert all(score < CERTAIN for score in picked)
    assert not certain & {row["text"] for row in rows}
    unsure = sorted((s for s in scores if s < CERTAIN), reverse=True)
    # Ties (sentences differing only in a place name the model never saw) make the scores the check.
    assert picked == pytest.approx(unsure[:n], abs=1e-6)
    for row in rows:
        assert row["score"] == pytest.approx(scores[TEXTS.index(row["text"])], abs=1e-6)


def test_tag_hunt_never_offers_certain_sentences_even_when_asked_for_all(synthetic_model, pool):
    column = synthetic_model.tags.index("accusation")
    scores = synthetic_model.scores(TEXTS)[:, column]
    rows = suggest(synthetic_model, pool, len(TEXTS), tag="accusation", random_share=0)
    assert len(rows) == int((scores < CERTAIN).sum()) < len(TEXTS)


def test_tag_hunt_with_random_share(synthetic_model, pool):
    rows = suggest(synthetic_model, pool, 10, tag="demand", random_share=0.4)
    assert [row["via"] for row in rows] == ["random"] * 4 + ["tag:demand"] * 6
    ranked = [row["score"] for row in rows[4:]]
    assert ranked == sorted(ranked, reverse=True) and max(ranked) < CERTAIN


def test_tag_not_in_the_model_is_a_value_error(synthetic_model, pool):
    from classifier.training import train

    small = train(make_labeled(), tags=["accusation", "casualty_report"], seed=0)
    with pytest.raises(ClaimtagError, match="denial"):
        suggest(small, pool, 5, tag="denial")
    with pytest.raises(ClaimtagError, match="looting"):
        suggest(synthetic_model, pool, 5, tag="looting")


def test_more_than_the_pool_gives_each_sentence_once(synthetic_model, pool):
    rows = suggest(synthetic_model, pool, len(TEXTS) + 20, random_share=0.5)
    assert sorted(row["text"] for row in rows) == sorted(TEXTS)


def test_empty_pool_gives_no_rows(synthetic_model):
    assert suggest(synthetic_model, [], 5) == []
    assert suggest(synthetic_model, [], 5, tag="denial", random_share=0) == []


# --- labeled texts and duplicates ----------------------------------------------------------------


@pytest.mark.parametrize("share", [0.0, 1.0])
def test_labeled_texts_are_skipped_whatever_their_case_spacing_and_punctuation(synthetic_model, pool, share):
    a, b = TEXTS[3], TEXTS[40]
    variant = "  " + a.upper().replace(" ", "   ").rstrip(".") + " !!"
    assert variant != a and normalised(variant) == normalised(a)
    rows = suggest(synthetic_model, pool, len(TEXTS), labeled=[variant, b], random_share=share)
    texts = [row["text"] for row in rows]
    assert a not in texts and b not in texts
    assert len(rows) == len(TEXTS) - 2


def test_labeled_can_be_a_one_shot_iterator(synthetic_model, pool):
    rows = suggest(synthetic_model, pool, len(TEXTS), labeled=iter([TEXTS[0], TEXTS[1]]), random_share=0.5)
    assert {TEXTS[0], TEXTS[1]}.isdisjoint(row["text"] for row in rows)
    assert len(rows) == len(TEXTS) - 2


@pytest.mark.parametrize("share", [0.0, 1.0])
def test_near_duplicates_are_picked_at_most_once(synthetic_model, share):
    assert jaccard(LONG, NEAR) >= NEAR_DUPLICATE
    pool = pool_sentences(documents(TEXTS[:30]) + [Document("a.txt", LONG), Document("b.txt", NEAR)])
    rows = suggest(synthetic_model, pool, len(pool), random_share=share)
    texts = [row["text"] for row in rows]
    assert (LONG in texts) + (NEAR in texts) == 1
    assert len(rows) == 31


def test_near_duplicates_of_labeled_texts_are_skipped(synthetic_model):
    pool = pool_sentences(documents(TEXTS[:30]) + [Document("b.txt", NEAR)])
    rows = suggest(synthetic_model, pool, len(pool), labeled=[LONG], random_share=0.5)
    assert NEAR not in [row["text"] for row in rows]
    assert len(rows) == 30


def test_a_sentence_differing_in_several_words_is_not_a_near_duplicate(synthetic_model):
    other = LONG.replace("Monday morning", "Friday evening").replace("grain", "fuel")
    assert jaccard(LONG, other) < NEAR_DUPLICATE
    pool = pool_sentences([Document("a.txt", LONG), Document("b.txt", other)])
    assert len(suggest(synthetic_model, pool, 5, random_share=0)) == 2


@pytest.mark.parametrize("share", [0.0, 1.0])
def test_exact_duplicates_in_the_pool_are_picked_once(synthetic_model, share):
    repeated = TEXTS[5]
    shouted = repeated.upper()
    pool = pool_sentences(
        documents(TEXTS[:20]) + [Document("wire1.txt", repeated), Document("wire2.txt", f"{shouted} {TEXTS[25]}")]
    )
    rows = suggest(synthetic_model, pool, len(pool), random_share=share)
    texts = [normalised(row["text"]) for row in rows]
    assert texts.count(normalised(repeated)) == 1
    assert len(rows) == 21


# --- seeds and --match -------------------------------------------------------------------------


def test_same_seed_same_picks_other_seed_other_random_picks(synthetic_model, pool):
    first = suggest(synthetic_model, pool, 10, random_share=1.0, seed=7)
    again = suggest(synthetic_model, pool, 10, random_share=1.0, seed=7)
    other = suggest(synthetic_model, pool, 10, random_share=1.0, seed=8)
    assert first == again
    assert {row["via"] for row in first + other} == {"random"}
    assert {row["text"] for row in first} != {row["text"] for row in other}
    mixed = [suggest(synthetic_model, pool, 10, random_share=0.5, seed=s) for s in (1, 1)]
    assert mixed[0] == mixed[1]


def test_seed_does_not_change_the_uncertainty_ranking(synthetic_model, pool):
    picks = [suggest(synthetic_model, pool, 10, random_share=0, seed=s) for s in (0, 1, 2)]
    assert picks[0] == picks[1] == picks[2]


def test_match_limits_picks_case_insensitively(synthetic_model, pool):
    matching = [t for t in TEXTS if "the militia" in t.lower()]
    assert any("The militia" in t for t in matching) and any("the militia" in t for t in matching)
    assert len(matching) >= 4
    rows = suggest(synthetic_model, pool, len(matching), match="THE MILITIA", random_share=0.5)
    assert sorted(row["text"] for row in rows) == sorted(matching)
    assert all(row["via"].endswith("+match") for row in rows)
    assert {row["via"] for row in rows} == {"random+match", "uncertainty+match"}


def test_match_with_a_tag_hunt(synthetic_model, pool):
    rows = suggest(synthetic_model, pool, 6, tag="denial", match=r"\bdeni(ed|al)\b", random_share=0)
    assert rows and {row["via"] for row in rows} == {"tag:denial+match"}
    assert all(re.search(r"\bdeni(ed|al)\b", row["text"], re.I) for row in rows)
    assert all(row["score"] < CERTAIN for row in rows)


def test_match_finding_nothing_gives_no_rows(synthetic_model, pool):
    assert suggest(synthetic_model, pool, 5, match="zeppelin") == []


# --- the command line --------------------------------------------------------------------------


@pytest.fixture(scope="module")
def model_path(tmp_path_factory, synthetic_model):
    return save(synthetic_model, tmp_path_factory.mktemp("model") / "m.joblib")


@pytest.fixture(scope="module")
def pool_dir(tmp_path_factory):
    directory = tmp_path_factory.mktemp("pool")
    for document in documents(TEXTS[:40], per_document=8):
        (directory / document.source.split("/")[-1]).write_text(document.text + "\n", encoding="utf-8")
    return directory


def run(*args):
    return CliRunner().invoke(main, [str(a) for a in args])


def read_csv(text: str) -> tuple[list[str], list[dict]]:
    reader = csv.DictReader(io.StringIO(text))
    rows = list(reader)
    return list(reader.fieldnames or []), rows


def test_cli_suggest_writes_a_csv_file(model_path, pool_dir, tmp_path):
    out = tmp_path / "out.csv"
    result = run("suggest", pool_dir, "--model", model_path, "-n", 5, "-o", out)
    assert result.exit_code == 0, result.stderr
    assert result.stdout == ""
    header, rows = read_csv(out.read_text(encoding="utf-8"))
    assert header == list(COLUMNS)
    assert len(rows) == 5
    assert [row["via"] for row in rows].count("random") == 1  # round(5 * 0.2)
    stems = {p.stem for p in pool_dir.glob("*.txt")}
    for row in rows:
        assert row["article"] in stems
        source_text = open(row["source"], encoding="utf-8").read()
        assert source_text[int(row["start"]):int(row["end"])] == row["text"]
    assert "suggested 5 of 40 pool sentences" in result.stderr


def test_cli_suggest_stdout_is_csv_by_default(model_path, pool_dir):
    result = run("suggest", pool_dir, "--model", model_path, "-n", 3, "--random-share", 0)
    assert result.exit_code == 0, result.stderr
    header, rows = read_csv(result.stdout)
    assert header == list(COLUMNS) and len(rows) == 3
    assert {row["via"] for row in rows} == {"uncertainty"}
    assert "source,article" not in result.stderr


def test_cli_suggest_jsonl_output_by_suffix(model_path, pool_dir, tmp_path):
    out = tmp_path / "next.jsonl"
    result = run("suggest", pool_dir, "--model", model_path, "-n", 4, "--tag", "demand", "-o", out)
    assert result.exit_code == 0, result.stderr
    rows = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert len(rows) == 4 and all(list(row) == list(COLUMNS) for row in rows)
    assert [row["via"] for row in rows].count("tag:demand") == 3


def test_cli_suggest_exclude_removes_labeled_sentences(model_path, pool_dir, tmp_path):
    excluded = [TEXTS[0], TEXTS[11], TEXTS[30]]
    labeled = tmp_path / "labeled.csv"
    with labeled.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["text"])
        writer.writerows([[excluded[0].upper()], [excluded[1]], [excluded[2]]])
    result = run("suggest", pool_dir, "--model", model_path, "-n", 100, "--exclude", labeled)
    assert result.exit_code == 0, result.stderr
    _, rows = read_csv(result.stdout)
    texts = {row["text"] for row in rows}
    assert texts.isdisjoint(excluded)
    assert texts == set(TEXTS[:40]) - set(excluded)


def test_cli_suggest_table_pool_uses_the_id_as_article(model_path, tmp_path):
    table = tmp_path / "pool.csv"
    with table.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["key", "body", "extra"])
        writer.writerow(["story-a", f"{TEXTS[50]} {TEXTS[51]}", "x"])
        writer.writerow(["story-b", TEXTS[52], "y"])
    result = run("suggest", table, "--model", model_path, "-n", 10, "--text-col", "body", "--id-col", "key")
    assert result.exit_code == 0, result.stderr
    _, rows = read_csv(result.stdout)
    articles = {row["text"]: row["article"] for row in rows}
    assert articles == {TEXTS[50]: "story-a", TEXTS[51]: "story-a", TEXTS[52]: "story-b"}
    assert {row["source"] for row in rows} == {str(table)}
    context = {row["text"]: (row["before"], row["after"]) for row in rows}
    assert context[TEXTS[51]] == (TEXTS[50], "")


def test_cli_suggest_bad_match_regex_is_a_usage_error(model_path, pool_dir):
    result = run("suggest", pool_dir, "--model", model_path, "--match", "(unclosed")
    assert result.exit_code == 2
    assert isinstance(result.exception, SystemExit)
    errors = [line for line in result.stderr.splitlines() if line.startswith("Error:")]
    assert len(errors) == 1, result.stderr
    assert "--match" in errors[0] and "not a regular expression" in errors[0]
    assert "Traceback" not in result.stderr and result.stdout == ""


def test_cli_suggest_match(model_path, pool_dir):
    result = run("suggest", pool_dir, "--model", model_path, "-n", 50, "--match", "POLICE")
    assert result.exit_code == 0, result.stderr
    _, rows = read_csv(result.stdout)
    assert rows and all("police" in row["text"].lower() for row in rows)
    assert len(rows) == sum("police" in t.lower() for t in TEXTS[:40])
    assert all(row["via"].endswith("+match") for row in rows)


def test_cli_suggest_tag_missing_from_the_model_is_a_clean_error(pool_dir, tmp_path):
    from classifier.training import train

    small = save(train(make_labeled(), tags=["accusation", "casualty_report"], seed=0), tmp_path / "small.joblib")
    result = run("suggest", pool_dir, "--model", small, "--tag", "denial")
    assert result.exit_code != 0
    assert isinstance(result.exception, SystemExit), repr(result.exception)
    errors = [line for line in result.stderr.splitlines() if line.startswith("Error:")]
    assert len(errors) == 1 and "denial" in errors[0]
    assert "Traceback" not in result.stderr
