"""Who said it: attribute each sentence of a news article to the speaker or outlet it quotes.

The rules read the sentence *frame*, i.e. the text outside quotation marks, so that words inside a
quote ("according to our information") never name a speaker. They look for a speech verb and take
its subject ("X said", "X told Reuters", "said X", "X, an official, said"), or the object of
"according to". A quotation that runs over several sentences, and a quoted sentence that follows an
attributed one, take the speaker of their neighbours. See docs/attribution.md for the conventions.

Speed: every document claimtag tags passes through here, so the work is arranged to be cheap, with
results exactly those of the plain formulation (tokens as _TOKEN matches them, rules tried at every
token). A frame with none of the cue words (speech verbs, "according", "quoted") cannot be
attributed, and a look for them with bytes operations lets about half of news sentences skip
tokenising and the rules. A frame with a cue is tokenised into parallel lists of text and
lower-cased text, by str.split() for the usual plain frame and by the regular expression otherwise,
and the rules start only at cue tokens.
"""

from __future__ import annotations

import re
from typing import NamedTuple, Sequence


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
# The tokens, by definition; _Tokens finds the same ones faster.
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
_NAME_PREFIX_STARTS = frozenset("aeib")
_PARENTHESES = re.compile(r"\([^()]*\)")
_MAX_QUOTE_SENTENCES = 8
_MAX_PHRASE_WORDS = 8

# --- speed -----------------------------------------------------------------------------------------

# Tokens that can start a rule (see _speaker); a frame with none of them is attributed to nobody.
_CUES = frozenset(_VERBS) | {"according", "quoted"}

# A cue token, lower-cased and without its trailing periods, appears in the lower-cased frame as
# that word with no ASCII letter on either side: the only characters that lower-case to an ASCII
# letter are ASCII letters and the Kelvin sign, all of which would have been part of the token. So
# blanking out all but a-z in the UTF-8 bytes of the lower-cased frame leaves every cue token as a
# whole word, and a frame with no cue word there has no cue token (a word like "unsaid" is not one).
_LETTERS_ONLY = bytes(byte if 97 <= byte <= 122 else 32 for byte in range(256))
_LOWER_LETTERS_ONLY = bytes(byte + 32 if 65 <= byte <= 90 else byte if 97 <= byte <= 122 else 32
                            for byte in range(256))  # for ASCII, where lower() maps just A-Z
_CUE_WORDS = frozenset(word.encode() for word in _CUES)

# _TOKEN with a capturing group, for split(); the same matches, but as one character class followed
# by the branch its first character allows, which lets the re module skip gaps quickly.
_TOKEN_SPLIT = re.compile(
    r"([\x1e,;:–—\-\w’'](?:(?<=[\x1e,;:–—])"  # a mark
    r"|(?<=-)(?<!\S-)(?!\S)"  # a lone hyphen
    r"|(?<=[A-Z])\.(?:[A-Z]\.)+"  # an acronym
    r"|(?<=[\w’'])[\w’'.\-]*))"  # a word
)
_SEPARATOR = "\x1f"  # joins the tokens of a frame; no token contains it
# On the joined tokens: the trailing periods of every token, and a token that could be an acronym.
_SEPARATOR_AFTER_PERIOD = "." + _SEPARATOR
_TRAILING_PERIODS = re.compile(r"\.+(?![^\x1f])")
_MAYBE_ACRONYM = re.compile(r"[A-Z]\.(?![^\x1f])")
# Most frames are plain: ASCII letters and digits, spaces, commas, periods, hyphens, apostrophes and
# masked quotes. In such a frame every token is a run between spaces once commas and masked quotes
# are spaced out, except where a run starts with "." or "-" (other than a lone "-", which is a token
# unless a comma touches it) or with an acronym that does not end the run ("U.S.-backed"): those
# frames take the regular expression.
_PLAIN = re.compile(r"[A-Za-z0-9 ,.'’\-\x1e]*+")
# The usual frame is plain with no masked quote, no period but one that ends it and closes a word,
# and no hyphen that starts a run or touches a comma. Its characters but the period, as a pattern
# with the period and as ASCII bytes to delete.
_USUAL = re.compile(r"[A-Za-z0-9 ,'’\-]*+(?:(?<=[^ ,])\.)?")
_USUAL_ASCII = bytes(b for b in range(128) if _USUAL.fullmatch(chr(b)))
_HOLDER = "\x00"  # stands in for the masked quote, which str.split() takes for whitespace
_PERIOD_ALONE = (" .", ",.", "\x1e.")  # a frame ending in a period that starts a run
_RUN_AFTER_ACRONYM = re.compile(r"\x1f(?:[A-Z]\.){2,}+[^\x1f]")
# A double quotation mark, opening if group 1 matches: curly, or straight after a space, a bracket or a
# dash (or at the start) and before a non-space, as straight quotes have no direction of their own.
_QUOTE_MARKS = re.compile(r'[“”"]((?<=“)|(?<=")(?<![^\s(\[—–-]")(?=\S))?')
_WORD_CHAR = re.compile(r"\w")
_NEGATIONS = frozenset({"not", "never"})
_NEGATED = ("n't", "n’t")
_QUOTE_OR_COMMA = frozenset({_QUOTE, ","})
_FUNCTION_WORDS = _PREPOSITIONS | _AUX_ADVERBS | _BE | _PRONOUNS | _DETERMINERS  # never in a phrase
_NOT_NAMING = _DETERMINERS | _NOT_A_SUBJECT | _PRONOUNS  # a phrase of only these names nobody
_NOT_NAME_WORDS = _DETERMINERS | _CONJUNCTIONS | _PREPOSITIONS | _PRONOUNS
_MAYBE_NOT_CONTENT = _FUNCTION_WORDS | _CONJUNCTIONS | frozenset(_VERBS)  # see _is_content


