"""qa.ask() and qa.retrieve() under hostile and odd input (issue 13).

Properties: only QAError subclasses escape (never TypeError, UnicodeEncodeError, ...);
every citation quotes its document exactly; every call is bounded in time.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from _hostile import (
    PAYLOADS,
    QUESTION_WORDS,
    STRUCTURED_QUESTIONS,
    check_citations,
    check_payload,
    hostile_text,
    odd_history,
)
from hypothesis import example, given, settings
from hypothesis import strategies as st

from qa import ask, retrieve
from qa.config import MAX_QUESTION_CHARS
from qa.errors import QAError, QuestionInvalid
from qa.types import Answer, Hit

pytestmark = pytest.mark.slow

SECONDS_PER_CALL = 2.0  # generous: a warm call takes well under 0.2 s


@pytest.fixture(scope="module")
def corpus(real_index: Path) -> Path:
    # warm the caches (index, encoder, parser) so timings measure the question, not loading
    ask("Who won the keirin?", index_dir=real_index)
    return real_index.parent / "corpus"


def timed(call: Callable[[], Any]) -> tuple[Any, float]:
    """The call's result (or the QAError it raised) and its duration in seconds; a call
    over SECONDS_PER_CALL is timed again (a busy machine pauses, an unbounded call repeats)."""
    result, seconds = _timed_once(call)
    if seconds >= SECONDS_PER_CALL:
        result, seconds = _timed_once(call)
    return result, seconds


def _timed_once(call: Callable[[], Any]) -> tuple[Any, float]:
    started = time.perf_counter()
    try:
        result = call()
    except QAError as e:  # the only kind allowed out; anything else fails the test
        result = e
    return result, time.perf_counter() - started


def check_answer(result: Answer | QAError, corpus: Path) -> None:
    if isinstance(result, QAError):
        assert str(result).strip()
        return
    assert isinstance(result, Answer)
    check_payload(result.to_dict(), corpus)


def check_hits(result: list[Hit] | QAError, corpus: Path) -> None:
    if isinstance(result, QAError):
        assert str(result).strip()
        return
    assert isinstance(result, list) and len(result) <= 5
    for hit in result:
        assert isinstance(hit, Hit)
        check_citations([c.to_dict() for c in (hit.citation, *hit.citations)], corpus)


@settings(max_examples=200, deadline=None)
@given(question=hostile_text)
def test_ask_raises_only_qa_errors_and_cites_exactly(
    question: str, real_index: Path, corpus: Path
) -> None:
    result, seconds = timed(lambda: ask(question, index_dir=real_index))
    check_answer(result, corpus)
    assert seconds < SECONDS_PER_CALL, (question, seconds)


@settings(max_examples=120, deadline=None)
@given(query=hostile_text)
def test_retrieve_raises_only_qa_errors_and_cites_exactly(
    query: str, real_index: Path, corpus: Path
) -> None:
    result, seconds = timed(lambda: retrieve(query, index_dir=real_index))
    check_hits(result, corpus)
    assert seconds < SECONDS_PER_CALL, (query, seconds)


@pytest.mark.parametrize("question", PAYLOADS)
def test_every_payload_through_ask_and_retrieve(
    question: str, real_index: Path, corpus: Path
) -> None:
    answer, seconds = timed(lambda: ask(question, index_dir=real_index))
    check_answer(answer, corpus)
    hits, more = timed(lambda: retrieve(question, index_dir=real_index))
    check_hits(hits, corpus)
    assert seconds + more < 2 * SECONDS_PER_CALL


@pytest.mark.parametrize("question", ["\ud800", "who won the keirin?\udfff", "\udcff\udcfe"])
def test_lone_surrogates_are_refused_with_a_message(question: str, real_index: Path) -> None:
    for call in (ask, retrieve):
        with pytest.raises(QuestionInvalid, match="not valid Unicode.*retype it"):
            call(question, index_dir=real_index)


@pytest.mark.parametrize(
    "question",
    [
        "x" * (MAX_QUESTION_CHARS + 1),
        "Who won the keirin? " * 500,
        "a" * 1_000_000,
        "\x00" * 1_000_000,
        "\ud800" * 1_000_000,
        "🚴" * 1_000_000,
        " " * 999 + "Who won the keirin?",
    ],
    ids=["1001", "10k", "1MB", "1MB-NUL", "1MB-surrogates", "1MB-emoji", "padded"],
)
def test_oversized_questions_are_refused_fast(question: str, real_index: Path) -> None:
    for call in (ask, retrieve):
        result, seconds = timed(lambda call=call: call(question, index_dir=real_index))
        assert isinstance(result, QuestionInvalid), result
        assert f"keep it under {MAX_QUESTION_CHARS}" in str(result)
        assert seconds < 0.1


@pytest.mark.parametrize("question", [None, 42, b"who won the keirin?", ["who?"]])
def test_a_question_that_is_not_text_is_refused(question: Any, real_index: Path) -> None:
    for call in (ask, retrieve):
        with pytest.raises(QuestionInvalid, match="pass it as a string|is empty"):
            call(question, index_dir=real_index)


@settings(max_examples=120, deadline=None)
@given(history=odd_history, question=st.sampled_from(["and the men's?", *STRUCTURED_QUESTIONS]))
def test_ask_with_odd_histories(
    history: Any, question: str, real_index: Path, corpus: Path
) -> None:
    result, seconds = timed(lambda: ask(question, history, index_dir=real_index))
    check_answer(result, corpus)
    if isinstance(result, QAError):
        assert isinstance(result, QuestionInvalid) and "history" in str(result)
    assert seconds < SECONDS_PER_CALL, (history, seconds)


words = st.lists(st.sampled_from(QUESTION_WORDS), min_size=1, max_size=15).map(" ".join)


@settings(max_examples=200, deadline=None)
@given(
    question=hostile_text | words,
    history=st.lists(hostile_text | words | st.sampled_from(STRUCTURED_QUESTIONS), max_size=4),
)
@example(question="0", history=["H0W:MANY:GO0", ":"])  # a follow-up's words vs inherited mentions
def test_ask_follow_ups_of_hostile_text(
    question: str, history: list[str], real_index: Path, corpus: Path
) -> None:
    result, seconds = timed(lambda: ask(question, history, index_dir=real_index))
    check_answer(result, corpus)
    assert seconds < SECONDS_PER_CALL, (question, history, seconds)


def test_huge_and_endless_histories_are_bounded(real_index: Path, corpus: Path) -> None:
    many = ["Who won the men's keirin?"] * 1_000_000
    long_ones = ["Who won the men's keirin? " + "x" * 10_000_000, "\ud800" * 1000]
    histories: list[Callable[[], Any]] = [
        lambda: many,
        lambda: tuple(many),
        lambda: long_ones,
        lambda: iter(many),
        lambda: (q for q in many),
    ]
    for history in histories:
        answer, seconds = timed(
            lambda h=history: ask("and the women's?", h(), index_dir=real_index)
        )
        assert isinstance(answer, Answer), answer
        check_answer(answer, corpus)
        assert seconds < SECONDS_PER_CALL


def test_a_follow_up_never_blames_the_user_for_the_length_of_the_history(
    real_index: Path, corpus: Path
) -> None:
    """The retrieval query joins the follow-up to the question it follows; together they
    may exceed the limit each of them respects."""
    earlier = "Who won the men's keirin? " + "and " * 240
    for question in ("and the women's? " + "so " * 320, "and what about that?"):
        assert len(earlier) <= MAX_QUESTION_CHARS and len(question) <= MAX_QUESTION_CHARS
        answer = ask(question, [earlier], index_dir=real_index)
        check_answer(answer, corpus)


# --- time at the limit ---------------------------------------------------------------------

# Code points for random text: Latin to CJK and emoji, no surrogates (those are refused).
_PRINTABLE = [c for c in range(0x20, 0x1FAFF) if not 0xD800 <= c <= 0xDFFF]


def padded(question: str, filler: str, rng: random.Random) -> str:
    """`question` grown to exactly MAX_QUESTION_CHARS with `filler` around it."""
    while len(question) < MAX_QUESTION_CHARS:
        question = f"{question}{filler}" if rng.random() < 0.7 else f"{filler}{question}"
    return question[:MAX_QUESTION_CHARS]


def test_time_of_structured_and_abstaining_answers_at_the_limit(
    real_index: Path, corpus: Path
) -> None:
    """1,000-character questions: each answer within SECONDS_PER_CALL; the structured
    path's worst time is printed (`pytest -s`), against a target of 100 ms."""
    rng = random.Random(13)
    questions = [
        padded(q, filler, rng)
        for q in STRUCTURED_QUESTIONS
        for filler in (" ", "?", " " + q, " the", "!!", "\u200b")
    ]
    words = [w for w in QUESTION_WORDS if w not in "?,.!"]
    for _ in range(12):
        questions.append(padded(rng.choice(words), " " + rng.choice(words), rng))
        questions.append(
            " ".join(rng.choice(words) for _ in range(400))[: MAX_QUESTION_CHARS - 1] + "?"
        )
        questions.append(
            "".join(
                rng.choice("abcdefghijklmnopqrstuvwxyz     ") for _ in range(MAX_QUESTION_CHARS)
            )
        )
        questions.append("".join(chr(rng.choice(_PRINTABLE)) for _ in range(MAX_QUESTION_CHARS)))
    worst: dict[str, tuple[float, str]] = {}
    for question in questions:
        answer, seconds = timed(lambda q=question: ask(q, index_dir=real_index))
        check_answer(answer, corpus)
        method = answer.method if isinstance(answer, Answer) else "error"
        assert seconds < SECONDS_PER_CALL, (question[:80], seconds)
        if seconds > worst.get(method, (0.0, ""))[0]:
            worst[method] = (seconds, question)
    assert "structured" in worst and "none" in worst, worst.keys()
    assert {len(q) for q in questions} == {MAX_QUESTION_CHARS}
    print(f"\n{len(questions)} questions of {MAX_QUESTION_CHARS:,} characters:")
    for method, (seconds, question) in sorted(worst.items()):
        print(f"  worst {method}: {seconds * 1000:.1f} ms  ({question[:50]!r}...)")
