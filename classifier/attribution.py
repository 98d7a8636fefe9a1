"""Who said it: attribute each sentence of a news article to the speaker or outlet it quotes.

The rules read the sentence *frame*, i.e. the text outside quotation marks, so that words inside a
quote ("according to our information") never name a speaker. They look for a speech verb and take
its subject ("X said", "X told Reuters", "said X", "X, an official, said"), or the object of
"according to". A quotation that runs over several sentences, and a quoted sentence that follows an
attributed one, take the speaker of their neighbours. See docs/attribution.md for the conventions.
"""

from __future__ import annotations

import re
from typing import NamedTuple, Sequence


class _Token(NamedTuple):
    text: str
    start: int
    end: int

    @property
    def lower(self) -> str:
        return self.text.lower()


class _Speaker(NamedTuple):
    name: str
    named: bool  # a proper name rather than a descriptive phrase ("local sources")

    @property
    def plural(self) -> bool:
        head = self.name.split()[-1].lower()
        return not self.named and head.endswith("s") and not head.endswith("ss")


def _forms(table: str) -> dict[str, str]:
    """Map each inflected form to its role: base, s, past or ing."""
    forms = {}
    for line in table.strip().splitlines():
        for role, form in zip(("base", "s", "past", "ing"), line.split()):
            forms[form] = role
    return forms


# "-" marks a form left out: "state" is nearly always the noun ("state media", "Islamic State").
_VERBS = _forms(
    """
    say says said saying
    tell tells told telling
    add adds added adding
    - states stated stating
    claim claims claimed claiming
    blame blames blamed blaming
    accuse accuses accused accusing
    deny denies denied denying
    confirm confirms confirmed confirming
    report reports reported reporting
    announce announces announced announcing
    note notes noted noting
    explain explains explained explaining
    warn warns warned warning
    stress stresses stressed stressing
    insist insists insisted insisting
    allege alleges alleged alleging
    suggest suggests suggested suggesting
    declare declares declared declaring
    argue argues argued arguing
    admit admits admitted admitting
    acknowledge acknowledges acknowledged acknowledging
    assert asserts asserted asserting
    conclude concludes concluded concluding
    affirm affirms affirmed affirming
    reiterate reiterates reiterated reiterating
    comment comments commented commenting
    write writes wrote writing
    tweet tweets tweeted tweeting
    """
)
_VERBS.pop("-")

_QUOTE = "\x1e"  # stands in for quoted text in the frame
_ACRONYM = re.compile(r"(?:[A-Z]\.)+")
_TOKEN = re.compile(r"\x1e|[,;:–—]|(?<!\S)-(?!\S)|(?:[A-Z]\.){2,}|[\w’'][\w’'.\-]*")
_BOUNDARIES = frozenset({_QUOTE, ",", ";", ":", "–", "—", "-"})
_CONJUNCTIONS = frozenset(
    "and but while as because when since whereas although though if that who which whose where".split()
)
# Prepositions that also open a clause: "a day after the UN agency said".
_CLAUSE_OPENERS = frozenset("after before since until".split())
_DETERMINERS = frozenset("the a an this these those its their his her our".split())
_PREPOSITIONS = frozenset(
    """of in on at from to for with by about after before during near over under into through
    across against among between via per since until""".split()
)
# Words between a subject and its verb: "Russia has also said", "the ministry did not say".
_AUX_ADVERBS = frozenset(
    """has have had will would could can may might should shall must did does do also not never
    yet already again then further always once earlier later repeatedly separately""".split()
)
_LISTENER_VERBS = frozenset({"tell", "tells", "told"})
_ADJECTIVE_PARTICIPLES = frozenset(
    """armed unidentified unnamed wounded injured displaced detained besieged suspected concerned
    affected trapped so-called""".split()
)
_NOUN_MARKERS = frozenset("another any every each no such first new latest initial".split())
_BE = frozenset("is are was were be been being".split())
_PRONOUNS = frozenset("he she they it".split())
_NOT_A_SUBJECT = frozenset("i we you one there what this that some many most all none no each both".split())
_NAME_CONNECTORS = frozenset("of for and de".split())
_TITLES = frozenset(
    """dr mr mrs ms prof gen lt col maj capt sgt cmdr adm brig sheikh shaikh imam president premier
    minister governor general colonel brigadier commander spokesman spokeswoman spokesperson
    ambassador envoy secretary king prince emir senator mayor chairman chief executive director
    deputy""".split()
)
_ABBREVIATED_TITLES = frozenset("dr mr mrs ms prof gen lt col maj capt sgt cmdr adm brig".split())
# A definite description that points back at a person already quoted: "the official also said".
_ROLE_NOUNS = frozenset(
    """official spokesman spokeswoman spokesperson minister commander leader governor president
    general colonel activist envoy ambassador chief head director mayor""".split()
)
_DOCUMENTS = frozenset("statement report communique announcement post".split())
_NAME_WORD = re.compile(r"(?:(?:al|el|ad|as|ash|an|ibn|bin|abu)-)?[A-Z]")
_PARENTHESES = re.compile(r"\([^()]*\)")
_MAX_QUOTE_SENTENCES = 8
_MAX_PHRASE_WORDS = 8


