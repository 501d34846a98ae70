"""The structured path: parsing and answering from the facts, without any model."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from qa.answering import _Context, _from_structured, _understand
from qa.corpus.text import fold
from qa.knowledge import Knowledge, knowledge_from_corpus

REPO_CORPUS = Path(__file__).resolve().parents[1] / "corpus"


@pytest.fixture(scope="module")
def knowledge() -> Knowledge:
    return knowledge_from_corpus(REPO_CORPUS)


def reply(knowledge: Knowledge, question: str, history: tuple[str, ...] = ()) -> tuple[str, str]:
    """(method, text) of the structured path, or ("retrieval", "") when it hands over."""
    context: _Context | None = None
    for earlier in history:
        context = _understand(earlier, context, knowledge)
    current = _understand(question, context, knowledge)
    if current.result is None:
        return "retrieval", ""
    answer = _from_structured(current.result)
    return answer.method, answer.text


@pytest.mark.parametrize(
    "question",
    [
        "Who won the women's omnium?",
        "who won the womens omnium",
        "WHO WON THE WOMEN’S OMNIUM???",
        "Who took gold in the ladies' omnium?",
        "who was crowned champion of the women's omnium",
        "Who claimed the title in the female omnium?",
        "women's omnium winner?",
        "Who won the womens omnim",
    ],
)
def test_rewordings_of_a_winner_question_agree(knowledge: Knowledge, question: str) -> None:
    method, text = reply(knowledge, question)
    assert method == "structured"
    assert "Jennifer Valente" in text
    assert "Benjamin Thomas" not in text


def test_event_without_gender_gets_both_winners(knowledge: Knowledge) -> None:
    method, text = reply(knowledge, "Who won the sprint?")
    assert method == "structured"
    assert "Lavreysen" in text and "Andrews" in text


def test_accents_and_typos_in_names(knowledge: Knowledge) -> None:
    for question in (
        "What did Iuri Leitão win?",
        "What did Iuri Leitao win?",
        "what did leitaoo win",
    ):
        method, text = reply(knowledge, question)
        assert method == "structured", question
        assert "silver" in text and "Madison" in text


@pytest.mark.parametrize(
    ("question", "answered"),
    [
        ("How many Olympic gold medals does Harry Lavreysen have?", True),
        ("Where did Ben Thomas finish in Tokyo?", True),
        ("What did Geraint Thomas win?", False),  # another Thomas: not ours to answer
    ],
)
def test_first_names_misspelt_or_other(knowledge: Knowledge, question: str, answered: bool) -> None:
    method, _ = reply(knowledge, question)
    assert (method == "structured") == answered


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        ("who was that dutch guy harry lavrison, what did he win", "keirin"),
        ("the portugese guy yuri leitau, what medals did he get", "Madison"),
        ("what did jenifer valenti win", "omnium"),
        # words before a colon that name nothing are no part of the question
        ("I'm writing a pub quiz: who won the women's omnium?", "Valente"),
        ("Men's omnium - who won?", "Thomas"),  # words that name something are
        # "is it true that X?" is a claim to check
        ("Is it correct that Britain won three track golds in Paris?", "No."),
        ("Did Britain win one gold?", "Yes."),
    ],
)
def test_wordings_read_as_meant(knowledge: Knowledge, question: str, expected: str) -> None:
    """A surname written as it sounds (same Metaphone key, same first letter) names the
    rider; a preamble is left aside; "is it true that X" is a claim."""
    method, text = reply(knowledge, question)
    assert method == "structured", text
    assert expected in text


@pytest.mark.parametrize(
    "question",
    [
        "What did Lavender win?",  # a dictionary word, however it sounds
        "What did Valentino win?",  # sounds like no rider
    ],
)
def test_a_word_that_sounds_like_no_surname_names_no_rider(
    knowledge: Knowledge, question: str
) -> None:
    assert not knowledge.parser.parse(question).riders


def test_madison_typo(knowledge: Knowledge) -> None:
    method, text = reply(knowledge, "Who won the Madisson?")
    assert method == "structured"
    assert "Oliveira" in text and "Leitao" in text


@pytest.mark.parametrize("alias", ["Britain", "Great Britain", "GB", "the UK", "British"])
def test_country_aliases(knowledge: Knowledge, alias: str) -> None:
    method, text = reply(knowledge, f"How many gold medals did {alias} win?")
    assert method == "structured"
    assert "single gold" in text


def test_yes_no(knowledge: Knowledge) -> None:
    method, text = reply(knowledge, "Did Britain win the men's team pursuit?")
    assert text.startswith("No.") and "Australia" in text
    method, text = reply(knowledge, "Did the Dutch win the keirin?")
    assert text.startswith("Yes.") and "Lavreysen" in text


@pytest.mark.parametrize(
    ("question", "start", "expected"),
    [
        ("Did Portugal win gold?", "Yes.", "Madison"),
        ("Did Lavreysen win a medal?", "Yes.", "keirin"),
        ("Did Valente win the keirin?", "No.", "Andrews"),
    ],
)
def test_yes_no_without_an_event(
    knowledge: Knowledge, question: str, start: str, expected: str
) -> None:
    method, text = reply(knowledge, question)
    assert method == "structured"
    assert text.startswith(start) and expected in text


def test_no_is_said_only_where_the_sources_name_the_winner(knowledge: Knowledge) -> None:
    # Britain's single gold is not tied to an event, and no women's team sprint winner is named.
    _, text = reply(knowledge, "Did Britain win the team sprint?")
    assert not text.startswith("No.") and "don't say whether Great Britain won" in text
    _, text = reply(knowledge, "What did Britain win?")
    assert "single gold medal" in text


def test_ordinals_in_digits(knowledge: Knowledge) -> None:
    method, text = reply(knowledge, "Who finished 4th in Tokyo?")
    assert method == "structured" and "Benjamin Thomas" in text


def test_remarks_in_tallies_are_found_by_their_words(knowledge: Knowledge) -> None:
    _, text = reply(knowledge, "Britain's gold total was its lowest since when?")
    assert "2000" in text
    _, text = reply(knowledge, "Whose gold medal tally might Lavreysen surpass?")
    assert "Jason Kenny" in text.split("**Sources**")[0]


def test_defeat_roles(knowledge: Knowledge) -> None:
    _, text = reply(knowledge, "Who did Australia defeat in the men's team pursuit final?")
    assert "Great Britain" in text.split("\n")[0]
    _, text = reply(knowledge, "Who beat Britain in the men's team pursuit final?")
    assert text.startswith("Australia")


def test_counts_only_what_the_sources_state(knowledge: Knowledge) -> None:
    _, text = reply(knowledge, "How many medals did Portugal win?")
    assert "two medals" in text
    _, text = reply(knowledge, "How many gold medals did the Netherlands win?")
    assert "three gold medals" in text
    _, text = reply(knowledge, "How many Olympic gold medals does Harrie Lavreysen have?")
    assert "five" in text and "Kenny" not in text.split("**Sources**")[0]


@pytest.mark.parametrize(
    "question",
    [
        "Who won the women's Madison?",
        "Who won bronze in the men's keirin?",
        "Who won silver in the women's sprint?",
        "Who won the men's road race?",
        "How many medals did Germany win?",
        "Who won the keirin in Tokyo?",
        "Who rode for Australia in the men's team pursuit?",
    ],
)
def test_abstains_when_the_facts_do_not_say(knowledge: Knowledge, question: str) -> None:
    method, text = reply(knowledge, question)
    assert method == "none", text
    assert "sources" in text.lower()


@pytest.mark.parametrize(
    ("history", "question", "expected"),
    [
        (("Who won the men's omnium?",), "And the women's?", "Valente"),
        (("Who won the women's keirin?",), "What about the men's?", "Lavreysen"),
        (("Who won the Madison?",), "Who was his partner?", "Oliveira"),
        (("Who won the men's team pursuit?",), "Who did they beat in the final?", "Great Britain"),
        (("Who won the women's keirin?",), "Which country is she from?", "New Zealand"),
        (("Who won the women's sprint?",), "And the keirin?", "Andrews"),
    ],
)
def test_follow_ups(
    knowledge: Knowledge, history: tuple[str, ...], question: str, expected: str
) -> None:
    method, text = reply(knowledge, question, history)
    assert method == "structured"
    assert expected in text.split("**Sources**")[0]


def test_same_input_same_output(knowledge: Knowledge) -> None:
    first = reply(knowledge, "Which nations won gold?")
    assert all(reply(knowledge, "Which nations won gold?") == first for _ in range(3))


def _aliases(table: dict[str, tuple[str, ...]], name: str) -> list[str]:
    return [name, *table.get(name, ())]


@settings(max_examples=150, deadline=None)
@given(data=st.data())
def test_rewordings_from_the_alias_tables_give_the_same_winner(
    knowledge: Knowledge, data: st.DataObject
) -> None:
    lex = knowledge.facts.lexicon
    fact = data.draw(
        st.sampled_from([f for f in knowledge.facts.kind("result") if f.fields["medal"] == "gold"])
    )
    event = lex.events[str(fact.fields["event"])]
    event_alias = data.draw(
        st.sampled_from(
            [event.name, *(a for a in event.aliases if len(a.split()) > 1 or event.team is False)]
        )
    )
    gender_alias = data.draw(
        st.sampled_from(
            [
                a
                for a in lex.genders[str(fact.fields["gender"])]
                if a.endswith(("en", "ens", "ladies", "female", "male"))
            ]
        )
    )
    verb = data.draw(
        st.sampled_from(
            [
                "Who won",
                "Who took gold in",
                "Who claimed",
                "who triumphed in",
                "Who was crowned champion in",
            ]
        )
    )
    style = data.draw(st.sampled_from([str.lower, str.upper, lambda s: s]))
    question = style(f"{verb} the {gender_alias}'s {event_alias}?")
    method, text = reply(knowledge, question)
    assert method == "structured", question
    named = fact.fields["riders"] or [lex.country(str(fact.fields["country"])).display()]
    head = fold(text.split("**Sources**")[0])
    assert all(fold(str(n)) in head for n in named), (question, text)


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=200))
def test_random_text_never_raises_nor_answers_without_citations(
    knowledge: Knowledge, text: str
) -> None:
    context = _understand(text, None, knowledge)
    if context.result is not None:
        answer = _from_structured(context.result)
        assert (answer.method == "structured") == bool(answer.citations)
        assert answer.method in ("structured", "none")


@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.sampled_from(
            [
                "who",
                "won",
                "the",
                "women's",
                "men's",
                "keirin",
                "Madison",
                "Britain",
                "gold",
                "how",
                "many",
                "did",
                "and",
                "his",
                "partner",
                "?",
                "Leitão",
                "beat",
                "record",
            ]
        ),
        max_size=12,
    )
)
def test_word_salad_is_safe(knowledge: Knowledge, words: list[str]) -> None:
    context = _understand(" ".join(words), None, knowledge)
    if context.result is not None:
        answer = _from_structured(context.result)
        assert (answer.method == "structured") == bool(answer.citations)


def test_a_claim_about_a_team_is_answered_by_its_result(knowledge: Knowledge) -> None:
    """ "Did she and her teammates win it?" is a yes/no about a result: "No", citing the
    silver the sources give her team, not "the sources don't name the riders"."""
    method, text = reply(knowledge, "Did Ellesse Andrews and her teammates win the team sprint?")
    assert method == "structured" and text.startswith("No.") and "silver" in text


def test_a_follow_up_about_a_subject_in_another_event_gives_what_it_took(
    knowledge: Knowledge,
) -> None:
    method, text = reply(
        knowledge, "And her team in the team sprint?", ("Who won the women's keirin?",)
    )
    assert method == "structured" and "silver" in text and "don't" not in text
    # with no subject, "who won" is never answered by a silver
    method, text = reply(knowledge, "Who won the women's Madison?")
    assert "silver" not in text.split("[")[0]


def test_silver_where_only_the_final_is_reported_is_its_loser(knowledge: Knowledge) -> None:
    """The final is the race for gold and silver: its loser took silver, the final cited.
    A question about another nation's place is not answered by it."""
    method, text = reply(knowledge, "Who took silver in the women's team pursuit?")
    assert method == "structured" and "Great Britain lost the final" in text
    method, text = reply(
        knowledge, "Which nation was runner-up to Australia in the men's team pursuit?"
    )
    assert method == "structured" and "Great Britain" in text
    method, _ = reply(knowledge, "What place did New Zealand finish in the women's team pursuit?")
    assert method != "structured"


