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
from typing import NamedTuple


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
    # Longest first, so that "several dozen" wins over "several".
    return "|".join(re.escape(p).replace(r"\ ", r"\s+") for p in sorted(phrases, key=len, reverse=True))


_WORD_NUMBER = _alternatives([*_UNITS, *_TENS])
_NUMBER = rf"(?:\d{{1,3}}(?:,\d{{3}})+|\d+|(?:{_WORD_NUMBER})(?:[\s-]+(?:{_WORD_NUMBER}|hundred|thousand))*)"
_MONTHS = (
    "january|february|march|april|june|july|august|september|october|november|december|"
    "jan|feb|mar|apr|jun|jul|aug|sep|sept|oct|nov|dec"
)
# What follows a number that is not a head count: units of time, age, distance, money, dates.
_NOT_A_COUNT = (
    rf"(?![\d.,]?\d)(?!(?:-|\s*)(?:years?|year-olds?|months?|weeks?|days?|hours?|minutes?|seconds?|"
    rf"am|pm|a\.m|p\.m|o'clock|gmt|km|kms|kilometers?|kilometres?|miles?|meters?|metres?|m|kg|tons?|"
    rf"percent|per\s+cent|%|dollars?|euros?|pounds?|liras?|million|billion|times|st|nd|rd|th|"
    rf"{_MONTHS})\b)(?!\s*%)"
)
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
    if count.lower() in ("a", "an", "another"):
        return 1, None
    qualifier = None
    if match := _QUALIFIER_RE.match(count):
        qualifier, count = match.group(1).lower(), count[match.end():]
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

