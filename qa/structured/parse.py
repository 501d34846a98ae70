"""Question -> intent and slots, from the lexicon data and the names in the facts.

Deterministic and model-free. Matching folds case, accents and apostrophes, takes the
longest phrase first, strips a possessive "s" ("Leitao's"), and tolerates small typos in
names ("Madisson", "Lavreysan") through rapidfuzz, but never turns one dictionary word
into another ("old" is not "gold"). What no phrase accounts for is kept as `open_words`:
the structured path answers only when some answerer accounts for each of them.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from functools import cached_property

from jellyfish import metaphone
from rapidfuzz import process
from rapidfuzz.distance import DamerauLevenshtein

from ..corpus.lexicon import Lexicon
from ..corpus.text import NUMBER_WORDS, fold, is_dictionary_word, slips_of, zipf

MAX_PHRASE = 4
FUZZY_CUTOFF = 80
FUZZY_WORD_CUTOFF = 75
FUZZY_MIN_CHARS = 5
FUZZY_KINDS = ("rider", "event", "country", "target", "games", "neutral")
WH_WORDS = {"who", "whom", "whose", "which", "what", "how", "where", "when", "why"}
# English function words, question words and chat filler: they name nothing to look up.
_FUNCTION_WORDS = """
    a an the of in on at for to by with and or but if then than as is are was were be been
    being do does did done has have had having it its this that these those there here i me
    my we our you your about into over under after before between during from up down out
    off again very so too just only also any all some no not nor can could should would
    will shall may might must please tell know say said give list name show find s t ever
    one both each such own same who whom whose which what how where when why article
    text document source sources says mention mentioned happen happened according
    report reported explain something anything thing things now currently still yet really
    actually exactly overall altogether already well achieve writer author piece journalist
    whats whos wheres hows thats theres isnt didnt doesnt wasnt arent werent hasnt havent
    dont cant wont per heard hear back eventually potentially ultimately possibly perhaps
    maybe probably terms whole full entire across behind ahead absolutely totally completely
    basically literally lol pls plz names way
    achieved achievement accomplish accomplished manage managed result results outcome
    outcomes hi hello hey hiya greetings thanks thank cheers ok okay um uh wondering wonder
    curious want wanted like let lets quick question q got
