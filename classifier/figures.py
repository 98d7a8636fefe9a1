"""Casualty figures a sentence states: how many were killed and how many injured.

The rules follow ACLED's conservative coding habits. A qualified figure keeps its stated number
("at least 50" is 50), a range counts its lower end, a vague amount counts by a fixed table, figures
for several groups in one sentence are added, and a figure that lumps the dead with the wounded
("50 casualties") counts for neither. Deaths from illness, hunger, cold, fire or accidents are not
casualties of violence and are not counted.

A number counts only where a pattern ties it to a verb or noun of killing or injury, because a
wrong figure is worse than none: dates, ages, times, distances, money and counts of prisoners or
vehicles are never figures.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from dataclasses import dataclass
from functools import lru_cache
from itertools import repeat
from typing import Callable, NamedTuple


@dataclass(frozen=True)
class Figures:
    killed: int | None
    injured: int | None
    qualifier: str | None  # "at least", "more than", ..., "range", "vague", or None for exact figures


# --- numbers -------------------------------------------------------------------------------------

_UNITS = {
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9,
    "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15, "sixteen": 16,
    "seventeen": 17, "eighteen": 18, "nineteen": 19,
}
_TENS = {
    "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80,
    "ninety": 90,
}

# Qualifiers keep the stated number: ACLED codes "at least 50" and "more than 50" alike as 50.
QUALIFIERS = (
    "at least", "no fewer than", "no less than", "more than", "over", "upwards of", "nearly", "almost",
    "close to", "around", "about", "approximately", "roughly", "some", "an estimated", "as many as",
    "up to", "at most", "fewer than", "less than",
)

# Vague amounts by a fixed table, the low reading of each. "many", "a number of", "multiple" and the
# like say nothing about size, so they are not in the table and give no figure.
VAGUE = {
    "several dozen": 36, "several hundred": 300, "a dozen": 12, "dozens": 12, "scores": 20, "tens": 10,
    "hundreds": 100, "thousands": 1000, "tens of thousands": 10_000, "hundreds of thousands": 100_000,
    "several": 3, "a few": 3,
}


_DIGITS_RE = re.compile(r"\d{1,3}(?:,\d{3})+|\d+")
_WORDS_SPLIT_RE = re.compile(r"[\s-]+")


def parse_number(words: str) -> int | None:
    """"1,600" -> 1600, "twenty-five" -> 25, "two hundred" -> 200; None if not a number."""
    words = words.strip().lower()
    if _DIGITS_RE.fullmatch(words):
        return int(words.replace(",", ""))
    total = current = 0
    for word in _WORDS_SPLIT_RE.split(words):
        if word in _UNITS:
            current += _UNITS[word]
        elif word in _TENS:
            current += _TENS[word]
        elif word == "hundred":
            current = max(current, 1) * 100
        elif word == "thousand":
            total, current = total + max(current, 1) * 1000, 0
        else:
            return None
    return total + current


def _alternatives(phrases) -> str:
    """A regular expression for any of the phrases (a space in one stands for \\s+), as a trie, which the re
    module goes through much faster than a list of phrases under re.I. Where one phrase goes on from
    another, the longer is tried first, so that "several dozen" wins over "several"."""
    tree: dict = {}
    for phrase in phrases:
        node = tree
        for character in phrase:
            node = node.setdefault(character, {})
        node[""] = {}

    def branches(node: dict) -> str:
        alternatives = [
            (r"\s+" if character == " " else re.escape(character)) + branches(child)
            for character, child in sorted(node.items()) if character
        ]
        if not alternatives:
            return ""
        if len(alternatives) == 1 and len(alternatives[0]) == 1:
            trie = alternatives[0]
        else:
            trie = f"(?:{'|'.join(alternatives)})" if len(alternatives) > 1 or "" in node else alternatives[0]
        return trie + "?" if "" in node else trie  # a phrase that ends here is tried after those that go on

    return branches(tree)


_WORD_NUMBER = _alternatives([*_UNITS, *_TENS])
_NUMBER = rf"(?:\d{{1,3}}(?:,\d{{3}})+|\d+|(?:{_WORD_NUMBER})(?:[\s-]+(?:{_WORD_NUMBER}|hundred|thousand))*)"
# What follows a number that is not a head count: units of time, age, distance, money, dates.
_NOT_COUNTED = (
    "year", "years", "year-old", "year-olds", "month", "months", "week", "weeks", "day", "days", "hour", "hours",
    "minute", "minutes", "second", "seconds", "am", "pm", "a.m", "p.m", "o'clock", "gmt", "km", "kms",
    "kilometer", "kilometers", "kilometre", "kilometres", "mile", "miles", "meter", "meters", "metre", "metres",
    "m", "kg", "ton", "tons", "percent", "per cent", "%", "dollar", "dollars", "euro", "euros", "pound",
    "pounds", "lira", "liras", "million", "billion", "times", "st", "nd", "rd", "th",
    "january", "february", "march", "april", "june", "july", "august", "september", "october", "november",
    "december", "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec",
)
_NOT_A_COUNT = rf"(?![\d.,]?\d)(?!(?:-|\s*)(?:{_alternatives(_NOT_COUNTED)})\b)(?!\s*%)"
# Not "(55)" (an age), "$5", "1.5" or "no one".
_COUNT_START = r"(?<![\w$£€(.,/-])(?<!no\s)"
_AMOUNT = (
    rf"(?:between\s+{_NUMBER}\s+and\s+{_NUMBER}"
    rf"|{_NUMBER}\s*(?:-|–|to)\s*{_NUMBER}"
    rf"|{_NUMBER}"
    rf"|(?:{_alternatives(VAGUE)})(?:\s+of)?)"
)
_COUNT = rf"{_COUNT_START}(?:(?:{_alternatives(QUALIFIERS)})\s+)?{_AMOUNT}{_NOT_A_COUNT}"

_QUALIFIER_RE = re.compile(rf"({_alternatives(QUALIFIERS)})\s+", re.I)
_RANGE_RE = re.compile(rf"(?:between\s+)?({_NUMBER})\s*(?:-|–|to|and)\s*{_NUMBER}$", re.I)
_VAGUE_RE = re.compile(rf"({_alternatives(VAGUE)})(?:\s+of)?$", re.I)
_YEAR_RE = re.compile(r"(?:19|20)\d\d")


def _amount(count: str) -> tuple[int | None, str | None]:
    """The figure a count phrase stands for, and which qualifier applied."""
    count = " ".join(count.split())
    if count.isdigit() and count.isascii():  # the commonest, and no qualifier or vague amount
        return (None, None) if _YEAR_RE.fullmatch(count) else (int(count), None)
    if count.lower() in ("a", "an", "another"):
        return 1, None
    qualifier = None
    if match := _QUALIFIER_RE.match(count):
        qualifier, count = match.group(1).lower(), count[match.end():]
        if count.isdigit() and count.isascii():  # "at least 50", the next commonest
            return (None, None) if _YEAR_RE.fullmatch(count) else (int(count), qualifier)
    if match := _VAGUE_RE.match(count):
        # casefold: the pattern ignores case the Unicode way, so "hundredſ" matches "hundreds".
        amount = VAGUE.get(match.group(1).casefold())
        return (amount, "vague") if amount is not None else (None, None)
    if _YEAR_RE.fullmatch(count):  # a bare year ("in 2015"), never a head count
        return None, None
    if (number := parse_number(count)) is not None:  # "twenty-five" is one number, not a range
        return number, qualifier
    if match := _RANGE_RE.match(count):
        return parse_number(match.group(1)), "range"
    return None, None


# --- victims -------------------------------------------------------------------------------------

# Nouns for people that take an "s" in the plural, and then the others.
_PERSONS = (
    "person", "individual", "civilian", "soldier", "troop", "trooper", "marine", "fighter", "militant", "member",
    "recruit", "police officer", "officer", "guard", "commander", "leader", "official", "kid", "boy", "girl",
    "infant", "teenager", "youth", "student", "resident", "villager", "inhabitant", "farmer", "shepherd",
    "worker", "employee", "journalist", "reporter", "doctor", "nurse", "medic", "paramedic", "protester",
    "protestor", "demonstrator", "worshipper", "pilgrim", "passenger", "refugee", "migrant", "detainee",
    "prisoner", "hostage", "victim", "rebel", "insurgent", "jihadist", "extremist", "terrorist", "attacker",
    "assailant", "bomber", "loyalist", "other", "relative", "brother", "son", "daughter", "father", "mother",
    "husband", "volunteer", "rescuer", "citizen", "national", "activist",
)
_PEOPLE_NOUNS = (
    *_PERSONS, *(f"{noun}s" for noun in _PERSONS), "people", "personnel", "police", "child", "children", "man",
    "men", "woman", "women", "serviceman", "servicemen", "militiaman", "militiamen", "policeman", "policemen",
    "gunman", "gunmen", "baby", "babies", "mercenary", "mercenaries", "wife", "wives", "family", "families",
    "staff", "elderly",
)
_PEOPLE = (
    rf"(?:{_alternatives(_PEOPLE_NOUNS)}|"
    r"(?-i:[A-Z][a-z]+(?:ians|eans|ans)|Kurds|Turks|Turkmen|Arabs|Druze|Alawites|Yazidis|Sunnis|Shiites|Jews|"
    r"Iraqis|Israelis|Yemenis|Saudis|Pakistanis|Somalis|Lebanese|Sudanese|Chinese|Uzbeks|Chechens))"
)
# Words that may stand between a count and its noun ("31 regime fighters"); not ones that would
# carry the match across a clause or into another count.
# Lower case only, so that "IS" (the group) can still be one ("10 IS members").
_STOP = r"(?-i:and|or|of|in|on|at|by|to|from|while|who|that|which|including|were|was|are|is|have|has|had|been|killed|dead|died|wounded|injured|hurt)\b"
# Not a number word either: "another seven people" is seven, not "another" person.
_MODIFIER = rf"(?:\d+-years?-old|(?!{_STOP}|(?:{_WORD_NUMBER})\b)[A-Za-z][\w'’-]*)"
_PLAIN_NOUN = rf"(?:{_MODIFIER}\s+){{0,3}}?{_PEOPLE}\b"
_NOUN = rf"(?:of\s+(?:the|their|our|its|his|her|them)\s+)?{_PLAIN_NOUN}"
_ONE = r"(?<![\w-])(?:an?|another)"

# A relative ("his young daughter") or a name ("Ahmed al-Ali") is one victim.
_RELATIVES = ("brother", "sister", "son", "daughter", "father", "mother", "wife", "husband", "child", "cousin",
              "uncle", "nephew", "niece", "friend", "colleague", "bodyguard", "driver")
_KIN = rf"(?:his|her|their)\s+(?:[a-z]+\s+)?(?:{'|'.join(_RELATIVES)})\b"
_NAME_PARTICLES = ("al", "el", "bin", "ibn", "abu")
_NAME = rf"[A-Z][a-z’']+(?:[\s-](?:{'|'.join(_NAME_PARTICLES)}|[A-Z][a-z’']+))*"
# More victims joined on with "and": "two women and their seven children". Only with a noun, and not
# "3 of them children", which is part of the first group rather than a group of its own.
_CONJUNCT = rf"(?P<conjunct>{_COUNT}|{_ONE})\s+{_PLAIN_NOUN}|{_KIN}"
_MORE = (
    rf"(?P<more>(?:,?\s+(?:and|as\s+well\s+as)\s+"
    rf"(?:(?:(?:his|her|their)\s+)?(?:{_COUNT}|{_ONE})\s+{_PLAIN_NOUN}|{_KIN}))*)"
)
_CONJUNCT_RE = re.compile(_CONJUNCT, re.I)

# A victim phrase: a count with an optional noun ("50", "31 regime fighters", "one of their fighters"),
# or "a"/"an" with a required one ("a commander"), and any more groups joined on.
_VICTIMS = rf"(?P<count>{_COUNT}|{_ONE}(?=\s+{_NOUN}))(?:\s+(?P<noun>{_NOUN}))?{_MORE}"
_VICTIMS_NOUN = rf"(?P<count>{_COUNT}|{_ONE})\s+(?P<noun>{_NOUN}){_MORE}"

# --- verbs and nouns of killing and injury -------------------------------------------------------

_KILLED_WORDS = ("killed", "dead", "died", "shot dead", "shot and killed", "executed", "massacred", "slain",
                 "slaughtered", "murdered", "assassinated", "beheaded", "martyred", "gunned down",
                 "lost their lives", "perished", "stabbed to death", "beaten to death", "tortured to death")
_INJURED_WORDS = ("wounded", "injured", "hurt", "maimed")
_KILLED = f"(?:{_alternatives(_KILLED_WORDS)})"
_INJURED = f"(?:{_alternatives(_INJURED_WORDS)})"
# Without an auxiliary these may be active ("two gunmen killed a man"); see _AFTER_PASSIVE.
_AMBIGUOUS = {"killed", "wounded", "injured", "hurt", "executed", "massacred", "slaughtered", "murdered",
              "assassinated", "beheaded", "maimed"}
_KILLING = (
    r"(?:killed|killing|kills|kill|shot\s+dead|shot\s+and\s+killed|shooting\s+dead|executed|executing|"
    r"massacred|massacring|slaughtered|slaughtering|murdered|murdering|assassinated|beheaded|slew|"
    r"(?:claim(?:ed|ing|s)|took|taking|cost|costing)\s+the\s+(?:life|lives)\s+of)"
)
_INJURING = r"(?:wounded|wounding|wounds|wound|injured|injuring|injures|injure|hurt|hurting|maimed|maiming)"
# "kill" in a headline reports ("Airstrikes kill seven"); after these it only threatens or denies.
_NOT_REPORTED = re.compile(
    r"\b(?:to|will|would|could|can|may|might|shall|should|must|not|never|did|do|does|n't|’ll|'ll)\s+$", re.I
)
_AUX = (
    r"(?:were|was|have|has|had|are|is|been|being|be|to|got|all|also|reportedly|allegedly|later|"
    r"subsequently|reported|confirmed|believed|said|found|left|who|that)"
)

_DEATH_NOUNS = r"(?:deaths|fatalities|bodies|corpses)"
_INJURY_NOUNS = r"(?:injuries)"
_DEATH_OF = r"(?:death|deaths|killing|killings|massacre|murder|murders|execution|executions|assassination|bodies|remains|corpses)"
_TOLL = (
    r"(?:(?:death|casualty)\s+toll|toll|number\s+of\s+(?:the\s+)?(?:dead|deaths|fatalities|"
    r"(?:people|those|civilians)\s+killed))"
)
_INJURED_TOLL = r"(?:number\s+of\s+(?:the\s+)?(?:wounded|injured|injuries|(?:people|those|civilians)\s+(?:wounded|injured)))"
_TOLL_VERB = r"(?:to|at|of|reached|hit|is|was|stands\s+at|stood\s+at)"

# Deaths and injuries that are not casualties of violence, named after the verb ("died of cold",
# "killed in a car accident") or before it ("hunger has killed").
_CAUSES_OF = ("cold", "hunger", "starvation", "malnutrition", "illness", "illnesses", "disease", "diseases",
              "cancer", "cholera", "covid", "covid-19", "coronavirus", "heart attack", "natural causes", "old age",
              "exposure", "dehydration", "thirst", "hypothermia", "sickness", "infection", "typhoid", "measles",
              "lack of food", "lack of medicine", "lack of medical care", "lack of treatment")
_CAUSES_IN = ("accident", "crash", "collision", "fire", "blaze", "flood", "floods", "flooding", "earthquake",
              "avalanche", "landslide", "storm")
_NOT_VIOLENCE_AFTER = re.compile(
    r"\s*,?\s*(?:(?:of|from|due\s+to|because\s+of|after\s+contracting)\s+(?:the\s+|an?\s+)?(?:[\w-]+\s+)?"
    rf"(?:{_alternatives(_CAUSES_OF)})\b"
    rf"|(?:in|by|after)\s+(?:an?|the)\s+(?:[\w-]+\s+){{0,2}}?(?:{_alternatives(_CAUSES_IN)})\b(?!\s*fight))",
    re.I,
)
# Not "fire" alone: "artillery fire killed two people" is violence.
_CAUSES_BEFORE = ("cold", "hunger", "starvation", "malnutrition", "disease", "illness", "cholera", "a fire",
                  "an fire", "a house fire", "an house fire", "blaze", "accident", "crash", "flood", "floods",
                  "earthquake", "storm")
_NOT_VIOLENCE_BEFORE = re.compile(
    rf"\b(?:{_alternatives(_CAUSES_BEFORE)})s?\s+(?:has\s+|had\s+|have\s+|that\s+|which\s+)?$", re.I
)

# "Five people, including two children, were killed": an aside about part of the group.
# Without punctuation ("126 people including 68 children were killed") it runs to the verb.
_ASIDE = (
    r"(?:(?:\s*,|\s*\(|\s+[-–—])\s*(?:including|among\s+them|mostly|mainly|most\s+of\s+them|many\s+of\s+them)\b"
    r"[^,()]{1,80}?(?:,|\)|\s[-–—])"
    rf"|\s+(?:including|among\s+them|mostly|mainly)\s+(?:(?!{_KILLED}|{_INJURED})[^,.;:]){{1,60}}?(?=\s+(?:{_AUX}|{_KILLED}|{_INJURED})\b))"
)

_AND = r"(?:and|or|and/or)"
# In headlines the two may stand side by side: "25 terrorists killed, injured".
_AND_OR_COMMA = rf"(?:\s+{_AND}\s+|\s*[,/]\s*|\s+)"

# --- patterns ------------------------------------------------------------------------------------
# Each pattern yields what a match counts: "killed", "injured", "toll", "injured toll", or None for a
# combined killed-or-injured figure, which is matched only to keep its number out of the others.
# Earlier patterns win where matches overlap.


def _compile(pattern: str, flags=re.I) -> tuple[str, int]:
    return pattern, flags  # compiled by _pattern, when a sentence first needs it


_PATTERNS: list[tuple[str | None, tuple[str, int]]] = [
    # Combined figures: "killing or wounding 50", "killed and injured dozens", "50 killed or wounded",
    # "several dead and wounded", "50 casualties", "the death and injury of dozens".
    # ("killed and executed 270" is not combined: both verbs kill.)
    (None, _compile(rf"(?:{_KILLING}\s+{_AND}\s+{_INJURING}|{_INJURING}\s+{_AND}\s+{_KILLING})\s+{_VICTIMS}")),
    (None, _compile(
        rf"{_VICTIMS}(?:\s+{_AUX}){{0,3}}\s+(?:{_KILLED}{_AND_OR_COMMA}{_INJURED}|{_INJURED}{_AND_OR_COMMA}{_KILLED})\b"
        rf"(?!\s+{_COUNT})"
    )),
    (None, _compile(rf"(?P<count>{_COUNT})\s+(?:{_MODIFIER}\s+){{0,2}}?(?:casualties|victims)\b")),
    (None, _compile(rf"\b(?:death|deaths|killing)\s+(?:and|or)\s+(?:injury|injuries|wounding)\s+of\s+{_VICTIMS}")),
    # Tolls state a running total, so they replace the sentence's other killed figures.
    ("toll", _compile(rf"\b{_TOLL}\s+(?:[\w'’-]+\s+){{0,10}}?{_TOLL_VERB}\s+(?P<count>{_COUNT})")),
    ("injured toll", _compile(rf"\b{_INJURED_TOLL}\s+(?:[\w'’-]+\s+){{0,10}}?{_TOLL_VERB}\s+(?P<count>{_COUNT})")),
    # Suicide attackers who die with their victims: "two bombers killed 23 people as well as themselves".
    ("themselves", _compile(
        rf"(?P<attackers>{_COUNT})\s+(?:{_MODIFIER}\s+){{0,2}}?(?:bombers|attackers|gunmen|assailants|militants)\b"
        rf"[^.;]*?\b{_KILLING}\s+{_VICTIMS},?\s+(?:as\s+well\s+as|and|along\s+with|besides)\s+themselves\b"
    )),
    # "killing himself and 5 others": the attacker is counted too (see _OTHERS_AFTER_SELF).
    ("killed", _compile(rf"\b{_KILLING}\s+(?:him|her)self\s+and\s+{_VICTIMS}")),
    # Active: "killed 23 people", "shot dead a commander", "wounding 10 others", "lost one of their fighters".
    # The object must not be the subject of a passive that follows ("killed 8 persons, 58 others injured").
    *(
        (kind, _compile(rf"\b(?P<verb>{verbs})\s+{_VICTIMS}(?!(?:\s+{_AUX}){{0,3}}\s+(?:{_KILLED}|{_INJURED})\b)"))
        for kind, verbs in (("killed", _KILLING), ("injured", _INJURING))
    ),
    ("killed", _compile(rf"\blost\s+{_VICTIMS_NOUN}")),
    ("killed", _compile(rf"\b(?:claim(?:ed|ing|s)?|took|taking|cost|costing)\s+(?:the\s+)?(?P<count>{_COUNT})\s+(?:more\s+)?lives\b")),
    # Passive or intransitive: "13 fighters on the Kurdish side were killed", "50 dead", "three died".
    *(
        (kind, _compile(
            rf"{_VICTIMS}(?:\s+(?:of|on|from|in|with|among|belonging\s+to|loyal\s+to)(?:\s+(?!{_STOP})[A-Za-z][\w'’-]*){{1,5}}?)?"
            # "five of the dead were children" counts the dead in part, not in full
            rf"{_ASIDE}?(?P<aux>(?:\s+{_AUX}){{0,5}})(?<!\bthe)(?<!\bthose)\s+(?P<verb>{verbs})\b"
        ))
        for kind, verbs in (("killed", _KILLED), ("injured", _INJURED))
    ),
    # Nouns: "40 fatalities", "300 injuries", "the death of a member of our forces".
    ("killed", _compile(rf"(?P<count>{_COUNT})\s+(?:{_MODIFIER}\s+){{0,2}}?{_DEATH_NOUNS}\b")),
    ("injured", _compile(rf"(?P<count>{_COUNT})\s+(?:{_MODIFIER}\s+){{0,2}}?{_INJURY_NOUNS}\b")),
    ("killed", _compile(rf"\b{_DEATH_OF}\s+of\s+{_VICTIMS_NOUN}")),
    # Named victims: "Ahmed Ali and his brother were killed" (one per name or relative).
    ("named", _compile(
        rf"(?<![\w’'-])(?P<names>(?:{_NAME}|{_KIN})(?:(?:\s*,\s*|,?\s+and\s+)(?:{_NAME}|{_KIN}))+)"
        rf"\s+were\s+(?:(?i:{_AUX})\s+){{0,3}}(?i:{_KILLED})\b",
        0,
    )),
    # One victim: "she was killed", "X was shot dead", "he died", "a man was wounded".
    ("one killed", _compile(
        r"\b(?:was|has\s+been|had\s+been)\s+(?:(?:also|reportedly|allegedly|later|subsequently|then)\s+){0,2}"
        r"(?:killed|shot\s+dead|shot\s+and\s+killed|murdered|assassinated|slain|gunned\s+down|beheaded|"
        r"martyred|(?:stabbed|beaten|tortured)\s+to\s+death|found\s+dead)\b"
        # "executed" only of a person: "the plan was executed" is not a death
        r"|\b(?:he|she)\s+(?:(?:also|later)\s+)?died\b|\b(?:he|she)\s+(?:was|has\s+been|had\s+been)\s+executed\b"
    )),
    ("one injured", _compile(
        r"\b(?:was|has\s+been|had\s+been)\s+(?:(?:also|reportedly|seriously|critically|badly|slightly|lightly)\s+){0,2}"
        r"(?:wounded|injured|hurt)\b"
    )),
]
# --- speed ---------------------------------------------------------------------------------------
# Searching all the patterns above through a sentence is slow, and most sentences report no casualty,
# so shortcuts skip the work that cannot find anything. None changes what is found: each only leaves
# out what the patterns could never match (tests/test_figures.py compares with _parts_plain).
#
# 1. Gates. Every pattern needs some words ("killed", "toll", "injuries", ...) in the sentence, at
#    the start of a word (they follow a space or \b); a pattern whose words are missing is not
#    searched, and a sentence with none of the words at all (most sentences) gives no figure at once.
#    A gate is a tuple of groups that must all be present; a group is present when a word starts with
#    one of its stems. Each of a pattern's words or phrases starts with a stem of its group, or has a
#    word that does ("lost their lives"). The first group of each gate is the rarest, and a sentence
#    with none of the first groups gives no figure. Two patterns also have a check (see _Start).
_KILLING_STEMS = ("kill", "shot", "shooting", "execut", "massacr", "slaughter", "murder", "assassinat",
                  "behead", "slew", "life", "lives")
_INJURING_STEMS = ("wound", "injur", "hurt", "maim")
_KILLED_STEMS = ("killed", "dead", "died", "shot", "executed", "massacred", "slain", "slaughtered",
                 "murdered", "assassinated", "beheaded", "martyred", "gunned", "lives", "perished", "death")
_INJURED_STEMS = ("wounded", "injured", "hurt", "maimed")
_DEATH_OF_STEMS = ("death", "killing", "massacre", "murder", "execution", "assassination", "bodies",
                   "remains", "corpses")
_GATES: list[tuple[tuple[str, ...], ...]] = [
    ((*_KILLING_STEMS, *_INJURING_STEMS),),  # killing or wounding 50 (the first verb may be inside a word)
    (_INJURED_STEMS, _KILLED_STEMS),  # 50 killed or wounded
    (("casualties", "victims"),),
    (("injur", "wounding"), ("death", "killing")),
    (("toll", "dead", "death", "fatalities", "killed"), ("toll", "number")),
    (("wounded", "injur"), ("number",)),
    (("themselves",),),
    (_KILLING_STEMS,),  # killing himself and 5 others
    (_KILLING_STEMS,),
    (_INJURING_STEMS,),
    (("lost",),),
    (("lives",),),
    (_KILLED_STEMS,),
    (_INJURED_STEMS,),
    (("deaths", "fatalities", "bodies", "corpses"),),
    (("injuries",),),
    (_DEATH_OF_STEMS,),
    (_KILLED_STEMS, ("were",)),  # named victims
    (_KILLED_STEMS,),  # one killed
    (("wounded", "injured", "hurt"),),  # one injured
]
assert len(_GATES) == len(_PATTERNS)
# Under re.I these match an ASCII letter without lowering to it.
_FOLDS = str.maketrans({"İ": "i", "ı": "i", "ſ": "s"})


def _lowered(text: str) -> str:
    """The text in lower case, with every character that re.I takes for an ASCII letter as that letter."""
    return text.lower() if text.isascii() else text.translate(_FOLDS).lower()


# 2. Starts. Most patterns begin with a count, with a verb or noun of killing or injury, or with a word
#    such as "toll", so in an ASCII sentence (where the lowered text lines up with the text) a pattern
#    is tried only where one can start, rather than searched from every character. A count starts at a
#    word with a digit, a qualifier and the space after it, "between" and a space, a vague amount, or a
#    number word; a single word may run on ("fiveto six"), so it is a prefix. _VICTIMS may also start
#    with "a", "an" or "another" and a space.
def _word_starts(words: str) -> re.Pattern:
    """Where words (a regular expression) start a word, found in the lowered ASCII text with a space put
    before it: a match at i is a start at i in the text. (Each match is the character before the word,
    one of a set, which the re module skips to fast.)"""
    return re.compile(rf"[^a-z0-9_](?={words})")


_VICTIMS_START = r"\d|" + _alternatives([
    *(f"{qualifier} " for qualifier in QUALIFIERS), *VAGUE, *_UNITS, *_TENS, "between ", "a ", "an ", "another ",
])
_VICTIMS_START_RE = rf"(?<!\w)(?={_VICTIMS_START})"
_VICTIMS_STARTS = _word_starts(_VICTIMS_START)
_ONE_STARTS = _word_starts(r"was\s|has\s|had\s|he\s|she\s")  # "was", "has been", "had been", "he", "she"
# The first word of a verb starts with one of these.
_KILLING_STARTS = ("kill", "shot", "shooting", "execut", "massacr", "slaughter", "murder", "assassinat",
                   "behead", "slew", "claim", "took", "taking", "cost")
_INJURING_STARTS = ("wound", "injur", "hurt", "maim")
class _Anywhere(NamedTuple):
    """Stems found wherever they occur, also inside a word (a pattern with no \\b before its verb)."""

    stems: tuple[str, ...]


class _Where(NamedTuple):
    """The words that start with one of the stems where the regular expression matches the lowered text."""

    stems: tuple[str, ...]
    pattern: re.Pattern


class _Start(NamedTuple):
    """Where a pattern's matches can start: at the places where one of the finders (a regular expression
    made by _word_starts, stems that start a word, or _Anywhere stems) finds them, that come before the
    last word of each group in after (stems that start a word, or a _Where), and where head matches
    the lowered text. A pattern without finders is searched from every character. A pattern with a
    check is searched only if its check finds that the text (and the lowered text) may hold a match."""

    finders: tuple[re.Pattern | tuple[str, ...] | _Anywhere, ...] = ()
    after: tuple[tuple[str, ...] | _Where, ...] = ()
    head: re.Pattern | None = None
    check: Callable[[str, str], bool] | None = None


# What a pattern that begins with a verb needs from there on to a place where _VICTIMS can start. (These
# and the next go through the lowered text, so they need no re.I, without which the re module passes
# over the branches that start with another letter at once.)
_BOTH_VERBS_HEAD = re.compile(
    rf"(?:{_KILLING}\s+{_AND}\s+{_INJURING}|{_INJURING}\s+{_AND}\s+{_KILLING})\s+{_VICTIMS_START_RE}"
)
_KILLING_HEAD = re.compile(rf"{_KILLING}\s+{_VICTIMS_START_RE}")
_INJURING_HEAD = re.compile(rf"{_INJURING}\s+{_VICTIMS_START_RE}")
_DEATH_OF_HEAD = re.compile(rf"{_DEATH_OF}\s+of\s+{_VICTIMS_START_RE}")
# "killed and wounded", "injured, killed": both kinds of verb, as the second combined pattern needs them
# after a space, so at the start of a word.
_KILLED_AND_INJURED = _Where(
    tuple(dict.fromkeys(words.split()[0] for words in (*_KILLED_WORDS, *_INJURED_WORDS))),
    re.compile(
        rf"(?:{_alternatives(_KILLED_WORDS)}{_AND_OR_COMMA}{_alternatives(_INJURED_WORDS)}"
        rf"|{_alternatives(_INJURED_WORDS)}{_AND_OR_COMMA}{_alternatives(_KILLED_WORDS)})\b"
    ),
)


def _has_both_verbs(text: str, lowered: str) -> bool:
    """Whether a verb of killing and one of injury occur, if inside a word."""
    return any(map(lowered.__contains__, _INJURING_STEMS)) and any(map(lowered.__contains__, _KILLING_STEMS))


def _has_self(text: str, lowered: str) -> bool:
    return "self" in lowered


# Named victims ("Ahmed Ali and his brother were killed") stand just before "were" and a verb of
# killing, and the last of them ends in a capitalised word, a particle of a name or a relative. The
# text before each such "were" is read backwards.
_WERE_KILLED = re.compile(rf"were\s+(?:(?i:{_AUX})\s+){{0,3}}(?i:{_KILLED})\b")
_NAME_ENDS_BEFORE = re.compile(
    rf"\s+(?:[a-z’']+[A-Z]|{'|'.join(word[::-1] for word in (*_NAME_PARTICLES, *_RELATIVES))})"
)


def _may_name_victims(text: str, lowered: str) -> bool:
    """Whether named victims may stand before "were" and a verb of killing in the text."""
    were = text.find("were")
    while were >= 0:
        if _WERE_KILLED.match(text, were) and _NAME_ENDS_BEFORE.match(text[were - 1::-1] if were else ""):
            return True
        were = text.find("were", were + 1)
    return False


_STARTS: list[_Start] = [
    _Start((_Anywhere((*_KILLING_STARTS, *_INJURING_STARTS)),), head=_BOTH_VERBS_HEAD, check=_has_both_verbs),
    _Start((_VICTIMS_STARTS,), (_KILLED_AND_INJURED,)),
    _Start((_VICTIMS_STARTS,), (("casualties", "victims"),)),
    _Start((("death", "killing"),)),
    _Start((("death", "casualty", "toll", "number"),)),
    _Start((("number",),)),
    _Start((_VICTIMS_STARTS,), (("themselves",),)),
    _Start((_KILLING_STARTS,), check=_has_self),
    _Start((_KILLING_STARTS,), head=_KILLING_HEAD),
    _Start((_INJURING_STARTS,), head=_INJURING_HEAD),
    _Start((("lost",),)),
    _Start((("claim", "took", "taking", "cost"),)),
    _Start((_VICTIMS_STARTS,), (_KILLED_STEMS,)),
    _Start((_VICTIMS_STARTS,), (_INJURED_STEMS,)),
    _Start((_VICTIMS_STARTS,), (("deaths", "fatalities", "bodies", "corpses"),)),
    _Start((_VICTIMS_STARTS,), (("injuries",),)),
    _Start((_DEATH_OF_STEMS,), head=_DEATH_OF_HEAD),
    _Start(check=_may_name_victims),
    _Start((_ONE_STARTS,), (_KILLED_STEMS,)),
    _Start((_ONE_STARTS,), (("wounded", "injured", "hurt"),)),
]
assert len(_STARTS) == len(_PATTERNS)

# 3. Stems. A single pass finds the words that start with a stem of any group, and the longest stem
#    each starts with (so the shorter ones it starts with too); each stem stands for the groups of the
#    stems it starts with, as bits, so that a gate is a mask. In a text that is not ASCII, where
#    _word_starts cannot tell where a word starts, a stem counts wherever it occurs.
#    The causes of death that are not violence (_NOT_VIOLENCE_AFTER, _NOT_VIOLENCE_BEFORE) are a group
#    too: each has a word that starts with one of these, and a text without any needs neither searched.
_CAUSE_STEMS = ("cold", "hunger", "starvation", "malnutrition", "illness", "disease", "cancer", "cholera", "covid",
                "coronavirus", "heart", "natural", "old", "exposure", "dehydration", "thirst", "hypothermia",
                "sickness", "infection", "typhoid", "measles", "lack", "accident", "crash", "collision", "fire",
                "blaze", "flood", "earthquake", "avalanche", "landslide", "storm")
assert all(
    any(word.startswith(_CAUSE_STEMS) for word in cause.split())
    for cause in (*_CAUSES_OF, *_CAUSES_IN, *_CAUSES_BEFORE)
)
_GROUPS = list(dict.fromkeys([
    *(group for gate in _GATES for group in gate),
    *(group for start in _STARTS for group in (*start.finders, *start.after) if type(group) is tuple),
    *(where.stems for start in _STARTS for where in start.after if type(where) is _Where),
    _CAUSE_STEMS,
]))
_BITS = {group: 1 << number for number, group in enumerate(_GROUPS)}
_STEMS = sorted({stem for group in _GROUPS for stem in group})
_GROUPS_OF = {stem: sum(bit for group, bit in _BITS.items() if stem.startswith(group)) for stem in _STEMS}
_FIRST_GROUPS = sum({_BITS[gate[0]] for gate in _GATES})
_STEM_STARTS = _word_starts(f"({_alternatives(_STEMS)})")
_STEMS_ANYWHERE = re.compile(_alternatives(_STEMS))


def _stems(lowered: str, spaced: str, ascii_: bool) -> list[tuple[int, str]]:
    """Where a stem starts a word, and the longest stem there, in order (in a text that is not ASCII,
    where a stem occurs)."""
    if ascii_:
        return [(match.start(), match.group(1)) for match in _STEM_STARTS.finditer(spaced)]
    found = []
    match = _STEMS_ANYWHERE.search(lowered)
    while match:
        found.append((match.start(), match.group()))
        match = _STEMS_ANYWHERE.search(lowered, match.start() + 1)
    return found


class _Plan(NamedTuple):
    """A pattern's gate and _Start, with its groups as bits (a _Where as its bits and pattern)."""

    gate: int
    finders: tuple[re.Pattern | int | _Anywhere, ...]
    after: tuple[int | tuple[int, re.Pattern], ...]
    head: re.Pattern | None
    check: Callable[[str, str], bool] | None


