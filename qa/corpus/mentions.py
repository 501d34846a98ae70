"""What a sentence names, with character spans: nations, events, genders, people and teams.

The vocabulary is the lexicon's (country names, adjectives and aliases; event names and
aliases; gender words). People are runs of two or three capitalized words that name no
nation or event ("Lea Hoffmann"); a lone surname names a person met earlier in the same
document ("Hoffmann took silver"). A person's nation is read from "X of Canada",
"Canada's X", "the Canadian (rider) X" or "X ... for Canada".
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

from .lexicon import Lexicon
from .text import fold, is_dictionary_word

_WORD = re.compile(r"(?:\d+[^\W\d_]|[^\W\d_])[\w’'\-]*", re.UNICODE)  # "Keirin", "1km"
_POSSESSIVE = re.compile(r"[’']s$")
# Nouns that make a nation a team: "the German trio", "Italy, whose quartet".
TEAM_NOUNS = ("trio", "quartet", "pairing", "pair", "duo", "team", "squad", "line-up", "lineup")
# Lower-case words inside a name: "Sem de Wilde", "Jan van der Berg", "Laura da Silva".
NAME_PARTICLES = frozenset("de van der den von da das dos du la le di del della ter ten".split())  # noqa: SIM905
_PERSON_NOUNS = ("rider", "sprinter", "cyclist", "athlete", "champion", "legend")


@dataclass(frozen=True)
class Span:
    """A mention: `kind` is country, event, gender, person or team; `value` its canonical name."""

    kind: str
    value: str
    start: int
    end: int
    country: str | None = None  # a person's or team's nation
    members: tuple[str, ...] = field(default=())  # a team's named riders


class Vocabulary:
    """The lexicon's names compiled into one pattern per kind, longest alias first."""

    def __init__(self, lexicon: Lexicon) -> None:
        self.lexicon = lexicon
        countries: dict[str, str] = {}
        self._codes: set[str] = set()  # "SAM" names Samoa, "Sam Welsford" does not
        for name, c in lexicon.countries.items():
            for alias in (name, c.adjective, *c.aliases):
                if len(alias.replace(".", "")) > 2 or alias.isupper():
                    countries[fold(alias)] = name
                if alias.isupper() and not name.isupper():
                    self._codes.add(fold(alias))
            if _PLURAL_DEMONYM.search(fold(c.adjective)):  # "the Koreans", "the Kazakhs"
                countries[fold(c.adjective) + "s"] = name
        events: dict[str, str] = {}
        for name, e in lexicon.events.items():
            for alias in (name, e.label, *e.aliases):
                # "points" and "scratch" name events in a question about events, but in
                # running text they are everyday words ("on 164 points")
                single = len(alias.split()) == 1 and fold(alias) != fold(name)
                if alias and not (single and is_dictionary_word(fold(alias))):
                    events[fold(alias)] = name
        genders = {fold(a): g for g, aliases in lexicon.genders.items() for a in aliases}
        self.tables = {"country": countries, "event": events, "gender": genders}
        self.adjectives = {fold(c.adjective): n for n, c in lexicon.countries.items()}
        # "the Dutchman Sem de Wilde", "the New Zealander X": a demonym stands as an adjective does
        self.adjectives.update(
            {
                fold(a): n
                for n, c in lexicon.countries.items()
                for a in c.aliases
                if fold(a).endswith(("man", "woman", "lander"))
            }
        )
        self._firsts: dict[str, frozenset[str]] = {}

    def find(self, kind: str, text: str) -> list[Span]:
        """Non-overlapping mentions of `kind` in `text`, longest match first."""
        table = self.tables[kind]
        firsts = self._first_words(kind)
        words = _folded_words(text)
        out: list[Span] = []
        i = 0
        while i < len(words):
            first = words[i][2]
            if first not in firsts and (kind != "gender" or first.rstrip("s") not in firsts):
                i += 1  # no alias starts with this word: most words of most sentences
                continue
            for n in (4, 3, 2, 1):
                if i + n > len(words):
                    continue
                key = " ".join(w for _, _, w in words[i : i + n])
                if kind == "gender":
                    key = key.rstrip("s") if key not in table else key
                written = text[words[i][0] : words[i + n - 1][1]]
                if (
                    key in table
                    and _case_fits(kind, written)
                    and (key not in self._codes or kind != "country" or written.isupper())
                ):
                    out.append(Span(kind, table[key], words[i][0], words[i + n - 1][1]))
                    i += n
                    break
            else:
                i += 1
        return out

    def _first_words(self, kind: str) -> frozenset[str]:
        cached = self._firsts.get(kind)
        if cached is None:
            cached = self._firsts[kind] = frozenset(k.split()[0] for k in self.tables[kind] if k)
        return cached