"""
STOPWORDS = frozenset(_FUNCTION_WORDS.split())
_TOKEN = re.compile(r"[\w’'.\-/]+")

Tag = tuple[str, str]  # (kind, value), e.g. ("event", "madison") or ("intent", "win")


@dataclass(frozen=True)
class Mention:
    """A phrase of the question and what it names."""

    start: int  # token index
    end: int
    text: str
    tags: tuple[Tag, ...]

    def has(self, kind: str, value: str | None = None) -> bool:
        return any(k == kind and (value is None or v == value) for k, v in self.tags)

    def values(self, kind: str) -> list[str]:
        return [v for k, v in self.tags if k == kind]


@dataclass(frozen=True)
class Parse:
    """What a question asks about. Empty tuples mean "not said"."""

    tokens: tuple[str, ...]
    mentions: tuple[Mention, ...]
    events: tuple[str, ...] = ()
    genders: tuple[str, ...] = ()
    medals: tuple[str, ...] = ()
    countries: tuple[str, ...] = ()
    riders: tuple[str, ...] = ()
    intents: frozenset[str] = field(default_factory=frozenset)
    wh: str | None = None
    target: str | None = None
    medal_word: bool = False
    references: bool = False
    other_games: tuple[str, ...] = ()
    open_words: tuple[str, ...] = ()  # content words no phrase of the lexicon or facts names
    excluded: tuple[Tag, ...] = ()  # "besides Britain": ("country", "Great Britain")
    excluded_facts: tuple[str, ...] = ()  # "anything else?": the previous answer's fact ids
    comparison: tuple[str, int] | None = None  # "more than one": (">", 1)
    person: bool = False  # asks for people by a noun ("which riders", "name the cyclists")

    @property
    def has_subject(self) -> bool:
        return bool(self.events or self.countries or self.riders)

    def position(self, kind: str, value: str) -> int:
        """Token index of the first mention of `value`, or -1."""
        for m in self.mentions:
            if m.has(kind, value):
                return m.start
        return -1

    def subject_position(self, subject: str) -> int:
        """Token index where a rider or nation is first named (len(tokens) if never)."""
        for kind in ("rider", "country"):
            at = self.position(kind, subject)
            if at >= 0:
                return at
        return len(self.tokens)

    def intent_positions(self, intent: str) -> list[int]:
        return [m.start for m in self.mentions if m.has("intent", intent)]


# A tag question's tail: an auxiliary, mostly negated, and a pronoun ("didn't he?").
_TAG_AUXILIARIES = frozenset(
    """didnt wasnt isnt arent werent doesnt dont hasnt havent hadnt wont wouldnt couldnt
    did was is were does has have""".split()  # noqa: SIM905
)
_TAG_PRONOUNS = frozenset(["he", "she", "it", "they", "we", "you"])
_WH_WORDS = frozenset("who whom whose what which when where why how".split())  # noqa: SIM905


class Parser:
    """Compiled phrase tables for one lexicon and one set of rider names."""

    def __init__(self, lexicon: Lexicon, riders: Iterable[str], vocabulary: Iterable[str] = ()):
        self.lexicon = lexicon
        self.phrases: dict[tuple[str, ...], list[Tag]] = {}
        self.acronyms: set[tuple[str, ...]] = set()
        self.surname_sounds: dict[str, list[str]] = {}  # "LFRSN": ["Harrie Lavreysen"]
        for name, country in lexicon.countries.items():
            for alias in country.names:
                self._add(alias, ("country", name))
        for name, event in lexicon.events.items():
            for alias in (name, event.label, *event.aliases):
                self._add(alias, ("event", name))
        for family in lexicon.families.values():  # "the sprint events": each member event
            for alias in family.aliases:
                for member in family.members:
                    self._add(alias, ("event", member))
        for kind in ("genders", "medals", "intents", "targets"):
            table: dict[str, tuple[str, ...]] = getattr(lexicon, kind)
            tag = kind.rstrip("s")
            for value, aliases in table.items():
                for alias in aliases:
                    self._add(alias, (tag, value))
        for word in lexicon.neutral:
            self._add(word, ("neutral", word))
        for word in lexicon.any_medal:
            self._add(word, ("any_medal", word))
        for word in lexicon.references:
            self._add(word, ("reference", word))
        for word in lexicon.other_games:
            self._add(word, ("games", word))
        self._add_riders(riders)
        # single words that say what is asked ("won", "win"): "wn" is one slip from them
        self._intent_words = tuple(
            sorted(
                {a for a in lexicon.intents.get("win", ()) if " " not in a and len(a) >= 3},
                key=lambda w: (-len(w), w),
            )
        )
        self.vocabulary = {t for text in vocabulary for t in fold(text).split()}
        fuzzy = [p for p, tags in self.phrases.items() if any(k in FUZZY_KINDS for k, _ in tags)]
        self._fuzzy_by_len: dict[int, list[str]] = {}
        for p in fuzzy:
            self._fuzzy_by_len.setdefault(len(p), []).append(" ".join(p))

    def _add(self, alias: str, tag: Tag) -> None:
        if not alias:
            return
        key = tuple(fold(alias).split())
        if not key:
            return
        tags = self.phrases.setdefault(key, [])
        if tag not in tags:
            tags.append(tag)
        if alias.isupper() and len(alias.replace(".", "")) <= 3:
            self.acronyms.add(key)

    def _add_riders(self, riders: Iterable[str]) -> None:
        names = sorted(set(riders))
        surnames: dict[str, list[str]] = {}
        firsts: dict[str, list[str]] = {}
        for name in names:
            parts = fold(name).split()
            self._add(name, ("rider", name))
            if len(parts) > 1:
                surnames.setdefault(parts[-1], []).append(name)
                firsts.setdefault(parts[0], []).append(name)
                if len(parts[-1]) >= MIN_SOUND_CHARS:
                    self.surname_sounds.setdefault(metaphone(parts[-1]), []).append(name)
        for table in (surnames, firsts):
            for part, owners in table.items():
                for owner in owners:  # an ambiguous part names every owner
                    self._add(part, ("rider", owner))

    def parse(self, question: str) -> Parse:
        """Read the question's slots and intents; never raises on any text."""
        words, originals = _tokenize(question)
        words = [self._function_word(w) for w in words]
        # "Britain won the team pursuit, right?": a statement to confirm
        tagged = len(words) > 3 and words[-1] in self.lexicon.question_tags
        if tagged:
            words, originals = words[:-1], originals[:-1]
        elif (
            len(words) > 4
            and words[-2] in _TAG_AUXILIARIES
            and words[-1] in _TAG_PRONOUNS
            and not _WH_WORDS & set(words)  # "…, who were they?" asks who
        ):
            # "Leitao won gold in the omnium, didn't he?"
            tagged = True
            words, originals = words[:-2], originals[:-2]
        mentions = self._mentions(words, originals)
        parsed = _assemble(words, originals, mentions, self.lexicon, self.vocabulary)
        return replace(parsed, wh="yesno") if tagged else parsed

    def _function_word(self, word: str) -> str:
        """A misspelt function or question word ("teh", "wich", "wn") read as meant; names
        and real words kept. A rare word with two letters swapped in a far commoner function
        word is a slip too ("teh", which chat makes common enough to count as a word)."""
        if len(word) < 2 or word in STOPWORDS or (word,) in self.phrases:
            return word
        if word in self.vocabulary:
            return word
        if is_dictionary_word(word):
            for meant in _TYPO_TARGETS:
                if _swapped(word, meant) and zipf(meant) - zipf(word) >= _FAR_COMMONER:
                    return meant
            return word
        slips = slips_of(word, (*_TYPO_TARGETS, *self._intent_words))
        if slips:
            return slips[0]
        if len(word) >= MIN_SLIP_CHARS:  # "silvr": a word of the lexicon, one slip away
            near = slips_of(word, self._single_words)
            if len(near) == 1:
                return near[0]
        return word

    @cached_property
    def _single_words(self) -> tuple[str, ...]:
        return tuple(k[0] for k in self.phrases if len(k) == 1 and len(k[0]) >= MIN_SLIP_CHARS)

    def _mentions(self, words: list[str], originals: list[str]) -> list[Mention]:
        mentions: list[Mention] = []
        i = 0
        while i < len(words):
            found = self._exact(words, originals, i)
            longer = self._fuzzy(words, i, min_len=found[0] + 1 if found else 1)
            if longer and (not found or longer[0] > found[0]):
                found = longer
            found = found or self._sounds_like(words[i])
            if found:
                n, tags = found
                mentions.append(Mention(i, i + n, " ".join(words[i : i + n]), tuple(tags)))
                i += n
            else:
                i += 1
        return mentions

    def _exact(
        self, words: list[str], originals: list[str], i: int
    ) -> tuple[int, list[Tag]] | None:
        for n in range(min(MAX_PHRASE, len(words) - i), 0, -1):
            key = tuple(words[i : i + n])
            candidates = [key]
            if key[-1].endswith("s") and len(key[-1]) > 2:  # possessive, plural: "leitaos", "gbs"
                candidates.append((*key[:-1], key[-1][:-1]))
            elif len(key[-1]) > 3:  # a surname's final "s" dropped: "andrew" for "Andrews"
                plural = (*key[:-1], key[-1] + "s")
                if any(kind == "rider" for kind, _ in self.phrases.get(plural, [])):
                    candidates.append(plural)
            for cand in candidates:
                tags = self.phrases.get(cand)
                if tags and self._acronym_ok(cand, words, originals, i, n):
                    return n, tags
        return None

    def _acronym_ok(
        self, key: tuple[str, ...], words: list[str], originals: list[str], i: int, n: int
    ) -> bool:
        """ "US" and "GB" count when typed in capitals or after "the" ("the us"), not as "us"."""
        if key not in self.acronyms:
            return True
        original = "".join(originals[i : i + n])
        return original.isupper() or (i > 0 and words[i - 1] == "the")

    def _sounds_like(self, word: str) -> tuple[int, list[Tag]] | None:
        return _sounds_like_rider(self, word)

    def _fuzzy(self, words: list[str], i: int, min_len: int = 1) -> tuple[int, list[Tag]] | None:
        for n in range(min(MAX_PHRASE, len(words) - i), min_len - 1, -1):
            span = words[i : i + n]
            if n == 1 and (span[0] in STOPWORDS or span[0] in self.vocabulary):
                continue
            if any(is_dictionary_word(w) for w in span if (w,) not in self.phrases):
                continue  # a typo is not a dictionary word: "old" stays "old", never "gold"
            text = " ".join(span)
            if len(text) < FUZZY_MIN_CHARS or not self._fuzzy_by_len.get(n):
                continue
            candidates = process.extract(
                text, self._fuzzy_by_len[n], scorer=_similarity, score_cutoff=FUZZY_CUTOFF, limit=5
            )
            for choice, _score, _ in candidates:
                key = tuple(choice.split())
                # every word must be close on its own: "the sprint" is not "team sprint"
                if all(
                    _similarity(a, b) >= FUZZY_WORD_CUTOFF for a, b in zip(span, key, strict=True)
                ):
                    return n, [t for t in self.phrases[key] if t[0] in FUZZY_KINDS]
        return None


