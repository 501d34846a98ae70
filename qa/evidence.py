"""The retrieval path's answer: the sentence that best supports a question, or none.

Hybrid search proposes candidates; each is scored by how much of the question's content
(stemmed words, weighted by rarity) it holds: fully in the sentence itself, nearly in the
sentence before it (which often names who "he" or "they" is), half in the one before that or
in its document's first sentence (the topic a title or lead sets). A verb no document uses
("when do they check the plots?") is a paraphrase, and a nation named another way ("the
Aussie men") is the same nation. The best candidate answers when one of `GATES` accepts it
and it gives the kind of thing asked (a time for "when", a price for "how much"):

- a table row or list item holding the question's words, that no other row of its section
  matches as well (a row carries its heading and column headers in its text);
- a sentence close in meaning covering enough of the question, closer still when the
  question has a word no document uses;
- a sentence holding every word of the question;
- a passage far closer in meaning than any other.

Never an answer: a heading, a passage naming another day, month, round or year than the one
asked, or, for a question naming another Games, a passage that does not name it. A yes/no
question every word of which the sentence states is confirmed with a "Yes".
"""

from __future__ import annotations

import itertools
import math
import re
import threading
from collections import Counter
from collections.abc import Callable, Iterable, Sequence, Set
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING

from .answer_kinds import asks_yes_no, holds_asked_kind, kind_words, shows_kind
from .corpus.markdown import CONTEXT_SEP, is_heading_span
from .corpus.occasion import is_headline
from .corpus.text import fold, is_dictionary_word, is_title_line, slips_of, two_slips, zipf
from .corpus.text import stem as _stem
from .encoders import Encoder
from .question_text import with_question_word
from .structured.parse import STOPWORDS
from .types import Citation, Passage

if TYPE_CHECKING:
    from .retrieval import ScoredHit

# The gate: close enough in meaning (dense cosine) and covering enough of the question
# (rarity-weighted), the two trading off; tuned on the dev set and on new documents.
MIN_DENSE = 0.35
MIN_COVERAGE = 0.5
MIN_EVIDENCE = 0.75  # dense + EVIDENCE_COVERAGE * coverage
EVIDENCE_COVERAGE = 0.5
UNIT_DENSE = 0.35  # a row or item missing one word of the question
WHOLE_DENSE = 0.15  # a sentence holding every word of the question
WHOLE_MIN_TERMS = 2
RERANK_DEPTH = 16
_FUNCTION_WORDS = tuple(sorted(w for w in STOPWORDS if len(w) >= 3))
LIGHT_ZIPF = 6.0  # "get", "take", "make": too common to be what a question is about
MIN_SLIP_CHARS = 5  # a word this long may be misspelt by one letter ("sesion")
LONG_SLIP_CHARS = 8  # and this long by two ("brakeaway")
RERANK_COVERAGE = 1.0
IN_SENTENCE, IN_PREVIOUS, IN_EARLIER, IN_LEAD = 1.0, 0.75, 0.5, 0.5

# Words of the question itself, not of its subject: they need no support in the passage.
_NEGATION = frozenset("not no never nor without neither isnt wasnt didnt doesnt dont".split())  # noqa: SIM905
_GENERIC_WORDS = """
    article text document source sources say says said tell mention mentioned mentions
    happen happened happens describe described according write written report reported
    explain explained know known name named give given also about anything something nation
    country team event many much he she him his her hers they them their theirs it its
    im ive id youre youd youll theyre theyd theyll weve thats whats theres sort sorts kind
    kinds type types anywhere everywhere nowhere anyone anybody someone somebody everyone
    everybody nobody everything nothing
    am because doing further myself ourselves yourself yourselves itself himself herself
    themselves ours yours once while through along anyway somewhere true false correct
    most among amongst till until
"""
GENERIC = frozenset(_GENERIC_WORDS.split())


@dataclass(frozen=True)
class Support:
    """A supporting sentence (with the one before it when that names its subject)."""

    text: str
    citations: tuple[Citation, ...]
    dense: float
    coverage: float
    confirms: bool = False  # a yes/no question's claim, every word of it, is what it says