@lru_cache(maxsize=256)  # each sentence is searched for nations, events and genders in turn
def _folded_words(text: str) -> tuple[tuple[int, int, str], ...]:
    return tuple((m.start(), m.end(), _fold_word(m.group())) for m in _WORD.finditer(text))


@lru_cache(maxsize=1 << 16)  # a corpus repeats its words: fold each once
def _fold_word(word: str) -> str:
    return fold(_POSSESSIVE.sub("", word))


def _case_fits(kind: str, original: str) -> bool:
    """Nations are written with a capital ("US", "Britain"), never "us"."""
    return kind != "country" or original[:1].isupper()


def people(text: str, taken: list[Span], known: dict[str, str]) -> list[Span]:
    """Capitalized runs of two or three words outside `taken` spans, and lone surnames of
    people `known` (surname -> full name) from earlier in the document; `known` learns the
    surnames found here."""
    blocked = [(s.start, s.end) for s in taken]
    words = [
        (m.start(), m.end(), _POSSESSIVE.sub("", m.group()))
        for m in _WORD.finditer(text)
        if not any(a <= m.start() < b for a, b in blocked)
    ]
    out: list[Span] = []
    i = 0
    while i < len(words):
        run = [words[i]]
        while (
            len(run) < 3 + sum(w[2] in NAME_PARTICLES for w in run)
            and i + len(run) < len(words)
            and text[run[-1][1] : words[i + len(run)][0]].strip() == ""
            and (
                _capitalized(words[i + len(run)][2])
                or (  # "Sem de Wilde", "Jan van der Berg"
                    words[i + len(run)][2] in NAME_PARTICLES
                    and _capitalized(run[0][2])
                    and any(_capitalized(w[2]) for w in words[i + len(run) + 1 : i + len(run) + 3])
                )
            )
        ):
            run.append(words[i + len(run)])
        while len(run) > 1 and run[-1][2] in NAME_PARTICLES:  # a name never ends in one
            run.pop()
        start_word = run[0][2]
        if _capitalized(start_word) and len(run) >= 2 and not _sentence_word(start_word):
            name = " ".join(w for _, _, w in run)
            out.append(Span("person", name, run[0][0], run[-1][0] + len(run[-1][2])))
            known.setdefault(run[-1][2], name)  # "Hoffmann" later in the same sentence
            i += len(run)
            continue
        if _capitalized(start_word) and start_word in known:
            out.append(Span("person", known[start_word], run[0][0], run[0][0] + len(start_word)))
        i += 1
    return out


def _capitalized(word: str) -> bool:
    return word[:1].isupper() and not word.isupper()


# Capitalized only because they start a sentence or a heading: never the start of a name.
_SENTENCE_WORDS = frozenset(
    [
        "the",
        "a",
        "an",
        "in",
        "on",
        "at",
        "of",
        "for",
        "and",
        "but",
        "so",
        "with",
        "while",
        "after",
        "before",
        "behind",
        "completing",
        "third",
        "second",
        "first",
        "however",
        "meanwhile",
        "also",
        "then",
        "there",
        "this",
        "that",
        "these",
        "those",
        "it",
        "its",
        "their",
        "his",
        "her",
        "olympic",
        "olympics",
        "games",
        "paris",
    ]
)


def _sentence_word(word: str) -> bool:
    return fold(word) in _SENTENCE_WORDS


