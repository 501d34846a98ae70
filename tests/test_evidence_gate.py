"""The retrieval gate's classes of wording: kinds asked in other words, rule words, phrasal
verbs, plural stems, FAQ questions, another event, a row whose subject is said elsewhere."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from qa import ask, build_index
from qa.answer_kinds import asks_yes_no, holds_asked_kind, shows_kind
from qa.corpus.text import stem
from qa.evidence import _phrasal_verbs, is_heading
from qa.types import Citation, Passage

REAL_CORPUS = Path(__file__).resolve().parents[1] / "corpus"


def _source(text: str) -> Passage:
    return Passage(text, "source", (Citation("d.md", text, 0, len(text)),))


@pytest.mark.parametrize(
    ("question", "passage", "holds"),
    [
        # "opening times" asks a clock time, however the question starts
        ("gym saturday opening times", "Saturday | 08:00 to 18:00", True),
        ("gym saturday opening times", "Gym | Members only", False),
        ("what's the start time of the Friday session?", "Friday: 19:30", True),
        # "how much to ..." asks a price
        ("how much to hire a locker?", "Locker hire | £3", True),
        ("how much to hire a locker?", "Lockers are beside the changing rooms", False),
    ],
)
def test_a_kind_asked_in_other_words_is_asked(question: str, passage: str, holds: bool) -> None:
    assert holds_asked_kind(question, _source(passage)) is holds


def test_a_speed_is_a_kind_shown_and_a_part_of_the_day_only_covers_words() -> None:
    assert shows_kind("how quick is the Tuesday group?", _source("Steady, 25-28 km/h"))
    assert not shows_kind("how quick is the Tuesday group?", _source("Steady pace"))
    # "evening" is covered by 18:30, but it asks for nothing
    assert not shows_kind("where is the evening ride?", _source("Tuesday | 18:30 | Quay"))


def test_a_yes_no_joined_to_a_wh_question_asks_the_wh_question() -> None:
    assert asks_yes_no("is there a women's ride?")
    assert not asks_yes_no("is there a ladies only ride and when")
    assert not asks_yes_no("is the pool open and what does it cost?")


@pytest.mark.parametrize(
    ("word", "singular"), [("buses", "bus"), ("gases", "gas"), ("passes", "pass"), ("uses", "use")]
)
def test_a_plural_in_ses_stems_as_its_singular(word: str, singular: str) -> None:
    assert stem(word) == stem(singular)


def test_phrasal_verbs_are_read_whole_and_an_object_is_no_verb() -> None:
    assert ("call", "off") in _phrasal_verbs("ride called off how do i find out")
    assert ("turn", "up") in _phrasal_verbs("how many people turned up")
    assert _phrasal_verbs("what time do I drop my cat off?") == []
    assert _phrasal_verbs("can I come on up to three rides?") == []  # "up to": a preposition


def test_a_question_the_text_asks_heads_its_answer() -> None:
    assert is_heading(_source("**Do I need a road bike?**"))
    assert is_heading(_source("Is there a women's ride?"))
    assert not is_heading(_source("No. Hybrids are welcome on the Saturday ride."))


HANDBOOK = """# Millbrook Swim Club handbook

Millbrook Swim Club trains at the Riverside Leisure Pool.

## Fees

| Membership | Yearly fee | Notes |
| --- | --- | --- |
| Adult | £40 | Includes a club cap |
| Masters (over 50) | £30 | For swimmers whose home club is the pool |

Club hoodies are ordered through the kit officer and are not part of any fee.

## Rules

- A swim hat must be worn in every session, with no exceptions.
- Sessions are cancelled when the pool closes for a gala.
- Leave the water at once when the coach calls it.

## FAQ

**Can I swim before joining?**
Yes. Anyone may try two sessions for free before joining.

**What if a session is called off?**
We post every change in the club WhatsApp group by 07:00.
"""


@pytest.fixture(scope="module")
def handbook_index(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from qa.encoders import default_encoder

    root = tmp_path_factory.mktemp("handbook")
    corpus = root / "corpus"
    shutil.copytree(REAL_CORPUS, corpus)
    (corpus / "millbrook.md").write_text(HANDBOOK, encoding="utf-8")
    build_index(corpus, root / "index", encoder=default_encoder())
    return root / "index"


@pytest.mark.slow
def test_a_row_missing_the_subject_another_passage_names_does_not_answer(
    handbook_index: Path,
) -> None:
    """ "How much is a club hoodie?": the hoodie sentence gives no price; the £30 row whose
    notes say "club" is no answer. A row that names the subject answers."""
    assert ask("how much is a club hoodie?", index_dir=handbook_index).method == "none"
    answer = ask("how much to join as an adult?", index_dir=handbook_index)
    assert answer.method == "retrieval" and "£40" in answer.text


@pytest.mark.slow
def test_a_rule_word_is_a_paraphrase_of_what_a_rule_says(handbook_index: Path) -> None:
    answer = ask("are swim hats compulsary?", index_dir=handbook_index)
    assert answer.method == "retrieval" and "must be worn" in answer.text


@pytest.mark.slow
def test_an_faq_answers_and_its_question_line_never_does(handbook_index: Path) -> None:
    answer = ask("how many sessions can I try before joining?", index_dir=handbook_index)
    assert answer.method == "retrieval" and "two sessions" in answer.text
    assert "Can I swim before joining?" not in answer.text.split("**Sources**")[0]


@pytest.mark.slow
def test_a_phrasal_verb_is_not_its_verb_alone(handbook_index: Path) -> None:
    """ "Called off" is not the coach who "calls it"."""
    answer = ask("swim called off how do I find out", index_dir=handbook_index)
    assert "calls it" not in answer.text, answer.text


@pytest.mark.slow
def test_a_passage_on_another_event_does_not_answer(tmp_path: Path) -> None:
    """ "Who finished fourth in the men's sprint?" is not answered by "Thomas … finishing
    fourth in Tokyo" (the omnium), nor by a report's sentence on the keirin; nor is one
    on the women's keirin by a sentence on the men's."""
    from qa.encoders import default_encoder

    corpus = tmp_path / "corpus"
    shutil.copytree(REAL_CORPUS, corpus)
    (corpus / "notes.txt").write_text(
        "Track notes from Paris\n\nIn the men's keirin, Kento Yamasaki of Japan finished fourth "
        "after a late crash.\n",
        encoding="utf-8",
    )
    build_index(corpus, tmp_path / "index", encoder=default_encoder())
    assert ask("Who finished fourth in the men's sprint?", index_dir=tmp_path / "index").method == (
        "none"
    )
    answer = ask("Who finished fourth in the men's keirin?", index_dir=tmp_path / "index")
    assert answer.method == "retrieval" and "Yamasaki" in answer.text
    # the women's keirin is another event than the men's
    women = ask("Who finished fourth in the women's keirin?", index_dir=tmp_path / "index")
    assert women.method == "none", women.text
    # a fact on a rider's nation reports no event: it does not say who rode the sprint
    riders = ask("Which Japanese riders were in the men's sprint?", index_dir=tmp_path / "index")
    assert "Yamasaki" not in riders.text, riders.text