class _Tokens:
    """The tokens of a frame as parallel lists: ``text`` (periods stripped as above) and ``lower``;
    ``raw`` keeps the periods."""

    __slots__ = ("frame", "parts", "raw", "text", "lower", "_headline")

    def __init__(self, frame: str) -> None:
        self.frame = frame
        self.parts: list[str] | None = None
        self._headline: bool | None = None
        if frame.isascii():
            rest = frame.encode().translate(None, _USUAL_ASCII)
            usual = not rest or (rest == b"." and frame[-1] == "." and frame[-2:-1] not in " ,")
            plain = usual or not rest.translate(None, b".\x1e")
        else:
            usual = _USUAL.fullmatch(frame)
            plain = usual or _PLAIN.fullmatch(frame)
        if usual and ("-" not in frame
                      or not (",-" in frame or "-," in frame or " -" in frame or frame[0] == "-")):
            # The usual frame: no run can start with "." or "-" or an acronym, and only the last
            # token can end with a period.
            # phrase() strips the periods of its last token, so here it can read ``text``.
            spaced = frame.replace(",", " , ") if "," in frame else frame
            self.raw = self.text = text = spaced.split()
            self.lower = lower = spaced.lower().split()
            if frame[-1:] == "." and not ("A" <= frame[-2] <= "Z" and _ACRONYM.fullmatch(text[-1])):
                text[-1] = text[-1].rstrip(".")
                lower[-1] = lower[-1].rstrip(".")
            return
        raw = None
        if plain and ",-" not in frame and "-," not in frame:
            spaced = frame.replace(",", " , ") if "," in frame else frame
            periods = frame.count(".")
            if _QUOTE in spaced:
                spaced = spaced.replace(_QUOTE, f" {_HOLDER} ")
            raw = spaced.split()
            joined = _SEPARATOR.join(raw)
            # A run can start with "." or "-", or with an acronym, only if one of these holds; the
            # usual frame, with one final period and no hyphen at the start of a run, skips the check.
            if periods > 1 or (periods and (frame[-1] != "." or frame.endswith(_PERIOD_ALONE))) \
                    or " -" in frame or "\x1e-" in frame or frame.startswith(("-", ".")):
                check = f"{_SEPARATOR}{joined}{_SEPARATOR}"
                if (_SEPARATOR + "." in check
                        or check.count(_SEPARATOR + "-") != check.count(f"{_SEPARATOR}-{_SEPARATOR}")
                        or _RUN_AFTER_ACRONYM.search(check)):
                    raw = None
            if raw is not None and _HOLDER in joined:
                joined = joined.replace(_HOLDER, _QUOTE)
                raw = joined.split(_SEPARATOR)
        if raw is None:
            # [gap, token, gap, token, ..., gap]: the same matches as _TOKEN.finditer.
            self.parts = parts = _TOKEN_SPLIT.split(frame)
            raw = parts[1::2]
            joined = _SEPARATOR.join(raw)
        self.raw = text = raw
        # A token's final periods are not part of it ("said."), unless it is an acronym ("U.S.").
        if "." in joined:
            if _SEPARATOR_AFTER_PERIOD not in joined:
                # Only the last token can end with a period, as it usually alone does.
                if joined[-1] == "." and not _ACRONYM.fullmatch(text[-1]):
                    joined = joined.rstrip(".")
                    text = raw.copy()
                    text[-1] = text[-1].rstrip(".")
            elif _MAYBE_ACRONYM.search(joined):
                text = [w.rstrip(".") if w[-1:] == "." and not _ACRONYM.fullmatch(w) else w for w in raw]
                joined = _SEPARATOR.join(text)
            else:
                joined = _TRAILING_PERIODS.sub("", joined)
                text = joined.split(_SEPARATOR)
        self.text = text
        # The separator is neither cased nor case-ignorable, so lowering the joined tokens lowers
        # each token as on its own (the context of a final sigma stops at it).
        self.lower = joined.lower().split(_SEPARATOR) if text else []

    def phrase(self, start: int, end: int) -> str:
        """The frame from token ``start`` to token ``end``, without final periods, spaces normalised."""
        if self.parts is None:
            # In a plain frame, tokens other than commas and masked quotes are apart by spaces.
            words = self.raw[start:end + 1]
            if "," not in words and _QUOTE not in words:
                words[-1] = words[-1].rstrip(".")
                return " ".join(words)
            self.parts = _TOKEN_SPLIT.split(self.frame)
        return " ".join("".join(self.parts[2 * start + 1:2 * end + 2]).rstrip(".").split())