MIN_SOUND_CHARS = 4
MIN_SLIP_CHARS = 5  # a word this long may be misspelt by one letter ("silvr")


def _sounds_like_rider(parser: Parser, word: str) -> tuple[int, list[Tag]] | None:
    """A word no dictionary knows that sounds as one rider's surname sounds and starts
    with its letter ("lavrison" for Lavreysen, "leitau" for Leitao)."""
    if len(word) < MIN_SOUND_CHARS or not word.isalpha() or is_dictionary_word(word):
        return None
    riders = [
        r
        for r in parser.surname_sounds.get(metaphone(word), [])
        if fold(r).split()[-1][0] == word[0]
    ]
    return (1, [("rider", r) for r in riders]) if len(riders) == 1 else None


def _first_name_like(word: str, rider: str) -> bool:
    """ "Ben", "kristin", and a misspelling no dictionary knows that starts as the name
    does ("hary" for "Harrie")."""
    first = fold(rider).split()[0]
    return (
        first.startswith(word)
        or _similarity(word, first) >= 60
        or (
            word[:1] == first[:1]
            and not is_dictionary_word(word)
            and _similarity(word, first) >= 50
        )
    )


def _surname_like(word: str, rider: str) -> bool:
    parts = fold(rider).split()
    return len(parts) > 1 and _similarity(word, parts[-1]) >= FUZZY_WORD_CUTOFF