def attribute(sentences: Sequence[str]) -> list[str | None]:
    """One source per sentence of one document, in order; None for unattributed narration."""
    frames, groups = _frames(sentences)
    history: list[_Speaker] = []
    speakers: list[_Speaker | None] = []
    for frame in frames:
        speaker = _speaker(frame, history)
        if speaker:
            history.append(speaker)
        speakers.append(speaker)
    for first, last in groups:
        # "...," he said closes a quote more often than an introduction opens it.
        found = speakers[last] or speakers[first]
        for i in range(first, last + 1):
            speakers[i] = speakers[i] or found
    for i in range(1, len(frames)):
        # A quoted sentence standing alone continues the quote of the sentence before it.
        if speakers[i] is None and _fully_quoted(frames[i]):
            speakers[i] = speakers[i - 1]
    return [s.name if s else None for s in speakers]


# --- quotation marks -----------------------------------------------------------------------------


def _quote_marks(text: str) -> list[tuple[int, bool]]:
    """(position, is_opening) for each double quotation mark."""
    marks = []
    for i, char in enumerate(text):
        if char in "“”":
            marks.append((i, char == "“"))
        elif char == '"':
            before = text[i - 1] if i else " "
            after = text[i + 1] if i + 1 < len(text) else " "
            # Straight quotes have no direction; the spacing around them gives it.
            marks.append((i, (before.isspace() or before in "([—–-") and not after.isspace()))
    return marks


def _frames(sentences: Sequence[str]) -> tuple[list[str], list[tuple[int, int]]]:
    """Each sentence with quoted text masked, and the (first, last) sentences of multi-sentence quotes."""
    events = [(i, pos, opening) for i, text in enumerate(sentences) for pos, opening in _quote_marks(text)]
    masks: list[list[tuple[int, int]]] = [[] for _ in sentences]
    groups = []
    k = 0
    while k < len(events):
        sent, pos, opening = events[k]
        if not opening:
            # A closing mark with no opening one: the opening was lost, as in much scraped text.
            if not any(e[0] == sent and e[1] < pos for e in events):
                masks[sent].append((0, pos + 1))
            k += 1
            continue
        # A paragraph of a continuing quote opens again without the previous one being closed,
        # so further opening marks before the closing one belong to the same quotation.
        close = next(
            (j for j in range(k + 1, len(events))
             if not events[j][2] and events[j][0] - sent <= _MAX_QUOTE_SENTENCES),
            None,
        )
        if close is None or any(events[j][0] - sent > _MAX_QUOTE_SENTENCES for j in range(k + 1, close)):
            k += 1
            continue
        end_sent, end_pos, _ = events[close]
        if end_sent == sent:
            masks[sent].append((pos, end_pos + 1))
        else:
            masks[sent].append((pos, len(sentences[sent])))
            for middle in range(sent + 1, end_sent):
                masks[middle].append((0, len(sentences[middle])))
            masks[end_sent].append((0, end_pos + 1))
            groups.append((sent, end_sent))
        k = close + 1
    return [_masked(text, spans) for text, spans in zip(sentences, masks)], groups