_PLANS = [
    _Plan(
        sum(_BITS[group] for group in set(gate)),
        tuple(_BITS[finder] if type(finder) is tuple else finder for finder in start.finders),
        tuple(_BITS[group] if type(group) is tuple else (_BITS[group.stems], group.pattern) for group in start.after),
        start.head,
        start.check,
    )
    for gate, start in zip(_GATES, _STARTS)
]
# The regular expression finders serve only patterns with after groups, so a start they find for a
# match lies before the last word of any after group, and they look no further (see _parts).
assert all(start.after for start in _STARTS if any(type(f) is re.Pattern for f in start.finders))
_AFTER_GROUPS = sum({bit for plan in _PLANS for bit in plan.after if type(bit) is int}) | sum(
    {where[0] for plan in _PLANS for where in plan.after if type(where) is tuple}
)

# 4. Compiling the patterns takes a while (a third of a second for all), so each waits for the first
# sentence that needs it: tagging a few sentences compiles only the patterns their words call for.
@lru_cache(maxsize=None)
def _pattern(index: int) -> re.Pattern:
    pattern, flags = _PATTERNS[index][1]
    return re.compile(pattern, flags)


def _compiled() -> list[tuple[str | None, re.Pattern]]:
    return [(kind, _pattern(index)) for index, (kind, _) in enumerate(_PATTERNS)]


