"""The chat app: its pure helpers, then `app.py` served for real and driven by gradio_client."""

from __future__ import annotations

import html
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest
from _app_server import REPO, AppServer, shared_server
from hypothesis import given, settings
from hypothesis import strategies as st
from markdown_it import MarkdownIt

from qa import app_support as support
from qa.config import MAX_QUESTION_CHARS
from qa.corpus.lexicon import load_lexicon
from qa.errors import IndexMissing, QuestionInvalid
from qa.types import Answer, Citation, Fact

REAL_CORPUS = REPO / "corpus"
ARTICLE = "paris-2024-track-cycling.txt"

# --- escaping user text -----------------------------------------------------------------------

_TAGS = re.compile(r"<[^>]*>")
_markdown = MarkdownIt("commonmark")


def rendered_text(markdown: str) -> str:
    """What a reader sees: Markdown rendered to HTML, tags dropped, entities decoded."""
    return html.unescape(_TAGS.sub("", _markdown.render(markdown)))


def squash(text: str) -> str:
    return " ".join(text.split())


QUESTION_TEXT = st.lists(
    st.sampled_from(list("abcXYZ 019?!.,;:'\"-_*#`~|\\/<>&=()[]{}+^$%@\n\té’"))
    | st.sampled_from(
        ["<b>", "</b>", "<img src=x onerror=alert(1)>", "**", "[a](b)", "&amp;", "1. ", "- "]
    ),
    max_size=40,
).map("".join)


@settings(max_examples=300, deadline=None)
@given(QUESTION_TEXT)
def test_escaped_question_renders_as_the_typed_text(text: str) -> None:
    escaped = support.escape_user_text(text)
    assert "<" not in escaped and ">" not in escaped
    rendered = _markdown.render(escaped)
    assert not re.search(r"<(?!/?(p|br)\b)", rendered), rendered  # only paragraphs, no markup
    assert squash(rendered_text(escaped)) == squash(text)


def test_escaped_question_examples() -> None:
    assert (
        rendered_text(support.escape_user_text("**bold** <b>hi</b>")).strip()
        == "**bold** <b>hi</b>"
    )
    assert "<img" not in _markdown.render(support.escape_user_text("<img src=x onerror=alert(1)>"))
    assert "<a" not in _markdown.render(support.escape_user_text("[click](javascript:alert(1))"))


def test_answer_markdown_keeps_formatting_but_not_html() -> None:
    safe = support.markdown_safe("**Sources** <script>alert(1)</script> AT&T")
    assert "<script>" not in _markdown.render(safe)
    assert "<strong>Sources</strong>" in _markdown.render(safe)


def test_chat_messages_escape_questions_and_mark_abstentions() -> None:
    turns = [
        {
            "question": "<b>Who</b>?",
            "answer": {"text": "**Valente** [1]", "method": "structured", "citations": []},
        },
        {
            "question": "Who won the marathon?",
            "answer": {"text": "No idea.", "method": "none", "citations": []},
        },
    ]
    messages = support.chat_messages(turns)
    assert [m["role"] for m in messages] == ["user", "assistant", "user", "assistant"]
    assert "<b>" not in messages[0]["content"]
    assert messages[1]["content"] == "**Valente** [1]"
    assert 'class="qa-abstain"' in messages[3]["content"]


# --- what gets asked --------------------------------------------------------------------------


def test_question_problems() -> None:
    assert support.question_problem("") and support.question_problem("   \n ")
    assert support.question_problem("<b></b>")  # nothing left once the markup is gone
    assert support.question_problem("x" * MAX_QUESTION_CHARS) is None
    too_long = support.question_problem("x" * (MAX_QUESTION_CHARS + 1))
    assert too_long and "1,000" in too_long
    assert support.question_problem("Who won the keirin?") is None


def test_plain_question_drops_markup_only() -> None:
    assert support.plain_question("<b>Who</b> won the <i>keirin</i>?") == "Who won the keirin ?"
    assert support.plain_question("Is 3 < 5 and 7 > 2?") == "Is 3 < 5 and 7 > 2?"
    assert support.plain_question("<img src=x onerror=alert(1)>Who?") == "Who?"


