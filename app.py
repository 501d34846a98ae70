"""The chat app: ask the document collection questions and see the sentences each answer rests on.

    python app.py [--host 127.0.0.1] [--port 7860]

A thin Gradio layer over `qa.answering.ask`; the formatting and escaping live in
`qa.app_support`. Nothing happens on import: `build_app()` makes the Blocks and `main()`
serves them. The app keeps no answer or index state of its own between requests, so a
`qa build` that publishes a new index is picked up by the next question.
"""

import argparse
import logging
import threading
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from qa import app_support as support
from qa import config

if TYPE_CHECKING:
    import gradio as gr
    import pandas as pd

log = logging.getLogger("qa.app")

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 7860
CONCURRENCY = 2  # questions answered at once; the encoder is CPU-bound on a small machine
QUEUE_SIZE = 64

TITLE = "Ask the articles"
DESCRIPTION = (
    "Questions about Olympic track cycling at Paris 2024, answered only from the documents — "
    "every answer shows the sentences it rests on, and says so when the documents don't tell."
)
EXAMPLES = (
    "Who won the women's omnium?",
    "How many Olympic gold medals has Harrie Lavreysen won?",
    "Which world records were set?",
    "Who won the men's Madison?",
    "What did Ellesse Andrews win?",
    "Who won the men's marathon?",
)
MEDAL_COLOURS = {"Gold": "#d4a72c", "Silver": "#9aa3ad", "Bronze": "#b0703c"}

# Runs in the browser on each sources panel: bring the first highlight into view inside the
# document's own scroll box (never scrolling the page), now and whenever the panel changes.
SCROLL_TO_MARK = """
const reveal = () => {
  element.querySelectorAll('.qa-doc-text').forEach((box) => {
    const mark = box.querySelector('mark');
    if (mark) box.scrollTop = Math.max(0, mark.offsetTop - 48);
  });
};
reveal();
watch('value', reveal);
"""

CSS = """
.gradio-container { max-width: 1320px !important; margin: 0 auto !important; }
#qa-title h1 { font-size: 1.7rem; margin: 0.2rem 0 0; letter-spacing: -0.01em; }
#qa-title p { color: var(--body-text-color-subdued); margin: 0.25rem 0 0.4rem; }
.qa-status { font-size: 0.85rem; color: var(--body-text-color-subdued); }
.qa-status-line::before { content: "●"; color: #2e9d5b; margin-right: 0.45em; }
.qa-stale .qa-status-line::before { color: #d49b00; }
.qa-status-warn {
  margin-top: 0.35rem; padding: 0.45rem 0.7rem; border-radius: 8px;
  background: #fff6dd; color: #6b4e00; border: 1px solid #f0d98a;
}
.qa-sources { font-size: 0.95rem; line-height: 1.6; }
.qa-src-q { font-weight: 600; margin-bottom: 0.5rem; color: var(--body-text-color); }
.qa-doc { border: 1px solid var(--border-color-primary); border-radius: 10px;
  padding: 0.7rem 0.9rem; margin-bottom: 0.8rem; background: var(--background-fill-primary); }
.qa-doc-name { font-family: var(--font-mono); font-size: 0.8rem;
  color: var(--body-text-color-subdued); border-bottom: 1px solid var(--border-color-primary);
  padding-bottom: 0.35rem; margin-bottom: 0.5rem; }
.qa-doc-cites { color: var(--color-accent); }
.qa-doc-text { white-space: pre-wrap; color: var(--body-text-color-subdued);
  max-height: 430px; overflow-y: auto; position: relative; padding-right: 0.3rem; }
mark.qa-mark { background: #ffe58f; color: #1f1a00; padding: 0.05em 0.15em; border-radius: 3px;
  box-decoration-break: clone; -webkit-box-decoration-break: clone; }
.qa-cite-n { display: inline-block; font-size: 0.7rem; font-weight: 700; line-height: 1.3;
  color: #fff; background: var(--color-accent); border-radius: 999px; padding: 0 0.42em;
  margin: 0 0.2em 0 0.1em; vertical-align: 0.15em; }
.qa-gap { color: var(--body-text-color-subdued); }
.qa-missing { border-left: 3px solid #f0d98a; padding-left: 0.6rem; margin: 0.4rem 0; }
.qa-empty { color: var(--body-text-color-subdued); font-style: italic; }
.qa-abstain { color: #4b5563; background: #f3f4f6; border-left: 3px solid #c7ccd4;
  padding: 0.15rem 0.75rem; border-radius: 6px; }
#qa-examples button { font-size: 0.82rem; }
#qa-results-note { color: var(--body-text-color-subdued); font-size: 0.9rem; }
#qa-results-table table, #qa-results-table td, #qa-results-table th,
#qa-results-table span, #qa-results-table input {
  font-family: var(--font) !important; font-size: 0.86rem; }
"""


