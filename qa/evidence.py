"""The retrieval path's answer: the sentence that best supports a question, or none.

Hybrid search proposes candidates; each is scored by how much of the question's content
(stemmed words, weighted by rarity): fully in the sentence itself, nearly in the sentence
before it (which often names who "he" or "they" is), half in the one before that or in its
document's first sentence (the topic a title or lead sets). The candidates are reranked by that coverage, and
the best answers only when it is close in meaning and covers enough of the question; a
question word the candidates' documents never use asks for a closer, fuller match.
"""

from __future__ import annotations

import math
import re
import threading
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from .corpus.text import fold, is_dictionary_word
from .corpus.text import stem as _stem
from .encoders import Encoder
from .structured.parse import STOPWORDS
from .types import Citation, Passage

# The gate: close enough in meaning (dense cosine) and covering enough of the question
# (rarity-weighted), the two trading off; tuned on the dev set and on new documents.
MIN_DENSE = 0.35
MIN_COVERAGE = 0.5
MIN_EVIDENCE = 0.75  # dense + EVIDENCE_COVERAGE * coverage
EVIDENCE_COVERAGE = 0.5
STRONG_DENSE = 0.55  # when a question word occurs in none of the candidates' documents
RERANK_DEPTH = 8
RERANK_COVERAGE = 1.0
IN_SENTENCE, IN_PREVIOUS, IN_EARLIER, IN_LEAD = 1.0, 0.75, 0.5, 0.5

# Words of the question itself, not of its subject: they need no support in the passage.
_GENERIC_WORDS = """
    article text document source sources say says said tell mention mentioned mentions
    happen happened happens describe described according write written report reported
    explain explained know known name named give given also about anything something nation
    country team event many much he she him his her hers they them their theirs it its
"""
GENERIC = frozenset(_GENERIC_WORDS.split())


@dataclass(frozen=True)
class Support:
    """A supporting sentence (with the one before it when that names its subject)."""

    text: str
    citations: tuple[Citation, ...]
    dense: float
    coverage: float


def find_support(
    query: str,
    *,
    index_dir: Path | str | None = None,
    encoder: Encoder | None = None,
    documents: set[str] | None = None,
    focus: str | None = None,
) -> Support | None:
    """The best supporting sentence for `query`, from `documents` only when given, or None.

    `focus` is the question itself when `query` also carries an earlier one (a follow-up):
    what it asks must be supported, not only what the conversation was about.
    """
    from .retrieval import loaded_index, search

    terms = content_stems(query)
    if not terms or asks_yes_no(focus or query):
        return None  # a quoted sentence is not a yes or a no
    depth = RERANK_DEPTH if documents is None else 3 * RERANK_DEPTH
    hits = search(query, k=depth, index_dir=index_dir, encoder=encoder)
    if documents is not None:
        hits = [h for h in hits if all(c.doc in documents for c in h.citations)]
    if not hits:
        return None
    index = loaded_index(index_dir=index_dir, encoder=encoder)
    context = _context(str(index.index_dir), index.version, index.passages)
    credits = [context.cover(terms, h.passage) for h in hits]
    # Rare words weigh more: "men's road race" is not covered by a sentence with "won ... race".
    weight = {t: context.idf(t) for t in terms}
    total = sum(weight.values())

    def coverage_of(i: int) -> float:
        return sum(w * credits[i].get(t, 0.0) for t, w in weight.items()) / total

    unknown = terms - context.known(hits[:RERANK_DEPTH])
    # The question's most telling word ("bronze", "spectators") must be in the sentence or the
    # one before it: a sentence that only shares the common words answers another question.
    known = terms - unknown
    key = max(known, key=lambda t: (weight[t], t)) if known else None
    eligible = [
        i
        for i in range(len(hits))
        if (
            key is None
            or credits[i].get(key, 0.0) >= IN_PREVIOUS
            or key in context.lead_of(hits[i].passage)  # the document's topic: "mountain bike"
        )
        # a sentence that only repeats the question (a heading) tells nothing
        and bool(content_stems(hits[i].passage.text) - terms)
    ]
    if not eligible:
        return None
    best = max(eligible, key=lambda i: (RERANK_COVERAGE * coverage_of(i) + hits[i].fused, -i))
    hit, credit, coverage = hits[best], credits[best], coverage_of(best)
    ok = (
        coverage >= MIN_COVERAGE
        and hit.dense >= (STRONG_DENSE if unknown else MIN_DENSE)
        and hit.dense + EVIDENCE_COVERAGE * coverage >= MIN_EVIDENCE
    )
    if not ok or not context.answers(focus or query, hit.passage, credit):
        return None
    citations = context.with_previous(hit.passage, credit)
    text = (
        hit.passage.text
        if citations == hit.passage.citations
        else " ".join(c.text for c in citations)
    )
    return Support(" ".join(text.split()), citations, hit.dense, coverage)


_YES_NO_START = frozenset(
    [
        "did",
        "does",
        "do",
        "was",
        "were",
        "is",
        "are",
        "has",
        "have",
        "had",
        "can",
        "could",
        "will",
        "would",
    ]
)
# Questions whose answer is a number or a date: the sentence must hold one.
_NUMBER_QUESTION = re.compile(r"\bhow (many|much|long|old|often|far|fast)\b")
_NUMBER = re.compile(
    r"\b(\d[\d,.]*|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|twenty|"
    r"hundred|thousand|million|single|first|second|third|fourth|fifth)\b"
)
# Questions whose answer is a date: the sentence must hold a year, a month or a weekday
# ("may" is left out: it is far more often the verb).
_DATE_QUESTION = re.compile(r"\b(when|(what|which) (years?|dates?|days?|months?|time))\b")
_DATE = re.compile(
    r"\b(1[89]\d\d|20\d\d|\d{1,2}[:.]\d\d|\d{1,2} ?(am|pm)|january|february|march|april|june|"
    r"july|august|september|october|november|december|monday|tuesday|wednesday|thursday|"
    r"friday|saturday|sunday|today|yesterday|tomorrow|morning|evening|night|noon|midnight)\b"
)


