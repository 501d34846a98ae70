"""ask(): resolve a follow-up from the history, route to the facts or to retrieval, compose or abstain."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

from . import config
from .compose import abstention, cited_answer
from .corpus.text import fold
from .encoders import Encoder
from .knowledge import Knowledge, load_knowledge
from .structured.parse import STOPWORDS, Parse
from .structured.query import StructuredResult, answer_structured
from .types import Answer

if TYPE_CHECKING:
    from .retrieval import ScoredHit

# Retrieval answers only when the best passage is close to the question in meaning and
# shares most of its content words; tuned on the dev set so near misses abstain.
MIN_DENSE = 0.45
MIN_COVERAGE = 0.5
STRONG_DENSE = 0.6
STRONG_COVERAGE = 0.75
RERANK_DEPTH = 8
RERANK_COVERAGE = 0.6
# Words of the question itself, not of its subject: they need no support in the passage.
_GENERIC = frozenset(
    [
        "article",
        "text",
        "document",
        "source",
        "sources",
        "say",
        "says",
        "said",
        "tell",
        "mention",
        "mentioned",
        "mentions",
        "happen",
        "happened",
        "happens",
        "describe",
        "described",
        "according",
        "write",
        "written",
        "report",
        "reported",
        "explain",
        "explained",
        "know",
        "known",
        "name",
        "named",
        "give",
        "given",
        "also",
        "about",
        "anything",
        "something",
        "nation",
        "country",
        "team",
        "event",
    ]
)
# Questions about the whole collection ("who won the most golds?") are never follow-ups.
_WHOLE_CORPUS_INTENTS = frozenset({"most", "least", "first", "record"})
_FOLLOW_UP_START = re.compile(r"^\s*(and|what about|how about|same|also|then)\b", re.IGNORECASE)


def ask(
    question: str,
    history: Sequence[str] = (),
    *,
    index_dir: Path | str | None = None,
    encoder: Encoder | None = None,
) -> Answer:
    """Answer `question` (with `history`, the user's earlier questions, oldest first).

    Returns an Answer whose `method` is "structured" (from the facts), "retrieval" (from
    the best supporting sentence) or "none" (abstained: the sources don't say). Raises
    QuestionInvalid for an empty or over-long question, and the index errors of `retrieve`.
    """
    question = config.check_question(question)
    knowledge = load_knowledge(config.index_dir(index_dir))
    context: _Context | None = None
    for earlier in list(history)[-6:]:
        if earlier and earlier.strip() and len(earlier) <= config.MAX_QUESTION_CHARS:
            context = _understand(earlier, context, knowledge)
    current = _understand(question, context, knowledge)
    structured = current.result
    if structured is not None and not structured.abstain:
        return _from_structured(structured)
    query = (
        question if context is None or not current.follow_up else f"{context.question} {question}"
    )
    if structured is None:
        return _from_retrieval(query, index_dir, encoder)
    # The facts cover their own documents; a document without facts may still answer.
    others = knowledge.documents_without_facts
    if others:
        found = _from_retrieval(query, index_dir, encoder)
        if found.method == "retrieval" and all(c.doc in others for c in found.citations):
            return found
    return _from_structured(structured)


@dataclass(frozen=True)
class _Context:
    question: str
    parse: Parse
    result: StructuredResult | None
    follow_up: bool


def _understand(question: str, context: _Context | None, knowledge: Knowledge) -> _Context:
    parse = knowledge.parser.parse(question)
    follow_up = context is not None and _is_follow_up(question, parse)
    if follow_up and context is not None:
        parse = _merge(parse, context)
    result = answer_structured(parse, knowledge.facts)
    return _Context(question, parse, result, follow_up)


def _is_follow_up(question: str, parse: Parse) -> bool:
    """ "and the men's?", "who was his partner?", "who finished second?" (no subject of its own)."""
    if _FOLLOW_UP_START.match(question) or parse.references:
        return True
    stands_alone = parse.target == "country" or bool(parse.intents & _WHOLE_CORPUS_INTENTS)
    return not parse.has_subject and not stands_alone


def _merge(current: Parse, context: _Context) -> Parse:
    """Fill what the follow-up leaves out from the previous question and its answer."""
    prev = context.parse
    merged = replace(
        current,
        events=current.events or prev.events,
        genders=current.genders or prev.genders,
        medals=current.medals or prev.medals,
        countries=current.countries or prev.countries,
        riders=current.riders or prev.riders,
        intents=(current.intents - {"yesno"}) and current.intents or prev.intents,
        wh=current.wh if current.intents - {"yesno"} or current.target else prev.wh,
        target=current.target or prev.target,
        other_games=current.other_games or prev.other_games,
        mentions=current.mentions or prev.mentions,
    )
    answer = context.result
    if (
        current.references
        and not current.riders
        and not current.countries
        and answer
        and not answer.abstain
    ):
        # "she", "they": the people of the previous answer, whatever else they won
        merged = replace(
            merged,
            riders=answer.riders,
            countries=answer.countries,
            events=current.events,
            genders=current.genders,
            medals=current.medals,
        )
    return merged


def _from_structured(result: StructuredResult) -> Answer:
    if result.abstain or not result.facts:
        return abstention(result.lead, result.suggestions)
    citations = [c for fact in result.facts for c in fact.citations]
    return cited_answer(result.lead, citations, "structured")


def _from_retrieval(query: str, index_dir: Path | str | None, encoder: Encoder | None) -> Answer:
    """The best supporting sentence, or an abstention when none supports the question."""
    from .retrieval import search

    hits = search(query, k=RERANK_DEPTH, index_dir=index_dir, encoder=encoder)
    terms = _content_stems(query)
    if not hits or not terms:
        return abstention()
    supports = [
        _content_stems(" ".join([h.passage.text, *(c.text for c in h.citations)])) for h in hits
    ]
    # Pseudo-IDF over the candidates: a word most of them share says little about which is right.
    weight = {t: 1.0 / (1 + sum(t in s for s in supports)) for t in terms}
    total = sum(weight.values())

    def weighted(i: int) -> float:
        return sum(w for t, w in weight.items() if t in supports[i]) / total

    best = max(range(len(hits)), key=lambda i: (RERANK_COVERAGE * weighted(i) + hits[i].fused, -i))
    top, support = hits[best], supports[best]
    coverage = sum(t in support for t in terms) / len(terms)
    unknown = [t for t in terms if t in _unknown_stems(hits)]
    if unknown:  # a word the corpus never uses: answer only on a close, well-covered match
        ok = top.dense >= STRONG_DENSE and coverage >= STRONG_COVERAGE
    else:
        ok = top.dense >= MIN_DENSE and coverage >= MIN_COVERAGE
    if not ok:
        return abstention()
    return cited_answer(" ".join(top.passage.text.split()), top.citations, "retrieval")


def _content_stems(text: str) -> set[str]:
    return {
        _stem(t)
        for t in fold(text).split()
        if t not in STOPWORDS and t not in _GENERIC and len(t) > 1
    }


def _unknown_stems(hits: Sequence[ScoredHit]) -> set[str]:
    return {_stem(t) for t in hits[0].unknown_terms} if hits else set()


def _stem(word: str) -> str:
    return str(_stemmer().stemWord(word))


@lru_cache(maxsize=1)
def _stemmer():  # type: ignore[no-untyped-def]
    import snowballstemmer

    return snowballstemmer.stemmer("english")
