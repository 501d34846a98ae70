"""Which competition a document reports: the corpus's own, or another one.

The lexicon's `neutral` words name the occasion the corpus is about ("Paris", "2024",
"Olympics"). A document whose title or lead names a year, none of them one of those, reports
another occasion (a 2025 Nations Cup round, the 2026 world championships): its results are
not this occasion's, so they neither corroborate nor contradict its facts, and an answer
that quotes them says where they come from.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

from ..types import Citation, Document
from .lexicon import Lexicon
from .sentences import sentence_spans
from .text import fold, slips_of, zipf

_YEAR = re.compile(r"\b(19\d\d|20\d\d)\b")
_TITLE_END = re.compile(r"\s+[—–-]\s+|:\s+")  # "UCI Track Nations Cup 2025, Round 2 — Event Report"
MAX_LABEL_CHARS = 80


def document_occasion(doc: Document, lexicon: Lexicon) -> str | None:
    """None for a document about the corpus's own occasion (or one whose title, or first
    sentence when it has no title, names no year: "since 2000" later on is history, not the
    occasion); otherwise a short label for the occasion it reports, taken from its title or,
    under a headline naming no year, from its opening sentence."""
    spans = sentence_spans(doc)
    if not spans:
        return None
    lead = spans[:1]
    if not _YEAR.search(spans[0].text) and is_headline(spans[0].text) and len(spans) > 1:
        # a headline naming no year: the opening sentence may name the competition ("at the
        # 2027 Asian Track Cycling Championships"); a year alone ("opened in 2016") does not
        if len(_name_around_year(spans[1].text.split()).split()) < 2:
            return None
        lead = spans[1:2]
    years = set(_YEAR.findall(lead[0].text))
    home = {fold(w) for w in lexicon.neutral}
    if not years or years & home:
        return None
    return _label(lead)


_MONTHS_AND_DAYS = frozenset(
    """january february march april may june july august september october november december
    monday tuesday wednesday thursday friday saturday sunday""".split()  # noqa: SIM905
)


def occasion_places(doc: Document, lexicon: Lexicon, label: str) -> frozenset[str]:
    """The folded names of where a competition was held, as its report's opening sentences
    give them ("in Valencia", "at the Velódromo Luis Puig"): capitalized words after "in" or
    "at" that are not a nation, a month, a day or a word any venue's name has ("Velodrome")."""
    spans = sentence_spans(doc)[:2]
    nations = {fold(a) for c in lexicon.countries.values() for n in c.names for a in n.split()}
    common = _MONTHS_AND_DAYS | _VENUE_WORDS | _SHARED_NAME_WORDS
    out: set[str] = set()
    for span in spans:
        for m in _PLACE.finditer(span.text):
            for word in m.group(1).split():
                w = fold(word)
                if w and w not in nations and w not in common:
                    out.add(w)
    return frozenset(out)


_VENUE_WORDS = frozenset(
    """velodrome velodromo arena stadium centre center park hall track sports national
    olympic city international indoor""".split()  # noqa: SIM905
)

# "in Valencia", "at the Velódromo Luis Puig": a run of capitalized words after "in" or "at"
_PLACE = re.compile(r"\b(?:in|at)\s+(?:the\s+)?((?:[A-Z][\w’'-]*)(?:\s+[A-Z][\w’'-]*)*)")


def is_headline(text: str) -> bool:
    """A document's first line that is no sentence: one line, no closing punctuation."""
    line = text.strip().strip("#").strip()
    return bool(line) and "\n" not in line and line[-1] not in ".!?;:,)"


def _label(lead: list[Citation]) -> str:
    """The competition's name in the title: the capitalized run of words around its year
    ("UCI Track Nations Cup 2025, Round 2" in "… — Event Report"; "2026 Pan American Track
    Championships" in "Mexico top the table as Lima hosts the 2026 …"), else the words of
    the lead sentence around its first year."""
    title = lead[0].text.strip().strip("#").strip()
    if _YEAR.search(title) and not title.endswith((".", "!", "?")):
        head = _TITLE_END.split(title, maxsplit=1)[0].strip()
        name = _name_around_year(head.split())
        if name and len(name) <= MAX_LABEL_CHARS:
            return name
    span = next(s for s in lead if _YEAR.search(s.text))
    words = span.text.split()
    name = _name_around_year(words)
    if len(name.split()) >= 2 and len(name) <= MAX_LABEL_CHARS:
        return name
    at = next(i for i, w in enumerate(words) if _YEAR.search(w))
    return " ".join(words[max(0, at - 3) : at + 4]).strip(" ,.;:")


_CONNECTORS = frozenset(["of", "de", "and", "&"])


def _in_name(word: str) -> bool:
    bare = word.strip(",;:()\"'’")
    return bool(bare) and (bare[0].isupper() or bare[0].isdigit())