class FakeAsker:
    def __init__(self, error: Exception | None = None) -> None:
        self.calls: list[tuple[str, tuple[str, ...]]] = []
        self.error = error

    def __call__(self, question: str, history: tuple[str, ...] = ()) -> Answer:
        self.calls.append((question, tuple(history)))
        if self.error:
            raise self.error
        cite = Citation(ARTICLE, "Some text.", 0, 10)
        return Answer(f"Answer to {question}", (cite,), "retrieval")


def test_answer_payload_passes_plain_question_and_history() -> None:
    asker = FakeAsker()
    payload = support.answer_payload(
        "<b>And</b> the men's?", asker, ["Who won the omnium?", "x" * 5000, ""]
    )
    assert asker.calls == [("And the men's?", ("Who won the omnium?",))]
    assert payload == {
        "text": "Answer to And the men's?",
        "method": "retrieval",
        "citations": [{"doc": ARTICLE, "text": "Some text.", "start": 0, "end": 10}],
    }


@pytest.mark.parametrize("question", ["", "   ", None, "x" * 5000])
def test_answer_payload_refuses_without_calling_the_model(question: str | None) -> None:
    asker = FakeAsker()
    payload = support.answer_payload(question, asker)
    assert asker.calls == []
    assert payload["method"] == "none" and payload["citations"] == [] and payload["text"]


def test_answer_payload_turns_library_errors_into_messages() -> None:
    missing = support.answer_payload(
        "Who?", FakeAsker(IndexMissing("no index at /x; run `qa build`"))
    )
    assert missing["method"] == "none" and "qa build" in missing["text"]
    invalid = support.answer_payload("Who?", FakeAsker(QuestionInvalid("the question is empty")))
    assert invalid == support.abstention("the question is empty")


# --- the sources panel ------------------------------------------------------------------------


def marks(fragment: str) -> list[str]:
    return [html.unescape(m) for m in re.findall(r"<mark[^>]*>(.*?)</mark>", fragment, re.DOTALL)]


def visible_text(fragment: str) -> str:
    without_labels = re.sub(r'<span class="qa-cite-n"[^>]*>.*?</span>', "", fragment)
    return html.unescape(_TAGS.sub("", without_labels))


def test_highlight_marks_exactly_the_spans_and_escapes_everything() -> None:
    text = "Intro <script>x</script>. The cited & quoted sentence. Outro."
    start = text.index("The cited")
    end = text.index(" Outro")
    out = support.highlight_html(text, [(start, end, 1)])
    assert marks(out) == ["The cited & quoted sentence."]
    assert "<script>" not in out and "&lt;script&gt;" in out
    assert visible_text(out) == text


def test_overlapping_spans_share_one_mark_with_both_numbers() -> None:
    text = "One two three four five."
    out = support.highlight_html(text, [(0, 13, 1), (4, 18, 2)])
    assert marks(out) == ["One two three four"]
    assert '<span class="qa-cite-n" aria-hidden="true">1, 2</span>' in out


def test_long_documents_show_context_around_each_span() -> None:
    filler = "Nothing to see here at all. " * 400
    text = filler + "The answer is here." + filler
    start = text.index("The answer")
    out = support.highlight_html(text, [(start, start + len("The answer is here."), 1)])
    assert marks(out) == ["The answer is here."]
    assert out.count("…") == 2
    assert len(visible_text(out)) < 2 * support.CONTEXT_CHARS + 200


@settings(max_examples=150, deadline=None)
@given(st.data())
def test_highlight_keeps_text_and_marks_every_span(data: st.DataObject) -> None:
    text = data.draw(st.text(alphabet="ab <>&\"'\n.", min_size=1, max_size=60))
    spans = data.draw(
        st.lists(
            st.tuples(st.integers(0, len(text)), st.integers(0, len(text))).map(sorted),
            max_size=4,
        )
    )
    numbered = [(s, e, n) for n, (s, e) in enumerate(spans, start=1) if e > s]
    out = support.highlight_html(text, numbered)
    assert visible_text(out) == text
    marked = "".join(marks(out))
    for start, end, _ in numbered:
        assert text[start:end] in marked