def find_support(
    query: str,
    *,
    index_dir: Path | str | None = None,
    encoder: Encoder | None = None,
    focus: str | None = None,
    unread: frozenset[tuple[str, int]] | None = None,
    about: tuple[frozenset[str], ...] = (),
    required: tuple[str, ...] = (),
    docs: frozenset[str] | None = None,
) -> Support | None:
    """The best supporting sentence for `query`, or None.

    With `unread` (the (doc, start) spans the facts were read from), only source passages
    outside those spans may answer: what the facts cover, they have already answered.
    `about`: the nations and riders the question names, each as the folded ways of naming
    it; the answer (or the sentence before it) must name one of them. `required`: folded
    words it must use, each ("Tokyo", "Paralympic": another Games than the documents').
    `docs`: the only documents that may answer (those on the competition asked about).

    `focus` is the question itself when `query` also carries an earlier one (a follow-up):
    what it asks must be supported, not only what the conversation was about.
    """
    from .retrieval import loaded_index, search

    index = loaded_index(index_dir=index_dir)
    context = _context(str(index.index_dir), index.version, index.passages)
    query = context.spelled(query)  # "a taster sesion": the documents' "session"
    focus = context.spelled(focus) if focus else focus
    terms = content_stems(query)
    asked = focus or query
    yes_no = asks_yes_no(asked)  # a quoted sentence is rarely a yes or a no; a whole row may be
    if not terms:
        return None
    depth = RERANK_DEPTH if unread is None else 3 * RERANK_DEPTH
    hits = search(query, k=depth, index_dir=index_dir, encoder=encoder)
    if unread is not None:
        hits = [
            h
            for h in hits
            if h.passage.kind == "source"
            and (h.passage.citations[0].doc, h.passage.citations[0].start) not in unread
        ]
    if docs is not None:
        hits = [h for h in hits if h.passage.citations[0].doc in docs]
    if not hits:
        return None
    if about:
        hits = [h for h in hits if context.names_one(h.passage, about)]
    for word in required:
        hits = [h for h in hits if context.names_one(h.passage, (frozenset([word]),))]
    if not hits:
        return None
    credits = [context.cover(terms, h.passage, asked) for h in hits]
    unknown = terms - context.known(hits[:RERANK_DEPTH])
    # A verb no document uses ("when do they check the plots") says in other words what a
    # sentence says ("inspections take place"): the close meaning the gate then asks for
    # stands in for it. Any other word no document uses still counts against coverage.
    paraphrased = {t for t in unknown if _paraphrase(t, asked)}
    # a light verb ("did he go in the breakaway") names nothing the documents lack
    words_asked = fold(asked).split()
    paraphrased |= unknown & {_stem(w) for w in words_asked if w in _LIGHT_VERBS}
    # and its particle: "come away with", "get back" say "finish with", "return"
    paraphrased |= unknown & {
        _stem(w)
        for before, w in zip(words_asked, words_asked[1:], strict=False)
        if before in _LIGHT_VERBS and w in _PARTICLES
    }
    # "the Dutch squad": a word for a team says what a passage's "team" says
    paraphrased |= unknown & _GROUP_NOUNS
    # "which rider ...": the kind asked for (a word the lexicon gives it) counts where a
    # passage says it, never against one; "which coach" asks what no document names
    if words_asked[:1] in (["which"], ["what"]) and len(words_asked) > 1:
        paraphrased |= {_stem(words_asked[1])} & terms & context.target_stems
    # "who coaches the Dutch team?": the only relation asked for is a word no document uses,
    # and the person in a sentence on another one ("led by") is not the one asked for
    unnamed_relation = (
        _asks_who(fold(asked).split())
        and bool(unknown)
        and not context.relation_words(terms - unknown)
    )
    if unnamed_relation:
        paraphrased = set()
    # Rare words weigh more: "men's road race" is not covered by a sentence with "won ... race".
    weight = {t: context.idf(t) for t in terms}

    def coverage_of(i: int) -> float:
        counted = {t: w for t, w in weight.items() if t in credits[i] or t not in paraphrased}
        total = sum(counted.values()) or 1.0
        return sum(w * credits[i].get(t, 0.0) for t, w in counted.items()) / total

    # The question's most telling word ("bronze", "spectators") must be in the sentence or the
    # one before it: a sentence that only shares the common words answers another question.
    known = terms - unknown
    # Never a word of every sentence of English ("get", "take"), while there is another.
    light = {_stem(w) for w in fold(query).split() if zipf(w) >= LIGHT_ZIPF}
    keys = (known - light) or known
    # "which nation's squad ...": the kind of thing asked for is no word the answer holds
    first = fold(asked).split()[:2]
    kind_asked = {_stem(first[1])} & context.target_stems if len(first) == 2 else set()
    if first[:1] in (["which"], ["what"]) and keys - kind_asked:
        keys = keys - kind_asked
    key = max(keys, key=lambda t: (context.idf(t), t)) if keys else None
    asked_events = context.gendered_events_in(asked)
    eligible = [
        i
        for i in range(len(hits))
        if (
            key is None
            or credits[i].get(key, 0.0) >= IN_PREVIOUS
            or key in context.lead_of(hits[i].passage)  # the document's topic: "mountain bike"
            or self_contained(hits[i].passage)  # a row or item is held to all the words below
        )
        and not is_heading(hits[i].passage)
        # "the first round" is not answered by a sentence about the second one; a claim
        # ("was he third?") is, by the sentence that says otherwise ("fourth")
        and (yes_no or not specifies_otherwise(asked, hits[i].passage))
        # a sentence that only repeats the question (a heading) tells nothing
        and bool(content_stems(_said(hits[i].passage)) - terms)
        # "who finished fourth in the sprint?" is not answered by a sentence on the omnium
        and not context.names_another_event(asked_events, hits[i].passage)
        # "who led the British team?" is not answered by a sentence on the Dutch one
        and (yes_no or not context.names_another_nation(asked, hits[i].passage))
        # a passage that gives no time does not say when: the next one that does may
        and context.answers(asked, hits[i].passage, credits[i])
        # "Each induction costs £5, except the laser cutter" says nothing of the laser's
        # price (to "is it open on Sundays?", "daily apart from Sundays" says no)
        and (yes_no or not excepts_asked(asked, hits[i].passage))
    ]
    if not eligible:
        return None
    best = max(eligible, key=lambda i: (RERANK_COVERAGE * coverage_of(i) + hits[i].fused, -i))
    hit = hits[best]
    # "what time ...": a word naming the kind asked, which a table row shows ("Saturday |
    # 10:00-18:00"); a sentence with a time in it may be on another moment ("the night before")
    shown = {_stem(w) for w in kind_words(asked, hit.passage)}
    if not self_contained(hit.passage):  # "how far ahead": "up to seven days ahead"
        shown -= _MOMENT_WORDS
    candidate = _Candidate(
        asked=asked,
        query=query,
        terms=frozenset(terms),
        unknown=frozenset(unknown - shown),
        paraphrased=frozenset(paraphrased),
        yes_no=yes_no,
        unnamed_relation=unnamed_relation,
        hit=hit,
        hits=tuple(hits),
        credit=credits[best],
        credits=tuple(credits),
        coverage=coverage_of(best),
        # another row of the section fits as well: the question does not pick one
        another_row_fits=any(
            self_contained(hits[i].passage)
            and i != best
            and _section(hits[i].passage) == _section(hit.passage)
            and hits[i].passage.citations[0].doc == hit.passage.citations[0].doc
            and coverage_of(i) >= coverage_of(best) - 1e-9
            and _words_shared(asked, hits[i].passage) >= _words_shared(asked, hit.passage)
            for i in eligible
        ),
    )
    candidate = replace(candidate, context=context)
    if not any(gate(candidate) for gate in GATES):
        return None
    if not context.answers(asked, hit.passage, candidate.credit):
        return None
    citations = context.with_previous(hit.passage, candidate.credit)
    text = (
        hit.passage.text
        if citations == hit.passage.citations
        else " ".join(c.text for c in citations)
    )
    return Support(
        " ".join(text.split()), citations, hit.dense, candidate.coverage, _confirms(candidate)
    )


@dataclass(frozen=True)
class _Candidate:
    """The best-ranked passage for a question, with what the gates judge it by."""

    asked: str  # the question itself (without an earlier one it follows)
    query: str  # what was searched: a follow-up joined to the question it follows
    terms: frozenset[str]  # the question's content stems
    unknown: frozenset[str]  # those no candidate's document uses
    paraphrased: frozenset[str]  # those of them that say in other words what a passage says
    yes_no: bool
    unnamed_relation: bool  # a person asked for in a relation no document names
    hit: ScoredHit
    hits: tuple[ScoredHit, ...]  # every candidate, for how far ahead this one is
    credit: dict[str, float]  # each term's credit in this passage
    credits: tuple[dict[str, float], ...]  # each candidate's, in the order of `hits`
    coverage: float  # the rarity-weighted share of the question it covers
    another_row_fits: bool  # a row of its section covers the question as well
    context: _Context | None = None  # the index's documents, for what else they say


def _unit_gate(c: _Candidate) -> bool:
    """A table row or list item holding the question's words (see `_unit_answers`), which
    no other row of its section matches as well."""
    return (
        self_contained(c.hit.passage)
        and not c.unnamed_relation
        and not c.another_row_fits
        and _unit_answers(c.asked, c.query, c.hit, c.credit, set(c.unknown), c.yes_no)
        and not _said_elsewhere(c)
    )


def _said_elsewhere(c: _Candidate) -> bool:
    """The row lacks a word of the question that another passage of its document holds,
    with every other word the row holds by its own text, or that names a section of its
    own: there is what the document says of it ("how much is a club jersey?": "jerseys are
    sold separately", not the £15 of a fees row whose notes say "club"; "when does the café
    open on Saturday?": the "## Café" section, not the museum's Saturday row)."""
    held = {t for t, v in c.credit.items() if v >= IN_EARLIER}
    missing = c.terms - held
    if not missing or (
        _words_shared(c.asked, c.hit.passage)[0] and not _qualified(c.asked, missing)
    ):
        # a row whose first cell the question names is about it ("Plot secretary"); not
        # when the question's word beside it is missing ("a swimming lesson": "Single swim")
        return False
    shown = {_stem(w) for w in kind_words(c.asked, c.hit.passage)}  # "cost": the row's £15
    needed = missing | (held - shown)
    doc = c.hit.passage.citations[0].doc
    if c.context is None:
        return False
    return (
        any(
            h is not c.hit
            and h.passage.citations[0].doc == doc
            and not is_heading(h.passage)
            and not c.context.in_opening(h.passage)
            and all(credit.get(t, 0.0) >= IN_SENTENCE for t in needed)
            for h, credit in zip(c.hits, c.credits, strict=True)
        )
        or c.context.says_elsewhere(c.hit.passage, needed)
        or c.context.has_section(c.hit.passage, missing, c.asked)
    )