def _similarity(a: str, b: str, **_: object) -> float:
    """0-100; a swapped pair of letters ("omnuim") costs one edit, as a typist would count it."""
    return 100.0 * DamerauLevenshtein.normalized_similarity(a, b)


def _tokenize(question: str) -> tuple[list[str], list[str]]:
    """Folded words and, for each, the original spelling (for acronyms)."""
    words: list[str] = []
    originals: list[str] = []
    for raw in _TOKEN.findall(question[:2000]):
        for word in fold(raw).split():
            words.append(_ORDINALS.get(word, word))
            originals.append(raw.strip(".’'"))
    return words, originals


_FAR_COMMONER = 3.0  # zipf: a thousand times as frequent


def _swapped(word: str, meant: str) -> bool:
    """`word` is `meant` with two neighbouring letters swapped ("teh" for "the")."""
    return (
        len(word) == len(meant)
        and sorted(word) == sorted(meant)
        and DamerauLevenshtein.distance(word, meant) == 1
    )


# Function words long enough that one slip of the finger still reads as them.
_TYPO_TARGETS = tuple(sorted((w for w in STOPWORDS if len(w) >= 3), key=lambda w: (-len(w), w)))


# "4th" reads as "fourth", as the sources write it.
_ORDINALS = {
    f"{n}{suffix}": word
    for n, suffix, word in [
        (1, "st", "first"),
        (2, "nd", "second"),
        (3, "rd", "third"),
        (4, "th", "fourth"),
        (5, "th", "fifth"),
        (6, "th", "sixth"),
        (7, "th", "seventh"),
        (8, "th", "eighth"),
    ]
}


