"""The structured path's router: every word accounted for, three-valued yes/no, the answer
states what was asked. No model: the facts and lexicon of the real corpus."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from qa.answering import _Context, _from_structured, _understand
from qa.corpus.text import fold, is_dictionary_word, stem
from qa.knowledge import Knowledge, knowledge_from_corpus
from qa.structured.parse import STOPWORDS
from qa.structured.router import route

REPO_CORPUS = Path(__file__).resolve().parents[1] / "corpus"


@pytest.fixture(scope="module")
def knowledge() -> Knowledge:
    return knowledge_from_corpus(REPO_CORPUS)


def understand(knowledge: Knowledge, question: str, history: tuple[str, ...] = ()) -> _Context:
    context: _Context | None = None
    for earlier in history:
        context = _understand(earlier, context, knowledge)
    return _understand(question, context, knowledge)


def reply(knowledge: Knowledge, question: str, history: tuple[str, ...] = ()) -> tuple[str, str]:
    """(method, text before the sources) of the structured path; ("retrieval", "") on hand-over."""
    current = understand(knowledge, question, history)
    if current.result is None:
        return "retrieval", ""
    answer = _from_structured(current.result)
    return answer.method, answer.text.split("**Sources**")[0]


# --- 1. unknown words are not dropped -----------------------------------------------


@pytest.mark.parametrize(
    "question",
    [
        "What is Lavreysen's height?",
        "Who trains the Dutch sprinters?",
        "How old is Benjamin Thomas?",
        "Which bike brand does Ellesse Andrews ride?",
        "Who sponsors the Portuguese Madison pair?",
        "What did Jennifer Valente study at university?",
    ],
)
def test_a_question_with_a_word_no_answerer_uses_is_handed_over(
    knowledge: Knowledge, question: str
) -> None:
    assert reply(knowledge, question)[0] == "retrieval"


def test_an_everyday_word_is_never_read_as_a_name_by_typo_tolerance(knowledge: Knowledge) -> None:
    parse = knowledge.parser.parse("How old is Lavreysen?")
    assert parse.medals == () and "old" in parse.open_words
    # a typo that is no dictionary word is still read as meant
    assert knowledge.parser.parse("who won the keirn").events == ("keirin",)
    assert is_dictionary_word("old") and not is_dictionary_word("keirn")


@pytest.mark.parametrize(
    ("question", "riders", "tokens"),
    [
        ("who wn the womens keirin", (), ("who", "win", "the", "womens", "keirin")),
        ("did valente win teh omnium", ("Jennifer Valente",), None),  # "teh": chat's "the"
        ("hary lavreisen how many golds", ("Harrie Lavreysen",), None),
        ("did elese andrew win the keirn", ("Ellesse Andrews",), None),  # a surname's "s" dropped
    ],
)
def test_slips_of_the_finger_are_read_as_meant(
    knowledge: Knowledge, question: str, riders: tuple[str, ...], tokens: tuple[str, ...] | None
) -> None:
    parse = knowledge.parser.parse(question)
    assert parse.open_words == () and parse.riders == riders
    if tokens:
        assert parse.tokens == tokens


def test_a_real_word_is_not_a_slip(knowledge: Knowledge) -> None:
    # "form" is a word of its own, not "from" with two letters swapped; "andrew" alone is
    # read as Andrews only because a rider of that surname exists
    assert "form" in knowledge.parser.parse("what form was Lavreysen in").tokens
    assert knowledge.parser.parse("how old is Lavreysen").open_words == ("old",)


# Everyday words that no answerer of this corpus accounts for.
_EVERYDAY = """height weight age coach coaches trains sponsor bike brand salary wife husband
    hometown born birthday studied university injury diet shoes helmet tattoo favourite""".split()  # noqa: SIM905


@settings(max_examples=200, deadline=None)
@given(
    base=st.sampled_from(
        [
            "Who won the women's omnium?",
            "What did Iuri Leitao win?",
            "How many gold medals did Britain win?",
            "Which country is Ellesse Andrews from?",
            "Who did Australia beat in the men's team pursuit final?",
            "Tell me about Harrie Lavreysen",
            "Did Portugal win gold in the Madison?",
            "Where did Benjamin Thomas finish in Tokyo?",
        ]
    ),
    word=st.sampled_from(_EVERYDAY),
    where=st.integers(min_value=0, max_value=12),
)
def test_an_unaccounted_content_word_never_gets_a_structured_answer(
    knowledge: Knowledge, base: str, word: str, where: int
) -> None:
    words = base.rstrip("?").split()
    words.insert(min(where, len(words)), word)
    question = " ".join(words) + "?"
    parse = knowledge.parser.parse(question)
    answerer, result = route(parse, knowledge.facts)
    if result is None:
        return
    assert answerer is not None
    accounted = answerer.accounted(parse, knowledge.facts)
    assert all(stem(w) in accounted for w in parse.open_words), (question, answerer.name)


@settings(max_examples=300, deadline=None)
@given(
    words=st.lists(
        st.sampled_from(
            """who won the women's men's keirin omnium Madison sprint Britain Portugal Lavreysen
            gold silver medals how many did beat final record first Tokyo nationality coach
            height bike trains old""".split()  # noqa: SIM905
        ),
        min_size=1,
        max_size=10,
    )
)
def test_every_open_word_of_a_structured_answer_is_accounted_for(
    knowledge: Knowledge, words: list[str]
) -> None:
    parse = knowledge.parser.parse(" ".join(words))
    answerer, result = route(parse, knowledge.facts)
    if result is not None and answerer is not None:
        accounted = answerer.accounted(parse, knowledge.facts)
        assert all(stem(w) in accounted for w in parse.open_words)
        assert all(w not in STOPWORDS for w in parse.open_words)


# --- 2. yes/no is three-valued ---------------------------------------------------------


@pytest.mark.parametrize(
    ("question", "start", "named"),
    [
        ("Did Iuri Leitao win gold in the omnium?", "No.", "silver"),
        ("Did Ellesse Andrews win gold in the team sprint?", "No.", "silver"),
        ("Did Britain win the men's team pursuit?", "No.", "Australia"),
        ("Had Portugal won an Olympic track cycling medal before?", "No.", "first ever"),
        ("Is Jason Kenny Dutch?", "No.", "Great Britain"),
        ("Did Benjamin Thomas win the omnium?", "Yes.", "Benjamin Thomas"),
        ("Was that Portugal's first ever Olympic track cycling medal?", "Yes.", "first ever"),
        ("Did Britain win more than one gold?", "No.", "single gold"),
        (
            "true or false: Lavreysen's five golds are a record for a Dutch cyclist",
            "Yes.",
            "record",
        ),
        ("Has Lavreysen overtaken Jason Kenny's gold medal tally?", "No.", "seven"),
    ],
)
def test_yes_and_no_where_the_sources_settle_it(
    knowledge: Knowledge, question: str, start: str, named: str
) -> None:
    method, text = reply(knowledge, question)
    assert method == "structured", text
    assert text.startswith(start) and named in text, text


@pytest.mark.parametrize(
    "question",
    [
        "Did Britain win a medal in the keirin?",  # only the keirin winners are named
        "Did Portugal win a medal in the team pursuit?",
        "Did France win bronze in the omnium?",
        "Did the Dutch set a world record in the team sprint?",
        "Did Lily Williams win any other medals in Paris?",
        "Did Germany win a medal?",
    ],
)
def test_silence_is_not_no(knowledge: Knowledge, question: str) -> None:
    method, text = reply(knowledge, question)
    assert not text.startswith("No."), text
    assert method in ("none", "retrieval")


_SUBJECTS = ["Iuri Leitao", "Harrie Lavreysen", "Ellesse Andrews", "Britain", "Portugal", "France"]
_EVENTS = ["omnium", "keirin", "sprint", "team sprint", "team pursuit", "Madison"]


@settings(max_examples=200, deadline=None)
@given(
    subject=st.sampled_from(_SUBJECTS),
    medal=st.sampled_from(["gold", "silver", "bronze", "a medal"]),
    gender=st.sampled_from(["", "men's ", "women's "]),
    event=st.sampled_from(_EVENTS),
)
def test_no_always_cites_a_fact_that_states_the_contrary(
    knowledge: Knowledge, subject: str, medal: str, gender: str, event: str
) -> None:
    question = f"Did {subject} win {medal} in the {gender}{event}?"
    current = understand(knowledge, question)
    result = current.result
    if result is None or not result.lead.startswith("No."):
        return
    assert result.facts, question
    parse = current.parse
    asked = parse.medals or ("gold", "silver", "bronze")
    for fact in result.facts:
        assert fact.kind in ("result", "defeat"), question
        assert fact.fields["event"] in parse.events, question
        if fact.kind == "result" and subject in fact.fields.get("riders", []):
            # the subject's own result says no only by being another medal
            assert fact.fields["medal"] not in asked, question


# --- 3. the answer states what was asked ----------------------------------------------


def test_a_family_of_events_counts_each_member(knowledge: Knowledge) -> None:
    method, text = reply(knowledge, "How many sprint events did the Netherlands win?")
    assert method == "structured" and "three" in text, text


def test_a_career_question_is_not_answered_with_a_paris_count(knowledge: Knowledge) -> None:
    method, text = reply(knowledge, "How many Olympic golds has Ellesse Andrews won in her career?")
    assert "two" not in text and method != "structured", text
    method, text = reply(knowledge, "How many gold medals has Lavreysen won in his career?")
    assert method == "structured" and "five" in text


def test_people_asked_for_are_not_replaced_by_a_nation(knowledge: Knowledge) -> None:
    method, text = reply(knowledge, "Which riders won the men's team pursuit?")
    assert method == "none" and "not the riders" in text, text
    method, text = reply(knowledge, "Who won the men's team pursuit?")
    assert method == "structured" and "Australia" in text


def test_a_number_saying_how_many_are_asked_for_is_accounted_for(knowledge: Knowledge) -> None:
    method, text = reply(knowledge, "List the four riders of the American women's team pursuit")
    assert method == "structured" and "Dygert" in text and "Faulkner" in text, text


def test_how_a_nation_fared_gives_its_results_and_the_remark_on_them(
    knowledge: Knowledge,
) -> None:
    method, text = reply(knowledge, "How did the Portuguese get on?")
    assert method == "structured", text
    assert "Madison" in text and "silver" in text and "first ever" in text, text


def test_a_medal_count_is_not_a_gold_count(knowledge: Knowledge) -> None:
    method, _ = reply(knowledge, "How many medals did Britain win in total?")
    assert method in ("none", "retrieval")


def test_nations_compared(knowledge: Knowledge) -> None:
    method, text = reply(knowledge, "who won more golds, the netherlands or britain?")
    assert method == "structured" and text.startswith("The Netherlands won more"), text


def test_what_else_leaves_out_what_was_named(knowledge: Knowledge) -> None:
    method, text = reply(
        knowledge, "Besides Britain, which nation did the US edge out in the team pursuit?"
    )
    assert method == "structured" and "New Zealand" in text and "Great Britain" not in text, text


# --- 5. follow-ups that change aspect --------------------------------------------------


@pytest.mark.parametrize(
    ("history", "question", "expected"),
    [
        (("Who won the men's omnium?",), "How did he do at the previous Games?", "fourth"),
        (("Who won the men's omnium in Paris?",), "and how did he do in Tokyo?", "fourth"),
        (("How many golds did Britain win?",), "Is that good or bad for them?", "lowest"),
        (("Who won the women's keirin?",), "did she win anything else?", "sprint"),
        (("Who won the women's omnium?",), "did she win another gold?", "team pursuit"),
        (("who won the women's sprint?",), "how did her team do in the team sprint?", "silver"),
    ],
)
def test_follow_ups_that_change_aspect(
    knowledge: Knowledge, history: tuple[str, ...], question: str, expected: str
) -> None:
    method, text = reply(knowledge, question, history)
    assert method == "structured" and expected in text, text


@pytest.mark.parametrize(
    ("history", "question"),
    [
        (("Which country won the men's team pursuit?",), "who were the riders?"),
        (("What did Lavreysen win in Paris?",), "and who were his teammates in the team sprint?"),
        (("Who won the men's omnium?",), "how old is he?"),
    ],
)
def test_follow_ups_the_sources_do_not_settle(
    knowledge: Knowledge, history: tuple[str, ...], question: str
) -> None:
    method, text = reply(knowledge, question, history)
    assert method in ("none", "retrieval"), text


def test_questions_outside_paris_abstain_or_give_the_stated_earlier_result(
    knowledge: Knowledge,
) -> None:
    assert reply(knowledge, "Who finished fourth in Tokyo?")[1].startswith("Benjamin Thomas")
    method, _ = reply(knowledge, "Who won the omnium in Tokyo when Thomas was fourth?")
    assert method == "none"
    method, _ = reply(knowledge, "How many gold medals did Britain win in track cycling in 2000?")
    assert method == "none"


def test_structured_answers_fold_the_same_way_as_the_sources(knowledge: Knowledge) -> None:
    assert fold("Leitão’s") == "leitaos"