@lru_cache(maxsize=4096)  # few combinations of groups occur
def _passing(present: int) -> list[tuple[str | None, re.Pattern, _Plan]]:
    """The patterns whose gates the groups present pass, in order, with their plans."""
    return [(kind, _pattern(index), plan) for index, ((kind, _), plan) in enumerate(zip(_PATTERNS, _PLANS))
            if present & plan.gate == plan.gate]


_PASSIVE_BEFORE = re.compile(r"\b(?:were|was|been|being|be|are|is)\s+(?:\w+\s+)?$", re.I)
# The longest ending of _PLURAL is 9 characters ("personnel"), and $ may stand before a final newline.
_PLURAL = re.compile(
    r"(?:s|people|men|police|personnel|staff|children|elderly|Lebanese|Sudanese|Chinese|Druze|Turkmen)$", re.I
)
# Names of victims open a clause; "operating in Iraq and Syria were killed" names places.
_CLAUSE_START = re.compile(r"(?:^|[,;:“\"(]|\b(?:that|when|as|after|while|and|but|said))\s*$", re.I)
_NEGATED = re.compile(r"\b(?:no\s+one|no-one|nobody|none|neither|nor|it|which|no(?:\s+[\w-]+){1,2})\s*$", re.I)
_OTHERS_AFTER_SELF = re.compile(rf"\b{_KILLING}\s+(?:him|her)self\b", re.I)
# After an active "killed" with no auxiliary, these words show the verb is passive or intransitive
# ("five killed in the attack"); anything else is its object ("two gunmen killed a man").
_AFTER_PASSIVE = re.compile(
    rf"\s*(?:$|[,.;:)\"”’—–-]|(?:in|on|by|and|or|when|while|during|after|as|since|at|near|with|from|"
    rf"overnight|yesterday|today|last|earlier|this|so|including|among|were|are|inside|outside|"
    rf"across|around|following|{_KILLING}|{_INJURING}|kill|injure|wound)\b"
    # a headline's next clause: "20 civilians killed, scores injured", "2 killed others injured"
    rf"|(?:{_COUNT}|others)(?:\s+[\w-]+){{0,2}}?\s+(?:{_KILLED}|{_INJURED})\b)",
    re.I,
)
# A count standing alone as an object ends its phrase: "killed 3 in Homs", not "killed 3 tanks" or
# "of those killed six were children".
_AFTER_OBJECT = re.compile(
    rf"\s*(?:$|[,.;:)\"”’—–-]|(?:in|on|by|and|or|when|while|during|after|as|since|at|near|with|from|"
    rf"overnight|yesterday|today|last|earlier|this|so|including|among|inside|outside|across|around|"
    rf"following|more|{_KILLING}|{_INJURING}|kill|injure|wound)\b)",
    re.I,
)