def with_nations(
    text: str, persons: list[Span], nations: list[Span], vocab: Vocabulary, pairs: bool = False
) -> tuple[list[Span], set[int]]:
    """Each person with the nation the sentence gives them, and the starts of the nation
    mentions used that way (they name a nationality, not a participant). A nation written
    next to the name ("Iuri Leitao of Portugal", "Belgium's Arne Peeters", "the Colombian
    Andrés Quintero") becomes part of the person's span. With `pairs` (a sentence on a
    race for pairs), "Italy's A and B" and "A and B of Italy" give both the nation."""
    out, used = [], set()
    for p in persons:
        found = _nation_of(text, p, nations, vocab)
        if found is None:
            out.append(p)
            continue
        n, adjacent = found
        used.add(n.start)
        start, end = (min(p.start, n.start), max(p.end, n.end)) if adjacent else (p.start, p.end)
        out.append(Span(p.kind, p.value, start, end, country=n.value))
    return (_coordinated(text, out) if pairs else out), used


_JOINED = re.compile(r"\s*,\s*(?:and\s+)?|\s+and\s+")


def runs(text: str, spans: list[Span]) -> list[list[int]]:
    """Indexes of the mentions written as one list: "A, B and C"."""
    runs: list[list[int]] = []
    for i, p in enumerate(spans):
        if runs and _JOINED.fullmatch(text[spans[i - 1].end : p.start]):
            runs[-1].append(i)
        else:
            runs.append([i])
    return runs


def _coordinated(text: str, persons: list[Span]) -> list[Span]:
    """ "Italy's A and B", "A, B and C of Italy", "the Danes A and B": riders written as
    one list share the nation written on its outer side."""
    out = list(persons)
    for run in runs(text, out):
        first, last = out[run[0]], out[run[-1]]
        if len(run) < 2:
            continue
        if (
            first.country
            and _nation_in_span(text, first)
            and text[first.start : first.end].endswith(first.value.split()[-1])
        ):
            country = first.country  # the nation stands before the list
        elif (
            last.country
            and _nation_in_span(text, last)
            and not text[last.start : last.end].endswith(last.value.split()[-1])
        ):
            country = last.country  # after it
        else:
            continue
        for i in run:
            p = out[i]
            if not p.country:
                out[i] = Span(p.kind, p.value, p.start, p.end, country)
    return out


def pairs_of_nation(text: str, participants: list[Span]) -> list[Span]:
    """Riders written as one list whose nation is written once, beside the list, as one
    participant with them as members ("Elia Viviani and Simone Consonni of Italy second")."""
    out: list[Span] = []
    for run in runs(text, participants):
        spans = [participants[i] for i in run]
        country = spans[0].country
        if (
            len(spans) > 1
            and country
            and all(p.kind == "person" and p.country == country for p in spans)
            and sum(_nation_in_span(text, p) for p in spans) == 1
        ):
            members = tuple(p.value for p in spans)
            out.append(Span("team", country, spans[0].start, spans[-1].end, country, members))
        else:
            out.extend(spans)
    return out


def _nation_in_span(text: str, p: Span) -> bool:
    """Whether the mention's span holds its nation too ("Italy's Chiara Consonni")."""
    return len(text[p.start : p.end].split()) > len(p.value.split())


_OF = re.compile(r"[’']?s?\s+(of|from)\s+(the\s+)?")
_CODE = re.compile(r"\s*\(\s*")  # "Matteo Brancati (ITA)"
_FOR = re.compile(
    r"\s+(took|won|claimed|earned|grabbed)\s+(the\s+)?(gold|silver|bronze)\s+for\s+(the\s+)?"
)
_PEOPLE = re.compile(r"(?:ans|ians|es|is|men|women|ers)$")  # "the Italians", "the Danes"
_APPOSITION = re.compile(r",\s+the\s+")  # "Mathilde Rousseau, the French sprinter"


def _nation_of(
    text: str, p: Span, nations: list[Span], vocab: Vocabulary
) -> tuple[Span, bool] | None:
    """The nation given to `p`, and whether it is written next to the name."""
    for n in nations:
        after = text[p.end : n.start]
        if n.start >= p.end and _OF.fullmatch(after):
            return n, True  # "Lea Hoffmann of Germany"
        if n.start >= p.end and _CODE.fullmatch(after) and text[n.end : n.end + 1] == ")":
            return n, True  # "Matteo Brancati (ITA)"
        if n.start >= p.end and _FOR.fullmatch(after):
            return n, False  # "Sophie Tremblay took silver for Canada"
        if n.start >= p.end and _APPOSITION.fullmatch(after) and _is_adjective(n, text, vocab):
            return n, False
        before = text[n.end : p.start]
        possessive = bool(_POSSESSIVE.search(text[n.start : n.end])) and not before.strip()
        if n.end <= p.start and (possessive or re.fullmatch(r"[’']s\s+", before)):
            return n, True  # "Canada's Sophie Tremblay"
        if n.end <= p.start and not before.strip() and _PEOPLE.search(text[n.start : n.end]):
            return n, True  # "the Danes Michael Morkov and Niklas Larsen"
        if n.end <= p.start and _is_adjective(n, text, vocab):
            # "the Colombian Andrés Quintero", "the German rider Lea Hoffmann"
            words = fold(before).split()
            if not words or (len(words) == 1 and words[0] in _PERSON_NOUNS):
                return n, True
    return None