def test_a_yes_no_comparison_says_yes_or_no(knowledge: Knowledge) -> None:
    method, text = reply(knowledge, "Did Britain win more golds than the Netherlands?")
    assert method == "structured" and text.startswith("No.")
    method, text = reply(knowledge, "Did the Netherlands win more golds than Britain?")
    assert method == "structured" and text.startswith("Yes.")


def test_who_was_in_a_team_asks_for_its_riders(knowledge: Knowledge) -> None:
    method, text = reply(knowledge, "who was in their team?", ("Who won the men's team pursuit?",))
    assert method == "none" and "riders" in text
    # "in the men's team pursuit" names an event, not a team whose riders are asked for
    method, text = reply(knowledge, "Who won in the men's team pursuit?")
    assert method == "structured" and "Australia" in text


@pytest.mark.slow
def test_ask_checks_the_kind_asked_and_counts_named_riders(real_index: Path) -> None:
    """ "What time did they set?": the record is stated, its time is not, so no answer; "how
    many riders?" answered by naming them says how many first."""
    from qa.answering import ask

    answer = ask(
        "What time did Britain set in the women's team sprint world record?", index_dir=real_index
    )
    assert answer.method == "none"
    answer = ask("How many riders were in the US women's team pursuit squad?", index_dir=real_index)
    assert answer.method == "structured" and answer.text.startswith("Four:")