def _sentence_gate(c: _Candidate) -> bool:
    """A sentence close in meaning that covers enough of the question, the two trading off;
    never when the question has a word no document uses that is no paraphrase: it names a
    thing the documents do not ("who coaches them": "led by"; "the four riders": "won
    gold"), however close the meaning. A quoted sentence is a yes or a no only when it
    stands out (below)."""
    return (
        not self_contained(c.hit.passage)
        and not c.yes_no
        and not c.unknown - c.paraphrased
        and c.coverage >= MIN_COVERAGE
        and c.hit.dense >= MIN_DENSE
        and c.hit.dense + EVIDENCE_COVERAGE * c.coverage >= MIN_EVIDENCE
    )


def _whole_question_gate(c: _Candidate) -> bool:
    """Every word of the question, all of them the documents' own, in the sentence itself:
    a long sentence says it though its meaning as a whole drifts away."""
    return (
        not self_contained(c.hit.passage)
        and not c.yes_no
        and not c.unknown
        and len(c.terms) >= WHOLE_MIN_TERMS
        and all(c.credit.get(t, 0.0) >= IN_SENTENCE for t in c.terms)
        and c.hit.dense >= WHOLE_DENSE
    )


def _standout_gate(c: _Candidate) -> bool:
    """Far closer in meaning than any other passage (see `_stands_out`); never a yes or a no
    about what will happen, nor a person in a relation no document names."""
    if c.yes_no and (_asks_ahead(c.asked) or c.unknown - c.paraphrased):
        return False  # nor a yes or no on a thing no document names ("on Boxing Day?")
    if c.unnamed_relation:
        return False  # "who coaches them?": a relation the documents never name
    if _asks_measure(c) and not shows_kind(c.asked, c.hit.passage):
        return False  # "what was the winning time?": a measure no document gives
    return _stands_out(c.hit, c.hits, c.coverage, shows_kind(c.asked, c.hit.passage))


# Words asking for a moment, which a sentence's time may not be ("the night before")
_MOMENT_WORDS = frozenset(
    _stem(w)
    for w in [
        "time",
        "times",
        "hours",
        "date",
        "day",
        "year",
        "month",
        "early",
        "late",
        "morning",
        "afternoon",
        "evening",
        "night",
    ]
)

# Nouns naming a measure: asked for and never used by a document, nothing close stands for them
_MEASURES = frozenset(
    _stem(w) for w in ["time", "times", "price", "age", "height", "weight", "speed", "distance"]
)


def _asks_measure(c: _Candidate) -> bool:
    """ "What was their winning time?": the thing asked for (a noun early in a what-question)
    is a measure no document names; not "... waiting a long time"."""
    words = fold(c.asked).split()
    return words[:1] in (["what"], ["which"]) and any(
        _stem(w) in _MEASURES and _stem(w) in c.unknown for w in words[1:6]
    )


def _asked_heading_gate(c: _Candidate) -> bool:
    """The passage answers a question the document asks as its heading ("### Are lockers
    free?"), and that heading is far closer in meaning to the question than any other
    passage: the document's own answer to it, a yes or a no too. Nearly every word of the
    question is in the heading or the answer, so "do I need to book the sauna?" is not
    answered under "Do I need to book a swim?"."""
    heading = c.context.asked_heading(c.hit.passage) if c.context is not None else None
    if heading is None or c.unnamed_relation or c.coverage < ASKED_HEADING_COVERAGE:
        return False
    own = next((h for h in c.hits if h.passage.citations[0] == heading), None)
    if own is None:
        return False
    rivals = [h for h in c.hits if h is not own and h is not c.hit]
    return _stands_out(own, rivals + [own], c.coverage, False)


ASKED_HEADING_COVERAGE = 0.75

# A passage answers when one of these accepts it (and it gives the kind of thing asked).
GATES: tuple[Callable[[_Candidate], bool], ...] = (
    _unit_gate,
    _asked_heading_gate,
    _sentence_gate,
    _whole_question_gate,
    _standout_gate,
)


def _confirms(c: _Candidate) -> bool:
    """A yes/no question whose every word the passage itself states, neither negated."""
    return (
        c.yes_no
        and all(c.credit.get(t, 0.0) >= IN_SENTENCE for t in c.terms)
        and not (_NEGATION & set(fold(c.asked).split()))
        and not (_NEGATION & set(fold(c.hit.passage.text).split()))
    )


# "How does the article describe ...", "what's its tone?": the source sentence closest in
# meaning answers when it is this close, and names the subject asked about if one is.
FRAMING_DENSE = 0.5
FRAMING_SUBJECT_SENTENCES = 2


def framing_support(
    query: str,
    *,
    index_dir: Path | str | None = None,
    encoder: Encoder | None = None,
    about: tuple[frozenset[str], ...] = (),
) -> Support | None:
    """The source sentence that best matches a question about the text's own wording; for
    one about a rider or nation ("how is Lavreysen described?"), the first sentences that
    name it."""
    from .retrieval import loaded_index, search

    hits = search(query, k=3 * RERANK_DEPTH, index_dir=index_dir, encoder=encoder)
    index = loaded_index(index_dir=index_dir)
    context = _context(str(index.index_dir), index.version, index.passages)
    if about:
        # where a text first names someone is where it introduces them ("led by the
        # unstoppable Harrie Lavreysen"): the first sentences naming the subject, in the
        # documents the search ranks first
        docs = dict.fromkeys(h.passage.citations[0].doc for h in hits if h.passage.kind == "source")
        naming: list[Passage] = []
        for doc in docs:
            units = context.by_doc.get(doc, [])
            for i, p in enumerate(units):
                if is_heading(p) or not context.names_one(p, about, with_previous=False):
                    continue
                naming.append(p)
                after = units[i + 1] if i + 1 < len(units) else None
                if after is not None and _goes_on(after):
                    naming.append(after)  # "However, their dominance faltered ..."
        naming = list(dict.fromkeys(naming))
        # "the relationship between the US and Britain": where the text names both
        together = [
            p
            for p in naming
            if len(about) > 1
            and all(context.names_one(p, (names,), with_previous=False) for names in about)
        ]
        naming = (together or naming)[:FRAMING_SUBJECT_SENTENCES]
        if not naming:
            return None
        text = " ".join(" ".join(p.text.split()) for p in naming)
        return Support(text, tuple(c for p in naming for c in p.citations), 0.0, 0.0)
    for hit in sorted(hits, key=lambda h: -h.dense):
        passage = hit.passage
        if passage.kind != "source" or is_heading(passage) or hit.dense < FRAMING_DENSE:
            continue
        if about and not context.names_one(passage, about):
            continue
        return Support(" ".join(passage.text.split()), passage.citations, hit.dense, 0.0)
    return None


# Words that pick one of a kind: a question naming one is not answered by a passage that
# names another of the same kind and not it ("open on a Sunday" / "on bank holidays").
_SPECIFIER_KINDS = {
    "ordinal": "first second third fourth fifth sixth seventh eighth ninth tenth",
    "medal": "gold golds silver silvers bronze bronzes",
    "day": """monday tuesday wednesday thursday friday saturday sunday mondays tuesdays
        wednesdays thursdays fridays saturdays sundays weekend weekends weekday weekdays
        holiday holidays""",
    "month": """january february march april may june july august september october
        november december""",
    "round": """final finals semi-final semi-finals semifinal semifinals quarter-final
        quarter-finals qualifying qualification qualifier qualifiers heat heats repechage""",
}
_SPECIFIER = {w: kind for kind, words in _SPECIFIER_KINDS.items() for w in words.split()}
_YEAR = re.compile(r"^(19|20)\d\d$")


