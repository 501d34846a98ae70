"""Markdown structure: headings, paragraphs, list items and table rows with exact spans;
rows and items as passages that carry their heading and column headers; headings never
answer; `.txt` documents read as before; the real model on the club handbook."""

from __future__ import annotations

import shutil
import textwrap
from pathlib import Path

import pytest
from conftest import REAL_CORPUS, FakeEncoder
from hypothesis import given, settings
from hypothesis import strategies as st

from qa.answering import ask
from qa.app_support import sources_html
from qa.build import build_index
from qa.corpus.markdown import is_heading_span, parse_markdown, plain
from qa.corpus.sentences import sentence_spans, source_units
from qa.evidence import find_support, is_heading, self_contained
from qa.passages import corpus_passages
from qa.types import Citation, Document, Passage

QUESTIONS = Path(__file__).resolve().parent / "questions"
HANDBOOK = QUESTIONS / "documents" / "club-handbook.md"
ARTICLE = REAL_CORPUS / "paris-2024-track-cycling.txt"

PAGE = textwrap.dedent(
    """\
    # Riverside Wheelers – Handbook

    Welcome to the club. We ride all year.

    ## Fees

    | Item | Price | Notes |
    |------|-------|-------|
    | Locker hire | £5 per month | Members only; bring your own padlock |
    | Day pass | £8 |  |

    Fees are paid online.

    ## Contacts

    - Ride captain: Tom Achebe, rides@example.org
    - **Secretary**: Margaret Ellison,
      secretary@example.org
      - Deputy: Sam Oduya

    ### Safety
    1. Call 999 first.
    """
)


def _units(text: str, path: str = "page.md") -> list[tuple[str, Citation]]:
    doc = Document(path, text)
    units = source_units(doc)
    for u in units:  # every unit cites its exact span
        assert doc.text[u.citation.start : u.citation.end] == u.citation.text
        assert u.citation.doc == path
    return [(u.text, u.citation) for u in units]


# --- structure -------------------------------------------------------------------------


def test_structure_has_headings_paragraphs_items_and_rows_with_exact_spans() -> None:
    structure = parse_markdown(PAGE)
    assert structure.title == "Riverside Wheelers – Handbook"
    kinds = [(b.kind, PAGE[b.start : b.end]) for b in structure.blocks]
    assert kinds == [
        ("heading", "# Riverside Wheelers – Handbook"),
        ("paragraph", "Welcome to the club. We ride all year."),
        ("heading", "## Fees"),
        ("row", "| Locker hire | £5 per month | Members only; bring your own padlock |"),
        ("row", "| Day pass | £8 |  |"),
        ("paragraph", "Fees are paid online."),
        ("heading", "## Contacts"),
        ("item", "Ride captain: Tom Achebe, rides@example.org"),
        ("item", "**Secretary**: Margaret Ellison,\n  secretary@example.org"),
        ("item", "Deputy: Sam Oduya"),
        ("heading", "### Safety"),
        ("item", "Call 999 first."),
    ]
    headings = [(b.level, b.text) for b in structure.blocks if b.kind == "heading"]
    assert headings == [
        (1, "Riverside Wheelers – Handbook"),
        (2, "Fees"),
        (2, "Contacts"),
        (3, "Safety"),
    ]


def test_each_unit_knows_its_heading_path_and_a_row_its_header() -> None:
    blocks = parse_markdown(PAGE).blocks
    locker = next(b for b in blocks if b.kind == "row")
    assert locker.headings == ("Riverside Wheelers – Handbook", "Fees")
    assert locker.section == ("Fees",)  # the title is the whole document's, not a section's
    assert locker.header == ("Item", "Price", "Notes")
    assert locker.cells == ("Locker hire", "£5 per month", "Members only; bring your own padlock")
    deputy = next(b for b in blocks if b.text == "Deputy: Sam Oduya")
    assert deputy.parents == ("Secretary: Margaret Ellison, secretary@example.org",)
    call = next(b for b in blocks if b.text == "Call 999 first.")
    assert call.section == ("Contacts", "Safety")


