"""Tests for classifier/attribution.py: who said each sentence of a news article."""

from __future__ import annotations

import csv
import itertools
from pathlib import Path

import pytest

from classifier.attribution import attribute

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "data" / "labeled" / "seed.csv"
SEED_SOURCES = ROOT / "data" / "labeled" / "seed-sources.csv"
FA_KES = Path("/work/shared/corpora/fa-kes/fa-kes.csv")


def one(sentence: str) -> str | None:
    return attribute([sentence])[0]


def normalised(source: str | None) -> str:
    return " ".join((source or "").lower().split())


# --- one rule at a time --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("sentence", "source"),
    [
        ("“The city is safe now,” said Layla Haddad.", "Layla Haddad"),
        ("The city is safe now, said Layla Haddad, a resident of Homs.", "Layla Haddad"),
        ("Layla Haddad said the city was safe.", "Layla Haddad"),
        ("Rebels said on Monday they had withdrawn.", "Rebels"),
        ("The ministry has also denied the report.", "The ministry"),
        ("Residents say the market reopened.", "Residents"),
    ],
)
def test_said_x_and_x_said(sentence: str, source: str) -> None:
    assert one(sentence) == source


@pytest.mark.parametrize(
    ("sentence", "source"),
    [
        ("At least 12 people died, according to the Syrian Observatory for Human Rights.",
         "Syrian Observatory for Human Rights"),
        ("According to local activists, the road was closed.", "local activists"),
        ("Five soldiers died, according to a statement by the Defence Ministry.", "Defence Ministry"),
    ],
)
def test_according_to(sentence: str, source: str) -> None:
    assert one(sentence) == source


def test_told_outlet_gives_the_speaker_not_the_outlet() -> None:
    assert one("“We lost everything,” Omar Saleh told Reuters.") == "Omar Saleh"
    assert one("A nurse at the hospital told AFP that water had run out.") == "A nurse"


def test_outlet_alone_is_the_source() -> None:
    assert one("Three shells hit the port, state media reported.") == "state media"
    assert one("Clashes continued overnight, Reuters reported.") == "Reuters"


def test_in_a_statement() -> None:
    assert one("The army said in a statement that the road was open.") == "The army"
    assert one("“The attack failed,” the group said in a statement.") == "the group"


def test_appositions_and_titles_are_dropped() -> None:
    sentence = ("Dr. Karim Nassar, a spokesman for the Health Directorate (in Idlib), said that "
                "the hospital was hit.")
    assert one(sentence) == "Karim Nassar"
    assert one("Provincial Governor Talal Barazi said the fire was out.") == "Talal Barazi"
    assert one("“Nobody came,” Sami Aziz, a farmer, told ARA News.") == "Sami Aziz"


def test_pronoun_resolves_to_the_last_speaker() -> None:
    sources = attribute([
        "Karim Nassar said the hospital was hit.",
        "“Two nurses were injured,” he added.",
    ])
    assert sources == ["Karim Nassar", "Karim Nassar"]


def test_pronoun_without_antecedent_is_not_a_source() -> None:
    assert one("“We are leaving,” he said.") is None


def test_surname_and_role_noun_refer_back_to_the_full_name() -> None:
    sources = attribute([
        "Karim Nassar, an official in Idlib, said the hospital was hit.",
        "The official also accused the army of shelling it.",
        "“It was deliberate,” Nassar added.",
    ])
    assert sources == ["Karim Nassar"] * 3


def test_multi_sentence_quote_takes_the_speaker_of_its_closing_sentence() -> None:
    sources = attribute([
        "The mayor spoke on Monday.",
        "“The water is cut.",
        "The bakeries are closed.",
        "We need help,” said Mona Farid.",
        "The siege began in May.",
    ])
    assert sources == [None, "Mona Farid", "Mona Farid", "Mona Farid", None]


def test_quote_standing_alone_continues_the_previous_speaker() -> None:
    sources = attribute([
        "The council blamed the militia in a statement on Friday.",
        "“They fired first.”",
        "The militia did not comment.",
    ])
    assert sources == ["The council", "The council", None]


def test_words_inside_a_quote_do_not_name_a_speaker() -> None:
    assert one("“According to our information, it came from the base,” the farmer said.") == "the farmer"


@pytest.mark.parametrize(
    "sentence",
    [
        "Qamishli was recently announced to be the new capital.",
        "Several bombings, most claimed by the Islamic State, have killed dozens.",
        "The said agreement was signed in 2016.",
        "Another report of a strike reached the capital.",
        "The army shelled the town on Tuesday.",
        "Photo: ARA News",
    ],
)
def test_narration_and_noun_uses_of_speech_verbs_are_unattributed(sentence: str) -> None:
    assert one(sentence) is None


def test_headline_in_title_case() -> None:
    assert one("Kurds Blame Regime for Bombing in Qamishli") == "Kurds"


def test_negated_verb_attributes_nothing_but_lends_its_subject() -> None:
    assert one("The militia did not comment.") is None
    assert one("A spokesman did not say what was used but said rebels had it.") == "A spokesman"


def test_straight_quotes_and_lost_commas() -> None:
    # Scraped text often loses commas and typographic quotes.
    sources = attribute([
        '"The war will go on" he said.',
        "Victims died in Idlib the World Health Organization said.",
    ])
    assert sources == [None, "World Health Organization"]


# --- the fast paths: cue pre-check and plain-frame tokens ----------------------------------------


def test_document_without_cue_words_is_all_unattributed() -> None:
    # No speech verb, "according" or "quoted" as a word ("Saidnaya" and "unsaid" are not "said").
    sources = attribute([
        "The army shelled the town on Tuesday.",
        "Three houses burned near Saidnaya, and much was left unsaid.",
        "The market in Homs reopened after repairs.",
    ])
    assert sources == [None, None, None]