@pytest.mark.parametrize(
    ("question", "facts_answer"),
    [
        ("What did Lavreysen say after the keirin?", False),  # his words are not a result
        ("what did she say about the team sprint", False),
        ("What does the article say about Lavreysen?", True),  # what it reports
    ],
)
def test_a_question_for_someone_s_words_is_not_a_facts_question(
    knowledge: Knowledge, question: str, facts_answer: bool
) -> None:
    from qa.answering import _understand

    assert (_understand(question, None, knowledge).result is not None) is facts_answer


def test_a_yes_or_no_about_a_rider_is_never_answered_by_the_rider_s_profile(
    knowledge: Knowledge,
) -> None:
    method, text = reply(knowledge, "Did Jason Kenny race in Paris?")
    assert method == "retrieval", text  # the facts hold no verdict: retrieval decides
    method, text = reply(knowledge, "Tell me about Harrie Lavreysen")
    assert method == "structured" and "keirin" in text


def test_a_total_is_not_the_results_reported_nor_a_gold_count(knowledge: Knowledge) -> None:
    """The article is no full table: "altogether" is not answered by the results it reports
    (they follow the abstention as context), nor "all colours" by a count of golds."""
    method, text = reply(knowledge, "How many medals did New Zealand win altogether?")
    assert method == "none" and "total" in text and "they report three medals" in text
    method, text = reply(knowledge, "Great Britain's total medal count in Paris, all colours?")
    assert method == "none", text
    # without "altogether", the count of what the sources report, said as such
    method, text = reply(knowledge, "How many medals did New Zealand win?")
    assert method == "structured" and text.startswith("According to the sources")


