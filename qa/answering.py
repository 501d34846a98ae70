"""ask(): resolve a follow-up from the history, route to the facts or to retrieval, compose or abstain."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from . import config
from .answer_kinds import asks_for_words, holds_asked_kind
from .compose import abstention, cited_answer, joined_answers
from .corpus.occasion import said_at
from .corpus.text import fold
from .encoders import Encoder
from .errors import QuestionInvalid
from .evidence import conclusion_support, find_support, framing_support
from .knowledge import Knowledge, load_knowledge
from .question_text import (
    as_claim,
    occasion_named,
    two_questions,
    with_question_word,
    without_preamble,
)
from .structured.occasions import answer_by_occasion
from .structured.parse import STOPWORDS, Parse
from .structured.result import StructuredResult, number
from .types import Answer, Passage

# Questions about the whole collection ("who won the most golds?") are never follow-ups.
_WHOLE_CORPUS_INTENTS = frozenset({"most", "least", "first", "record"})
_COMPARED = frozenset({"most", "surpass", "equal"})  # "more than", "overtaken", "as many as"
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
    QuestionInvalid for an empty, over-long or undecodable question or a history item that
    is not text (empty, over-long and undecodable earlier questions are skipped), and the
    index errors of `retrieve`.
    """
    question = config.check_question(question)
    earlier_questions = _recent(history)
    parts = two_questions(question)
    if parts is not None:  # "who won the omnium, and who was second?": each part answered
        first = _ask_one(parts[0], earlier_questions, index_dir, encoder)
        second = _ask_one(parts[1], [*earlier_questions, parts[0]], index_dir, encoder)
        if first.method != "none" or second.method != "none":
            return joined_answers(first, second)
    return _ask_one(question, earlier_questions, index_dir, encoder)


def _ask_one(
    question: str,
    earlier_questions: list[str],
    index_dir: Path | str | None,
    encoder: Encoder | None,
) -> Answer:
    knowledge = load_knowledge(config.index_dir(index_dir))
    context: _Context | None = None
    for earlier in earlier_questions:
        context = _understand(earlier, context, knowledge)
    current = _understand(question, context, knowledge)
    question = current.asked  # without the name of the competition it is about, if any
    query = question if context is None or not current.follow_up else _joined(context, question)
    structured = current.result
    if structured and not structured.abstain and current.parse.person and not structured.riders:
        # "which riders won it?" answered by a nation's tally answers another question
        structured = StructuredResult("The sources don't name the riders.", abstain=True)
    if structured is not None and not structured.abstain:
        if not _gives_asked_kind(question, structured):
            structured = _counted(question, structured)
            if not _gives_asked_kind(question, structured):
                # "what time did they set?": a record without its time answers another question
                return abstention("The sources don't give that.")
        answer = _from_structured(structured)
        if current.occasion is None and knowledge.elsewhere:
            answer = _with_other_competitions(
                answer, structured, query, question, knowledge, index_dir, encoder
            )
        return answer
    if structured is None:
        if "framing" in current.parse.intents:
            return _framing_answer(question, query, current.parse, knowledge, index_dir, encoder)
        found = _from_retrieval(
            query,
            index_dir,
            encoder,
            focus=question,
            occasions=knowledge.occasions,
            docs=_documents_of(current, knowledge),
        )
        if found.method == "none" and current.framed and context is None:
            # "I've only got a hybrid - can I still come?": the words before named something
            # a document speaks of, though no fact
            found = _from_retrieval(
                current.question,
                index_dir,
                encoder,
                occasions=knowledge.occasions,
                docs=_documents_of(current, knowledge),
            )
        return found
    # Before saying "the sources don't say", look at every document: a sentence no fact was
    # read from (a new document's, a table row) may still answer.
    found = _from_retrieval(
        query,
        index_dir,
        encoder,
        focus=question,
        unread=knowledge.read_spans,
        about=_names_of(current.parse, knowledge),
        required=current.parse.other_games,
        occasions=knowledge.occasions,
        docs=_documents_of(current, knowledge),
    )
    if found.method == "retrieval":
        return found
    return _from_structured(structured)