class _Part(NamedTuple):
    kind: str  # "killed", "injured", "toll", "injured toll"
    count: int
    qualifier: str | None


_NO_FIGURES = Figures(None, None, None)


def casualty_figures(text: str) -> Figures:
    return _figures(_parts(text, _lowered(text)))


def _figures(parts: list[_Part]) -> Figures:
    """The figures that the parts found in a text add up to."""
    if not parts:
        return _NO_FIGURES
    if len(parts) == 1:  # the commonest: the sums below of one part, its own qualifier
        kind, count, qualifier = parts[0]
        return Figures(count, None, qualifier) if kind in ("killed", "toll") else Figures(None, count, qualifier)
    killed = [p for p in parts if p.kind == "killed"]
    tolls = [p for p in parts if p.kind == "toll"]
    if tolls:
        killed = [max(tolls, key=lambda p: p.count)]
    injured = [p for p in parts if p.kind == "injured"]
    if injured_tolls := [p for p in parts if p.kind == "injured toll"]:
        injured = [max(injured_tolls, key=lambda p: p.count)]
    used = killed + injured
    return Figures(
        sum(p.count for p in killed) if killed else None,
        sum(p.count for p in injured) if injured else None,
        _qualifier([p.qualifier for p in used]),
    )


def _qualifier(qualifiers: list[str | None]) -> str | None:
    """The least precise qualifier of the parts added up: vague, then range, then the first other."""
    for weakest in ("vague", "range"):
        if weakest in qualifiers:
            return weakest
    return next((q for q in qualifiers if q), None)