def attribute(sentences: Sequence[str]) -> list[str | None]:
    """One source per sentence of one document, in order; None for unattributed narration."""
    frames, groups = _frames(sentences)
    history = _History()
    speakers: list[_Speaker | None] = [None] * len(frames)
    no_cue = _CUE_WORDS.isdisjoint
    for i, frame in enumerate(frames):
        # "said", the commonest cue by far, is worth a quick look: a frame with it takes the rules.
        if "said" not in frame:
            if frame.isascii():
                words = frame.encode().translate(_LOWER_LETTERS_ONLY).split()
            else:
                words = frame.lower().encode("utf-8", "surrogatepass").translate(_LETTERS_ONLY).split()
            if no_cue(words):
                continue
        speaker = _speaker(frame, history)
        if speaker:
            history.append(speaker)
            speakers[i] = speaker
    for first, last in groups:
        # "...," he said closes a quote more often than an introduction opens it.
        found = speakers[last] or speakers[first]
        for i in range(first, last + 1):
            speakers[i] = speakers[i] or found
    if _QUOTE in "".join(frames):
        for i in range(1, len(frames)):
            # A quoted sentence standing alone continues the quote of the sentence before it.
            if speakers[i] is None and _QUOTE in frames[i] and not _WORD_CHAR.search(frames[i]):
                speakers[i] = speakers[i - 1]
    return [s.name if s else None for s in speakers]


# --- quotation marks -----------------------------------------------------------------------------


def _frames(sentences: Sequence[str]) -> tuple[list[str], list[tuple[int, int]]]:
    """Each sentence with quoted text masked, and the (first, last) sentences of multi-sentence quotes."""
    document = "".join(sentences)
    if '"' not in document and "“" not in document and "”" not in document:
        if "(" not in document:
            return list(sentences), []
        return [_masked(text, []) if "(" in text else text for text in sentences], []
    # (sentence, position, is_opening) for each double quotation mark, in document order.
    events = [(i, match.start(), match.lastindex is not None)
              for i, text in enumerate(sentences) if '"' in text or "“" in text or "”" in text
              for match in _QUOTE_MARKS.finditer(text)]
    masks: dict[int, list[tuple[int, int]]] = {}
    groups = []
    k = 0
    while k < len(events):
        sent, pos, opening = events[k]
        if not opening:
            # A closing mark with no opening one: the opening was lost, as in much scraped text.
            if not k or events[k - 1][0] != sent:
                masks.setdefault(sent, []).append((0, pos + 1))
            k += 1
            continue
        # A paragraph of a continuing quote opens again without the previous one being closed,
        # so further opening marks before the closing one belong to the same quotation.
        close = k + 1
        while (close < len(events) and events[close][2]
               and events[close][0] - sent <= _MAX_QUOTE_SENTENCES):
            close += 1
        if close == len(events) or events[close][0] - sent > _MAX_QUOTE_SENTENCES:
            k += 1
            continue
        end_sent, end_pos, _ = events[close]
        if end_sent == sent:
            masks.setdefault(sent, []).append((pos, end_pos + 1))
        else:
            masks.setdefault(sent, []).append((pos, len(sentences[sent])))
            for middle in range(sent + 1, end_sent):
                masks.setdefault(middle, []).append((0, len(sentences[middle])))
            masks.setdefault(end_sent, []).append((0, end_pos + 1))
            groups.append((sent, end_sent))
        k = close + 1
    frames = list(sentences)
    for i, spans in masks.items():
        frames[i] = _masked(frames[i], spans)
    if "(" in document:
        for i, text in enumerate(sentences):
            if "(" in text and i not in masks:
                frames[i] = _masked(text, [])
    return frames, groups