def _with_other_competitions(
    answer: Answer,
    structured: StructuredResult,
    query: str,
    question: str,
    knowledge: Knowledge,
    index_dir: Path | str | None,
    encoder: Encoder | None,
) -> Answer:
    """A question naming no competition, answered from the facts of some: a sentence of a
    report on another one that answers it too follows, saying which ("what happened in the
    men's madison?": who won in Paris, and the crash at the European championships)."""
    cited = {c.doc for f in structured.facts for c in f.citations}
    others = frozenset(knowledge.occasions) - cited
    if not others:
        return answer
    support = find_support(
        query,
        index_dir=index_dir,
        encoder=encoder,
        focus=question,
        unread=knowledge.read_spans,
        docs=others,
    )
    if support is None or support.coverage < 1.0:  # every word of the question, not a neighbour
        return answer
    text = said_at(support.text, knowledge.occasions[support.citations[0].doc])
    return cited_answer(
        f"{structured.lead} {text}", (*answer.citations, *support.citations), "structured"
    )


def _framing_answer(
    question: str,
    query: str,
    parse: Parse,
    knowledge: Knowledge,
    index_dir: Path | str | None,
    encoder: Encoder | None,
) -> Answer:
    """ "How does the article describe ...", "what's its tone?": the source's own words, never
    a fact sentence. About a rider, nation or event: the sentences naming it. Otherwise the
    sentence that answers what is asked without the framing words, or the one closest in
    meaning; about the whole text, its closing sentences."""
    plain = _without_framing(query, parse)
    about = _names_of(parse, knowledge)
    if about:
        support = framing_support(plain, index_dir=index_dir, encoder=encoder, about=about)
        if support is not None:
            return cited_answer(support.text, support.citations, "retrieval")
    whole = not about and _about_the_whole_text(parse, knowledge)
    if whole:  # "how does the writer sum up the week overall?": where the text sums up
        support = conclusion_support(query, index_dir=index_dir, encoder=encoder)
        if support is not None:
            return cited_answer(support.text, support.citations, "retrieval")
    found = _from_retrieval(
        plain, index_dir, encoder, focus=_without_framing(question, parse), unread=frozenset()
    )
    if found.method == "retrieval" or about:
        return found
    support = framing_support(query, index_dir=index_dir, encoder=encoder)
    if support is None:
        return abstention()
    return cited_answer(support.text, support.citations, "retrieval")


_HISTORY_TURNS = 6  # the earlier questions a follow-up is resolved against


def _recent(history: Sequence[str] | str | None) -> list[str]:
    """The last few earlier questions that can be asked (stripped); empty, over-long and
    undecodable ones are skipped, as the app skips them. QuestionInvalid for a non-text item."""
    if history is None:
        return []
    if isinstance(history, str):  # one earlier question, not a sequence of characters
        history = [history]
    try:
        # a slice, so a huge history is not copied
        recent = history[-_HISTORY_TURNS:] if isinstance(history, Sequence) else list(history)
    except TypeError as e:
        raise QuestionInvalid(
            f"the history is a {type(history).__name__}; pass the earlier questions as a "
            "list of strings, oldest first"
        ) from e
    kept = []
    for earlier in list(recent)[-_HISTORY_TURNS:]:
        if earlier is not None and not isinstance(earlier, str):
            raise QuestionInvalid(
                f"the history holds a {type(earlier).__name__} where an earlier question "
                "belongs; pass the earlier questions as strings, oldest first"
            )
        try:
            kept.append(config.check_question(earlier))
        except QuestionInvalid:
            continue
    return kept


def _joined(context: _Context, question: str) -> str:
    """The follow-up after the question it follows, for retrieval, within the length a
    question may have: the follow-up is kept whole, the earlier question cut at its end."""
    room = config.MAX_QUESTION_CHARS - len(question) - 1
    if room <= 0:
        return question
    return f"{context.question[:room]} {question}"