def _assemble(
    words: list[str],
    originals: list[str],
    mentions: list[Mention],
    lexicon: Lexicon,
    vocabulary: set[str],
) -> Parse:
    # "since 2000" is a span of time, not a question about the 2000 Games
    mentions = [
        m
        for m in mentions
        if not (m.has("games") and m.start > 0 and words[m.start - 1] == "since")
    ]
    comparison, compared = _comparison(words)
    if compared:  # "more than one": the comparison, not a "most" question
        mentions = [m for m in mentions if not set(range(m.start, m.end)) & compared]
    excluded_mentions = _excluded(mentions)

    def collect(kind: str) -> tuple[str, ...]:
        out: list[str] = []
        for m in mentions:
            if m in excluded_mentions:
                continue
            for v in m.values(kind):
                if v not in out:
                    out.append(v)
        return tuple(out)

    covered = {i for m in mentions for i in range(m.start, m.end)} | compared
    # A misspelt or shortened first name before a rider's surname is part of the name
    # ("Ben Thomas", "kristin falkner"); another first name ("Geraint Thomas") is not.
    name_parts = {
        m.start - 1
        for m in mentions
        if m.start > 0
        and any(_first_name_like(words[m.start - 1], rider) for rider in m.values("rider"))
    } | {  # a misspelt surname after a first name: "benjamin tomas"
        m.end
        for m in mentions
        if m.end < len(words)
        and m.end not in covered
        and any(_surname_like(words[m.end], rider) for rider in m.values("rider"))
    }
    # "which two events", "name the four riders": a number that only says how many are
    # asked for
    counted = {
        i
        for i, w in enumerate(words)
        if NUMBER_WORDS.get(w, 0) > 1
        and i > 0
        and words[i - 1] in ("which", "what", "the")
        # "the four riders", and "name the four Australians": people by their nation
        and i + 1
        in {
            m.start
            for m in mentions
            # "which two golds did she win?": the medals asked for, two of them
            if m.has("target") or m.has("medal") or m.has("event") or _names_people(words, m)
        }
    }
    open_words = tuple(
        w
        for i, w in enumerate(words)
        if i not in covered and i not in name_parts and i not in counted and is_content(w)
    )
    if _MARGIN.search(" ".join(words)):  # "by how much did she win?": a margin, no count
        open_words += ("margin",)
    wh = next((w for w in words[:3] if w in WH_WORDS), None)
    if wh is None and words and words[0] in lexicon.intents.get("yesno", ()):
        wh = "yesno"
    if any(m.has("intent", "claim") for m in mentions):  # "true or false: ..."
        wh = "yesno"
    return Parse(
        tokens=tuple(words),
        mentions=tuple(mentions),
        events=collect("event"),
        genders=collect("gender"),
        medals=collect("medal"),
        countries=collect("country"),
        riders=collect("rider"),
        intents=frozenset(collect("intent")),
        wh=wh,
        target=_target(words, mentions),
        medal_word=any(m.has("any_medal") for m in mentions),
        references=any(m.has("reference") for m in mentions),
        other_games=collect("games"),
        open_words=open_words,
        person=_asks_person(words, mentions),
        comparison=comparison,
        excluded=tuple(
            (k, v)
            for m in excluded_mentions
            for k, v in m.tags
            if k in ("event", "country", "rider")
        ),
    )


# "more than one", "at least 3", "fewer than five": a count compared with a number
_COMPARATORS = {
    ("more", "than"): ">",
    ("over",): ">",
    ("fewer", "than"): "<",
    ("less", "than"): "<",
    ("under",): "<",
    ("at", "least"): ">=",
    ("at", "most"): "<=",
    ("exactly",): "==",
}


_MARGIN = re.compile(r"\bby how (much|many|far)\b|\bhow (much|many) by\b")


def _comparison(words: list[str]) -> tuple[tuple[str, int] | None, set[int]]:
    """The comparison a question makes and the token positions it takes."""
    for i in range(len(words)):
        for phrase, op in _COMPARATORS.items():
            j = i + len(phrase)
            if tuple(words[i:j]) == phrase and j < len(words):
                word = words[j]
                n = int(word) if word.isdigit() else NUMBER_WORDS.get(word)
                if n is None and word in ("a", "single"):
                    n = 1
                if n is not None:
                    return (op, n), set(range(i, j + 1))
    for i, word in enumerate(words[1:-1], start=1):  # "won three golds", "took two medals"
        n = int(word) if word.isdigit() else NUMBER_WORDS.get(word)
        counted = _COUNTED_MEDALS & set(words[i + 1 : i + 3])  # "three (track) golds"
        if n is not None and counted and words[i - 1] in _TOOK:
            return ("==", n), {i}
    return None, set()