def _masked(text: str, spans: list[tuple[int, int]]) -> str:
    for start, end in sorted(spans, reverse=True):
        text = f"{text[:start]} {_QUOTE} {text[end:]}"
    # Parenthetical asides ("Wasfi Bave Dindar (55) told") sit between a subject and its verb.
    while _PARENTHESES.search(text):
        text = _PARENTHESES.sub("", text)
    return text


def _fully_quoted(frame: str) -> bool:
    return _QUOTE in frame and not re.search(r"\w", frame)


# --- finding the speaker -------------------------------------------------------------------------


def _speaker(frame: str, history: list[_Speaker]) -> _Speaker | None:
    tokens = _tokens(frame)
    headline = _is_headline(tokens, frame)
    # "The spokesman did not say what agent was used but said ...": a negated verb attributes
    # nothing, but its subject is the subject of the verb coordinated with it.
    negated_subject = None
    for i, token in enumerate(tokens):
        found = None
        if token.lower == "according" and i + 1 < len(tokens) and tokens[i + 1].lower == "to":
            found = _according_to(frame, tokens, i + 2, history)
        elif token.lower == "quoted":
            found = _quoted_as_saying(frame, tokens, i + 1, history)
        elif token.lower in _VERBS and _is_verb(tokens, i, headline):
            before = _skip_back(tokens, i - 1)
            if before >= 0 and tokens[before].lower in {"and", "but"}:
                found = negated_subject
            else:
                found = _speaker_of_verb(frame, tokens, i, history)
                if found and any(_is_negation(t) for t in tokens[before + 1:i]):
                    negated_subject, found = found, None
        if found:
            return found
    return None


def _tokens(frame: str) -> list[_Token]:
    tokens = []
    for match in _TOKEN.finditer(frame):
        word = match.group()
        # A sentence's final period is not part of its last word, but the periods of "U.S." are.
        if not _ACRONYM.fullmatch(word):
            word = word.rstrip(".")
        if word:
            tokens.append(_Token(word, match.start(), match.end()))
    return tokens


def _is_negation(token: _Token) -> bool:
    return token.lower in {"not", "never"} or token.lower.endswith(("n't", "n’t"))


def _is_headline(tokens: list[_Token], frame: str) -> bool:
    """Title case ("Kurds Blame Syrian Regime for ..."), where verbs are capitalised too."""
    long_words = [t.text for t in tokens if len(t.text) >= 4 and t.text[0].isalpha()]
    return (len(long_words) >= 3 and not frame.rstrip().endswith(".")
            and sum(w[0].isupper() for w in long_words) >= 0.75 * len(long_words))


def _is_verb(tokens: list[_Token], i: int, headline: bool) -> bool:
    token = tokens[i]
    if token.text.islower() or headline:
        return True
    # '“...,” Mansour Said' at the end of a sentence; elsewhere a capitalised "Said" is a name.
    before = tokens[:i]
    return (i == len(tokens) - 1 and 0 < len(before) <= 5 and _QUOTE in {t.text for t in before}
            and all(t.text in _BOUNDARIES or _is_name_word(t.text) for t in before))


def _speaker_of_verb(frame: str, tokens: list[_Token], i: int, history: list[_Speaker]) -> _Speaker | None:
    role = _VERBS[tokens[i].lower]
    if role == "ing":
        if i > 0 and tokens[i - 1].text == ",":
            return _leading_subject(frame, tokens, history)
        return None
    if i + 1 < len(tokens) and tokens[i + 1].lower == "by":
        return None  # "most claimed by the Islamic State"
    previous = tokens[i - 1] if i else None
    if role in {"base", "s"} and previous is not None and (
            previous.lower in _DETERMINERS or previous.lower in _NOUN_MARKERS
            or (previous.text.islower() and previous.text.endswith("ing"))):
        return None  # a noun: "another report of a strike", "is investigating reports"
    before = _skip_back(tokens, i - 1)
    if before >= 0 and tokens[before].lower in _BE:
        return None  # "was recently announced"
    if before >= 0 and tokens[before].text == ",":
        apposed = _apposed_subject(frame, tokens, before, history)
        if apposed:
            return apposed
    # "told Syria Direct" names the listener, not the speaker.
    if (i == 0 or tokens[i - 1].text in {_QUOTE, ","}) and tokens[i].lower not in _LISTENER_VERBS:
        return _inverted_subject(frame, tokens, i + 1, history)
    if before < 0 or tokens[before].text == ",":
        return None
    start, end = _subject_span(tokens, before)
    if start > end:
        # Scraped text loses the comma of "..., said the Observatory." at the end of a sentence.
        if i + 1 < len(tokens) and tokens[i].lower not in _LISTENER_VERBS:
            return _inverted_subject(frame, tokens, i + 1, history, final=True)
        return None
    # A bare base form needs a plural subject ("residents say"); after "did not" or "will" it is
    # an infinitive and any subject goes.
    if role == "base" and before == i - 1 and not _plural_subject(tokens[end]):
        return None  # "the UN report said": "report" here is a noun
    return _resolve(frame, tokens, start, end, history)