@dataclass(frozen=True)
class _Context:
    question: str
    parse: Parse
    result: StructuredResult | None
    follow_up: bool
    asked: str  # the question without the name of the competition it is about
    occasion: str | None = None  # the competition the conversation is about, if named
    framed: bool = False  # words before the question itself were left aside (a preamble)


def _understand(question: str, context: _Context | None, knowledge: Knowledge) -> _Context:
    question = with_question_word(question)
    unframed = without_preamble(question, knowledge.parser)
    asked, occasion = occasion_named(unframed, knowledge)
    if occasion is None and context is not None:
        occasion = context.occasion  # "and the women's?" after "… at the 2025 Euros?"
    parse = knowledge.parser.parse(as_claim(asked))
    follow_up = context is not None and _is_follow_up(asked, parse)
    if follow_up and context is not None:
        parse = _merge(parse, context)
    result = (
        None
        if asks_for_words(asked)  # a quote is in the text, never in the facts
        else answer_by_occasion(parse, knowledge.facts, knowledge.elsewhere, occasion)
    )
    return _Context(question, parse, result, follow_up, asked, occasion, unframed != question)


def _documents_of(current: _Context, knowledge: Knowledge) -> frozenset[str] | None:
    """The documents that may answer: those on the competition named, else all."""
    return None if current.occasion is None else knowledge.documents_of(current.occasion)


def _is_follow_up(question: str, parse: Parse) -> bool:
    """ "and the men's?", "who was his partner?", "who finished second?" (no subject of its own)."""
    if _FOLLOW_UP_START.match(question) or parse.references:
        return True
    # "which nation won the most?" stands alone; "which team was second?" asks of the race
    # just asked about
    nations_asked = parse.target == "country" and not parse.medals
    stands_alone = nations_asked or bool(parse.intents & _WHOLE_CORPUS_INTENTS)
    return not parse.has_subject and not stands_alone