def write_doc(corpus: Path, name: str, text: str) -> None:
    corpus.mkdir(parents=True, exist_ok=True)
    (corpus / name).write_text(text, encoding="utf-8")


def test_sources_html_names_the_document_and_highlights_citations(tmp_path: Path) -> None:
    text = "First sentence. Second <b>sentence</b>. Third."
    write_doc(tmp_path, "doc.txt", text)
    start = text.index("Second")
    cite = {"doc": "doc.txt", "text": "Second <b>sentence</b>.", "start": start, "end": start + 23}
    out = support.sources_html([cite], tmp_path, heading="<i>Which?</i>")
    assert "doc.txt" in out and "&lt;i&gt;Which?&lt;/i&gt;" in out
    assert marks(out) == ["Second <b>sentence</b>."]
    assert "<b>" not in out


def test_sources_html_explains_a_changed_or_missing_document(tmp_path: Path) -> None:
    write_doc(tmp_path, "doc.txt", "The text changed completely.")
    gone = Citation("doc.txt", "An old sentence.", 0, 16)
    outside = Citation("../secret.txt", "A secret.", 0, 9)
    (tmp_path.parent / "secret.txt").write_text("A secret.", encoding="utf-8")
    out = support.sources_html([gone, outside], tmp_path)
    assert marks(out) == []
    assert out.count("no longer in") == 2
    assert "An old sentence." in out


def test_sources_html_finds_a_moved_sentence(tmp_path: Path) -> None:
    write_doc(tmp_path, "doc.txt", "New first line. The cited sentence.")
    moved = Citation("doc.txt", "The cited sentence.", 0, 19)  # offsets from before the edit
    assert marks(support.sources_html([moved], tmp_path)) == ["The cited sentence."]


def test_sources_html_without_citations() -> None:
    assert "No sources" in support.sources_html([], REAL_CORPUS)