_EXCEPT = re.compile(
    r"\b(?:except(?: for)?|apart from|other than|excluding|but not|save for)\s+([^.;:(),]+)"
    r"(?=\s*(?:[.;:)]|$))"  # closing its sentence: "…, except on holidays, when …" goes on
)


def excepts_asked(question: str, passage: Passage) -> bool:
    """The passage leaves out what the question is about: a word of the question stands
    only in its "except ..." clause ("Each induction costs £5, except the laser cutter":
    not the laser cutter's price)."""
    said = passage.text.lower()  # its punctuation ends the clause
    clauses = [m.group(1) for m in _EXCEPT.finditer(said)]
    if not clauses:
        return False
    rest = _EXCEPT.sub(" ", said)
    asked = content_stems(question)
    excepted = {_stem(w) for clause in clauses for w in fold(clause).split()}
    return any(t in excepted and t not in content_stems(rest) for t in asked)


def _specifiers(text: str) -> set[tuple[str, str]]:
    """(kind, word) for each day, month, ordinal, medal, round or year `text` names."""
    out = set()
    for w in fold(text).split():
        w = w.strip(".,;:!?()")
        kind = _SPECIFIER.get(w) or ("year" if _YEAR.match(w) else None)
        if kind:
            out.add((kind, w.rstrip("s") if kind in ("day", "round", "medal") else w))
    return out


def specifies_otherwise(question: str, passage: Passage) -> bool:
    """The question names a day, month, ordinal, medal, round or year the passage does not,
    and the passage names another of that kind: it answers for another one ("who took
    bronze": not the sentence on who won gold)."""
    asked, said = _specifiers(question), _specifiers(passage.text)
    folded = fold(question)
    if (
        not any(kind in ("medal", "ordinal") for kind, _ in asked)
        and _ASKS_WINNER.search(folded)
        and not _ANY_PLACE.search(folded)
    ):
        # "who took the keirin?" asks for the gold: not "X won bronze in it"
        asked = asked | {("medal", "gold")}
    if folded.split()[:1] not in ([w] for w in _WH_WORDS):
        # "Portugal won the omnium gold, right?": the sentence on their silver says otherwise
        asked = {(kind, w) for kind, w in asked if kind != "medal"}
    elif asked & _BELOW_THE_TOP and not said & _BELOW_THE_TOP:
        # "who finished second in the keirin?": "The keirin was won by X" names the winner
        # only, unless it places others too ("ahead of Y")
        text = fold(passage.text)
        if _WON.search(text) and not _PLACES_OTHERS.search(text):
            return True
    said |= {("day", day) for kind, w in said if kind == "day" for day in _DAYS_OF.get(w, ())}
    return any((kind, w) not in said and any(k == kind for k, _ in said) for kind, w in asked)


# the days a word for several of them takes in: "on weekdays" says what Monday does
_DAYS_OF = {
    "weekday": ("monday", "tuesday", "wednesday", "thursday", "friday"),
    "weekend": ("saturday", "sunday"),
}

_ASKS_WINNER = re.compile(
    r"^(who|which \w+|what \w+) (won|win|wins|took|claimed|clinched|triumphed)\b"
)
_ANY_PLACE = re.compile(r"\b(medals?|podium|places?|placings?|anything|everything)\b")
_BELOW_THE_TOP = {
    ("ordinal", "second"),
    ("ordinal", "third"),
    ("medal", "silver"),
    ("medal", "bronze"),
}
_WON = re.compile(r"\b(won|wins|win|winner|winners|victory|victorious|champions?|gold)\b")
_PLACES_OTHERS = re.compile(
    r"\b(ahead of|behind|beat|beating|beaten|runners?-up|edg\w+|podium|pipp\w+|"
    r"out-?sprint\w*|defeat\w*|against|over)\b"
)


_WH_WORDS = ("who", "whom", "whose", "which", "what", "when", "where", "how", "why")


CONCLUSION_SENTENCES = 2


def conclusion_support(
    query: str, *, index_dir: Path | str | None = None, encoder: Encoder | None = None
) -> Support | None:
    """The closing sentences of the document a question about a whole text is about ("what's
    the overall tone?", "how does it sum up the week?"): where a report sums itself up."""
    from .retrieval import loaded_index, search

    hits = [h for h in search(query, k=RERANK_DEPTH, index_dir=index_dir, encoder=encoder)]
    sources = [h for h in hits if h.passage.kind == "source"]
    if not sources:
        return None
    index = loaded_index(index_dir=index_dir)
    context = _context(str(index.index_dir), index.version, index.passages)
    doc = sources[0].passage.citations[0].doc
    sentences = [
        p for p in context.by_doc.get(doc, []) if not self_contained(p) and not is_heading(p)
    ]
    closing = sentences[-CONCLUSION_SENTENCES:]
    if not closing:
        return None
    citations = tuple(c for p in closing for c in p.citations)
    text = " ".join(" ".join(p.text.split()) for p in closing)
    return Support(text, citations, sources[0].dense, 0.0)


def _goes_on(passage: Passage) -> bool:
    """A sentence that goes on about the one before: it names nobody of its own ("However,
    their dominance faltered ...")."""
    return (
        passage.kind == "source"
        and not self_contained(passage)
        and not is_heading(passage)
        and not _proper_names(passage.text)
    )


def is_heading(passage: Passage) -> bool:
    """A Markdown heading, a plain-text title line or a question the text asks: the context
    of what follows it, never an answer."""
    if passage.kind != "source":
        return False
    said = passage.citations[0].text
    return (
        is_heading_span(said)
        or (passage.text == said and is_title_line(said))
        or _is_asked(passage.text)
    )


def _is_asked(text: str) -> bool:
    """A question the text asks itself ("**Do I need a road bike?**" in an FAQ): it heads its
    answer, it answers nothing."""
    return text.strip().strip("*_").rstrip().endswith("?")


def self_contained(passage: Passage) -> bool:
    """A Markdown table row or list item: its text carries its heading and column headers,
    so it differs from the span it cites; a sentence's text is its span's."""
    return (
        passage.kind == "source"
        and passage.text != passage.citations[0].text
        and not is_heading(passage)
    )


def _said(passage: Passage) -> str:
    """What the passage itself says: a row's or item's own span, without its headings."""
    return passage.citations[0].text if self_contained(passage) else passage.text


def _qualified(question: str, missing: Set[str]) -> bool:
    """A missing word stands beside another content word of the question ("swimming
    lesson", "main pool"): it says which one of a kind is asked about."""
    words = fold(question).split()
    return any(
        _stem(w) in missing
        and any(
            0 <= j < len(words)
            and _stem(words[j]) not in missing
            and words[j] not in STOPWORDS
            and words[j] not in GENERIC
            for j in (i - 1, i + 1)
        )
        for i, w in enumerate(words)
    )


def _words_shared(question: str, passage: Passage) -> tuple[int, int]:
    """How many of the question's words, function words too, the row's first cell (what
    the row is about: "Type: Adult") uses, then the whole row: "adult membership" picks the
    Adult row over the Family one whose notes say "two adults"; "a full plot" picks the
    full-plot row over the half-plot one, though "full" carries no content."""
    asked = {_stem(w) for w in fold(question).split()}
    _, _, cells = passage.text.partition(CONTEXT_SEP)
    first_cell = cells.split(";")[0] if cells else ""
    in_first = {_stem(w) for w in fold(first_cell).split()}
    said = {_stem(w) for w in fold(passage.text).split()}
    return len(asked & in_first), len(asked & said)