def _parts(text: str, lowered: str) -> list[_Part]:
    """What the patterns find in the text (as _parts_plain finds it), given the text lowered."""
    ascii_ = text.isascii()
    spaced = " " + lowered
    stems = _stems(lowered, spaced, ascii_)
    present = 0  # the groups that the text has
    for _, stem in stems:
        present |= _GROUPS_OF[stem]
    parts: list[_Part] = []
    if not present & _FIRST_GROUPS:
        return parts  # no word of killing or injury at all
    causes = bool(present & _BITS[_CAUSE_STEMS])
    taken: list[tuple[int, int]] = []
    # (Keyed by id: hashing a compiled pattern hashes all its code.)
    starts: dict[int, list[int]] = {}  # the places that each regular expression finder found
    last_after = None
    for kind, pattern, (_, finders, after, head, check) in _passing(present):
        if check and not check(text, lowered):
            continue
        if not (finders and ascii_):
            _matches(kind, pattern, text, taken, parts, causes)
            continue
        end = len(lowered)
        for group in after:
            # a match starts before the start of its verb or noun, so before the last of its stems
            end = min(end, _last(group, lowered, stems))
        places = []
        for finder in finders:
            if type(finder) is not re.Pattern:
                places += _places(finder, lowered, stems)
            elif (found := starts.get(id(finder))) is not None:
                places += found
            else:
                # A start that a match needs lies before the verb or noun after it, so before the
                # last word that starts with a stem of any after group (see _Plan), and the text
                # after that is not gone through.
                if last_after is None:
                    last_after = _last(_AFTER_GROUPS, lowered, stems)
                places += starts.setdefault(id(finder), [m.start() for m in finder.finditer(spaced, 0, last_after + 1)])
        if len(finders) > 1:
            places = sorted(set(places))
        if after:
            places = places[:bisect_left(places, end)]
        if head:
            places = [place for place in places if head.match(lowered, place)]
        if places:
            _matches(kind, pattern, text, taken, parts, causes, places)
    return parts