def test_a_claim_the_sources_state_the_contrary_of_is_answered_no(knowledge: Knowledge) -> None:
    """A final the claim has the wrong way round, a career tally it gets wrong: "No", citing
    the sentence that says otherwise; a defeat outside a final is never reversed into a no."""
    method, text = reply(
        knowledge, "Did Great Britain beat Australia in the men's team pursuit final?"
    )
    assert method == "structured" and text.startswith("No.") and "Australia beat" in text
    method, text = reply(knowledge, "Did Great Britain beat Australia in the men's team pursuit?")
    assert not text.startswith("No.")
    method, text = reply(knowledge, "Kenny has six Olympic golds, hasn't he?")
    assert method == "structured" and text.startswith("No.") and "seven" in text
    method, text = reply(knowledge, "Jason Kenny has seven Olympic gold medals, right?")
    assert method == "structured" and text.startswith("Yes.")


def test_a_margin_a_question_tag_and_a_place_asked_after_a_race(knowledge: Knowledge) -> None:
    """ "By how much" asks a margin no fact holds; "..., yeah?" is a claim to check; "which
    nation was second?" after a question on a race asks about that race."""
    method, _ = reply(knowledge, "By how much did Valente win the women's omnium?")
    assert method != "structured"
    method, text = reply(knowledge, "Britain won the men's team pursuit, yeah?")
    assert method == "structured" and text.startswith("No.") and "Australia" in text
    method, text = reply(
        knowledge, "which nation was second?", ("Who won the men's team pursuit?",)
    )
    assert method == "structured" and "Great Britain" in text and "women" not in text