def _section(passage: Passage) -> str:
    """The top heading a row or item sits under ("" when it has none)."""
    head, sep, _ = passage.text.partition(CONTEXT_SEP)
    return head if sep else ""


# A passage far closer in meaning than any other, covering most of the question, answers
# (tuned on documents and sets written for tuning: at 0.5 and 0.1 article near misses answer)
# though the question words some of it otherwise ("space for wheelchair users in the
# stands" / "eight wheelchair spaces in the main stand"); the kind check still applies.
STANDOUT_DENSE = 0.55
STANDOUT_MARGIN = 0.12
STANDOUT_FLOOR = 0.45
STANDOUT_KIND_COVERAGE = 0.2


def _asks_ahead(question: str) -> bool:
    """ "Will he beat the record?": a report settles what happened, not what will."""
    words = fold(question).split()
    return bool(words) and words[0] in ("will", "would", "shall", "wont")


def _stands_out(
    hit: ScoredHit, hits: Sequence[ScoredHit], coverage: float, shows_asked: bool
) -> bool:
    """Far ahead of the rest: the less close in meaning, the further ahead it must be. It
    covers half the question, or a fifth when it shows the kind of thing asked (a time for
    "what times am I allowed to use a hose": "before 9am or after 6pm")."""
    others = [h.dense for h in hits if h is not hit]
    margin = hit.dense - max(others, default=0.0)
    return (
        coverage >= (STANDOUT_KIND_COVERAGE if shows_asked else MIN_COVERAGE)
        and hit.dense >= STANDOUT_FLOOR
        and margin >= STANDOUT_MARGIN + max(0.0, STANDOUT_DENSE - hit.dense)
    )


def _unit_answers(
    asked: str,
    query: str,
    hit: ScoredHit,
    credit: dict[str, float],
    unknown: set[str],
    yes_no: bool,
) -> bool:
    """A row or item answers a question whose words it holds (its heading and the document's
    topic count), save one: an everyday word the documents never use, a paraphrase such as
    "rent" for "hire"; or, when it shows the kind of thing asked (a time for "when"), any
    word ("leave" for "start time"). A yes or no needs every word."""
    missing = {t for t in content_stems(query) if credit.get(t, 0.0) < IN_EARLIER}
    if not missing:
        return hit.dense >= MIN_DENSE
    if len(missing) > 1:
        return False
    (term,) = missing
    if term in unknown:  # "can I bring my guide dog": "assistance dogs are welcome"
        return _paraphrase(term, query) and hit.dense >= UNIT_DENSE
    return not yes_no and shows_kind(asked, hit.passage) and hit.dense >= UNIT_DENSE


def _paraphrase(term: str, query: str) -> bool:
    """An everyday word that may say in other words what a row says: a verb ("to rent",
    "does the clubhouse shut") or the kind of thing asked for ("what sort of material").

    Anywhere else, in a noun phrase ("the locker deposit", "an e-bike"), a word the
    documents never use names a thing they do not list; and a name is no everyday word.
    """
    words = fold(query).split()
    places = [i for i, w in enumerate(words) if _stem(w) == term]
    if term in _proper_names(query):
        return False  # "did Great Britain": a name
    return bool(places) and all(
        _is_rule_word(words[i])
        or (
            words[i].isalpha()
            and is_dictionary_word(words[i])
            and "-" not in words[i]
            and (_verb_at(words, i) or _asked_kind_at(words, i) or _superlative(words[i]))
        )
        for i in places
    )


_GROUP_NOUNS = frozenset(
    _stem(w) for w in ["pair", "duo", "trio", "quartet", "squad", "team", "partnership"]
)


def _asks_who(words: list[str]) -> bool:
    """The question asks for a person: "who ...", "whom ...", "whose ..."."""
    return bool(words) and words[0] in ("who", "whom", "whose")


def _is_rule_word(word: str) -> bool:
    """A word for what a rule says ("compulsory"), or a slip of one ("compulsary")."""
    return word in _RULE_WORDS or (
        len(word) >= MIN_SLIP_CHARS and bool(slips_of(word, _RULE_WORDS))
    )


# Verbs too common to name what a question is about ("go", "get"); "time" and "people",
# as common, are nouns that do.
_LIGHT_VERBS = frozenset(
    """go goes going went gone get gets got getting make makes made making take
    takes took taken taking come comes came coming put puts give gives gave""".split()  # noqa: SIM905
)

# "Are helmets compulsory?", "is it allowed?": what a rule says in its own words ("must be
# worn", "never use", "welcome"), a word for the rule, not for a thing the documents lack.
_RULE_WORDS = frozenset(
    """compulsory mandatory obligatory required necessary needed allowed permitted banned
    forbidden prohibited ok okay acceptable welcome""".split()  # noqa: SIM905
)


def _superlative(word: str) -> bool:
    """ "nearest", "earliest", "closest": a word that ranks what the documents name, not a
    thing they do not."""
    if not word.endswith("est") or len(word) < 6:
        return False
    base = word[:-3]
    forms = (base, base + "e", base[:-1] + "y" if base.endswith("i") else base)
    return len(base) >= 4 and any(is_dictionary_word(f) for f in forms)


_SUBJECT_PRONOUNS = frozenset(["i", "you", "we", "they", "he", "she", "it"])
_AUXILIARIES = frozenset(
    """do does did can could will would should must may might shall
    dont doesnt didnt cant couldnt wont wouldnt shouldnt""".split()  # noqa: SIM905
)
_BE = frozenset(["is", "are", "was", "were", "be", "been", "being"])
# words that end a subject and start another part of the clause: "does the writer think"
# is a subject and its verb; "does the sprint in Paris ..." is not
_CLAUSE_WORDS = frozenset(
    """of in on at for to by with and or but if than as from into about over under after
    before between during who which that what when where how why""".split()  # noqa: SIM905
)
_DETERMINERS = frozenset(
    "the a an my our your their his her its this that these those".split()  # noqa: SIM905
)


def _verb_at(words: list[str], i: int) -> bool:
    """`words[i]` stands where a verb does: after "to", a subject or an auxiliary ("can I
    ring"), or after an auxiliary and a short subject ("does the family membership cover")."""
    before = words[i - 1] if i else ""
    if before == "to" or before in _SUBJECT_PRONOUNS or before in _AUXILIARIES:
        return True
    if before in _BE and words[i].endswith(("ing", "ed")):  # "where is it heading"
        return True
    for j in range(i - 1, max(-1, i - 6), -1):
        if words[j] in _AUXILIARIES:
            subject = words[j + 1 : i]
            return (
                bool(subject)
                and subject[0] in _DETERMINERS | _SUBJECT_PRONOUNS
                # "does the sauna open": after "the" alone stands the subject's noun
                and (subject[0] in _SUBJECT_PRONOUNS or len(subject) > 1)
                and not any(w in _CLAUSE_WORDS for w in subject[1:])
            )
    return False


def _asked_kind_at(words: list[str], i: int) -> bool:
    """ "What sort of material": the word names the kind of the answer, not its subject."""
    return (
        i >= 3
        and words[i - 1] == "of"
        and words[i - 2] in {"sort", "kind", "type"}
        and (words[i - 3] in {"what", "which"})
    )


def content_stems(text: str, parts: bool = False) -> set[str]:
    """The stems of the words that carry content; with `parts`, of a hyphenated word's
    parts too (a document's "Women-only swim" says "women")."""
    tokens = fold(text).split()
    if parts:
        tokens += [part for t in tokens if "-" in t for part in t.split("-")]
    return {_stem(t) for t in tokens if t not in STOPWORDS and t not in GENERIC and len(t) > 1}