def test_a_row_passage_carries_its_section_and_column_headers() -> None:
    units = _units(PAGE)
    texts = [text for text, _ in units]
    assert (
        "Fees — Item: Locker hire; Price: £5 per month; Notes: Members only; bring your own padlock"
        in texts
    )
    assert "Fees — Item: Day pass; Price: £8" in texts  # an empty cell says nothing
    row = next(c for text, c in units if text.startswith("Fees — Item: Locker"))
    assert row.text == "| Locker hire | £5 per month | Members only; bring your own padlock |"


def test_a_list_item_passage_carries_its_heading() -> None:
    units = dict(_units(PAGE))
    assert units["Contacts — Ride captain: Tom Achebe, rides@example.org"].text == (
        "Ride captain: Tom Achebe, rides@example.org"
    )
    # inline markup is left out of what is matched, kept in what is cited
    secretary = units["Contacts — Secretary: Margaret Ellison, secretary@example.org"]
    assert secretary.text == "**Secretary**: Margaret Ellison,\n  secretary@example.org"
    assert (
        "Contacts — Secretary: Margaret Ellison, secretary@example.org — Deputy: Sam Oduya" in units
    )
    assert "Contacts — Safety — Call 999 first." in units


def test_header_and_separator_rows_are_no_passages() -> None:
    cited = [c.text for _, c in _units(PAGE)]
    assert not any("|------|" in c or "| Item | Price" in c for c in cited)
    assert not any("|------|" in c.text for c in sentence_spans(Document("page.md", PAGE)))


def test_paragraphs_are_split_into_sentences() -> None:
    units = _units(PAGE)
    assert ("Welcome to the club.", units[1][1]) == (units[1][0], units[1][1])
    sentences = [text for text, c in units if text == c.text]
    assert sentences == ["Welcome to the club.", "We ride all year.", "Fees are paid online."]


def test_a_heading_cites_its_whole_line_and_is_told_apart() -> None:
    headings = [(text, c.text) for text, c in _units(PAGE) if is_heading_span(c.text)]
    assert headings == [
        ("Riverside Wheelers – Handbook", "# Riverside Wheelers – Handbook"),
        ("Fees", "## Fees"),
        ("Contacts", "## Contacts"),
        ("Safety", "### Safety"),
    ]
    setext = _units("Opening times\n=============\n\nWe open at nine.\n")
    assert setext[0] == ("Opening times", setext[0][1])
    assert is_heading_span(setext[0][1].text)
    for text, cite in _units(PAGE):
        passage = Passage(text, "source", (cite,))
        assert is_heading(passage) == is_heading_span(cite.text)
        assert self_contained(passage) == (text != cite.text and not is_heading_span(cite.text))


def test_a_txt_document_is_read_as_sentences_as_before() -> None:
    doc = Document("paris-2024-track-cycling.txt", ARTICLE.read_text(encoding="utf-8"))
    units = source_units(doc)
    assert [u.citation for u in units] == sentence_spans(doc)
    assert all(u.text == u.citation.text for u in units)
    # Markdown-looking lines in a .txt file keep today's reading: no rows, no headings
    text = "# Notes\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\n- one item. Two sentences.\n"
    txt = source_units(Document("notes.txt", text))
    assert all(u.text == u.citation.text for u in txt)
    assert "one item." in [u.text for u in txt]


def test_plain_drops_inline_markup() -> None:
    assert plain("**Glass Room** – see [the map](http://x.org) or `code`") == (
        "Glass Room – see the map or code"
    )
    assert plain("snake_case and 2*3*4 stay") == "snake_case and 2*3*4 stay"


_LINE = st.sampled_from(
    [
        "# Title",
        "## Section",
        "Text line.",
        "A sentence. Another one.",
        "- item",
        "  - nested",
        "1. first",
        "| a | b |",
        "|---|---|",
        "| 1 | 2 |",
        "",
        "---",
        "```",
        "> quote",
        "Setext",
        "===",
        "<!-- note -->",
        "  continued",
    ]
)


