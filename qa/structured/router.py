"""Route a parsed question to the one answerer that accounts for all of it.

Each answerer declares what it needs (`wants`: intents and slots), which intents it can
honour, and which other words it accounts for (the words of the facts it answers from).
Names of events, nations, riders, genders and medals are accounted for by the parse. A
question with an intent or a content word that no wanting answerer accounts for is not a
facts question: `answer_structured` returns None and retrieval (or abstention) decides.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from ..corpus.text import fold, stem
from .answer_remarks import (
    assessment,
    by_note,
    defeat,
    first,
    first_words,
    other_games,
    record,
)
from .answer_results import most, results
from .answer_subjects import (
    compare_tallies,
    count,
    earlier,
    nationality,
    partners,
    profile,
    tally_words,
)
from .facts_base import FactBase
from .parse import Parse
from .result import StructuredResult

ANY = frozenset({"*"})  # honours every intent (an answerer that abstains or names a Games)


def _no_words(p: Parse, fb: FactBase) -> frozenset[str]:
    return frozenset()


@dataclass(frozen=True)
class Answerer:
    """One kind of question the facts answer."""

    name: str
    wants: Callable[[Parse], bool]
    answer: Callable[[Parse, FactBase], StructuredResult | None]
    intents: frozenset[str]
    words: Callable[[Parse, FactBase], frozenset[str]] = _no_words
    # what it can give when asked "which country / who / how many ..." (None: no target)
    targets: frozenset[str | None] = frozenset(
        {None, "rider", "country", "event", "medal", "count", "year", "place"}
    )

    def accounted(self, p: Parse, fb: FactBase) -> frozenset[str]:
        """The stems of the words, beyond names and intents, this answerer may use for `p`."""
        key = ("words", self.name, p.riders, p.countries)
        return fb.memo(key, lambda: _stems(self.words(p, fb)))

    def accounts_for(self, p: Parse, fb: FactBase) -> bool:
        """It gives the kind of thing asked, and every intent word and every open content
        word of `p` is its to use."""
        if p.target not in self.targets:
            return False
        stems = self.accounted(p, fb)
        for m in p.mentions:
            if any(kind != "intent" for kind, _ in m.tags):
                continue  # it also names a slot (a medal, a target noun): the parse accounts for it
            intents = set(m.values("intent")) - {"yesno", "claim"}
            honoured = not intents or self.intents is ANY or intents & self.intents
            if honoured or all(stem(w) in stems for w in m.text.split()):
                continue
            if not any(_expresses(fb, intent, stems) for intent in intents):
                return False
        return all(stem(w) in stems for w in p.open_words)


# Degree words a fact's own wording can carry: "lowest" in a remark answers "worst". Other
# intents ("break a world record") must be the answerer's own, or it would answer another
# question ("a record for a Dutch cyclist").
_DEGREE_INTENTS = frozenset({"most", "least"})


def _expresses(fb: FactBase, intent: str, stems: frozenset[str]) -> bool:
    """The facts' own words carry this degree intent."""
    if intent not in _DEGREE_INTENTS:
        return False
    aliases = fb.lexicon.intents.get(intent, ())
    return any(" " not in a and stem(fold(a)) in stems for a in aliases)


def _stems(words: frozenset[str]) -> frozenset[str]:
    return frozenset(stem(w) for w in words)


def _words_of(texts: list[str]) -> frozenset[str]:
    return frozenset(w for text in texts for w in fold(text).split())


def _first_words(p: Parse, fb: FactBase) -> frozenset[str]:
    return frozenset(w for f in fb.kind("first") for w in first_words(f)) | _evidence(fb, "first")


def _evidence(fb: FactBase, kind: str) -> frozenset[str]:
    return _words_of([e for f in fb.kind(kind) for e in f.evidence])


def _tally_words(p: Parse, fb: FactBase) -> frozenset[str]:
    subjects = set(p.riders) | set(p.countries)
    return frozenset(
        w for t in fb.kind("tally") if t.fields["subject"] in subjects for w in tally_words(t)
    )


def _note_words(p: Parse, fb: FactBase) -> frozenset[str]:
    return frozenset(w for t in fb.kind("tally") for w in tally_words(t)) | _words_of(
        [t.sentence for t in fb.kind("tally")]
    )


def _earlier_words(p: Parse, fb: FactBase) -> frozenset[str]:
    return _evidence(fb, "earlier_result") | _words_of(
        [f.sentence for f in fb.kind("earlier_result")]
    )


def _is_nationality(p: Parse) -> bool:
    if not p.riders or "win" in p.intents:
        return False
    asks = "nationality" in p.intents or p.target == "country"
    claim = p.wh == "yesno" and bool(p.countries) and not p.events and not p.medals
    return asks or claim