def _merge(current: Parse, context: _Context) -> Parse:
    """Fill what the follow-up leaves out from the previous question and its answer."""
    prev = context.parse
    # "what did he do in the keirin?": whatever the earlier rider did there, not what the
    # earlier question asked (who won)
    own = bool(current.intents - {"yesno"}) or (
        current.references and current.wh in ("what", "how") and not current.target
    )
    merged = replace(
        current,
        events=current.events or prev.events,
        genders=current.genders or prev.genders,
        medals=current.medals or prev.medals,
        countries=current.countries or prev.countries,
        riders=current.riders or prev.riders,
        intents=current.intents if own else prev.intents,
        wh=current.wh if own or current.target else prev.wh,
        # a follow-up with an intent of its own ("how did he do in Tokyo?") asks for its own kind
        target=current.target or (None if own else prev.target),
        other_games=current.other_games or prev.other_games,
    )
    if not current.mentions:
        # the earlier question's mentions index the earlier question's words: they come
        # along, after the follow-up's own, so every mention still points at its words
        shift = len(current.tokens)
        merged = replace(
            merged,
            tokens=current.tokens + prev.tokens,
            mentions=tuple(
                replace(m, start=m.start + shift, end=m.end + shift) for m in prev.mentions
            ),
        )
    if _COMPARED & current.intents and current.references and prev.riders and current.riders:
        # "is that more than Kenny got?": the earlier rider against the one named, in that
        # order (the earlier one's mentions first, so it stands first)
        earlier = [m for m in prev.mentions if m.has("rider")]
        shift = len(prev.tokens)
        merged = replace(
            merged,
            riders=tuple(dict.fromkeys((*prev.riders, *current.riders))),
            tokens=prev.tokens + current.tokens,
            mentions=(
                *earlier,
                *(replace(m, start=m.start + shift, end=m.end + shift) for m in current.mentions),
            ),
        )
    answer = context.result
    if "exclude" in current.intents and not current.excluded and answer and not answer.abstain:
        # "did she win anything else?": what the previous answer gave is left out
        merged = replace(merged, excluded_facts=tuple(f.id for f in answer.facts))
    if (
        _refers_to_people(current)
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


_HOW_MANY_PEOPLE = re.compile(
    r"\bhow many (riders|cyclists|athletes|people|members|women|men|of them)\b", re.IGNORECASE
)


def _counted(question: str, result: StructuredResult) -> StructuredResult:
    """ "How many riders were in the squad?" answered by naming them: the count comes first."""
    if not _HOW_MANY_PEOPLE.search(question) or not result.riders:
        return result
    return replace(result, lead=f"{number(len(result.riders)).capitalize()}: {result.lead}")


def _gives_asked_kind(question: str, result: StructuredResult) -> bool:
    """The facts' answer holds the kind of thing asked: a time for "what time", a number
    for "how many", a date for "when"."""
    stated = Passage(result.lead, "fact", tuple(c for f in result.facts for c in f.citations))
    return holds_asked_kind(question, stated)


def _about_the_whole_text(p: Parse, knowledge: Knowledge) -> bool:
    """ "What's the overall tone?", "how does the article sum up the programme?": no rider,
    nation or event, and no word the documents use that would name a part of them."""
    return not p.has_subject and not (set(p.open_words) & knowledge.parser.vocabulary)


def _without_framing(text: str, p: Parse) -> str:
    """The question without its "describe", "tone", "sum up" words."""
    framing = {w for m in p.mentions if m.has("intent", "framing") for w in m.text.split()}
    return " ".join(w for w in text.split() if fold(w) not in framing) or text


def _names_of(p: Parse, knowledge: Knowledge) -> tuple[frozenset[str], ...]:
    """For each nation and rider the question names, the ways a text may name them."""
    lex = knowledge.facts.lexicon
    names = []
    for country in p.countries:
        c = lex.country(country)
        names.append(frozenset(fold(a) for a in c.names if len(a) > 2))
    for rider in p.riders:
        names.append(frozenset({fold(rider), fold(rider).split()[-1]}))
    return tuple(names)


# Pronouns that stand for the people of the previous answer; "it", "that" stand for what
# was asked about (the event), which the merge keeps anyway.
_PERSON_PRONOUNS = frozenset(
    ["he", "she", "his", "her", "him", "hers", "they", "them", "their", "theirs"]
)
_OBJECT_PRONOUNS = frozenset(["her", "him", "them"])


def _refers_to_people(p: Parse) -> bool:
    """ "who was his partner?", "did she win again?": yes; "who came second behind her?",
    "who beat them?" ask for someone else, placed against those people: no."""
    for m in p.mentions:
        if not m.has("reference") or m.text not in _PERSON_PRONOUNS:
            continue
        next_word = p.tokens[m.end] if m.end < len(p.tokens) else ""
        possessive = m.text != "her" or (next_word.isalpha() and next_word not in STOPWORDS)
        asks_someone_else = p.target == "rider" and p.wh in ("who", "whom", "whose")
        if asks_someone_else and (m.text in _OBJECT_PRONOUNS and not possessive):
            continue
        return True
    return False


def _from_structured(result: StructuredResult) -> Answer:
    if result.abstain or not result.facts:
        return abstention(result.lead, result.suggestions)
    citations = [c for fact in result.facts for c in fact.citations]
    return cited_answer(result.lead, citations, "structured")


def _from_retrieval(
    query: str,
    index_dir: Path | str | None,
    encoder: Encoder | None,
    focus: str | None = None,
    unread: frozenset[tuple[str, int]] | None = None,
    about: tuple[frozenset[str], ...] = (),
    required: tuple[str, ...] = (),
    occasions: Mapping[str, str] | None = None,
    docs: frozenset[str] | None = None,
) -> Answer:
    """The best supporting sentence (saying which competition, when from a report on another
    one: `occasions` maps those documents to theirs), or an abstention when none does."""
    support = find_support(
        query,
        index_dir=index_dir,
        encoder=encoder,
        focus=focus,
        unread=unread,
        about=about,
        required=required,
        docs=docs,
    )
    if support is None:
        return abstention()
    text = f"Yes. {support.text}" if support.confirms else support.text
    text = said_at(text, (occasions or {}).get(support.citations[0].doc))
    return cited_answer(text, support.citations, "retrieval")