_COUNTED_MEDALS = frozenset("golds medals titles silvers bronzes gold silver bronze".split())  # noqa: SIM905
_TOOK = frozenset(
    [
        "won",
        "win",
        "wins",
        "took",
        "take",
        "takes",
        "get",
        "got",
        "claimed",
        "collected",
        "earned",
        "has",
        "have",
        "had",
        "holds",
    ]
)  # noqa: SIM905


def _excluded(mentions: list[Mention]) -> list[Mention]:
    """The names right after "besides", "apart from", "other than": left out, not asked about."""
    out = []
    for m, after in zip(mentions, mentions[1:], strict=False):
        named = any(after.has(kind) for kind in ("event", "country", "rider"))
        if m.has("intent", "exclude") and after.start - m.end <= 1 and named:
            out.append(after)
    return out


def is_content(word: str) -> bool:
    """A word that says something: not a function word or chat filler. Numbers and years
    count ("in 2000", "six golds"); words such as "other" and "else" change the claim."""
    return word not in STOPWORDS and (len(word) > 1 or word.isdigit())


def _asks_person(words: list[str], mentions: list[Mention]) -> bool:
    """ "Which riders ...", "who were the cyclists", "name the athletes": people by a noun;
    "who was in their team?", "who rode in the quartet?": the members of a team."""
    last = len(words) - 1
    in_event = any(m.has("event") and m.start <= last < m.end for m in mentions)
    if words[:1] == ["who"] and _IN_A_TEAM.search(" ".join(words)) and not in_event:
        return True  # and not "... in the pursuit team", an event
    if any(_names_people(words, m) for m in mentions):
        return True
    # "names of the dutch team sprint riders": the noun may close a long name of a team
    return any(
        m.has("target", "rider") and not m.has("gender") for m in mentions if m.start <= 7
    ) and any(w in ("who", "whom", "which", "what", "name", "names", "list") for w in words[:4])


def _names_people(words: list[str], m: Mention) -> bool:
    """ "Who were the British women ...?", "name the four Australians": a gender or a
    nation's people as the noun for the persons asked for (not "the women's sprint")."""
    if not (words[:1] in (["who"], ["name"], ["list"]) and 1 <= m.start <= 5):
        return False
    followed_by_event = m.end < len(words) and words[m.end] not in ("who", "that", "in", "from")
    if m.has("gender") and not m.has("event"):
        return words[:2] in (["who", "were"], ["who", "are"]) and not followed_by_event
    return (
        words[0] in ("name", "list")
        and m.has("country")
        and m.end - m.start == 1
        and words[m.start].endswith("s")  # "Australians", "Britons": people, not a nation
        and words[m.start - 1] in ("the", *NUMBER_WORDS)
    )


_IN_A_TEAM = re.compile(  # the team noun ends the question: "in the team pursuit" is an event
    r"^who (was|were|is|are|rode|raced|made up|formed)\b.*\b(in|on|for|of)\b( [\w'-]+){0,3} "
    r"(team|squad|quartet|trio|pair|duo|line-?up)s?$"
)


def _target(words: list[str], mentions: list[Mention]) -> str | None:
    """What is asked for: "which country ..." -> country, "who ..." -> rider, "how many" -> count."""
    if any(a == "how" and b in ("many", "much") for a, b in zip(words, words[1:], strict=False)):
        return "count"
    by_start = {m.start: m for m in mentions}
    for i, word in enumerate(words[:6]):
        if word not in ("which", "what"):
            continue
        # "which country", "which Dutch rider", "what medal colour": the first noun within two words
        for j in (i + 1, i + 2):
            m = by_start.get(j)
            if m is None:
                break
            targets = m.values("target")
            if targets:
                return targets[0]
            if not m.has("country"):
                break
    wh = next((w for w in words[:3] if w in WH_WORDS), None)  # "men's omnium - who was ..."
    if wh in ("who", "whom", "whose"):
        return "rider"
    if wh == "where":
        return "place"
    if wh == "when":
        return "year"
    return None