def build_app(asker: Any = None) -> "gr.Blocks":
    """The app's Blocks. `asker` replaces `qa.answering.ask` (tests pass a fake)."""
    # Handlers are annotated with real objects (no `from __future__ import annotations`),
    # because Gradio reads `evt: gr.SelectData` and gr.api's types from the annotations.
    import gradio as gr

    def ask(question: str, history: Sequence[str] = ()) -> Any:
        if asker is not None:
            return asker(question, history=history)
        from qa.answering import ask as library_ask

        return library_ask(question, history=history)

    with gr.Blocks(title=TITLE, analytics_enabled=False) as demo:
        turns = gr.State([])
        gr.Markdown(f"# {TITLE}\n{DESCRIPTION}", elem_id="qa-title")
        status = gr.HTML(
            support.IndexStatus("Checking the index…", None).html(), elem_id="qa-status"
        )

        with gr.Tabs():
            with gr.Tab("Ask", id="ask"), gr.Row(equal_height=False):
                with gr.Column(scale=5):
                    chatbot = gr.Chatbot(
                        label="Conversation",
                        elem_id="qa-chat",
                        height=480,
                        latex_delimiters=[],
                        sanitize_html=True,
                        allow_tags=False,
                        feedback_options=None,
                        buttons=["copy"],
                        placeholder="Ask about the riders, events and medals in the documents.",
                    )
                    with gr.Row():
                        question = gr.Textbox(
                            placeholder="Ask a question, e.g. Who won the men's keirin?",
                            show_label=False,
                            lines=1,
                            max_lines=4,
                            scale=5,
                            elem_id="qa-question",
                            autofocus=True,
                        )
                        send = gr.Button("Ask", variant="primary", scale=1, min_width=90)
                    with gr.Row():
                        retry = gr.Button("↻ Retry last", size="sm", elem_id="qa-retry")
                        clear = gr.Button("Clear chat", size="sm", elem_id="qa-clear")
                    gr.Markdown("**Try one of these**")
                    with gr.Row(elem_id="qa-examples"):
                        example_buttons = [
                            gr.Button(text, size="sm", variant="secondary") for text in EXAMPLES
                        ]
                with gr.Column(scale=4):
                    picker = gr.Dropdown(
                        label="Sources for",
                        choices=[],
                        value=None,
                        interactive=True,
                        elem_id="qa-picker",
                    )
                    sources = gr.HTML(
                        support.sources_placeholder(),
                        elem_id="qa-sources",
                        js_on_load=SCROLL_TO_MARK,
                    )

            with gr.Tab("Results", id="results") as results_tab:
                gr.Markdown(
                    "Medal results the documents state (as of the last index build), each with the "
                    "sentence it comes from. Select a row to see that sentence in its document. "
                    "The article is not a full medal table: it names only some medallists, and "
                    "the chart counts track events only (the road race is in the table).",
                    elem_id="qa-results-note",
                )
                facts_error = gr.HTML("", elem_id="qa-facts-error")
                with gr.Row(equal_height=False):
                    with gr.Column(scale=5):
                        table = gr.Dataframe(
                            headers=list(support.RESULT_COLUMNS),
                            interactive=False,
                            wrap=True,
                            max_height=560,
                            column_widths=["14%", "11%", "9%", "20%", "14%", "32%"],
                            elem_id="qa-results-table",
                            label="Results",
                        )
                    with gr.Column(scale=3):
                        chart = gr.BarPlot(
                            x="Country",
                            y="Medals",
                            color="Medal",
                            color_map=MEDAL_COLOURS,
                            title="Track medals per country",
                            height=280,
                            x_label_angle=-30,
                            elem_id="qa-medal-chart",
                            label="Medals per country",
                            show_label=False,
                        )
                        evidence = gr.HTML(
                            '<div class="qa-sources"><p class="qa-empty">Select a row to see its '
                            "evidence in the document.</p></div>",
                            elem_id="qa-evidence",
                            js_on_load=SCROLL_TO_MARK,
                        )
                with gr.Row():
                    refresh = gr.Button("↻ Refresh", size="sm", scale=0, min_width=110)

        # --- handlers: each returns fresh values, nothing is cached between requests ---------

        def add_question(history: list[dict[str, Any]], text: str | None) -> tuple[Any, ...]:
            # One question at a time: while an answer is pending the text stays in the box,
            # so two chains never write the conversation at once.
            if not (text or "").strip() or (history and history[-1]["answer"] is None):
                return gr.skip(), gr.skip(), gr.skip()
            new = [*history, {"question": text, "answer": None}]
            return new, _messages(new), ""

        def answer_last(history: list[dict[str, Any]]) -> tuple[Any, ...]:
            if not history or history[-1]["answer"] is not None:
                return gr.skip(), gr.skip(), gr.skip(), gr.skip(), gr.skip()
            pending = history[-1]
            earlier = [str(t["question"]) for t in history[:-1]]
            try:
                payload = support.answer_payload(pending["question"], ask, earlier)
            except Exception:  # an unexpected failure must not leave the chat hanging
                log.exception("answering %r failed", pending["question"])
                payload = support.abstention(
                    "Sorry, something went wrong while answering. Please try again."
                )
            new = [*history[:-1], {"question": pending["question"], "answer": payload}]
            last = len(new) - 1
            return new, _messages(new), _picker(new, last), _sources(new, last), _status()

        def retry_last(history: list[dict[str, Any]]) -> tuple[Any, ...]:
            if not history:
                return gr.skip(), gr.skip()
            new = [*history[:-1], {"question": history[-1]["question"], "answer": None}]
            return new, _messages(new)

        def clear_chat() -> tuple[Any, ...]:
            return [], [], gr.update(choices=[], value=None), support.sources_placeholder()

        def pick(history: list[dict[str, Any]], choice: Any) -> str:
            return _sources(history, choice)

        def select_message(history: list[dict[str, Any]], evt: gr.SelectData) -> tuple[Any, ...]:
            index = evt.index[0] if isinstance(evt.index, list | tuple) else evt.index
            if not isinstance(index, int):
                return gr.skip(), gr.skip()
            turn = index // 2
            if not (0 <= turn < len(history)) or history[turn]["answer"] is None:
                return gr.skip(), gr.skip()
            return gr.update(value=turn), _sources(history, turn)

        def show_evidence(evt: gr.SelectData) -> str:
            rows, _ = _results()
            row_index = evt.index[0] if isinstance(evt.index, list | tuple) else evt.index
            row = support.find_row(
                rows, row_index if isinstance(row_index, int) else None, evt.row_value
            )
            if row is None:
                return gr.skip()
            heading = f"{row.event} · {row.gender} · {row.medal} · {row.country}"
            return support.sources_html(row.citations, config.corpus_dir(), heading=heading)

        def page_data() -> tuple[Any, ...]:
            rows, error = _results()
            counts = support.medal_counts(rows)
            order = list(dict.fromkeys(country for country, _, _ in counts))
            return (
                _status(),
                _table(rows),
                gr.update(value=_chart(counts), sort=order),
                _facts_error(error),
            )

        private: dict[str, Any] = {"api_visibility": "private"}
        submit_inputs = [turns, question]
        answer_outputs = [turns, chatbot, picker, sources, status]
        for trigger in (question.submit, send.click):
            trigger(
                add_question, submit_inputs, [turns, chatbot, question], queue=False, **private
            ).then(answer_last, [turns], answer_outputs, show_progress_on=chatbot, **private)
        for button in example_buttons:
            button.click(
                add_question, [turns, button], [turns, chatbot, question], queue=False, **private
            ).then(answer_last, [turns], answer_outputs, show_progress_on=chatbot, **private)
        retry.click(retry_last, [turns], [turns, chatbot], queue=False, **private).then(
            answer_last, [turns], answer_outputs, show_progress_on=chatbot, **private
        )
        clear.click(clear_chat, None, [turns, chatbot, picker, sources], queue=False, **private)
        chatbot.clear(clear_chat, None, [turns, chatbot, picker, sources], queue=False, **private)
        picker.input(pick, [turns, picker], [sources], queue=False, **private)
        chatbot.select(select_message, [turns], [picker, sources], queue=False, **private)
        table.select(show_evidence, None, [evidence], **private)
        page_outputs = [status, table, chart, facts_error]
        demo.load(page_data, None, page_outputs, **private)
        results_tab.select(page_data, None, page_outputs, **private)
        refresh.click(page_data, None, page_outputs, **private)

        def ask_api(question: str) -> dict:
            """Answer one question from the documents.

            Returns {"text": Markdown answer, "method": "structured" | "retrieval" | "none",
            "citations": [{"doc", "text", "start", "end"}]}; "none" means no answer (nothing
            cited), and empty or over-long questions get a polite message instead of an error.
            The text is safe to render as Markdown: any HTML in it arrives as entities.
            """
            if question is not None and not isinstance(question, str):
                # the API takes any JSON value; a number or a list is a caller's mistake
                return support.abstention(
                    f"The question must be text, not {type(question).__name__}; "
                    "please send it as a string."
                )
            payload = support.answer_payload(question, ask)
            return {**payload, "text": support.markdown_safe(payload["text"])}

        gr.api(ask_api, api_name="ask")
    return demo