class _Context:
    """Per index version: each document's sentences in order and each document's stems."""

    def __init__(self, passages: Sequence[Passage]) -> None:
        by_doc: dict[str, list[Passage]] = {}
        for p in passages:
            if p.kind == "source":
                by_doc.setdefault(p.citations[0].doc, []).append(p)
        self.previous: dict[tuple[str, int], Citation] = {}
        self.stems: dict[tuple[str, int], set[str]] = {}
        self.doc_stems: dict[str, set[str]] = {}
        self.opening_end: dict[str, int] = {}  # a document's first section heading
        self.lead_stems: dict[str, set[str]] = {}  # a document's first sentence: its topic
        self.df: Counter[str] = Counter()
        self.names: set[str] = set()  # stems of words capitalized inside a sentence
        for p in passages:
            self.names |= _proper_names(_said(p))
        for doc, units in by_doc.items():
            units.sort(key=lambda p: p.citations[0].start)
            stems: set[str] = set()
            before: Passage | None = None
            for unit in units:
                sentence = unit.citations[0]
                own = self.stems[(doc, sentence.start)] = content_stems(unit.text, parts=True)
                self.df.update(own)
                stems |= own
                # A row or item carries its own context: no sentence is read with it, and
                # the sentence after a table or list is not read with its last row. A
                # heading starts a section: the sentence after it is read with it alone.
                # a document's headline ("Japan top the table …") is a heading too
                headline = before is units[0] and is_headline(before.text)
                if (
                    before is not None
                    and not headline
                    and not self_contained(unit)
                    and not is_heading(unit)
                ):
                    self.previous[(doc, sentence.start)] = before.citations[0]
                before = None if self_contained(unit) else unit
            self.doc_stems[doc] = stems
            # where its opening paragraph ends: its first section heading, the title aside
            heading = next((u for u in units[1:] if is_heading(u)), None)
            if heading is not None:
                self.opening_end[doc] = heading.citations[0].start
            self.lead_stems[doc] = self.stems[(doc, units[0].citations[0].start)]
        self.equivalents: dict[str, frozenset[str]] = {}  # a nation's or gender's names, by stem
        self.lexicon_stems: frozenset[str] = frozenset()  # "rider", "race": the domain's words
        self.target_stems: frozenset[str] = frozenset()  # "rider", "nation": what is asked for
        self.nation_stems: dict[str, str] = {}  # "dutch": "Netherlands"
        self.nation_phrases: dict[str, str] = {}  # " new zealand ": "New Zealand"
        self.competition_words: frozenset[str] = frozenset()  # "pan", "american", ...
        # ("team", "sprint"): {"team sprint"}; a family ("sprint events"): its members
        self.event_phrases: dict[tuple[str, ...], frozenset[str]] = {}
        self.longest_event_phrase = 0
        self.gender_words: dict[str, str] = {}  # "ladies": "women"
        self.sentences = sum(len(s) for s in by_doc.values())
        self.by_doc = by_doc  # each document's source passages, in order
        self.all_stems: set[str] = (
            set().union(*self.doc_stems.values()) if self.doc_stems else set()
        )
        for p in passages:  # fact sentences too: their words are the corpus' words
            self.all_stems |= content_stems(p.text, parts=True)
        self.words = {w for p in passages for w in fold(p.text).split()}
        self.by_initial: dict[str, list[str]] = {}
        for w in sorted(self.words):
            if len(w) >= MIN_SLIP_CHARS - 1 and w.isalpha():
                self.by_initial.setdefault(w[0], []).append(w)

    def spelled(self, text: str) -> str:
        """`text` with each word that is neither the documents' nor an everyday one, but one
        slip from a long word of the documents, written as they write it ("sesion")."""
        words = fold(text).split()
        fixed = [self._respelt(w) for w in words]
        if fixed:  # "wen is aquafit on": a question word, slipped
            fixed[0] = with_question_word(fixed[0])
        return text if fixed == words else " ".join(fixed)

    def _respelt(self, word: str) -> str:
        if len(word) < 3 or word in self.words or is_dictionary_word(word):
            return word
        # "wat", "teh": a slip of a function word; "sesion": of a long word of the documents
        candidates = (
            _FUNCTION_WORDS if len(word) < MIN_SLIP_CHARS else self.by_initial.get(word[0], ())
        )
        near = slips_of(word, candidates)
        if len(word) < MIN_SLIP_CHARS:  # which function word does not matter: none is content
            return near[0] if near else word
        if not near:  # "helmts": a slip of the plural of the documents' "helmet"
            near = [c for c in candidates if slips_of(word, [c + "s"])]
        if not near and len(word) >= LONG_SLIP_CHARS:  # "brakeaway": two slips in a long word
            near = [c for c in candidates if two_slips(word, c)]
        return near[0] if len(near) == 1 else word

    def idf(self, stem: str) -> float:
        """Smoothed inverse sentence frequency: 1 for a word in every sentence, more for rarer."""
        return math.log((self.sentences + 1) / (self.df[stem] + 1)) + 1.0

    def cover(self, terms: set[str], passage: Passage, question: str = "") -> dict[str, float]:
        """Each term's credit: in the sentence, in the one before, in its document's lead."""
        own = content_stems(
            " ".join([passage.text, *(c.text for c in passage.citations)]), parts=True
        )
        first = passage.citations[0]
        before = self.previous.get((first.doc, first.start))
        earlier = self.previous.get((before.doc, before.start)) if before else None
        previous = self.stems.get((before.doc, before.start), set()) if before else set()
        two_back = self.stems.get((earlier.doc, earlier.start), set()) if earlier else set()
        lead = self.lead_of(passage)
        if question:
            # "the price", "the phone number": a passage showing one covers those words
            own = own | {_stem(w) for w in kind_words(question, passage)}
        credit = {}
        for t in terms:
            if t in own or self.equivalents.get(t, frozenset()) & own:  # "Aussie": Australia
                credit[t] = IN_SENTENCE
            elif t in previous:
                credit[t] = IN_PREVIOUS
            elif t in two_back or t in lead:
                credit[t] = IN_EARLIER
        said = fold(" ".join(c.text for c in passage.citations)).split()
        for verb, particle in _phrasal_verbs(question):
            # "ride called off" is not "when the ride leader calls it"
            if credit.get(verb) == IN_SENTENCE and not _holds_phrasal(said, verb, particle):
                del credit[verb]
        for given, surname in _first_names(question):  # "Valeria Ortega": "Ortega said"
            # (a surname the documents write as a name: "Christmas Day" is no person)
            if given in terms and surname in credit and surname in self.names:
                credit[given] = max(credit.get(given, 0.0), credit[surname])
        return credit

    def answers(self, question: str, passage: Passage, credit: dict[str, float]) -> bool:
        """The passage gives the kind of thing asked (a number for "how many", a date for
        "when"), and a fact sentence supports what the question asks, not only whom it names.

        A fact sentence states one relation of its subject (a nationality, a result): it
        answers only when one of the question's words besides names is in it ("did he ride
        the omnium" asks another relation than his nationality; so does "how old", a word no
        document uses). A source sentence says more than one thing; the semantic match is
        trusted.
        """
        folded = fold(question)
        if not holds_asked_kind(question, _without_occasion(passage)):
            return False
        if passage.kind != "fact":
            return True
        terms = content_stems(question)
        absent = {
            _stem(w)
            for w in folded.split()
            if _stem(w) in terms and _stem(w) not in self.all_stems and is_dictionary_word(w)
        }
        asked = terms - absent - self.names
        if not absent and not asked:
            return True
        # "did Oliveira also ride the omnium?" is not answered by his nationality: a word of
        # the relation asked, in the fact's own words or its source sentence's (not the
        # sentence before that, nor "rider" of "which rider", the kind asked for)
        related = asked - self.target_stems or asked
        return any(credit.get(t, 0.0) >= IN_SENTENCE for t in related)

    def names_one(
        self, passage: Passage, about: tuple[frozenset[str], ...], with_previous: bool = True
    ) -> bool:
        """The passage (or the sentence before it) names one of the nations or riders."""
        first = passage.citations[0]
        before = self.previous.get((first.doc, first.start)) if with_previous else None
        texts = [passage.text, *(c.text for c in passage.citations), before.text if before else ""]
        said = f" {fold(' '.join(texts))} "
        # "Britain’s" folds to "britains"
        return any(f" {name} " in said or f" {name}s " in said for names in about for name in names)

    def gendered_events_in(self, text: str) -> set[tuple[str, str | None]]:
        """(event, gender) for each event `text` names, the gender its name follows ("the
        men's team sprint"; "men's and women's Madison" names both), None when none does."""
        words, i = fold(text).split(), 0
        found: set[tuple[str, str | None]] = set()
        longest = self.longest_event_phrase
        while i < len(words):
            for n in range(min(longest, len(words) - i), 0, -1):
                events = self.event_phrases.get(tuple(words[i : i + n]))
                if events:
                    genders = self._genders_before(words, i)
                    found |= {(e, g) for e in events for g in genders}
                    i += n
                    break
            else:
                i += 1
        return found

    def _genders_before(self, words: list[str], i: int) -> set[str | None]:
        """The genders named just before words[i]: "women's", "men's and women's"."""
        genders: set[str | None] = set()
        j = i - 1
        while j >= 0 and words[j] in self.gender_words:
            genders.add(self.gender_words[words[j]])
            j -= 1
            if j >= 1 and words[j] in ("and", "or") and words[j - 1] in self.gender_words:
                j -= 1
        return genders or {None}

    def names_another_event(self, asked: set[tuple[str, str | None]], passage: Passage) -> bool:
        """The question names events (`asked`, from `gendered_events_in`) the passage does
        not, and the passage names another: it reports another event. The women's team
        sprint is another event than the men's; a passage naming no gender names either. A
        fact sentence states one relation: one naming no event ("X is a Danish rider") does
        not report the event asked about."""
        if not asked:
            return False
        if passage.kind == "fact":  # one relation: one naming no event is not about it
            said = self.gendered_events_in(passage.text)
            if not said:
                return True
        else:
            text = " ".join([passage.text, *(c.text for c in passage.citations)])
            said = self.gendered_events_in(text)
            first = passage.citations[0]
            before = self.previous.get((first.doc, first.start))
            if not said and before is not None:  # "Completing the podium was Italy": the
                said = self.gendered_events_in(before.text)  # event of the sentence before
        return bool(said) and not any(
            event == other and (gender is None or said_gender in (None, gender))
            for event, gender in asked
            for other, said_gender in said
        )

    def nations_in(self, text: str) -> set[str]:
        """The nations `text` names ("Dutch", "Britain", "New Zealand")."""
        folded = f" {fold(text)} "
        return {self.nation_stems[t] for t in content_stems(text) if t in self.nation_stems} | {
            nation for phrase, nation in self.nation_phrases.items() if phrase in folded
        }

    def names_another_nation(self, question: str, passage: Passage) -> bool:
        """The question names nations the passage does not, and it names another: it is
        about another nation (a fact sentence by its own words, a source by its sentence).
        A nation's word inside a competition's name ("the Pan American championships") names
        no nation."""
        asked = self.nations_in(_without_names_of(question, self.competition_words))
        if not asked:
            return False
        texts = (
            [passage.text]
            if passage.kind == "fact"
            else [passage.text, *(c.text for c in passage.citations)]
        )
        said = self.nations_in(" ".join(texts))
        return bool(said) and not asked & said

    def relation_words(self, terms: set[str]) -> set[str]:
        """The terms that are no name: not a nation, gender, event or a name the documents
        capitalize ("coach" in "who coaches the dutch sprint team")."""
        event_words = {_stem(w) for phrase in self.event_phrases for w in phrase}
        return {
            t
            for t in terms
            if t not in self.equivalents
            and t not in event_words
            and t not in self.names
            and t not in _GROUP_NOUNS  # "the British madison pair" names whom it is about
        }

    def says_elsewhere(self, passage: Passage, needed: Set[str]) -> bool:
        """Another passage of `passage`'s document, no heading, holds every stem `needed`;
        not in its opening paragraph, which says what the whole document is about ("The
        garden has 46 allotment plots" is every plot's)."""
        doc = passage.citations[0].doc
        return any(
            u.citations != passage.citations
            and not is_heading(u)
            and not self.in_opening(u)
            and needed <= self.stems[(doc, u.citations[0].start)]
            for u in self.by_doc.get(doc, [])
        )

    def has_section(self, passage: Passage, stems: Set[str], question: str) -> bool:
        """`passage`'s document has a section whose heading (the title aside) names one of
        `stems` and which shows the kind of thing asked: "## Café" gives the café's hours,
        not the museum's hours row ("## Membership" with no price leaves the fees row)."""
        first = passage.citations[0]
        units = self.by_doc.get(first.doc, [])
        for i, u in enumerate(units[1:], start=1):
            if not is_heading(u) or not stems & self.stems[(first.doc, u.citations[0].start)]:
                continue
            section = itertools.takewhile(lambda v: not is_heading(v), units[i + 1 :])
            if any(shows_kind(question, v) for v in section):
                return True
        return False

    def in_opening(self, passage: Passage) -> bool:
        """`passage` comes before its document's first section heading (the title aside)."""
        first = passage.citations[0]
        return first.start < self.opening_end.get(first.doc, -1)

    def lead_of(self, passage: Passage) -> set[str]:
        """The stems of the first sentence of the passage's document(s)."""
        return set().union(*(self.lead_stems.get(c.doc, set()) for c in passage.citations))

    def known(self, hits: Iterable[object]) -> set[str]:
        """Every stem of the documents the hits come from, each nation's other names
        ("Netherlands" where they say "Dutch") and the lexicon's words ("rider")."""
        docs = {c.doc for h in hits for c in h.passage.citations}  # type: ignore[attr-defined]
        used = set().union(*(self.doc_stems.get(d, set()) for d in docs)) if docs else set()
        named = {t for t, names in self.equivalents.items() if names & used}
        return used | named | self.lexicon_stems

    def asked_heading(self, passage: Passage) -> Citation | None:
        """The heading `passage` answers when it is a question ("### Are lockers free?")
        and the passage is the first under it."""
        first = passage.citations[0]
        before = self.previous.get((first.doc, first.start))
        if before is None or not is_heading_span(before.text):
            return None
        return before if before.text.rstrip().endswith("?") else None

    def with_previous(self, passage: Passage, credit: dict[str, float]) -> tuple[Citation, ...]:
        """The passage's citations, led by the sentence before when it supplied a term."""
        first = passage.citations[0]
        before = self.previous.get((first.doc, first.start))
        if before is not None and IN_PREVIOUS in credit.values():
            if is_heading_span(before.text) or is_title_line(before.text):
                return passage.citations  # a heading is context, not a source of the answer
            return (before, *passage.citations)
        return passage.citations