def _asks_results(p: Parse) -> bool:
    named = "win" in p.intents or p.medals or p.medal_word or p.events
    return bool(named) and (p.has_subject or p.target == "country")


# a result names its riders with their nation: "who won ..., and where is she from?"
# words a comparison of two tallies expects: "how many more would he need to ..."
_COMPARISON_WORDS = frozenset({"need", "needs", "needed", "more", "still"})

RESULTS_INTENTS = frozenset({"win", "final", "earlier", "nationality", "exclude", "partner"})

# Tried in order; the first that wants the question, accounts for it and answers, answers.
ANSWERERS: tuple[Answerer, ...] = (
    Answerer("other games", lambda p: bool(p.other_games), other_games, ANY, _earlier_words),
    Answerer(
        "first",
        # "had Portugal won a medal before?", "what had no American woman done before?"
        lambda p: (
            "first" in p.intents or ("before" in p.intents and (p.wh == "yesno" or p.has_subject))
        ),
        first,
        frozenset({"first", "win", "before", "count"}),
        _first_words,
        frozenset({None, "rider", "country"}),
    ),
    Answerer(
        "tallies compared",
        lambda p: len(p.riders) + len(p.countries) == 2,
        compare_tallies,
        frozenset({"surpass", "equal", "defeat", "most", "count", "win"}),
        lambda p, fb: _note_words(p, fb) | _COMPARISON_WORDS,
        frozenset({None, "count"}),
    ),
    Answerer(
        "tally remark",
        lambda p: bool(p.countries or p.riders),
        by_note,
        frozenset({"count", "win", "assess", "surpass", "defeat", "record"}),
        _note_words,
        frozenset({None, "count", "year", "rider"}),
    ),
    Answerer(
        "defeat",
        lambda p: "defeat" in p.intents and bool(p.countries or p.events or len(p.riders) > 1),
        defeat,
        frozenset({"defeat", "final", "win", "exclude"}),
        lambda p, fb: _evidence(fb, "defeat"),
        frozenset({None, "country", "rider", "event"}),
    ),
    Answerer(
        "record",
        lambda p: "record" in p.intents,
        record,
        frozenset({"record", "win", "count"}),
        lambda p, fb: _evidence(fb, "record"),
        frozenset({None, "country", "event", "count", "rider"}),
    ),
    Answerer(
        "nationality",
        _is_nationality,
        nationality,
        frozenset({"nationality"}),
        targets=frozenset({None, "country", "place"}),
    ),
    Answerer(
        "teammates",
        # "did Andrews and her teammates win it?" is a claim about a result: not this one's
        lambda p: (
            "partner" in p.intents and (p.has_subject or bool(p.excluded)) and p.wh != "yesno"
        ),
        partners,
        frozenset({"partner", "count", "win", "final", "exclude"}),
        targets=frozenset({None, "rider", "count"}),
    ),
    Answerer(
        "earlier Games",
        lambda p: bool(p.riders) and bool({"earlier", "before"} & p.intents) and not p.events,
        earlier,
        frozenset({"earlier", "before", "assess"}),
        _earlier_words,
        frozenset({None, "medal", "place"}),
    ),
    Answerer(
        "count",
        lambda p: (
            p.target == "count"
            or ("count" in p.intents and p.target is None)
            or p.comparison is not None
        ),
        count,
        frozenset({"count", "win", "partner"}),
        _tally_words,
        frozenset({None, "count"}),
    ),
    Answerer(
        "assessment",
        lambda p: "assess" in p.intents and bool(p.riders or p.countries),
        assessment,
        frozenset({"assess", "win", "count"}),
        targets=frozenset({None}),
    ),
    Answerer(
        "most",
        lambda p: "most" in p.intents,
        most,
        frozenset({"most", "win", "count"}),
        targets=frozenset({None, "rider", "country"}),
    ),
    Answerer("results", _asks_results, results, RESULTS_INTENTS),
    Answerer(
        "profile",
        # "did Kenny race in Paris?" is a yes or a no, which a rider's profile is not
        lambda p: bool(p.riders) and not (p.intents - {"yesno"}) and p.wh != "yesno",
        profile,
        frozenset(),
        targets=frozenset({None}),
    ),
)


def route(p: Parse, fb: FactBase) -> tuple[Answerer | None, StructuredResult | None]:
    """The answerer that answers `p` and its result, or (None, None): not a facts question
    (nor is "what is a keirin?", a definition)."""
    if "define" in p.intents:
        return None, None
    for answerer in ANSWERERS:
        if answerer.wants(p) and answerer.accounts_for(p, fb):
            result = answerer.answer(p, fb)
            if result is not None:
                return answerer, result
    return None, None


def answer_structured(p: Parse, fb: FactBase) -> StructuredResult | None:
    """The facts' answer to a parsed question, an abstention, or None (not a facts question)."""
    return route(p, fb)[1]