def _masked(text: str, spans: list[tuple[int, int]]) -> str:
    for start, end in sorted(spans, reverse=True):
        text = f"{text[:start]} {_QUOTE} {text[end:]}"
    # Parenthetical asides ("Wasfi Bave Dindar (55) told") sit between a subject and its verb.
    while "(" in text:
        text, removed = _PARENTHESES.subn("", text)
        if not removed:
            break
    return text


# --- finding the speaker -------------------------------------------------------------------------
# Tokens are passed as a _Tokens and an index; ``text``/``lower`` below are its lists.


def _speaker(frame: str, history: list[_Speaker]) -> _Speaker | None:
    tk = _Tokens(frame)
    text, lower = tk.text, tk.lower
    n = len(text)
    # "The spokesman did not say what agent was used but said ...": a negated verb attributes
    # nothing, but its subject is the subject of the verb coordinated with it.
    negated_subject = None
    for i, word in enumerate(lower):
        if word not in _CUES:
            continue
        found = None
        if word == "according":
            if i + 1 < n and lower[i + 1] == "to":
                found = _according_to(tk, i + 2, history)
        elif word == "quoted":
            found = _quoted_as_saying(tk, i + 1, history)
        elif text[i].islower() or _is_verb(tk, i):
            before = _skip_back(tk, i - 1)
            if before >= 0 and lower[before] in {"and", "but"}:
                found = negated_subject
            else:
                found = _speaker_of_verb(tk, i, before, history)
                if found and before + 1 < i and any(_is_negation(w) for w in lower[before + 1:i]):
                    negated_subject, found = found, None
        if found:
            return found
    return None


def _is_negation(lower: str) -> bool:
    return lower in _NEGATIONS or lower.endswith(_NEGATED)


def _is_headline(tk: _Tokens) -> bool:
    """Title case ("Kurds Blame Syrian Regime for ..."), where verbs are capitalised too."""
    if tk._headline is None:
        long_words = [w for w in tk.text if len(w) >= 4 and w[0].isalpha()]
        tk._headline = (len(long_words) >= 3 and not tk.frame.rstrip().endswith(".")
                        and sum(w[0].isupper() for w in long_words) >= 0.75 * len(long_words))
    return tk._headline


def _is_verb(tk: _Tokens, i: int) -> bool:
    if tk.text[i].islower() or _is_headline(tk):
        return True
    # '“...,” Mansour Said' at the end of a sentence; elsewhere a capitalised "Said" is a name.
    before = tk.text[:i]
    return (i == len(tk.text) - 1 and 0 < len(before) <= 5 and _QUOTE in before
            and all(w in _BOUNDARIES or _is_name_word(w) for w in before))