# Particles that make a verb mean something else ("call off": cancel; "turn up": come).
_PARTICLES = frozenset(["off", "up", "out", "down", "over", "away"])


def _phrasal_verbs(question: str) -> list[tuple[str, str]]:
    """(verb stem, particle) of each "called off" in the question: a word after no
    determiner, then a particle that does not start a preposition ("out of", "up to")."""
    words = fold(question).split()
    return [
        (_stem(words[i - 1]), w)
        for i, w in enumerate(words)
        if i
        and w in _PARTICLES
        and words[i - 1] not in STOPWORDS
        and words[i - 1].isalpha()
        and (i < 2 or words[i - 2] not in _DETERMINERS)  # "drop my cat off": a noun
        and (i + 1 == len(words) or words[i + 1] not in ("of", "to"))
    ]


def _holds_phrasal(words: list[str], verb: str, particle: str) -> bool:
    """The passage's words hold the verb with the particle, at most two words after it
    ("calls it off")."""
    return any(_stem(w) == verb and particle in words[i + 1 : i + 4] for i, w in enumerate(words))


_OCCASION_SUFFIX = re.compile(r"\s*\([^()]*\)\.$")


def _without_occasion(passage: Passage) -> Passage:
    """A fact sentence without the competition it names at its end ("(2025 Nations Cup)"):
    the year there is no time, score or count the fact gives."""
    if passage.kind != "fact":
        return passage
    return replace(passage, text=_OCCASION_SUFFIX.sub(".", passage.text))