def _last(group: int | tuple[int, re.Pattern], lowered: str, stems: list[tuple[int, str]]) -> int:
    """Where the last word that starts with a stem of the group (and where its pattern matches, for a
    _Where) starts, or -1."""
    bits, pattern = (group, None) if type(group) is int else group
    for place, stem in reversed(stems):
        if _GROUPS_OF[stem] & bits and (pattern is None or pattern.match(lowered, place)):
            return place
    return -1


def _places(finder: int | _Anywhere, lowered: str, stems: list[tuple[int, str]]) -> list[int]:
    """Where the words that start with a stem of a group start, or where _Anywhere stems occur, in order."""
    if type(finder) is int:
        return [place for place, stem in stems if _GROUPS_OF[stem] & finder]
    places = []
    for stem in finder.stems:
        place = lowered.find(stem)
        while place >= 0:
            places.append(place)
            place = lowered.find(stem, place + 1)
    places.sort()
    return places


def _parts_plain(text: str) -> list[_Part]:
    """_parts without the shortcuts: every pattern searched through the whole text (for the tests)."""
    taken: list[tuple[int, int]] = []
    parts: list[_Part] = []
    for kind, pattern in _compiled():
        _matches(kind, pattern, text, taken, parts, True)
    return parts


def _matches(kind, pattern, text, taken, parts, causes, places=None):
    """Add to parts what the pattern's matches count, each the first found from where the last ended: by
    search, or by match at the places given, which hold every place where a match can start (like
    search, match sees the text before the place, lookbehinds and \\b, so it finds the same match).
    Causes says whether the text may name a cause of death that is not violence."""
    if places and taken:
        for s, e in taken:  # a match that starts inside a taken one would be refused (no match is empty)
            del places[bisect_left(places, s):bisect_left(places, e)]
    position = 0
    while match := (
        pattern.search(text, position) if places is None
        else next(filter(None, map(pattern.match, repeat(text), places[bisect_left(places, position):])), None)
    ):
        start, end = match.span()
        part = False if any(start < e and s < end for s, e in taken) else _part(kind, match, text, causes)
        if part is False:
            # A refused match ("2016 Ten civilians injured") may hide a good one that starts inside it.
            position = start + 1
            continue
        taken.append((start, end))
        position = end
        if part is not None:
            parts.append(part)