def _speaker_of_verb(tk: _Tokens, i: int, before: int, history: list[_Speaker]) -> _Speaker | None:
    """The speaker of the verb at ``i``; ``before`` is _skip_back(tk, i - 1)."""
    text, lower = tk.text, tk.lower
    role = _VERBS[lower[i]]
    if role == "ing":
        if i > 0 and text[i - 1] == ",":
            return _leading_subject(tk, history)
        return None
    if i + 1 < len(text) and lower[i + 1] == "by":
        return None  # "most claimed by the Islamic State"
    if role in {"base", "s"} and i and (
            lower[i - 1] in _DETERMINERS or lower[i - 1] in _NOUN_MARKERS
            or (text[i - 1].islower() and text[i - 1].endswith("ing"))):
        return None  # a noun: "another report of a strike", "is investigating reports"
    if before >= 0 and lower[before] in _BE:
        return None  # "was recently announced"
    if before >= 0 and text[before] == ",":
        apposed = _apposed_subject(tk, before, history)
        if apposed:
            return apposed
    # "told Syria Direct" names the listener, not the speaker.
    if (i == 0 or text[i - 1] in _QUOTE_OR_COMMA) and lower[i] not in _LISTENER_VERBS:
        return _inverted_subject(tk, i + 1, history)
    if before < 0 or text[before] == ",":
        return None
    start, end = _subject_span(tk, before)
    if start > end:
        # Scraped text loses the comma of "..., said the Observatory." at the end of a sentence.
        if i + 1 < len(text) and lower[i] not in _LISTENER_VERBS:
            return _inverted_subject(tk, i + 1, history, final=True)
        return None
    # A bare base form needs a plural subject ("residents say"); after "did not" or "will" it is
    # an infinitive and any subject goes.
    if role == "base" and before == i - 1 and not _plural_subject(lower[end]):
        return None  # "the UN report said": "report" here is a noun
    return _resolve(tk, start, end, history)


def _skip_back(tk: _Tokens, j: int) -> int:
    text, lower = tk.text, tk.lower
    # _AUX_ADVERBS has the negations.
    while j >= 0 and (lower[j] in _AUX_ADVERBS or lower[j].endswith(_NEGATED)
                      or (text[j].islower() and text[j].endswith("ly"))):
        j -= 1
    return j


def _subject_span(tk: _Tokens, end: int) -> tuple[int, int]:
    """The noun phrase ending at ``end``, stepping over a post-modifier ("sources on the ground")."""
    text, lower = tk.text, tk.lower
    start = _phrase_start(tk, end)
    if start > end or lower[start] in _PRONOUNS:
        return start, end
    head_start = start
    # Walk back along a chain of prepositional phrases ("Commission of Inquiry into human rights in
    # Syria") to a phrase that opens the clause; without one, the nearest phrase is the subject.
    while head_start > 0 and end - head_start < 2 * _MAX_PHRASE_WORDS:
        prep = head_start - 1
        if lower[prep] == "by" and prep > 0 and lower[prep - 1].endswith("ed"):
            prep -= 1  # "groups backed by neighboring Turkey claim"
        elif lower[prep] not in _PREPOSITIONS or text[prep].isupper():
            break
        head_end = prep - 1
        if head_end > 0 and text[head_end].islower() and text[head_end].endswith("ed"):
            head_end -= 1  # "a contributor to The New Arab based in Aleppo reported"
        if head_end < 0 or lower[head_end].endswith("ing"):
            break  # "Speaking to state TV Barazi said": the phrase before is a clause, not a head
        head_start = _phrase_start(tk, head_end)
        if head_start > head_end:
            break
        if head_start == 0 or _is_boundary(text[head_start - 1], lower[head_start - 1]):
            return head_start, head_end
    opener = lower[start - 1] if start else ""
    if opener in _PREPOSITIONS and opener not in _CLAUSE_OPENERS:
        return start, start - 1  # only the object of a preposition: "deaths reported in Aleppo"
    return start, end


def _phrase_start(tk: _Tokens, end: int) -> int:
    text, lower = tk.text, tk.lower
    if lower[end] in _PRONOUNS:
        return end
    k = end
    while k >= 0 and end - k < _MAX_PHRASE_WORDS:
        word, low = text[k], lower[k]
        if low in _DETERMINERS:
            return k
        if low in _NAME_CONNECTORS and 0 < k < end and _is_name_word(text[k - 1]) \
                and _is_name_word(text[k + 1]):
            k -= 1
            continue
        # Inside a phrase a participle is most likely a verb ("the attack killed people activists
        # said"), unless it is one of the participles news uses as adjectives.
        if not _is_content(word, low) or (k < end and word.islower() and word.endswith("ed")
                                          and "-" not in word and word not in _ADJECTIVE_PARTICIPLES):
            break
        if (low in _TITLES and word[0].isupper()
                and k > 0 and text[k - 1].islower()):
            return k  # a title opens a name even without the comma before it: "death Dr Joanne Liu told"
        k -= 1
    return k + 1