_CONTEXTS: dict[tuple[str, str], _Context] = {}
_LOCK = threading.Lock()


def _context(index_dir: str, version: str, passages: Sequence[Passage]) -> _Context:
    key = (index_dir, version)
    with _LOCK:
        found = _CONTEXTS.get(key)
        if found is None:
            if len(_CONTEXTS) >= 4:  # a few index directories at a time (tests, apps) is plenty
                _CONTEXTS.pop(next(iter(_CONTEXTS)))
            found = _CONTEXTS[key] = _Context(passages)
            found.equivalents = _equivalent_names(index_dir)
            found.nation_stems, found.nation_phrases = _nation_names(index_dir)
            found.competition_words = _competition_words(index_dir)
            found.event_phrases = _event_phrases(index_dir)
            found.longest_event_phrase = max(map(len, found.event_phrases), default=0)
            found.lexicon_stems = _lexicon_words(index_dir)
            found.target_stems = _lexicon_words(index_dir, neutral=False)
            found.gender_words = _gender_words(index_dir)
        return found


def _lexicon_words(index_dir: str, neutral: bool = True) -> frozenset[str]:
    """The stems of the words the lexicon gives the domain: what a question asks for
    ("rider", "nation") and, with `neutral`, what narrows nothing ("race", "medal")."""
    from .knowledge import load_knowledge

    lexicon = load_knowledge(Path(index_dir)).facts.lexicon
    words = [
        *(lexicon.neutral if neutral else ()),
        *(w for aliases in lexicon.targets.values() for w in aliases),
    ]
    return frozenset(_stem(w) for phrase in words for w in fold(phrase).split())


_YOUTH_WORDS = frozenset(["girl", "girls", "boy", "boys"])


def _event_phrases(index_dir: str) -> dict[tuple[str, ...], frozenset[str]]:
    """The folded words of each event's names, to the event: its name and its aliases, save
    a one-word alias that is an everyday word ("points", "scratch"); a family's names ("the
    sprint events") to its members."""
    from .knowledge import load_knowledge

    lexicon = load_knowledge(Path(index_dir)).facts.lexicon
    phrases: dict[tuple[str, ...], frozenset[str]] = {}
    named: list[tuple[tuple[str, ...], tuple[str, ...], frozenset[str]]] = [
        ((key, e.name), e.aliases, frozenset([key])) for key, e in lexicon.events.items()
    ]
    named += [((f.name,), f.aliases, frozenset(f.members)) for f in lexicon.families.values()]
    for names, aliases, members in named:
        for name in (*names, *aliases):
            words = tuple(fold(name).split())
            everyday = len(words) == 1 and name not in names and is_dictionary_word(words[0])
            if words and not everyday:
                phrases.setdefault(words, members)
    return phrases


def _gender_words(index_dir: str) -> dict[str, str]:
    """Each folded one-word name of a gender in the lexicon ("mens", "ladies"), to it."""
    from .knowledge import load_knowledge

    lexicon = load_knowledge(Path(index_dir)).facts.lexicon
    return {
        fold(name): gender
        for gender, names in lexicon.genders.items()
        for name in names
        if " " not in fold(name)
    }


def _competition_words(index_dir: str) -> frozenset[str]:
    """The folded words of the names of the competitions the documents report."""
    from .knowledge import load_knowledge

    labels = [label for label, _ in load_knowledge(Path(index_dir)).elsewhere]
    return frozenset(w for label in labels for w in fold(label).split())


def _without_names_of(question: str, words: frozenset[str]) -> str:
    """The question without each run of two words or more of a competition's name."""
    tokens = fold(question).split()
    inside = set()
    for i in range(len(tokens) - 1):
        if tokens[i] in words and tokens[i + 1] in words:
            inside |= {i, i + 1}
    return " ".join(t for i, t in enumerate(tokens) if i not in inside)


def _nation_names(index_dir: str) -> tuple[dict[str, str], dict[str, str]]:
    """The stem of each one-word name of a nation in the lexicon, and each longer name
    folded and spaced (" new zealand "), to the nation."""
    from .knowledge import load_knowledge

    lexicon = load_knowledge(Path(index_dir)).facts.lexicon
    names = [(fold(a), c.name) for c in lexicon.countries.values() for a in c.names]
    one = {_stem(a): nation for a, nation in names if " " not in a and len(a) > 2}
    longer = {f" {a} ": nation for a, nation in names if " " in a}
    return one, longer


def _equivalent_names(index_dir: str) -> dict[str, frozenset[str]]:
    """For each one-word name of a nation or a gender in the lexicon ("Aussie", "Dutch",
    "ladies"), the stems of all its one-word names: a passage naming it one way covers
    another."""
    from .knowledge import load_knowledge

    lexicon = load_knowledge(Path(index_dir)).facts.lexicon
    groups: dict[str, frozenset[str]] = {}
    # a gender's words too: "a ladies' ride" is the "women's ride"
    for names in [*(c.names for c in lexicon.countries.values()), *lexicon.genders.values()]:
        words = {fold(a) for a in names} - _YOUTH_WORDS  # an under-16 "girls' race" is no women's
        stems = frozenset(_stem(w) for w in words if " " not in w and len(w) > 2)
        for s in stems:
            groups[s] = groups.get(s, frozenset()) | stems
    return groups


_CAPITALIZED = re.compile(r"(?<=[\w,;:’'] )([A-Z][\w’'-]+)")


_FULL_NAME = re.compile(r"\b([A-Z][\w’'-]+) ([A-Z][\w’'-]+)\b")


def _first_names(text: str) -> list[tuple[str, str]]:
    """(first, surname) stems of each "Valeria Ortega" in the text: a passage naming the
    surname names the person."""
    return [(_stem(fold(a)), _stem(fold(b))) for a, b in _FULL_NAME.findall(text)]


def _proper_names(text: str) -> set[str]:
    """Stems of the words written with a capital inside a sentence ("Lavreysen", "Paris")."""
    return {_stem(w) for m in _CAPITALIZED.findall(text) for w in fold(m).split()}
