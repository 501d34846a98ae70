"""ask(): resolve a follow-up from the history, route to the facts or to retrieval, compose or abstain."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from . import config
from .compose import abstention, cited_answer
from .encoders import Encoder
from .errors import QuestionInvalid
from .knowledge import Knowledge, load_knowledge
from .structured.parse import Parse
from .structured.query import StructuredResult, answer_structured
from .types import Answer

# Retrieval answers only when the best passage is close to the question in meaning and
# shares most of its content words; tuned on the dev set so near misses abstain.
MIN_DENSE = 0.45
MIN_COVERAGE = 0.5
# Words of the question itself, not of its subject: they need no support in the passage.
_GENERIC = frozenset(
    """article text document source sources say says said tell mention mentioned mentions
    happen happened happens describe described according write written report reported
    explain explained know known name named give given also about anything something
    nation country team event""".split()
)
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
    question = _check(question)
    knowledge = load_knowledge(config.index_dir(index_dir))
    context: _Context | None = None
    for earlier in list(history)[-6:]:
        if earlier and earlier.strip() and len(earlier) <= config.MAX_QUESTION_CHARS:
            context = _understand(earlier, context, knowledge)
    current = _understand(question, context, knowledge)
    if current.result is not None:
        return _from_structured(current.result)
    query = question if context is None or not current.follow_up else f"{context.question} {question}"
    return _from_retrieval(query, index_dir, encoder)


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
    if _FOLLOW_UP_START.match(question) or parse.references:
        return True
    asks_something = bool(parse.intents - {"yesno"}) or parse.target is not None
    return not parse.has_subject and not asks_something


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
    if current.references and not current.riders and not current.countries and answer and not answer.abstain:
        merged = replace(merged, riders=answer.riders, countries=answer.countries)
    return merged


def _from_structured(result: StructuredResult) -> Answer:
    if result.abstain or not result.facts:
        return abstention(result.lead, result.suggestions)
    citations = [c for fact in result.facts for c in fact.citations]
    return cited_answer(result.lead, citations, "structured")


def _from_retrieval(query: str, index_dir: Path | str | None, encoder: Encoder | None) -> Answer:
    from .retrieval import lexical_tokens, search

    hits = search(query, k=5, index_dir=index_dir, encoder=encoder)
    if not hits:
        return abstention()
    top = hits[0]
    terms = [t for t in top.query_terms if t not in _GENERIC]
    if any(t in top.unknown_terms for t in terms):  # a word the corpus never uses
        return abstention()
    support = set(lexical_tokens(" ".join([top.passage.text, *(c.text for c in top.citations)])))
    coverage = sum(t in support for t in terms) / len(terms) if terms else 0.0
    if top.dense < MIN_DENSE or coverage < MIN_COVERAGE:
        return abstention()
    return cited_answer(top.passage.text, top.citations, "retrieval")


def _check(question: str) -> str:
    if not isinstance(question, str) or not question.strip():
        raise QuestionInvalid("the question is empty; type a question about the documents")
    if len(question) > config.MAX_QUESTION_CHARS:
        raise QuestionInvalid(
            f"the question is {len(question)} characters long; please keep it under "
            f"{config.MAX_QUESTION_CHARS}"
        )
    return question.strip()