def _is_content(word: str, lower: str) -> bool:
    if lower not in _MAYBE_NOT_CONTENT:
        # Neither a boundary nor a number is in upper case, so the test below comes to this.
        return not (word in _BOUNDARIES or word.isdigit())
    if word.isupper() and len(word) > 1:
        return True  # an acronym: "WHO said"
    return not (word in _BOUNDARIES or lower in _FUNCTION_WORDS
                or (lower in _CONJUNCTIONS and not word.isupper())
                or (lower in _VERBS and word.islower())
                or word.isdigit())  # a number ends a phrase: "at 0914 Homs governor says"


def _is_boundary(word: str, lower: str) -> bool:
    return word in _BOUNDARIES or (lower in _CONJUNCTIONS and not word.isupper())


def _plural_subject(lower: str) -> bool:
    return lower == "they" or (lower.endswith("s") and not lower.endswith("ss"))


def _apposed_subject(tk: _Tokens, comma: int, history: list[_Speaker]) -> _Speaker | None:
    """'Dr. X, an official in ..., said': the first comma-separated part that is not an apposition."""
    text, lower = tk.text, tk.lower
    end = comma - 1
    for _ in range(3):
        start = end
        while start >= 0 and text[start] not in _BOUNDARIES:
            start -= 1
        start += 1
        if start <= end:
            first = lower[start]
            if first in _PREPOSITIONS:
                return None
            if not (first in {"a", "an", "the", "who", "which", "whose"} or first.isdigit()):
                phrase_start = _phrase_start(tk, end)
                return _resolve(tk, phrase_start, end, history) if phrase_start <= end else None
        if start == 0 or text[start - 1] != ",":
            return None
        end = start - 2
    return None


def _inverted_subject(tk: _Tokens, start: int, history: list[_Speaker],
                      final: bool = False) -> _Speaker | None:
    """'..., said Mustafa Ibrahim.': a name or phrase right after the verb and ending the clause
    (or, when ``final``, ending the sentence)."""
    text, lower = tk.text, tk.lower
    end = _phrase_end(tk, start)
    following = end + 1 < len(text)
    if final and following:
        return None
    if end < start or end - start >= 6 or not (
            not following or text[end + 1] == "," or lower[end + 1] in _PREPOSITIONS
            or lower[end + 1] in {"a", "an"}):  # '" said Hadi Abdullah a Syrian activist.
        return None
    if not (_is_name_word(text[end]) or lower[start] in _DETERMINERS):
        return None  # "said Observatory head Rami Abdel Rahman after ..." or "said the ministry."
    return _resolve(tk, start, end, history)


def _according_to(tk: _Tokens, start: int, history: list[_Speaker]) -> _Speaker | None:
    lower = tk.lower
    end = _phrase_end(tk, start)
    if end < start:
        return None
    # "according to a statement by the ministry": the ministry.
    if (lower[end] in _DOCUMENTS and end + 2 < len(lower)
            and lower[end + 1] in {"by", "from", "of"}):
        start = end + 2
        end = _phrase_end(tk, start)
    return _resolve(tk, start, end, history) if end >= start else None


def _quoted_as_saying(tk: _Tokens, start: int, history: list[_Speaker]) -> _Speaker | None:
    end = _phrase_end(tk, start)
    if end < start or tk.lower[end + 1:end + 3] != ["as", "saying"]:
        return None
    return _resolve(tk, start, end, history)


def _phrase_end(tk: _Tokens, start: int) -> int:
    text, lower = tk.text, tk.lower
    n = len(text)
    k = start
    while k < n and k - start < _MAX_PHRASE_WORDS:
        low = lower[k]
        if low in _NAME_CONNECTORS and k > start and k + 1 < n \
                and _is_name_word(text[k - 1]) and _is_name_word(text[k + 1]):
            k += 1
            continue
        if low in _NOT_A_SUBJECT or low in {"more", "less"} or not (
                _is_content(text[k], low) or (k == start and low in _DETERMINERS)):
            break  # "according to SANA reporter more than 35 people ..."
        k += 1
    return k - 1


