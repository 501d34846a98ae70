"""What a question's wording says before it is parsed: the words around the question itself.

A preamble that names nothing ("For my notes: which rider …"), a claim put as "is it true
that X?", and the name of the competition it is about, when the corpus reports more than
one.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from .corpus.occasion import named_occasion
from .corpus.text import fold, slips_of
from .structured.parse import STOPWORDS

if TYPE_CHECKING:
    from .knowledge import Knowledge
    from .structured.parse import Parser

_PREAMBLE = re.compile(r"^(?P<before>[^:?]{2,80}?)\s*(?::|\s[-–—])\s+(?P<asked>\S.*)$")
_CLAIM = re.compile(
    r"^(?:so\s+)?(?:is it|it is|is this|isn't it|isnt it) (?:true|correct|right|accurate|the case)"
    r" that\s+(?P<claim>.+?)\??\s*$",
    re.IGNORECASE,
)
_ASKING_WORDS = frozenset(
    """who whom whose which what when where why how is are was were did does do can could
    has have had will would should""".split()  # noqa: SIM905
)


def without_preamble(question: str, parser: Parser) -> str:
    """The question itself, without words before it that name nothing ("For my notes: which
    rider …", "I'm writing a pub quiz: who won …"); "Men's omnium - who won?" keeps them."""
    framed = _PREAMBLE.match(question)
    if framed:
        first = fold(framed.group("asked")).split()[:1]
        before = parser.parse(framed.group("before"))
        if first and first[0] in _ASKING_WORDS and not before.has_subject:
            return framed.group("asked")
    return question


def as_claim(question: str) -> str:
    """ "Is it true that X?" read as "X, right?": a claim to check."""
    claim = _CLAIM.match(question)
    return f"{claim.group('claim')}, right?" if claim else question


def occasion_named(question: str, knowledge: Knowledge) -> tuple[str, str | None]:
    """The question without the words naming another competition, as typed, and the
    competition it names (`HOME` for the corpus's own), when the corpus reports more than
    one."""
    if not knowledge.elsewhere:
        return question, None
    words = question.split()
    owner = [i for i, w in enumerate(words) for _ in fold(w).split()]  # token -> its word
    tokens = fold(question).split()
    if len(owner) != len(tokens):  # folding joined or split words: keep to the tokens
        owner = list(range(len(tokens)))
        words = tokens
    labels = [label for label, _ in knowledge.elsewhere]
    occasion, span = named_occasion(tokens, labels, knowledge.facts.lexicon.home_names)
    dropped = set(owner[span[0] : span[1]]) if span else set()
    # "in Valencia": where a competition was held names it too, with its name or alone
    places = dict(knowledge.places)
    if occasion is None:  # "in Paris" names the corpus's own, whatever else is named
        at = {label for label, words in places.items() if words & set(tokens)}
        if len(at) == 1:
            occasion = at.pop()
    for i, t in enumerate(tokens):
        if occasion and t in places.get(occasion, frozenset()):
            dropped.add(owner[i])
    if not dropped:
        return question, occasion
    return " ".join(w for i, w in enumerate(words) if i not in dropped), occasion


# "Who won the omnium, and who finished second?": a second question after "and"
_SECOND_QUESTION = re.compile(
    r"^(?P<first>.*?\S)\s*[,;?]?\s+and\s+(?P<second>(?:who|whom|what|which|where|when|how|"
    r"in which|in what|by how)\b.*)$",
    re.IGNORECASE,
)
_ASKS = re.compile(
    r"^\s*(?:who|whom|whose|what|which|where|when|how|why|did|does|do|is|are|was|were|has|"
    r"have|had|can|could|name|list|tell)\b",
    re.IGNORECASE,
)


_HOW_WORDS = frozenset(["many", "much", "long", "often", "far", "old", "big", "fast"])


def two_questions(question: str) -> tuple[str, str] | None:
    """The two questions "X, and who/what ...?" asks, each whole, when the first is a question
    of its own ("who won it and how many points did he score?"); else None."""
    m = _SECOND_QUESTION.match(question.strip())
    if m is None or not _ASKS.match(m.group("first")):
        return None
    first = m.group("first").rstrip(" ,;?") + "?"
    second = m.group("second").strip()
    if not [w for w in fold(second).split() if w not in STOPWORDS and w not in _HOW_WORDS]:
        return None  # "..., and how many?": an aspect of the same question, asked whole
    return first, second if second.endswith("?") else second + "?"


_QUESTION_WORDS = ("how", "what", "when", "where", "which", "who", "whom", "whose", "why")


def with_question_word(question: str) -> str:
    """ "wen is aquafit on", "wat did she win": a first word one slip from a question word,
    and no function word itself, written as that question word."""
    words = question.split()
    if not words:
        return question
    first = fold(words[0])
    if first in STOPWORDS or not first.isalpha():
        return question
    meant = slips_of(first, _QUESTION_WORDS)
    return " ".join([meant[0], *words[1:]]) if meant else question