def _messages(history: list[dict[str, Any]]) -> list[dict[str, str]]:
    done = [t for t in history if t["answer"] is not None]
    messages = support.chat_messages(done)
    if history and history[-1]["answer"] is None:
        messages.append(
            {"role": "user", "content": support.escape_user_text(str(history[-1]["question"]))}
        )
    return messages


def _picker(history: list[dict[str, Any]], value: int | None) -> Any:
    import gradio as gr

    choices = [
        (support.turn_label(i + 1, str(t["question"])), i)
        for i, t in enumerate(history)
        if t["answer"] is not None
    ]
    return gr.update(choices=choices, value=value)


def _sources(history: list[dict[str, Any]], turn: Any) -> str:
    if (
        not isinstance(turn, int)
        or not (0 <= turn < len(history))
        or history[turn]["answer"] is None
    ):
        return support.sources_placeholder()
    chosen = history[turn]
    return support.sources_html(
        chosen["answer"].get("citations", []), config.corpus_dir(), heading=str(chosen["question"])
    )


def _status() -> str:
    return support.index_status(config.corpus_dir(), config.index_dir()).html()


def _results() -> tuple[list[support.ResultRow], str | None]:
    """The result rows of the live index (what answers use), or ([], why) when unreadable.

    Before any build there is no index: the rows then come straight from the corpus files.
    """
    from qa.errors import IndexMissing, QAError
    from qa.knowledge import knowledge_from_corpus, load_knowledge

    try:
        try:
            knowledge = load_knowledge(config.index_dir())
        except IndexMissing:
            knowledge = knowledge_from_corpus(config.corpus_dir())
    except QAError as e:
        return [], str(e)
    return support.result_rows(knowledge.facts.facts, knowledge.facts.lexicon), None