def _skip_back(tokens: list[_Token], j: int) -> int:
    while j >= 0 and (tokens[j].lower in _AUX_ADVERBS or _is_negation(tokens[j])
                      or (tokens[j].text.islower() and tokens[j].text.endswith("ly"))):
        j -= 1
    return j


def _subject_span(tokens: list[_Token], end: int) -> tuple[int, int]:
    """The noun phrase ending at ``end``, stepping over a post-modifier ("sources on the ground")."""
    start = _phrase_start(tokens, end)
    if start > end or tokens[start].lower in _PRONOUNS:
        return start, end
    head_start = start
    # Walk back along a chain of prepositional phrases ("Commission of Inquiry into human rights in
    # Syria") to a phrase that opens the clause; without one, the nearest phrase is the subject.
    while head_start > 0 and end - head_start < 2 * _MAX_PHRASE_WORDS:
        prep = head_start - 1
        if tokens[prep].lower == "by" and prep > 0 and tokens[prep - 1].lower.endswith("ed"):
            prep -= 1  # "groups backed by neighboring Turkey claim"
        elif tokens[prep].lower not in _PREPOSITIONS or tokens[prep].text.isupper():
            break
        head_end = prep - 1
        if head_end > 0 and tokens[head_end].text.islower() and tokens[head_end].text.endswith("ed"):
            head_end -= 1  # "a contributor to The New Arab based in Aleppo reported"
        if head_end < 0 or tokens[head_end].lower.endswith("ing"):
            break  # "Speaking to state TV Barazi said": the phrase before is a clause, not a head
        head_start = _phrase_start(tokens, head_end)
        if head_start > head_end:
            break
        if head_start == 0 or _is_boundary(tokens[head_start - 1]):
            return head_start, head_end
    opener = tokens[start - 1].lower if start else ""
    if opener in _PREPOSITIONS and opener not in _CLAUSE_OPENERS:
        return start, start - 1  # only the object of a preposition: "deaths reported in Aleppo"
    return start, end


def _phrase_start(tokens: list[_Token], end: int) -> int:
    if tokens[end].lower in _PRONOUNS:
        return end
    k = end
    while k >= 0 and end - k < _MAX_PHRASE_WORDS:
        word = tokens[k]
        if word.lower in _DETERMINERS:
            return k
        if word.lower in _NAME_CONNECTORS and 0 < k < end and _is_name_word(tokens[k - 1].text) \
                and _is_name_word(tokens[k + 1].text):
            k -= 1
            continue
        # Inside a phrase a participle is most likely a verb ("the attack killed people activists
        # said"), unless it is one of the participles news uses as adjectives.
        if not _is_content(word) or (k < end and word.text.islower() and word.text.endswith("ed")
                                     and "-" not in word.text and word.text not in _ADJECTIVE_PARTICIPLES):
            break
        if (word.lower.rstrip(".") in _TITLES and word.text[0].isupper()
                and k > 0 and tokens[k - 1].text.islower()):
            return k  # a title opens a name even without the comma before it: "death Dr Joanne Liu told"
        k -= 1
    return k + 1