def test_quote_resolves_across_a_sentence_without_cue_words() -> None:
    # The middle sentence has no cue word, so it skips the rules, but it is inside the quote.
    assert attribute([
        "The mayor spoke on Monday.",
        "“The water is cut.",
        "The bakeries are closed.",
        "We need help,” Mona Farid said.",
    ]) == [None, "Mona Farid", "Mona Farid", "Mona Farid"]
    assert attribute([
        "Mona Farid said on Monday: “The water is cut.",
        "The bakeries are closed.",
        "We need help.”",
        "The siege began in May.",
    ]) == ["Mona Farid", "Mona Farid", "Mona Farid", None]


def test_cue_words_in_capitals_and_non_ascii_sentences_reach_the_rules() -> None:
    sources = attribute([
        "“Nothing is left,” said Nasir Derwîş.",
        "Thousands fled.",
        "“We lost everything,” Omar Saleh SAID.",
    ])
    assert sources == ["Nasir Derwîş", None, "Omar Saleh"]


def reference_tokens(frame: str) -> list[tuple[str, int, int]]:
    """The tokens as the rules define them: _TOKEN matches, trailing periods dropped but for acronyms."""
    from classifier.attribution import _ACRONYM, _TOKEN

    tokens = []
    for match in _TOKEN.finditer(frame):
        word = match.group()
        if not _ACRONYM.fullmatch(word):
            word = word.rstrip(".")
        tokens.append((word, match.start(), match.end()))
    return tokens


@pytest.mark.parametrize(
    "frame",
    [
        "Layla Haddad said the city was safe.",
        "Rebels, who hold the town, said on Monday they had withdrawn.",
        " \x1e , he said.",
        "The U.S. envoy said.",
        "The U.S.-backed SDF said.",
        "U.S.A said the U.N. would meet.",
        "Aleppo - Syrian state media reported.",
        "Aleppo -Syrian state media,- reported -",
        "Mr. Smith ... said .",
        "Officials’ statement, state’s media said, .",
        "Şerfan Derwîş (55) told ARA News: “...”",
        "1.5 million people fled, the UN said..",
        ".5 said A.",
        "-",
        "",
    ],
)
def test_tokens_and_phrases_match_the_token_pattern(frame: str) -> None:
    from classifier.attribution import _Tokens

    expected = reference_tokens(frame)
    tokens = _Tokens(frame)
    assert tokens.text == [word for word, _, _ in expected]
    assert tokens.lower == [word.lower() for word, _, _ in expected]
    for i, (_, start, _) in enumerate(expected):
        for j, (_, _, end) in enumerate(expected[i:], start=i):
            # A fresh _Tokens each time: phrase() may switch a frame to the slower exact path.
            assert _Tokens(frame).phrase(i, j) == " ".join(frame[start:end].rstrip(".").split())


# --- the seed articles ---------------------------------------------------------------------------


def seed_results() -> list[tuple[str, str, str | None, str]]:
    """(id, gold, predicted, text) for every seed sentence."""
    with SEED_SOURCES.open(encoding="utf-8", newline="") as handle:
        gold = {row["id"]: row["source"] for row in csv.DictReader(handle)}
    with SEED.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    results = []
    for _, article in itertools.groupby(rows, key=lambda row: row["article"]):
        article = list(article)
        for row, predicted in zip(article, attribute([row["text"] for row in article])):
            results.append((row["id"], gold[row["id"]], predicted, row["text"]))
    return results


def test_gold_covers_every_seed_sentence() -> None:
    ids = [result[0] for result in seed_results()]
    with SEED_SOURCES.open(encoding="utf-8", newline="") as handle:
        assert sorted(row["id"] for row in csv.DictReader(handle)) == sorted(ids)
    assert len(ids) == 120


def test_seed_sources_match_gold() -> None:
    results = seed_results()
    attributed = [r for r in results if r[1]]
    misses = [r for r in attributed if normalised(r[1]) != normalised(r[2])]
    report = "\n".join(f"{i}: gold {g!r}, got {p!r}: {t[:80]}" for i, g, p, t in misses)
    right = len(attributed) - len(misses)
    print(f"seed attribution: {right}/{len(attributed)} right")
    assert right >= 0.9 * len(attributed), f"{right}/{len(attributed)} right; misses:\n{report}"


def test_seed_narration_is_rarely_attributed() -> None:
    narration = [r for r in seed_results() if not r[1]]
    false = [r for r in narration if r[2]]
    report = "\n".join(f"{i}: got {p!r}: {t[:80]}" for i, _, p, t in false)
    print(f"seed narration given a source: {len(false)}/{len(narration)}")
    assert len(false) <= 0.1 * len(narration), f"{len(false)}/{len(narration)} attributed:\n{report}"


# --- real news, as a guard against rules fitted to the seed --------------------------------------


@pytest.mark.skipif(not FA_KES.exists(), reason="FA-KES corpus not available")
def test_sources_on_real_news_are_phrases_of_the_document() -> None:
    pandas = pytest.importorskip("pandas")
    from classifier.segment import iter_sentences

    articles = pandas.read_csv(FA_KES, encoding="latin-1")["article_content"].dropna()
    attributed = total = 0
    for text in articles.head(40):
        sentences = [s.text for s in iter_sentences(text)]
        document = " ".join(" ".join(sentences).split())
        for source in attribute(sentences):
            total += 1
            if source:
                attributed += 1
                # Parenthetical asides are dropped, so a source need not be one span of the text.
                assert all(word in document for word in source.split()), source
                assert len(source.split()) <= 8, source
    # News quotes people a lot, but most of its sentences are still narration.
    assert 0.1 * total < attributed < 0.7 * total