def test_read_source_stays_inside_the_corpus(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    write_doc(corpus, "a.txt", "\ufeffText.")
    (tmp_path / "outside.txt").write_text("no", encoding="utf-8")
    (corpus / "notes.yaml").write_text("no", encoding="utf-8")
    assert support.read_source(corpus, "a.txt") == "Text."  # BOM dropped, as the index does
    assert support.read_source(corpus, "../outside.txt") is None
    assert support.read_source(corpus, "notes.yaml") is None
    assert support.read_source(corpus, "missing.txt") is None


# --- the results tab --------------------------------------------------------------------------


@pytest.fixture(scope="module")
def real_rows() -> list[support.ResultRow]:
    from qa.corpus.documents import load_documents
    from qa.corpus.facts import load_facts

    lexicon = load_lexicon(REAL_CORPUS)
    return support.result_rows(
        load_facts(REAL_CORPUS, load_documents(REAL_CORPUS), lexicon), lexicon
    )


def test_result_rows_from_the_facts(real_rows: list[support.ResultRow]) -> None:
    assert len(real_rows) == 14  # 13 results and Britain's gold, whose event is not named
    britain = next(r for r in real_rows if r.country == "Great Britain")
    assert (britain.event, britain.medal) == ("(event not named)", "Gold")
    text = (REAL_CORPUS / ARTICLE).read_text(encoding="utf-8")
    omnium = next(r for r in real_rows if r.fact_id == "result-women-omnium-gold")
    assert omnium.cells()[:5] == ["Omnium", "Women", "Gold", "Jennifer Valente", "United States"]
    assert omnium.evidence in text
    for row in real_rows:
        assert row.citations and all(text[c.start : c.end] == c.text for c in row.citations)
        assert len(row.evidence) <= support.EVIDENCE_CHARS
    road = [r for r in real_rows if r.road]
    assert [r.event for r in road] == ["Road race (road)"]
    assert next(r for r in real_rows if r.fact_id == "result-men-team-pursuit-gold").riders == "—"


def test_medal_counts_leave_out_road_and_rank_countries(real_rows: list[support.ResultRow]) -> None:
    counts = support.medal_counts(real_rows)
    assert ("United States", "Gold", 2) in counts  # team pursuit and omnium; not the road race
    totals: dict[str, int] = {}
    for country, _, n in counts:
        totals[country] = totals.get(country, 0) + n
    assert list(totals) == sorted(totals, key=lambda c: -totals[c])
    assert totals == {
        "Netherlands": 3,
        "New Zealand": 3,
        "United States": 2,
        "Portugal": 2,
        "Australia": 1,
        "France": 1,
        "Great Britain": 1,
    }


def test_find_row_by_cells_then_index(real_rows: list[support.ResultRow]) -> None:
    row = real_rows[4]
    assert support.find_row(real_rows, 0, row.cells()) is row  # the table may be sorted
    assert support.find_row(real_rows, 2, None) is real_rows[2]
    assert support.find_row(real_rows, 99, ["nothing"]) is None


def test_result_rows_ignore_other_kinds() -> None:
    lexicon = load_lexicon(REAL_CORPUS)
    fact = Fact("t", "tally", ARTICLE, {"subject": "x"}, (), (), "s")
    assert support.result_rows([fact], lexicon) == []


def test_shorten() -> None:
    assert support.shorten("a b c", 10) == "a b c"
    assert support.shorten("alpha beta gamma delta", 12) == "alpha beta…"


# --- the status line --------------------------------------------------------------------------


def test_status_without_an_index(tmp_path: Path) -> None:
    status = support.index_status(tmp_path / "corpus", tmp_path / "index")
    assert status.warning and "qa build" in status.warning
    assert 'role="alert"' in status.html()


@pytest.mark.slow
def test_status_line_and_staleness_warning(tmp_path: Path) -> None:
    server = shared_server()
    status = support.index_status(server.corpus, server.index)
    assert status.warning is None, status.warning
    assert re.match(
        r"1 document · \d+ passages · 34 facts · model \S+ · vectors in FAISS · built \d{4}-\d\d-\d\d",
        status.line,
    )
    corpus, index = tmp_path / "corpus", tmp_path / "index"
    shutil.copytree(server.corpus, corpus)
    shutil.copytree(server.index, index)
    write_doc(corpus, "new.txt", "A new document.")
    changed = support.index_status(corpus, index)
    assert changed.warning and "new.txt was added" in changed.warning
    assert "new.txt was added" in html.unescape(changed.html())


# --- app.py itself ----------------------------------------------------------------------------


def test_importing_the_app_has_no_side_effects() -> None:
    code = (
        "import sys, threading, os; before = dict(os.environ); import app; "
        "assert 'gradio' not in sys.modules, 'gradio imported'; "
        "assert threading.active_count() == 1; assert dict(os.environ) == before; print('ok')"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "ok"


def test_build_app_makes_one_public_endpoint() -> None:
    import app

    demo = app.build_app(asker=FakeAsker())
    public = [d.api_name for d in demo.fns.values() if d.api_visibility == "public"]
    assert public == ["ask"]


# --- served for real: gradio_client against `python app.py` -------------------------------------


@pytest.fixture(scope="module")
def client():
    from gradio_client import Client

    return Client(shared_server().url, verbose=False)


def check_citations(answer: dict, corpus: Path) -> None:
    assert answer["citations"], answer
    for cite in answer["citations"]:
        text = (corpus / cite["doc"]).read_text(encoding="utf-8")
        assert text[cite["start"] : cite["end"]] == cite["text"]


@pytest.mark.slow
def test_api_answers_with_citations(client) -> None:
    answer = client.predict("Who won the women's omnium?", api_name="/ask")
    assert set(answer) == {"text", "method", "citations"}
    assert "Valente" in answer["text"] and answer["method"] != "none"
    check_citations(answer, shared_server().corpus)


@pytest.mark.slow
def test_api_lists_only_ask(client) -> None:
    endpoints = client.view_api(print_info=False, return_format="dict")["named_endpoints"]
    assert list(endpoints) == ["/ask"]


@pytest.mark.slow
def test_api_handles_html_in_the_question(client) -> None:
    payload = client.predict("<b>hi</b> who won the keirin?", api_name="/ask")
    assert set(payload) == {"text", "method", "citations"}
    assert "<b>" not in payload["text"]
    answered = client.predict("<b>Who</b> won the women's keirin?", api_name="/ask")
    assert "Andrews" in answered["text"]
    check_citations(answered, shared_server().corpus)


@pytest.mark.slow
@pytest.mark.parametrize("question", ["x" * 5000, "", "   "])
def test_api_refuses_politely_and_fast(client, question: str) -> None:
    started = time.perf_counter()
    payload = client.predict(question, api_name="/ask")
    assert time.perf_counter() - started < 5
    assert payload["method"] == "none" and payload["citations"] == []
    assert payload["text"].startswith(("That question is", "Please type"))


@pytest.mark.slow
def test_server_serves_no_files_of_the_machine() -> None:
    import urllib.error
    import urllib.request

    server = shared_server()
    for path in (
        "/etc/passwd",
        server.corpus / ARTICLE,
        server.index / "CURRENT",
        REPO / "app.py",
        "app.py",
    ):
        url = f"{server.url}gradio_api/file={path}"
        with pytest.raises(urllib.error.HTTPError) as refused:
            urllib.request.urlopen(url, timeout=10)
        assert refused.value.code in (403, 404), url


@pytest.mark.slow
def test_server_binds_to_loopback_only() -> None:
    server = shared_server()
    listening = subprocess.run(["ss", "-ltnH"], capture_output=True, text=True).stdout
    bound = [
        line.split()[3]
        for line in listening.splitlines()
        if line.split()[3].endswith(f":{server.port}")
    ]
    assert bound == [f"127.0.0.1:{server.port}"]


@pytest.mark.slow
def test_api_abstains_when_the_documents_do_not_say(client) -> None:
    payload = client.predict("Who won the men's marathon?", api_name="/ask")
    assert payload["method"] == "none" and payload["citations"] == []


@pytest.mark.slow
def test_rebuild_while_serving_is_picked_up_and_a_failed_build_is_not(tmp_path: Path) -> None:
    from gradio_client import Client

    from qa.build import build_index
    from qa.errors import FactsInvalid

    shared = shared_server()
    corpus, index = tmp_path / "corpus", tmp_path / "index"
    shutil.copytree(shared.corpus, corpus)
    shutil.copytree(shared.index, index)  # reused vectors make the rebuild below quick
    server = AppServer.start(corpus, index)
    try:
        client = Client(server.url, verbose=False)
        question = "How long is the wooden track of the Saint-Quentin-en-Yvelines velodrome?"
        write_doc(
            corpus,
            "velodrome.txt",
            "The Saint-Quentin-en-Yvelines velodrome hosted the track events. "
            "Its wooden track is 250 metres long and was built from Siberian pine.\n",
        )
        before = client.predict(question, api_name="/ask")
        assert all(c["doc"] != "velodrome.txt" for c in before["citations"])

        build_index(corpus, index)
        after = client.predict(question, api_name="/ask")
        assert after["method"] != "none" and "velodrome" in after["text"], after
        assert {c["doc"] for c in after["citations"]} == {"velodrome.txt"}
        check_citations(after, corpus)

        facts = corpus / "facts.yaml"
        facts.write_text(
            facts.read_text(encoding="utf-8").replace("Jennifer Valente.", "J. V."),
            encoding="utf-8",
        )
        with pytest.raises(FactsInvalid):
            build_index(corpus, index)
        still = client.predict("Who won the women's omnium?", api_name="/ask")
        assert "Valente" in still["text"]
        assert client.predict(question, api_name="/ask")["citations"][0]["doc"] == "velodrome.txt"
    finally:
        server.stop()