def _is_content(token: _Token) -> bool:
    if token.text.isupper() and len(token.text) > 1:
        return True  # an acronym: "WHO said"
    lower = token.lower
    return not (_is_boundary(token) or lower in _PREPOSITIONS or lower in _AUX_ADVERBS or lower in _BE
                or lower in _PRONOUNS or lower in _DETERMINERS or (lower in _VERBS and token.text.islower())
                or token.text.isdigit())  # a number ends a phrase: "at 0914 Homs governor says"


def _is_boundary(token: _Token) -> bool:
    return token.text in _BOUNDARIES or (token.lower in _CONJUNCTIONS and not token.text.isupper())


def _plural_subject(head: _Token) -> bool:
    lower = head.lower
    return lower == "they" or (lower.endswith("s") and not lower.endswith("ss"))


def _apposed_subject(frame: str, tokens: list[_Token], comma: int,
                     history: list[_Speaker]) -> _Speaker | None:
    """'Dr. X, an official in ..., said': the first comma-separated part that is not an apposition."""
    end = comma - 1
    for _ in range(3):
        start = end
        while start >= 0 and tokens[start].text not in _BOUNDARIES:
            start -= 1
        start += 1
        if start <= end:
            first = tokens[start].lower
            if first in _PREPOSITIONS:
                return None
            if not (first in {"a", "an", "the", "who", "which", "whose"} or first.isdigit()):
                phrase_start = _phrase_start(tokens, end)
                return _resolve(frame, tokens, phrase_start, end, history) if phrase_start <= end else None
        if start == 0 or tokens[start - 1].text != ",":
            return None
        end = start - 2
    return None


def _inverted_subject(frame: str, tokens: list[_Token], start: int, history: list[_Speaker],
                     final: bool = False) -> _Speaker | None:
    """'..., said Mustafa Ibrahim.': a name or phrase right after the verb and ending the clause
    (or, when ``final``, ending the sentence)."""
    end = _phrase_end(tokens, start)
    following = tokens[end + 1] if end + 1 < len(tokens) else None
    if final and following is not None:
        return None
    if end < start or end - start >= 6 or not (
            following is None or following.text == "," or following.lower in _PREPOSITIONS
            or following.lower in {"a", "an"}):  # '" said Hadi Abdullah a Syrian activist.
        return None
    if not (_is_name_word(tokens[end].text) or tokens[start].lower in _DETERMINERS):
        return None  # "said Observatory head Rami Abdel Rahman after ..." or "said the ministry."
    return _resolve(frame, tokens, start, end, history)


def _according_to(frame: str, tokens: list[_Token], start: int, history: list[_Speaker]) -> _Speaker | None:
    end = _phrase_end(tokens, start)
    if end < start:
        return None
    # "according to a statement by the ministry": the ministry.
    if (tokens[end].lower in _DOCUMENTS and end + 2 < len(tokens)
            and tokens[end + 1].lower in {"by", "from", "of"}):
        start = end + 2
        end = _phrase_end(tokens, start)
    return _resolve(frame, tokens, start, end, history) if end >= start else None


def _quoted_as_saying(frame: str, tokens: list[_Token], start: int,
                      history: list[_Speaker]) -> _Speaker | None:
    end = _phrase_end(tokens, start)
    if end < start or [t.lower for t in tokens[end + 1:end + 3]] != ["as", "saying"]:
        return None
    return _resolve(frame, tokens, start, end, history)


def _phrase_end(tokens: list[_Token], start: int) -> int:
    k = start
    while k < len(tokens) and k - start < _MAX_PHRASE_WORDS:
        word = tokens[k]
        if word.lower in _NAME_CONNECTORS and k > start and k + 1 < len(tokens) \
                and _is_name_word(tokens[k - 1].text) and _is_name_word(tokens[k + 1].text):
            k += 1
            continue
        if word.lower in _NOT_A_SUBJECT or word.lower in {"more", "less"} or not (
                _is_content(word) or (k == start and word.lower in _DETERMINERS)):
            break  # "according to SANA reporter more than 35 people ..."
        k += 1
    return k - 1