def _name_around_year(words: list[str]) -> str:
    """The run of capitalized words, numbers and connectors ("Tour of Flanders") holding
    the first year; a comma goes on only into another capitalized word ("2025, Round 2")."""
    at = next((i for i, w in enumerate(words) if _YEAR.search(w)), None)
    if at is None:
        return ""
    start = at
    while start > 0 and not words[start - 1].endswith((",", ";", ":")):
        word = words[start - 1]
        joins = word in _CONNECTORS and start > 1 and _in_name(words[start - 2])
        if not (_in_name(word) or joins):
            break
        start -= 1
    end = at + 1
    while end < len(words):
        word, before = words[end], words[end - 1]
        joins = word in _CONNECTORS and end + 1 < len(words) and _in_name(words[end + 1])
        if not (_in_name(word) or joins) or before.endswith((";", ":")):
            break
        end += 1
    while start < at and (words[start] in _CONNECTORS or words[start] == "The"):
        start += 1  # "The Velo Cup 2026 brought ...": "the Velo Cup 2026" in a sentence
    return " ".join(words[start:end]).strip(" ,.;:")


# Words many competitions' names share: alone they name none of them.
_SHARED_NAME_WORDS = frozenset(
    """track cycling cyclist cyclists championship championships cup games game round
    series event report results edition the of de and at in""".split()  # noqa: SIM905
)
MIN_SLIP_CHARS = 6  # a word this long may be misspelt by one letter and still name
HOME = ""  # the corpus's own competition, as `named_occasion` names it


def named_occasion(
    tokens: Sequence[str], labels: Iterable[str], home_names: Iterable[str]
) -> tuple[str | None, tuple[int, int] | None]:
    """Which competition a question's folded `tokens` name, and where: a label of another
    competition (a run of two of its name's words or more, its year or a word of its own
    among them: "the pan american championships"), `HOME` for the corpus's own ("in Paris", "at these
    Games"), or None. The span is the words naming another competition, for the parser to
    leave aside."""
    best: tuple[int, str, tuple[int, int]] | None = None
    years_asked = {t for t in tokens if _YEAR.fullmatch(t)}
    for label in labels:
        words = set(fold(label).split())
        year = {w for w in words if _YEAR.fullmatch(w)}
        if years_asked and not years_asked & year:
            continue  # "the 2026 European championships" is not the 2025 edition
        i = 0
        while i < len(tokens):
            j = i
            while j < len(tokens) and _one_of(tokens[j], words):
                j += 1
            run = [_one_of(t, words) for t in tokens[i:j]]
            if run and _names(run, year):
                start = i + next(k for k, w in enumerate(run) if w not in ("the", "of", "at", "in"))
                if best is None or j - start > best[0]:
                    best = (j - start, label, (start, j))
            i = max(j, i + 1)
    if best is not None:
        return best[1], best[2]
    alone = _own_word(tokens, labels, years_asked)
    if alone is not None:
        return alone
    if {fold(w) for w in home_names} & set(tokens):
        return HOME, None
    return None, None


def _own_word(
    tokens: Sequence[str], labels: Iterable[str], years_asked: set[str]
) -> tuple[str, tuple[int, int]] | None:
    """ "glasgow mens omnium runner up": a rare word of one competition's name alone names
    it (never a region, "world", "european", nor an everyday word, "grand", "classic")."""
    found: dict[str, tuple[int, int]] = {}
    for label in labels:
        words = set(fold(label).split())
        if years_asked and not years_asked & {w for w in words if _YEAR.fullmatch(w)}:
            continue
        own = {
            w
            for w in words - _SHARED_NAME_WORDS - _REGION_WORDS
            if len(w) >= 4 and not w.isdigit() and zipf(w) < _EVERYDAY_ZIPF
        }
        for i, t in enumerate(tokens):
            if t in own:
                found.setdefault(label, (i, i + 1))
    if len(found) != 1:
        return None
    return next(iter(found.items()))


_EVERYDAY_ZIPF = 4.5  # "glasgow" 4.2 names a place; "grand" 4.9 is anyone's word
_REGION_WORDS = frozenset(
    """world european asian african american oceanian oceania pan nordic commonwealth
    continental international national olympic paralympic junior elite masters""".split()  # noqa: SIM905
)


def _one_of(token: str, words: set[str]) -> str:
    """The word of a name `token` is, allowing a slip in a long one ("Championshps")."""
    if token in words:
        return token
    near = slips_of(token, sorted(words)) if len(token) >= MIN_SLIP_CHARS else []
    return near[0] if near else ""


def _names(run: Sequence[str], year: set[str]) -> bool:
    """Two words of the name or more, its year or a word of its own among them: "the 2026
    championships", "the pan american"; never a year or a word alone ("which American")."""
    own = [w for w in run if w not in _SHARED_NAME_WORDS and not w.isdigit()]
    return len(run) >= 2 and bool(year & set(run) or own)


def said_at(text: str, occasion: str | None, *, the: bool = True) -> str:
    """An answer from a report on a competition, saying which one ("At the 2025 European
    Track Championships: …"; without `the`, "At Paris 2024: …")."""
    if not occasion or occasion in text:
        return text
    return f"At {'the ' if the else ''}{occasion}: {text}"