@settings(max_examples=200, deadline=None)
@given(st.lists(_LINE, max_size=25))
def test_any_markdown_gives_exact_ordered_spans(lines: list[str]) -> None:
    text = "\n".join(lines) + "\n"
    blocks = parse_markdown(text).blocks
    assert [b.start for b in blocks] == sorted(b.start for b in blocks)
    for b in blocks:
        span = text[b.start : b.end]
        assert span and span == span.strip()
        assert b.text
    for text_, cite in _units(text):
        assert text_ and cite.text


# --- passages and the evidence step (fake encoder) -------------------------------------


def test_corpus_passages_of_a_markdown_document(corpus_dir: Path) -> None:
    (corpus_dir / "page.md").write_text(PAGE, encoding="utf-8")
    passages = corpus_passages(corpus_dir).passages
    assert all(p.kind == "source" for p in passages)
    for p in passages:
        c = p.citations[0]
        assert PAGE[c.start : c.end] == c.text
    row = next(p for p in passages if p.text.startswith("Fees — Item: Locker hire"))
    assert row.citations[0].text.startswith("| Locker hire |")


def test_a_heading_alone_never_answers(corpus_dir: Path, fake_encoder: FakeEncoder) -> None:
    (corpus_dir / "page.md").write_text(
        "# Locker hire prices\n\n## Locker hire prices for members\n\nAsk at the desk.\n",
        encoding="utf-8",
    )
    build_index()
    for question in ["Locker hire prices for members?", "What are the locker hire prices?"]:
        support = find_support(question, encoder=fake_encoder)
        assert support is None or not any(is_heading_span(c.text) for c in support.citations)


FEES = "## Fees\n\n| Item | Price |\n|---|---|\n| Locker hire | £5 a month |\n| Day pass | £8 |\n"


def test_a_row_answers_with_its_headers_and_cites_its_exact_span(
    corpus_dir: Path, fake_encoder: FakeEncoder
) -> None:
    (corpus_dir / "fees.md").write_text(FEES, encoding="utf-8")
    build_index()
    support = find_support("What is the locker hire price?", encoder=fake_encoder)
    assert support is not None
    assert support.text == "Fees — Item: Locker hire; Price: £5 a month"
    (cite,) = support.citations
    assert FEES[cite.start : cite.end] == cite.text == "| Locker hire | £5 a month |"
    html = sources_html(support.citations, corpus_dir)
    assert '<mark class="qa-mark" data-cite="1">| Locker hire | £5 a month |</mark>' in html
    # no row names a deposit: the locker row alone does not say what one costs
    assert find_support("What is the locker deposit price?", encoder=fake_encoder) is None


def test_a_row_that_does_not_show_what_is_asked_does_not_answer(
    corpus_dir: Path, fake_encoder: FakeEncoder
) -> None:
    (corpus_dir / "page.md").write_text(PAGE, encoding="utf-8")
    build_index()
    # the ride captain's item gives an email, no phone number
    assert find_support("What is the ride captain's phone number?", encoder=fake_encoder) is None
    # a phone number, a time or a price is no count
    assert find_support("How many ride captains are there?", encoder=fake_encoder) is None


def test_an_unknown_word_is_a_paraphrase_only_where_a_verb_stands(
    corpus_dir: Path, fake_encoder: FakeEncoder
) -> None:
    (corpus_dir / "fees.md").write_text(FEES, encoding="utf-8")
    build_index()
    rent = find_support("What is the price to rent a locker?", encoder=fake_encoder)
    assert rent is not None and rent.citations[0].text == "| Locker hire | £5 a month |"
    # the same word naming a thing: no row lists a locker rent
    assert find_support("What is the locker rent price?", encoder=fake_encoder) is None
    # a question that picks no row: both fit it alike, neither answers
    assert find_support("Fees: what is the item price?", encoder=fake_encoder) is None


# --- the real model ----------------------------------------------------------------------