def _leading_subject(frame: str, tokens: list[_Token], history: list[_Speaker]) -> _Speaker | None:
    """The subject opening the sentence, for '..., reporting ...': only a name or a pronoun is safe."""
    start = 0
    while start < len(tokens) and tokens[start].text in _BOUNDARIES:
        start += 1
    end = start
    while end < len(tokens) and (_is_name_word(tokens[end].text) or tokens[end].lower in _DETERMINERS
                                 or ("-" in tokens[end].text and tokens[end].text[0].isalpha())):
        end += 1
    if end == start and start < len(tokens) and tokens[start].lower in _PRONOUNS:
        end = start + 1
    if end == start:
        return None
    speaker = _resolve(frame, tokens, start, end - 1, history)
    return speaker if speaker and (speaker.named or tokens[start].lower in _PRONOUNS) else None


# --- naming the speaker --------------------------------------------------------------------------


def _is_name_word(word: str) -> bool:
    if word.isupper() and len(word) > 1:
        return True
    if not _NAME_WORD.match(word) or word.lower() in _DETERMINERS or word.lower() in _CONJUNCTIONS \
            or word.lower() in _PREPOSITIONS or word.lower() in _PRONOUNS:
        return False
    last = word.split("-")[-1]
    return not last.islower()  # "UK-based" and "Kurdish-led" describe, they do not name


def _resolve(frame: str, tokens: list[_Token], start: int, end: int,
             history: list[_Speaker]) -> _Speaker | None:
    words = tokens[start:end + 1]
    if len(words) == 1 and words[0].lower in _PRONOUNS:
        return _antecedent(words[0].lower, history)
    if words[0].lower in {"a", "an"} and start >= 2 and tokens[start - 1].text == ",":
        apposed = _apposed_subject(frame, tokens, start - 1, history)
        if apposed and apposed.named:
            return apposed  # "Hekem Xelo, a senior Kurdish official from ... told"
    if all(w.lower in _DETERMINERS or w.lower in _NOT_A_SUBJECT or w.lower in _PRONOUNS for w in words):
        return None
    if _is_name_word(words[-1].text):
        return _name(frame, words, history)
    role_at = len(words)
    while role_at > 0 and words[role_at - 1].lower in _ROLE_NOUNS:
        role_at -= 1
    if 2 <= role_at < len(words) and all(_is_name_word(w.text) for w in words[:role_at]):
        return _name(frame, words[:role_at], history)  # "Rami Abdel Rahman head of the Observatory said"
    if words[0].lower == "the" and words[-1].lower in _ROLE_NOUNS and history and history[-1].named:
        return history[-1]
    return _Speaker(" ".join(frame[words[0].start:words[-1].end].rstrip(".").split()), named=False)


def _name(frame: str, words: list[_Token], history: list[_Speaker]) -> _Speaker | None:
    run = len(words) - 1
    while run > 0 and (_is_name_word(words[run - 1].text) or (
            words[run - 1].lower in _NAME_CONNECTORS and run > 1 and _is_name_word(words[run - 2].text))):
        run -= 1
    names = words[run:]
    # "Homs Governor Talal Barazi" and "Dr. Mansour", but not "Turkish General Staff".
    titles = [i for i, w in enumerate(names[:-1]) if w.lower.rstrip(".") in _TITLES
              and names[i + 1].lower not in _NAME_CONNECTORS
              and (len(names) - i > 2 or w.lower.rstrip(".") in _ABBREVIATED_TITLES)]
    if titles:
        names = names[titles[-1] + 1:]
    while len(names) > 1 and names[-1].lower in _TITLES:
        names = names[:-1]  # "Peter Salama Executive Director of the WHO ... said"
    text = " ".join(frame[names[0].start:names[-1].end].rstrip(".").split())
    # A later mention by surname ("Xelo added") is the person named in full before.
    # The earliest match, because news introduces a person in full before shortening the name.
    for earlier in history:
        if earlier.named and earlier.name.endswith(" " + text):
            return earlier
    return _Speaker(text, named=True)


def _antecedent(pronoun: str, history: list[_Speaker]) -> _Speaker | None:
    for speaker in reversed(history):
        if pronoun in {"they", "it"} or not speaker.plural:
            return speaker
    return None