def _table(rows: list[support.ResultRow]) -> "pd.DataFrame":
    import pandas as pd

    return pd.DataFrame([r.cells() for r in rows], columns=list(support.RESULT_COLUMNS))


def _chart(counts: list[tuple[str, str, int]]) -> "pd.DataFrame":
    import pandas as pd

    return pd.DataFrame(counts, columns=["Country", "Medal", "Medals"])


def _facts_error(error: str | None) -> str:
    import html

    if not error:
        return ""
    return (
        '<div class="qa-status-warn" role="alert">The results cannot be shown: '
        f"{html.escape(error)}</div>"
    )


def launch_options() -> dict[str, Any]:
    """Theme and CSS for `Blocks.launch` (Gradio 6 takes them there, not in the constructor)."""
    import gradio as gr

    theme = gr.themes.Soft(primary_hue="indigo", secondary_hue="amber", neutral_hue="slate")
    return {"theme": theme, "css": CSS}


def warm_up() -> None:
    """Load the encoder, the index and the facts ahead of the first question (in the background).

    Only saves the first user some seconds: any failure is left for the first question
    to report in its own words.
    """
    try:
        from qa.knowledge import load_knowledge
        from qa.retrieval import retrieve

        load_knowledge(config.index_dir())
        retrieve("track cycling", k=1)
    except Exception as e:  # noqa: BLE001 - see the docstring
        log.info("warm-up skipped: %s", e)


def serve(host: str = DEFAULT_HOST, port: int = DEFAULT_PORT, asker: Any = None) -> None:
    """Serve the app until interrupted: local only by default, no share link, a bounded queue."""
    if asker is None:
        threading.Thread(target=warm_up, name="qa-warm-up", daemon=True).start()
    demo = build_app(asker)
    demo.queue(default_concurrency_limit=CONCURRENCY, max_size=QUEUE_SIZE)
    demo.launch(
        server_name=host,
        server_port=port,
        share=False,
        ssr_mode=False,
        footer_links=["api"],
        show_error=False,
        quiet=True,
        **launch_options(),
    )


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=DESCRIPTION)
    parser.add_argument(
        "--host", default=DEFAULT_HOST, help="address to bind (default: %(default)s)"
    )
    parser.add_argument(
        "--port", type=int, default=DEFAULT_PORT, help="port (default: %(default)s)"
    )
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    log.setLevel(logging.INFO)
    logging.getLogger("bm25s").setLevel(logging.WARNING)  # it logs each index load at DEBUG
    print(f"Serving on http://{args.host}:{args.port}", flush=True)
    serve(args.host, args.port)


if __name__ == "__main__":
    main()