def test_a_definition_is_no_facts_question(knowledge: Knowledge) -> None:
    """ "What is a keirin?" asks what the event is, not who won it."""
    for question in ("What is a keirin?", "what's an omnium", "How does the madison work?"):
        assert reply(knowledge, question)[0] == "retrieval", question
    assert reply(knowledge, "Who won the keirin?")[0] == "structured"


def test_a_follow_up_comparing_the_earlier_rider_with_another(knowledge: Knowledge) -> None:
    """ "Is that more than Kenny got?" after Lavreysen's tally: his five against Kenny's
    seven, in that order, not a ranking of Paris's golds."""
    method, text = reply(
        knowledge, "is that more than Jason Kenny won?", ("How many Olympic golds has Lavreysen?",)
    )
    assert method == "structured" and text.startswith("No.") and "Kenny seven" in text


def test_which_two_golds_asks_for_the_golds(knowledge: Knowledge) -> None:
    method, text = reply(knowledge, "Which two golds did Jennifer Valente win?")
    assert method == "structured" and "team pursuit" in text and "omnium" in text


def test_what_the_earlier_rider_did_in_another_event(knowledge: Knowledge) -> None:
    """ "And what did she do in the team sprint?" after the keirin's winner: her result
    there (a silver), not that event's winner."""
    method, text = reply(
        knowledge, "and what did she do in the team sprint?", ("who won the women's keirin?",)
    )
    assert method == "structured" and "silver" in text and "Andrews" in text


def test_whose_tally_a_rider_could_pass_is_someone_elses(knowledge: Knowledge) -> None:
    """ "Whose gold total is Lavreysen chasing?": the tally whose remark names him (Kenny's),
    never his own."""
    for question in (
        "whose olympic gold tally is lavreysen chasing",
        "Whose Olympic gold record might Lavreysen beat?",
    ):
        method, text = reply(knowledge, question)
        assert method == "structured" and "Kenny" in text, (question, text)


def test_what_else_a_rider_won_outside_the_documents_discipline(knowledge: Knowledge) -> None:
    """ "Which other race did Faulkner win?": with nothing named to leave out, her result
    outside the track (the road race); a rider with results on the track only: no answer."""
    method, text = reply(knowledge, "Which other race did Faulkner win?")
    assert method == "structured" and "road race" in text and "team pursuit" not in text
    method, _ = reply(knowledge, "what else did Valente win?")
    assert method != "structured"


def test_who_placed_higher_and_the_two_titles_of_an_event(knowledge: Knowledge) -> None:
    method, text = reply(knowledge, "who placed higher in the omnium, Leitao or Thomas?")
    assert method == "structured" and "Thomas" in text and "silver" in text
    method, text = reply(knowledge, "Which countries took the two team pursuit golds?")
    assert method == "structured" and "United States" in text and "Australia" in text


def test_a_world_record_is_not_a_national_one(knowledge: Knowledge) -> None:
    """ "Did Lavreysen set a world record?": his tally's "record for a Dutch cyclist" is no
    world record, so no "Yes"."""
    method, text = reply(knowledge, "Did Harrie Lavreysen set a world record?")
    assert not text.startswith("Yes")