def _leading_subject(tk: _Tokens, history: list[_Speaker]) -> _Speaker | None:
    """The subject opening the sentence, for '..., reporting ...': only a name or a pronoun is safe."""
    text, lower = tk.text, tk.lower
    n = len(text)
    start = 0
    while start < n and text[start] in _BOUNDARIES:
        start += 1
    end = start
    while end < n and (_is_name_word(text[end]) or lower[end] in _DETERMINERS
                       or ("-" in text[end] and text[end][0].isalpha())):
        end += 1
    if end == start and start < n and lower[start] in _PRONOUNS:
        end = start + 1
    if end == start:
        return None
    speaker = _resolve(tk, start, end - 1, history)
    return speaker if speaker and (speaker.named or lower[start] in _PRONOUNS) else None


# --- naming the speaker --------------------------------------------------------------------------


def _is_name_word(word: str) -> bool:
    if word.isupper() and len(word) > 1:
        return True
    # _NAME_WORD matches whatever starts with A-Z; otherwise only after a prefix such as "al-".
    if not ("A" <= word[:1] <= "Z" or (word[:1] in _NAME_PREFIX_STARTS and _NAME_WORD.match(word))):
        return False
    if word.lower() in _NOT_NAME_WORDS:
        return False
    return not word[word.rfind("-") + 1:].islower()  # "UK-based" and "Kurdish-led" describe, they do not name


def _resolve(tk: _Tokens, start: int, end: int, history: list[_Speaker]) -> _Speaker | None:
    """The speaker named by tokens ``start`` to ``end`` (inclusive)."""
    text, lower = tk.text, tk.lower
    if start == end and lower[start] in _PRONOUNS:
        return _antecedent(lower[start], history)
    if lower[start] in {"a", "an"} and start >= 2 and text[start - 1] == ",":
        apposed = _apposed_subject(tk, start - 1, history)
        if apposed and apposed.named:
            return apposed  # "Hekem Xelo, a senior Kurdish official from ... told"
    if lower[end] in _NOT_NAMING and _NOT_NAMING.issuperset(lower[start:end + 1]):
        return None
    if _is_name_word(text[end]):
        return _name(tk, start, end, history)
    role_at = end + 1
    while role_at > start and lower[role_at - 1] in _ROLE_NOUNS:
        role_at -= 1
    if start + 2 <= role_at <= end and all(_is_name_word(w) for w in text[start:role_at]):
        return _name(tk, start, role_at - 1, history)  # "Rami Abdel Rahman head of the Observatory said"
    if lower[start] == "the" and lower[end] in _ROLE_NOUNS and history and history[-1].named:
        return history[-1]
    return _Speaker(tk.phrase(start, end), False)


def _name(tk: _Tokens, start: int, end: int, history: list[_Speaker]) -> _Speaker | None:
    text, lower = tk.text, tk.lower
    run = end
    while run > start and (_is_name_word(text[run - 1]) or (
            lower[run - 1] in _NAME_CONNECTORS and run > start + 1 and _is_name_word(text[run - 2]))):
        run -= 1
    # "Homs Governor Talal Barazi" and "Dr. Mansour", but not "Turkish General Staff": the name
    # starts after the last title.
    for k in range(end - 1, run - 1, -1):
        if (lower[k] in _TITLES and lower[k + 1] not in _NAME_CONNECTORS
                and (end - k > 1 or lower[k] in _ABBREVIATED_TITLES)):
            run = k + 1
            break
    while end > run and lower[end] in _TITLES:
        end -= 1  # "Peter Salama Executive Director of the WHO ... said"
    name = tk.phrase(run, end)
    # A later mention by surname ("Xelo added") is the person named in full before.
    # The earliest match, because news introduces a person in full before shortening the name.
    return history.by_short_name.get(name) or _Speaker(name, True)


class _History(list):
    """The speakers found so far in a document, in order, with every shorter form of each named one
    ("Mansour" and "Haji Mansour" for "Nasir Haji Mansour") mapped to the earliest speaker so
    called: a dictionary, as a long document has thousands of speakers to search."""

    def __init__(self):
        super().__init__()
        self.by_short_name: dict[str, _Speaker] = {}

    def append(self, speaker: _Speaker) -> None:
        list.append(self, speaker)
        if speaker.named:
            name = speaker.name
            space = name.find(" ")
            while space >= 0:
                self.by_short_name.setdefault(name[space + 1:], speaker)
                space = name.find(" ", space + 1)


def _antecedent(pronoun: str, history: list[_Speaker]) -> _Speaker | None:
    for speaker in reversed(history):
        if pronoun in {"they", "it"} or not speaker.plural:
            return speaker
    return None