_PEOPLE = (
    r"(?:people|persons?|individuals?|civilians?|soldiers?|troops?|troopers?|servicem[ae]n|personnel|"
    r"marines?|fighters?|militants?|militiam[ae]n|members?|recruits?|policem[ae]n|police(?:\s+officers?)?|"
    r"officers?|guards?|commanders?|leaders?|officials?|children|child|kids?|boys?|girls?|wom[ae]n|m[ae]n|"
    r"bab(?:y|ies)|infants?|teenagers?|youths?|students?|residents?|villagers?|inhabitants?|farmers?|"
    r"shepherds?|workers?|employees?|journalists?|reporters?|doctors?|nurses?|medics?|paramedics?|"
    r"protest[eo]rs?|demonstrators?|worshippers?|pilgrims?|passengers?|refugees?|migrants?|detainees?|"
    r"prisoners?|hostages?|victims?|rebels?|insurgents?|jihadists?|extremists?|terrorists?|gunm[ae]n|"
    r"attackers?|assailants?|bombers?|mercenar(?:y|ies)|loyalists?|others?|relatives?|brothers?|sons?|"
    r"daughters?|fathers?|mothers?|husbands?|wives|wife|famil(?:y|ies)|staff|volunteers?|rescuers?|citizens?|"
    r"nationals?|elderly|activists?|"
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
_KIN = (
    r"(?:his|her|their)\s+(?:[a-z]+\s+)?(?:brother|sister|son|daughter|father|mother|wife|husband|child|"
    r"cousin|uncle|nephew|niece|friend|colleague|bodyguard|driver)\b"
)
_NAME = r"[A-Z][a-z’']+(?:[\s-](?:al|el|bin|ibn|abu|[A-Z][a-z’']+))*"
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

_KILLED = (
    r"(?:killed|dead|died|shot\s+dead|shot\s+and\s+killed|executed|massacred|slain|slaughtered|murdered|"
    r"assassinated|beheaded|martyred|gunned\s+down|lost\s+their\s+lives|perished|"
    r"(?:stabbed|beaten|tortured)\s+to\s+death)"
)
_INJURED = r"(?:wounded|injured|hurt|maimed)"
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
_NOT_VIOLENCE_AFTER = re.compile(
    r"\s*,?\s*(?:(?:of|from|due\s+to|because\s+of|after\s+contracting)\s+(?:the\s+|an?\s+)?(?:[\w-]+\s+)?"
    r"(?:cold|hunger|starvation|malnutrition|illness|illnesses|disease|diseases|cancer|cholera|covid(?:-19)?|"
    r"coronavirus|heart\s+attack|natural\s+causes|old\s+age|exposure|dehydration|thirst|hypothermia|"
    r"sickness|infection|typhoid|measles|lack\s+of\s+(?:food|medicine|medical\s+care|treatment))\b"
    r"|(?:in|by|after)\s+(?:an?|the)\s+(?:[\w-]+\s+){0,2}?(?:accident|crash|collision|fire|blaze|flood|"
    r"floods|flooding|earthquake|avalanche|landslide|storm)\b(?!\s*fight))",
    re.I,
)
# Not "fire" alone: "artillery fire killed two people" is violence.
_NOT_VIOLENCE_BEFORE = re.compile(
    r"\b(?:cold|hunger|starvation|malnutrition|disease|illness|cholera|an?\s+(?:house\s+)?fire|blaze|accident|"
    r"crash|flood|floods|earthquake|storm)s?\s+(?:has\s+|had\s+|have\s+|that\s+|which\s+)?$",
    re.I,
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


def _compile(pattern: str, flags=re.I) -> re.Pattern:
    return re.compile(pattern, flags)


_PATTERNS: list[tuple[str | None, re.Pattern]] = [
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
# so two shortcuts skip the work that cannot find anything. Neither changes what is found: each only
# leaves out what the patterns could never match (tests/test_figures.py compares with _parts_plain).
#
# 1. Gates. Every pattern needs some literal words ("killed", "toll", "injuries", ...) somewhere in
#    the sentence; a pattern whose words are missing is not searched, and a sentence with none of the
#    words at all (most sentences) gives no figure at once. A gate is a tuple of groups that must all
#    be present; a group is present when any of its stems occurs in the lowered sentence. Each stem is
#    a part that every word of its group in the pattern shares. The first group of each gate is the
#    rarest, and a sentence with none of the first groups' stems gives no figure.
_KILLING_STEMS = ("kill", "shot", "shooting", "execut", "massacr", "slaughter", "murder", "assassinat",
                  "behead", "slew", "life", "lives")
_INJURING_STEMS = ("wound", "injur", "hurt", "maim")
_KILLED_STEMS = ("killed", "dead", "died", "shot", "executed", "massacred", "slain", "slaughtered",
                 "murdered", "assassinated", "beheaded", "martyred", "gunned", "lives", "perished", "death")
_INJURED_STEMS = ("wounded", "injured", "hurt", "maimed")
_DEATH_OF_STEMS = ("death", "killing", "massacre", "murder", "execution", "assassination", "bodies",
                   "remains", "corpses")
_GATES: list[tuple[tuple[str, ...], ...]] = [
    (_INJURING_STEMS, _KILLING_STEMS),  # killing or wounding 50
    (_INJURED_STEMS, _KILLED_STEMS),  # 50 killed or wounded
    (("casualties", "victims"),),
    (("injur", "wounding"), ("death", "killing")),
    (("toll", "dead", "death", "fatalities", "killed"), ("toll", "number")),
    (("wounded", "injur"), ("number",)),
    (("themselves",),),
    (_KILLING_STEMS, ("self",)),  # killing himself and 5 others
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
_FIRST_STEMS = {stem for gate in _GATES for stem in gate[0]}
# Any first stem at all; a stem that contains another is present only if that one is.
_ANY_STEM = tuple(sorted(s for s in _FIRST_STEMS if not any(o != s and o in s for o in _FIRST_STEMS)))
# The groups numbered, so that a sentence can remember which it has in a list.
_GROUPS = list(dict.fromkeys(group for gate in _GATES for group in gate))
_GATE_NUMBERS = [tuple(_GROUPS.index(group) for group in gate) for gate in _GATES]
# A group whose every stem contains a stem of another group is present only if that one is, so
# finding a group present or missing may settle others (finding no "wound", "injur", "hurt" or "maim"
# settles that "injuries" is missing too).
_HAS = [[b for b, group_b in enumerate(_GROUPS) if all(any(stem in s for stem in group) for s in group_b)]
        for group in _GROUPS]  # groups that have a stem of the group in every stem: missing if it is
_IN = [[b for b, group_b in enumerate(_GROUPS) if all(any(stem in s for stem in group_b) for s in group)]
       for group in _GROUPS]  # groups with a stem in every stem of the group: present if it is
# Under re.I these match an ASCII letter without lowering to it.
_FOLDS = str.maketrans({"İ": "i", "ı": "i", "ſ": "s"})


def _lowered(text: str) -> str:
    """The text in lower case, with every character that re.I takes for an ASCII letter as that letter."""
    return text.lower() if text.isascii() else text.translate(_FOLDS).lower()


# 2. Starts. Most patterns begin with a count, or with a verb of killing or injury, so in an ASCII
#    sentence (where the lowered text lines up with the text) a pattern is tried only where one can
#    start, rather than searched from every character. A count starts at a word with a digit, a
#    qualifier and the space after it, "between" and a space, a vague amount, or a number word; a
#    single word may run on ("fiveto six"), so it is a prefix. _VICTIMS may also start with "a", "an"
#    or "another" and a space. (The words are in a trie, which the re module goes through faster.)
def _trie(phrases) -> str:
    """A regular expression for any of the phrases (a space in one stands for \\s+), as a trie."""
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
        if "" in node:
            alternatives.append("")  # a phrase ends here, after the longer ones that go on
        return alternatives[0] if len(alternatives) == 1 else f"(?:{'|'.join(alternatives)})"

    return branches(tree)


_VICTIMS_START_RE = r"(?<!\w)(?=\d|" + _trie([
    *(f"{qualifier} " for qualifier in QUALIFIERS), *VAGUE, *_UNITS, *_TENS, "between ", "a ", "an ", "another ",
]) + ")"
_VICTIMS_STARTS = re.compile(_VICTIMS_START_RE)
# A verb starts with one of these (anywhere: the first pattern has no \b before its verb).
_KILLING_STARTS = ("kill", "shot", "shooting", "execut", "massacr", "slaughter", "murder", "assassinat",
                   "behead", "slew", "claim", "took", "taking", "cost")
_INJURING_STARTS = ("wound", "injur", "hurt", "maim")
_DEATH_OF_STARTS = _DEATH_OF_STEMS
# "was", "has been", "had been", "he", "she"
_ONE_STARTS = re.compile(r"(?<!\w)(?=was\s|has\s|had\s|he\s|she\s)")
# What a pattern that begins with a verb needs from there on to a place where _VICTIMS can start.
_KILLING_HEAD = re.compile(rf"{_KILLING}\s+{_VICTIMS_START_RE}", re.I)
_INJURING_HEAD = re.compile(rf"{_INJURING}\s+{_VICTIMS_START_RE}", re.I)
_DEATH_OF_HEAD = re.compile(rf"{_DEATH_OF}\s+of\s+{_VICTIMS_START_RE}", re.I)


# "killed and wounded", "injured, killed": both kinds of verb, as the second combined pattern needs them.
_KILLED_AND_INJURED = re.compile(
    rf"(?:{_KILLED}{_AND_OR_COMMA}{_INJURED}|{_INJURED}{_AND_OR_COMMA}{_KILLED})\b", re.I
)


class _Start(NamedTuple):
    """Where a pattern's matches can start: at the places where one of the finders (a regular
    expression, or stems found anywhere) matches the lowered text, that come before a stem of each
    group in after (or a match of it, if a regular expression), and where head matches the lowered text."""

    finders: tuple[re.Pattern | tuple[str, ...], ...] = ()  # () for anywhere: search
    after: tuple[tuple[str, ...] | re.Pattern, ...] = ()
    head: re.Pattern | None = None


_STARTS: list[_Start] = [
    _Start((_KILLING_STARTS, _INJURING_STARTS)),
    _Start((_VICTIMS_STARTS,), (_KILLED_AND_INJURED,)),
    _Start((_VICTIMS_STARTS,), (("casualties", "victims"),)),
    _Start(), _Start(), _Start(),
    _Start((_VICTIMS_STARTS,), (("themselves",),)),
    _Start(),
    _Start((_KILLING_STARTS,), head=_KILLING_HEAD),
    _Start((_INJURING_STARTS,), head=_INJURING_HEAD),
    _Start(), _Start(),
    _Start((_VICTIMS_STARTS,), (_KILLED_STEMS,)),
    _Start((_VICTIMS_STARTS,), (_INJURED_STEMS,)),
    _Start((_VICTIMS_STARTS,), (("deaths", "fatalities", "bodies", "corpses"),)),
    _Start((_VICTIMS_STARTS,), (("injuries",),)),
    _Start((_DEATH_OF_STARTS,), head=_DEATH_OF_HEAD),
    _Start(),
    _Start((_ONE_STARTS,), (_KILLED_STEMS,)),
    _Start((_ONE_STARTS,), (("wounded", "injured", "hurt"),)),
]
assert len(_STARTS) == len(_PATTERNS)


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


@dataclass(frozen=True)
class _Part:
    kind: str  # "killed", "injured", "toll", "injured toll"
    count: int
    qualifier: str | None


_NO_FIGURES = Figures(None, None, None)


def casualty_figures(text: str) -> Figures:
    lowered = _lowered(text)
    if not any(map(lowered.__contains__, _ANY_STEM)):
        return _NO_FIGURES  # no word of killing or injury at all
    return _figures(list(_parts(text, lowered)))


def _figures(parts: list[_Part]) -> Figures:
    """The figures that the parts found in a text add up to."""
    if not parts:
        return _NO_FIGURES
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


def _parts(text: str, lowered: str):
    taken: list[tuple[int, int]] = []
    present: list[bool | None] = [None] * len(_GROUPS)  # which gate groups the text has, once known
    # (Keyed by id: hashing a compiled pattern hashes all its code.)
    starts: dict[int, list[int]] = {}  # start places found so far, by id(finder)
    ascii_ = text.isascii()
    for (kind, pattern), gate, (finders, after, head) in zip(_PATTERNS, _GATE_NUMBERS, _STARTS):
        for group in gate:
            if (found := present[group]) is None:
                found = any(map(lowered.__contains__, _GROUPS[group]))
                for settled in _IN[group] if found else _HAS[group]:
                    present[settled] = found
            if not found:
                break
        else:
            if not (finders and ascii_):
                yield from _matches(kind, pattern, text, taken, pattern.search)
                continue
            places = []
            for finder in finders:
                if (more := starts.get(id(finder))) is None:
                    more = starts[id(finder)] = _places(finder, lowered)
                places += more
            if len(finders) > 1:
                places = sorted(set(places))
            for group in after:
                # a match starts before the start of its verb or noun, so before the last of its stems
                places = places[:bisect_left(places, _last(group, lowered))]
            if head:
                places = [place for place in places if head.match(lowered, place)]
            if places:
                yield from _matches(kind, pattern, text, taken, _Starts(pattern, places).search)


def _last(group: tuple[str, ...] | re.Pattern, lowered: str) -> int:
    """Where the last of the group's stems, or the last match of a regular expression, starts (or -1)."""
    if not isinstance(group, re.Pattern):
        return max(map(lowered.rfind, group))
    last = -1
    while match := group.search(lowered, last + 1):  # matches may overlap
        last = match.start()
    return last


def _places(finder: re.Pattern | tuple[str, ...], lowered: str) -> list[int]:
    """Where the finder (a regular expression, or stems found anywhere) matches the lowered text, in order."""
    if isinstance(finder, re.Pattern):
        places = [match.start() for match in finder.finditer(lowered)]
    else:
        places = []
        for stem in finder:
            place = lowered.find(stem)
            while place >= 0:
                places.append(place)
                place = lowered.find(stem, place + 1)
        places.sort()
    return places


def _parts_plain(text: str):
    """_parts without the shortcuts: every pattern searched through the whole text (for the tests)."""
    taken: list[tuple[int, int]] = []
    for kind, pattern in _PATTERNS:
        yield from _matches(kind, pattern, text, taken, pattern.search)


class _Starts:
    """pattern.search restricted to the given places, which hold every place where a match can start."""

    __slots__ = ("match", "places")

    def __init__(self, pattern: re.Pattern, places: list[int]):
        self.match, self.places = pattern.match, places

    def search(self, text: str, position: int) -> re.Match | None:
        # Like search, match sees the text before the place (lookbehinds, \b) and finds the same match.
        for place in self.places[bisect_left(self.places, position):]:
            if found := self.match(text, place):
                return found
        return None


def _matches(kind, pattern, text, taken, search):
    position = 0
    while match := search(text, position):
        start, end = match.span()
        part = False if any(start < e and s < end for s, e in taken) else _part(kind, match, text)
        if part is False:
            # A refused match ("2016 Ten civilians injured") may hide a good one that starts inside it.
            position = start + 1
            continue
        taken.append((start, end))
        position = end
        if part is not None:
            yield part


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
    return _PLURAL.search(noun, max(0, len(noun) - 10)) is not None


def _part(kind: str | None, match: re.Match, text: str) -> _Part | None | bool:
    """What one match counts: a part, None (a combined figure, counted as nothing), or False (no match)."""
    if kind is None:
        return None
    start, end = match.span()
    if _NOT_VIOLENCE_AFTER.match(text, end) or _NOT_VIOLENCE_BEFORE.search(
        text, _words_back(4, text, start), start
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