def asks_yes_no(question: str) -> bool:
    """ "Did ...?", "Is ...?": the question's first word is an auxiliary."""
    words = fold(question).split()
    return bool(words) and words[0] in _YES_NO_START


def content_stems(text: str) -> set[str]:
    """The stems of the words that carry content."""
    return {
        _stem(t)
        for t in fold(text).split()
        if t not in STOPWORDS and t not in GENERIC and len(t) > 1
    }


class _Context:
    """Per index version: each document's sentences in order and each document's stems."""

    def __init__(self, passages: Sequence[Passage]) -> None:
        by_doc: dict[str, list[Citation]] = {}
        for p in passages:
            if p.kind == "source":
                by_doc.setdefault(p.citations[0].doc, []).append(p.citations[0])
        self.previous: dict[tuple[str, int], Citation] = {}
        self.stems: dict[tuple[str, int], set[str]] = {}
        self.doc_stems: dict[str, set[str]] = {}
        self.lead_stems: dict[str, set[str]] = {}  # a document's first sentence: its topic
        self.df: Counter[str] = Counter()
        self.names: set[str] = set()  # stems of words capitalized inside a sentence
        for p in passages:
            self.names |= _proper_names(p.text)
        for doc, sentences in by_doc.items():
            sentences.sort(key=lambda c: c.start)
            stems: set[str] = set()
            for before, sentence in zip([None, *sentences], sentences, strict=False):
                own = self.stems[(doc, sentence.start)] = content_stems(sentence.text)
                self.df.update(own)
                stems |= own
                if before is not None:
                    self.previous[(doc, sentence.start)] = before
            self.doc_stems[doc] = stems
            self.lead_stems[doc] = self.stems[(doc, sentences[0].start)]
        self.sentences = sum(len(s) for s in by_doc.values())
        self.all_stems: set[str] = (
            set().union(*self.doc_stems.values()) if self.doc_stems else set()
        )
        for p in passages:  # fact sentences too: their words are the corpus' words
            self.all_stems |= content_stems(p.text)

    def idf(self, stem: str) -> float:
        """Smoothed inverse sentence frequency: 1 for a word in every sentence, more for rarer."""
        return math.log((self.sentences + 1) / (self.df[stem] + 1)) + 1.0

    def cover(self, terms: set[str], passage: Passage) -> dict[str, float]:
        """Each term's credit: in the sentence, in the one before, in its document's lead."""
        own = content_stems(" ".join([passage.text, *(c.text for c in passage.citations)]))
        first = passage.citations[0]
        before = self.previous.get((first.doc, first.start))
        earlier = self.previous.get((before.doc, before.start)) if before else None
        previous = self.stems.get((before.doc, before.start), set()) if before else set()
        two_back = self.stems.get((earlier.doc, earlier.start), set()) if earlier else set()
        lead = self.lead_of(passage)
        credit = {}
        for t in terms:
            if t in own:
                credit[t] = IN_SENTENCE
            elif t in previous:
                credit[t] = IN_PREVIOUS
            elif t in two_back or t in lead:
                credit[t] = IN_EARLIER
        return credit

    def answers(self, question: str, passage: Passage, credit: dict[str, float]) -> bool:
        """The passage gives the kind of thing asked (a number for "how many", a date for
        "when"), and a fact
        sentence supports what the question asks, not only whom it names.

        A fact sentence states one relation of its subject (a nationality, a result). When
        the question uses an everyday word no document uses ("how old", "who coaches"), it
        asks for another relation unless another of its words, besides names, is in the
        fact. A source sentence says more than one thing; the semantic match is trusted.
        """
        folded = fold(question)
        said = fold(passage.text)
        if _NUMBER_QUESTION.search(folded) and not _NUMBER.search(said):
            return False
        if _DATE_QUESTION.search(folded) and not _DATE.search(said):
            return False
        if passage.kind != "fact":
            return True
        terms = content_stems(question)
        absent = {
            _stem(w)
            for w in folded.split()
            if _stem(w) in terms and _stem(w) not in self.all_stems and is_dictionary_word(w)
        }
        if not absent:
            return True
        asked = terms - absent - self.names
        return any(credit.get(t, 0.0) >= IN_PREVIOUS for t in asked)

    def lead_of(self, passage: Passage) -> set[str]:
        """The stems of the first sentence of the passage's document(s)."""
        return set().union(*(self.lead_stems.get(c.doc, set()) for c in passage.citations))

    def known(self, hits: Iterable[object]) -> set[str]:
        """Every stem of the documents the hits come from."""
        docs = {c.doc for h in hits for c in h.passage.citations}  # type: ignore[attr-defined]
        return set().union(*(self.doc_stems.get(d, set()) for d in docs)) if docs else set()

    def with_previous(self, passage: Passage, credit: dict[str, float]) -> tuple[Citation, ...]:
        """The passage's citations, led by the sentence before when it supplied a term."""
        first = passage.citations[0]
        before = self.previous.get((first.doc, first.start))
        if before is not None and IN_PREVIOUS in credit.values():
            return (before, *passage.citations)
        return passage.citations


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
        return found


_CAPITALIZED = re.compile(r"(?<=[\w,;:’'] )([A-Z][\w’'-]+)")


def _proper_names(text: str) -> set[str]:
    """Stems of the words written with a capital inside a sentence ("Lavreysen", "Paris")."""
    return {_stem(w) for m in _CAPITALIZED.findall(text) for w in fold(m).split()}