_BACK = {words: re.compile(r"\s*\w*" * words) for words in (2, 4)}


def _words_back(words: int, text: str, start: int) -> int:
    """Where the last few words before start begin, with only space between and after them.

    A pattern that ends at start with $ and holds no more than that many words (runs of word
    characters) with nothing but space between and after them matches nowhere before this place, so
    searching it from here rather than from 0 finds the same (_PASSIVE_BEFORE: "were" and a word;
    _NOT_VIOLENCE_BEFORE: "an house fire" and "has"). The text before start is read backwards.
    """
    return start - _BACK[words].match(text[start - 1::-1]).end() if start else 0


def _plural(noun: str) -> bool:
    """Whether _PLURAL finds the noun plural, looking only at its end."""
    return noun.endswith(("s", "S")) or _PLURAL.search(noun, max(0, len(noun) - 10)) is not None


def _part(kind: str | None, match: re.Match, text: str, causes: bool) -> _Part | None | bool:
    """What one match counts: a part, None (a combined figure, counted as nothing), or False (no match).
    Causes says whether the text may name a cause of death that is not violence."""
    if kind is None:
        return None
    start, end = match.span()
    if causes and (
        _NOT_VIOLENCE_AFTER.match(text, end) or _NOT_VIOLENCE_BEFORE.search(text, _words_back(4, text, start), start)
    ):
        return None
    if kind in ("one killed", "one injured"):
        if _NEGATED.search(text, 0, start) and not match.group().lower().startswith(("he", "she")):
            return False
        return _Part(kind.split()[1], 1, None)
    if kind == "named":
        if not _CLAUSE_START.search(text, 0, start):
            return False
        names = re.split(r"\s*,\s*(?:and\s+)?|,?\s+and\s+", match.group("names"))
        if any(" " not in n and n.endswith("s") and n[0].isupper() for n in names):
            return False  # "Syrians and Iraqis were killed" names peoples, not persons
        return _Part("killed", len(names), None)
    groups = match.groupdict()
    verb = groups.get("verb")
    if verb and verb.lower() in ("kill", "wound", "injure") and _NOT_REPORTED.search(text, 0, start):
        return False
    if verb and "aux" in groups and not groups["aux"].strip() and verb.lower() in _AMBIGUOUS:
        if not _AFTER_PASSIVE.match(text, end):
            return False
    if verb and "aux" not in groups:
        if _PASSIVE_BEFORE.search(text, _words_back(2, text, start), start):
            return False  # "three were killed, a woman among them": what follows is no object
        if groups.get("noun") is None and not _AFTER_OBJECT.match(text, end):
            return False
    count, qualifier = _amount(groups["count"])
    if count is None:
        return False
    if count > 1 and (noun := groups.get("noun")) and not _plural(noun):
        return False  # "85 Related Daesh Commander Killed": the number belongs to something else
    more_groups = groups.get("more")
    for conjunct in _CONJUNCT_RE.finditer(more_groups) if more_groups else ():  # none in ""
        more, more_qualifier = _amount(conjunct.group("conjunct") or "a")  # a relative is one
        count += more or 0
        qualifier = _qualifier([qualifier, more_qualifier])
    if kind == "themselves":
        attackers, _ = _amount(groups["attackers"])
        return _Part("killed", count + (attackers or 0), qualifier)
    # (Only "self" needs the pattern; no other character folds to "e", "l" or "f" under re.I.)
    if "elf" in (whole := match.group()).lower() and _OTHERS_AFTER_SELF.match(whole):
        count += 1
    return _Part(kind, count, qualifier)