def _is_adjective(n: Span, text: str, vocab: Vocabulary) -> bool:
    return fold(text[n.start : n.end]) in vocab.adjectives


# A demonym that takes an "s" for its people ("Koreans", "Thais"); "the Dutch", "the
# Japanese" stay as they are.
_PLURAL_DEMONYM = re.compile(r"(an|i|k|h)$(?<!ch)(?<!sh)")
# "the Japanese collected …": a demonym as the subject of a verb names the nation's team
_AS_SUBJECT = re.compile(
    r"^\s+(?:[a-z]+ed|won|took|made|had|were|was|beat|came|went|won|rode|held|set|claimed|"
    r"collected|finished|edged|took)\b"
)
_THE_BEFORE = re.compile(r"\bthe\s+$", re.IGNORECASE)
_INVARIANT_PLURAL = re.compile(r"(ese|ch|sh|ss|s)$")  # "Japanese", "Dutch", "British", "Koreans"


def teams(text: str, nations: list[Span], persons: list[Span], vocab: Vocabulary) -> list[Span]:
    """Nations taking part: a nation named as a noun ("Australia won"), or an adjective
    before a team noun ("the Dutch trio of A, B and C"), with the riders named right after
    it. An adjective alone ("a Dutch cyclist") names no participant."""
    out = []
    for n in nations:
        after = text[n.end : n.end + 40]
        team_noun = re.match(r"(?:['’]s)?\s+(" + "|".join(TEAM_NOUNS) + r")\b", after)
        adjective = (
            _is_adjective(n, text, vocab) and vocab.lexicon.country(n.value).adjective != n.value
        )
        # "the Japanese collected": a demonym that is its own plural; "the Mexican won" is a
        # rider
        as_subject = bool(
            _THE_BEFORE.search(text[: n.start])
            and _AS_SUBJECT.match(after)
            and _INVARIANT_PLURAL.search(fold(text[n.start : n.end]))
        )
        if adjective and not team_noun and not as_subject:
            continue
        members: tuple[str, ...] = ()
        end = n.end
        # "Australia's men's team pursuit quartet of A, B, C and D", "the French pair A and B"
        listed_from = re.match(
            r"(?:['’]s)?(?:\s+[\w’'-]+){0,3}?\s+(" + "|".join(TEAM_NOUNS) + r")\s+of\s+",
            text[n.end : n.end + 60],
        ) or re.match(r"\s+(" + "|".join(TEAM_NOUNS) + r")\s+(?=[A-Z])", text[n.end : n.end + 60])
        if listed_from:
            listed = []
            cursor = n.end + listed_from.end()
            for p in sorted(persons, key=lambda s: s.start):
                if p.start < cursor:
                    continue
                gap = text[cursor : p.start]
                if gap.strip(" ,") not in ("", "and"):
                    break
                listed.append(p.value)
                cursor = p.end
            members, end = tuple(listed), max(end, cursor)
        out.append(Span("team", n.value, n.start, end, country=n.value, members=members))
    return out


def pair_lone(persons: list[Span], squads: list[Span]) -> list[Span]:
    """ "France also had a reason to celebrate as Benjamin Thomas won": one nation and one
    person without a nation in a sentence go together."""
    lone = [p for p in persons if not p.country]
    if len(lone) != 1 or len(squads) != 1 or squads[0].members:
        return persons
    country = squads[0].country
    return [
        Span(p.kind, p.value, p.start, p.end, country=country) if p is lone[0] else p
        for p in persons
    ]