@pytest.fixture(scope="module")
def handbook_index(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The article and the club handbook, indexed with the real model."""
    from qa.encoders import default_encoder

    root = tmp_path_factory.mktemp("markdown")
    shutil.copytree(REAL_CORPUS, root / "corpus")
    shutil.copy(HANDBOOK, root / "corpus" / HANDBOOK.name)
    build_index(root / "corpus", root / "index", encoder=default_encoder())
    return {"corpus": root / "corpus", "index": root / "index"}


@pytest.mark.slow
@pytest.mark.parametrize(
    ("question", "expected", "cited"),
    [
        ("how much is it to rent a locker?", "£5 per month", "| Locker hire | £5 per month |"),
        (
            "What's the phone number for the membership officer?",
            "01632 960418",
            "Membership officer: Priya Nair",
        ),
        ("What time does the clubhouse shut on a Saturday?", "14:00", "Saturday: 08:00–14:00"),
        ("Where do beginners meet for their ride?", "Mill Lane bus shelter", "| Thursday |"),
        ("Who is the ride captain?", "Tom Achebe", "Ride captain: Tom Achebe"),
        # a whole row or item may answer a yes or no: it covers every word of the question
        ("Is the clubhouse open on Mondays?", "closed", "Monday: closed"),
    ],
)
def test_table_rows_and_list_items_answer(
    handbook_index: dict[str, Path], question: str, expected: str, cited: str
) -> None:
    answer = ask(question, index_dir=handbook_index["index"])
    assert answer.method == "retrieval", answer.text
    assert expected in answer.text
    text = (handbook_index["corpus"] / HANDBOOK.name).read_text(encoding="utf-8")
    assert answer.citations and all(c.doc == HANDBOOK.name for c in answer.citations)
    assert all(text[c.start : c.end] == c.text for c in answer.citations)
    assert any(cited in c.text for c in answer.citations)


@pytest.mark.slow
@pytest.mark.parametrize(
    "question",
    [
        "How much does it cost to hire an e-bike?",  # a kind of bike the fees do not list
        "What's the ride captain's phone number?",  # the captain's item gives no phone
        "What average speed does the Sunday long ride go at?",
        "Which cafe does the Saturday ride stop at?",
        "Is there a student discount on membership?",
        "Is the clubhouse open on bank holidays?",
    ],
)
def test_near_misses_abstain(handbook_index: dict[str, Path], question: str) -> None:
    answer = ask(question, index_dir=handbook_index["index"])
    assert answer.method == "none", answer.text


GUIDE = QUESTIONS / "documents" / "velodrome-visitor-guide.md"


@pytest.fixture(scope="module")
def guide_index(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The article and the velodrome visitor guide, indexed with the real model."""
    from qa.encoders import default_encoder

    root = tmp_path_factory.mktemp("guide")
    shutil.copytree(REAL_CORPUS, root / "corpus")
    shutil.copy(GUIDE, root / "corpus" / GUIDE.name)
    build_index(root / "corpus", root / "index", encoder=default_encoder())
    return root / "index"


@pytest.mark.slow
@pytest.mark.parametrize(
    ("question", "expected"),
    [
        ("nearest train station?", "Northbrook Riverside"),  # a superlative ranks, names nothing
        ("Which bus do I take to get there?", "route 42"),  # an everyday verb, and "get" no key
        ("how much is a taster sesion for an adult", "£28"),  # one slip from the guide's word
        ("How early can I get in on a Wednesday?", "06:30"),  # "how early" asks for a time
    ],
)
def test_paraphrases_and_slips_answer(guide_index: Path, question: str, expected: str) -> None:
    answer = ask(question, index_dir=guide_index)
    assert answer.method == "retrieval", answer.text
    assert expected in answer.text


@pytest.mark.slow
@pytest.mark.parametrize(
    "question",
    [
        "What's the nearest hotel?",  # a thing the guide never names
        "How much is a sauna session?",
        "How early does the sauna open?",
    ],
)
def test_a_thing_the_guide_never_names_still_abstains(guide_index: Path, question: str) -> None:
    answer = ask(question, index_dir=guide_index)
    assert answer.method == "none", answer.text
