"""Pure helpers for the chat app: escaping, source highlighting, the results table, the status line.

Nothing here imports gradio, so every piece is testable without a server; `app.py` only
wires these into components. All text that reaches the page as HTML goes through
`html.escape` here, whatever its origin (the user, the corpus, the index manifest).
"""

from __future__ import annotations

import html
import re
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from .config import MAX_QUESTION_CHARS
from .corpus.render import HOME_SCOPE
from .errors import QAError, QuestionInvalid
from .types import Citation, Fact

FULL_DOCUMENT_CHARS = 6000  # documents up to this size are shown whole in the sources panel
CONTEXT_CHARS = 360  # otherwise: this much text either side of each cited span
MEDAL_ORDER = ("gold", "silver", "bronze")
EVIDENCE_CHARS = 90  # the results table shows the start of the evidence; a row's panel shows it all
RESULT_COLUMNS = ("Event", "Gender", "Medal", "Riders", "Country", "Evidence")

Asker = Callable[..., Any]  # qa.answering.ask: (question, history=()) -> Answer


# --- user text --------------------------------------------------------------------------------

# ASCII punctuation Markdown may act on; `<`, `>` and `&` are left to html.escape, since
# a backslash before an entity would show the entity's name.
_MARKDOWN_SPECIALS = re.compile(r"([\\`*_{}\[\]()#+\-.!|~$=:^\"'])")


def escape_user_text(text: str) -> str:
    """A question as Markdown that renders to exactly the typed text: no HTML, no formatting.

    Markdown punctuation gets a backslash and `<`, `>`, `&` become entities, so neither a
    tag nor `**bold**` nor a link is ever interpreted. Newlines stay line breaks.
    """
    # Leading spaces would make an indented code block, which shows the backslashes.
    lines = [line.strip() for line in text.replace("\r\n", "\n").replace("\r", "\n").split("\n")]
    escaped = _MARKDOWN_SPECIALS.sub(r"\\\1", "\n".join(lines))
    return html.escape(escaped, quote=False)


def markdown_safe(text: str) -> str:
    """Answer Markdown with raw HTML neutralised (`<`, `>`, `&` as entities), formatting kept."""
    return html.escape(text, quote=False)


_TAG = re.compile(r"</?[A-Za-z!][^<>]*>")


def plain_question(question: str | None) -> str:
    """The question as words to answer: HTML tags dropped, whitespace collapsed.

    The chat still shows what was typed (escaped); only the markup is left out of what
    is asked, so `<b>Who</b> won the keirin?` is asked as `Who won the keirin?`.
    """
    return " ".join(_TAG.sub(" ", question or "").split())


def question_problem(question: str | None) -> str | None:
    """A polite message when the question cannot be asked (empty, too long), else None."""
    raw = (question or "").strip()
    if len(raw) > MAX_QUESTION_CHARS:
        return (
            f"That question is {len(raw):,} characters long; please keep it under "
            f"{MAX_QUESTION_CHARS:,} characters and ask about one thing at a time."
        )
    if not plain_question(raw):
        return "Please type a question about the documents."
    return None


def abstention(text: str) -> dict[str, Any]:
    """An answer payload that says something politely and cites nothing."""
    return {"text": text, "method": "none", "citations": []}


def answer_payload(
    question: str | None, asker: Asker, history: Sequence[str] = ()
) -> dict[str, Any]:
    """`asker(question, history)` as a plain dict; never raises for what a user can cause.

    Empty and over-long questions get a polite message without calling `asker` (so without
    touching the model); a QAError (no index, corrupt index, ...) becomes its own message.
    """
    problem = question_problem(question)
    if problem:
        return abstention(problem)
    asked = [plain_question(h) for h in history if not question_problem(h)]
    try:
        answer = asker(plain_question(question), history=tuple(asked))
    except QuestionInvalid as e:
        return abstention(f"{e}")
    except QAError as e:
        return abstention(f"Sorry, I can't answer right now: {e}")
    data = answer.to_dict() if hasattr(answer, "to_dict") else dict(answer)
    return {
        "text": str(data.get("text", "")),
        "method": str(data.get("method", "none")),
        "citations": [dict(c) for c in data.get("citations", [])],
    }


# --- chat messages ----------------------------------------------------------------------------


def answer_markdown(answer: Mapping[str, Any]) -> str:
    """An answer as chat Markdown; an abstention sits in a calm, muted box."""
    body = markdown_safe(str(answer.get("text", "")))
    if answer.get("method") == "none":
        return f'<div class="qa-abstain">\n\n{body}\n\n</div>'
    return body


def chat_messages(turns: Sequence[Mapping[str, Any]]) -> list[dict[str, str]]:
    """The Chatbot value (messages format) for the turns [{question, answer}], oldest first."""
    messages: list[dict[str, str]] = []
    for turn in turns:
        messages.append({"role": "user", "content": escape_user_text(str(turn["question"]))})
        messages.append({"role": "assistant", "content": answer_markdown(turn["answer"])})
    return messages


def turn_label(number: int, question: str, width: int = 60) -> str:
    """ "3 · Who won the keirin?" shortened to `width` characters, for the answer picker."""
    text = " ".join(question.split())
    if len(text) > width:
        text = text[: width - 1].rstrip() + "…"
    return f"{number} · {text}"


# --- the sources panel ------------------------------------------------------------------------


def read_source(corpus_dir: Path, doc: str) -> str | None:
    """The text of corpus document `doc`; None if it is gone, unreadable or outside the corpus."""
    from .corpus.documents import DOCUMENT_SUFFIXES, read_document

    root = corpus_dir.resolve()
    path = (root / doc).resolve()
    if not path.is_relative_to(root) or path.suffix.lower() not in DOCUMENT_SUFFIXES:
        return None
    if not path.is_file():
        return None
    try:
        return read_document(path, root).text
    except QAError:
        return None


@dataclass(frozen=True)
class _Span:
    start: int
    end: int
    labels: tuple[int, ...]


def _locate(text: str, citation: Citation) -> tuple[int, int] | None:
    """Where the cited text is in the current document: its recorded span, else its first match."""
    if (
        0 <= citation.start <= citation.end <= len(text)
        and text[citation.start : citation.end] == citation.text
    ):
        return citation.start, citation.end
    found = text.find(citation.text) if citation.text else -1
    return (found, found + len(citation.text)) if found >= 0 else None


def _merge(spans: Iterable[tuple[int, int, int]]) -> list[_Span]:
    merged: list[_Span] = []
    for start, end, label in sorted(spans):
        if merged and start < merged[-1].end:
            last = merged[-1]
            labels = tuple(sorted(set(last.labels) | {label}))
            merged[-1] = _Span(last.start, max(last.end, end), labels)
        else:
            merged.append(_Span(start, end, (label,)))
    return merged


def _windows(text: str, spans: Sequence[_Span]) -> list[tuple[int, int]]:
    """Stretches of `text` to show: all of it when short, else context around each span."""
    if len(text) <= FULL_DOCUMENT_CHARS:
        return [(0, len(text))]
    windows: list[tuple[int, int]] = []
    for span in spans:
        start = _snap_left(text, max(0, span.start - CONTEXT_CHARS))
        end = _snap_right(text, min(len(text), span.end + CONTEXT_CHARS))
        if windows and start <= windows[-1][1]:
            windows[-1] = (windows[-1][0], max(windows[-1][1], end))
        else:
            windows.append((start, end))
    return windows


def _snap_left(text: str, i: int) -> int:
    """Move a window start back to the previous whitespace (at most 40 characters)."""
    for j in range(i, max(0, i - 40) - 1, -1):
        if j == 0 or text[j - 1].isspace():
            return j
    return i


def _snap_right(text: str, i: int) -> int:
    for j in range(i, min(len(text), i + 40) + 1):
        if j == len(text) or text[j].isspace():
            return j
    return i


def highlight_html(text: str, spans: Iterable[tuple[int, int, int]]) -> str:
    """`text` as escaped HTML with each (start, end, number) span in a numbered <mark>.

    Overlapping spans merge into one mark carrying all their numbers. The mark holds
    exactly the cited text; its number sits in a label just before it.
    """
    merged = _merge(spans)
    windows = _windows(text, merged)
    parts: list[str] = []
    for w, (w_start, w_end) in enumerate(windows):
        if w or w_start > 0:
            parts.append('<span class="qa-gap">…</span> ')
        pos = w_start
        for span in merged:
            if span.end <= w_start or span.start >= w_end:
                continue
            parts.append(html.escape(text[pos : span.start]))
            label = ", ".join(str(n) for n in span.labels)
            parts.append(f'<span class="qa-cite-n" aria-hidden="true">{label}</span>')
            parts.append(
                f'<mark class="qa-mark" data-cite="{html.escape(label)}">'
                f"{html.escape(text[span.start : span.end])}</mark>"
            )
            pos = span.end
        parts.append(html.escape(text[pos:w_end]))
    if windows and windows[-1][1] < len(text):
        parts.append(' <span class="qa-gap">…</span>')
    return "".join(parts)


def sources_html(
    citations: Sequence[Citation | Mapping[str, Any]],
    corpus_dir: Path,
    heading: str | None = None,
    reader: Callable[[Path, str], str | None] = read_source,
) -> str:
    """The sources panel: each cited document, named, with its cited sentences highlighted.

    Citations are numbered in order (matching the answer's numbered list). A citation whose
    text is no longer in its document (changed since the build) is shown as a plain quote
    with a note.
    """
    cites = [c if isinstance(c, Citation) else Citation.from_dict(c) for c in citations]
    head = f'<div class="qa-src-q">{html.escape(heading)}</div>' if heading else ""
    if not cites:
        return (
            f'<div class="qa-sources">{head}<p class="qa-empty">'
            "No sources for this answer: nothing in the documents supports one.</p></div>"
        )
    by_doc: dict[str, list[tuple[int, Citation]]] = {}
    for number, cite in enumerate(cites, start=1):
        by_doc.setdefault(cite.doc, []).append((number, cite))
    blocks: list[str] = []
    for doc, numbered in by_doc.items():
        text = reader(corpus_dir, doc)
        numbers = ", ".join(str(n) for n, _ in numbered)
        title = (
            f'<div class="qa-doc-name"><span class="qa-doc-icon" aria-hidden="true"></span>'
            f'{html.escape(doc)} <span class="qa-doc-cites">[{numbers}]</span></div>'
        )
        spans: list[tuple[int, int, int]] = []
        missing: list[tuple[int, Citation]] = []
        for number, cite in numbered:
            where = _locate(text, cite) if text is not None else None
            if where is None:
                missing.append((number, cite))
            else:
                spans.append((where[0], where[1], number))
        body = (
            f'<div class="qa-doc-text">{highlight_html(text, spans)}</div>'
            if text and spans
            else ""
        )
        notes = "".join(
            f'<blockquote class="qa-missing"><span class="qa-cite-n">{n}</span>'
            f"{html.escape(c.text)}<br><small>This passage is no longer in {html.escape(doc)}; "
            "the document changed since the index was built.</small></blockquote>"
            for n, c in missing
        )
        blocks.append(f'<section class="qa-doc">{title}{body}{notes}</section>')
    return f'<div class="qa-sources">{head}{"".join(blocks)}</div>'


def sources_placeholder() -> str:
    return (
        '<div class="qa-sources"><p class="qa-empty">Ask a question: the sentences its '
        "answer rests on will be highlighted here, in their document.</p></div>"
    )


# --- the results tab --------------------------------------------------------------------------


@dataclass(frozen=True)
class ResultRow:
    """One medal result of the facts, ready for the table, with the evidence it rests on."""

    fact_id: str
    event: str
    gender: str
    medal: str
    riders: str
    country: str
    evidence: str
    road: bool
    citations: tuple[Citation, ...]

    def cells(self) -> list[str]:
        return [self.event, self.gender, self.medal, self.riders, self.country, self.evidence]


def result_rows(facts: Iterable[Fact], lexicon: Any) -> list[ResultRow]:
    """The "result" facts as table rows, in the facts file's order. Road events are marked."""
    rows = []
    for fact in facts:
        if fact.kind != "result":
            continue
        event_name = str(fact.get("event", ""))
        event = lexicon.event(event_name)
        road = str(fact.get("discipline", getattr(event, "discipline", "track"))) != "track"
        label = _capital(event.display)
        if road:
            label += " (road)"
        riders = fact.get("riders") or []
        rows.append(
            ResultRow(
                fact_id=fact.id,
                event=label,
                gender=_capital(str(fact.get("gender", ""))),
                medal=_capital(str(fact.get("medal", ""))),
                riders=", ".join(str(r) for r in riders) if riders else "—",
                country=lexicon.country(str(fact.get("country"))).name
                if fact.get("country")
                else "—",
                evidence=shorten(fact.evidence[0] if fact.evidence else "", EVIDENCE_CHARS),
                road=road,
                citations=fact.citations,
            )
        )
    return rows + _tally_rows(facts, lexicon, rows)


def _tally_rows(facts: Iterable[Fact], lexicon: Any, rows: Sequence[ResultRow]) -> list[ResultRow]:
    """Medals a nation's tally states beyond the results that name their event
    ("a single gold medal" for Britain): one row each, the event left unnamed."""
    out = []
    for fact in facts:
        subject = str(fact.get("subject", ""))
        if fact.kind != "tally" or subject not in getattr(lexicon, "countries", {}):
            continue
        if str(fact.get("scope", "")) != HOME_SCOPE:
            continue
        medal = _capital(str(fact.get("medal", "")))
        country = lexicon.country(subject).name
        named = sum(1 for r in rows if r.country == country and r.medal == medal and not r.road)
        for _ in range(max(0, int(fact.get("count", 0)) - named)):
            out.append(
                ResultRow(
                    fact_id=fact.id,
                    event="(event not named)",
                    gender="—",
                    medal=medal,
                    riders="—",
                    country=country,
                    evidence=shorten(fact.evidence[0] if fact.evidence else "", EVIDENCE_CHARS),
                    road=False,
                    citations=fact.citations,
                )
            )
    return out


def shorten(text: str, width: int) -> str:
    """`text` cut at a word boundary to at most `width` characters, with an ellipsis when cut."""
    text = " ".join(text.split())
    if len(text) <= width:
        return text
    cut = text[: width - 1]
    if " " in cut:
        cut = cut[: cut.rindex(" ")]
    return cut.rstrip(" ,;:") + "…"


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]


def medal_counts(rows: Iterable[ResultRow]) -> list[tuple[str, str, int]]:
    """(country, medal, count) for the track results, countries by total medals then gold."""
    counts = Counter((r.country, r.medal) for r in rows if not r.road)
    totals: Counter[str] = Counter()
    golds: Counter[str] = Counter()
    for (country, medal), n in counts.items():
        totals[country] += n
        if medal.lower() == "gold":
            golds[country] += n
    order = sorted(totals, key=lambda c: (-totals[c], -golds[c], c))
    rank = {m.capitalize(): i for i, m in enumerate(MEDAL_ORDER)}
    return [
        (country, medal, counts[(country, medal)])
        for country in order
        for medal in sorted({m for c, m in counts if c == country}, key=lambda m: rank.get(m, 99))
    ]


def find_row(
    rows: Sequence[ResultRow], index: int | None, cells: Sequence[Any] | None
) -> ResultRow | None:
    """The row a table selection points at: by its cells (robust to sorting), else by index."""
    if cells:
        wanted = [str(c) for c in cells]
        for row in rows:
            if row.cells() == wanted:
                return row
    if index is not None and 0 <= index < len(rows):
        return rows[index]
    return None


# --- the index status line --------------------------------------------------------------------


@dataclass(frozen=True)
class IndexStatus:
    line: str  # "3 documents · 61 passages · 34 facts · model … · built …"
    warning: str | None  # set when there is no usable index or the corpus changed since the build

    def html(self) -> str:
        parts = [f'<div class="qa-status-line">{html.escape(self.line)}</div>']
        if self.warning:
            parts.append(
                f'<div class="qa-status-warn" role="alert">{html.escape(self.warning)}</div>'
            )
        state = "qa-status qa-stale" if self.warning else "qa-status"
        return f'<div class="{state}">{"".join(parts)}</div>'


def _store_name(store: dict[str, object]) -> str:
    if store.get("kind") == "milvus":
        return f"Milvus ({store.get('uri')}, {store.get('collection')})"
    return "FAISS"


def index_status(corpus_dir: Path, index_dir: Path) -> IndexStatus:
    """What the live index holds and whether the corpus changed since it was built.

    Never raises: a missing or unreadable index is reported in the warning.
    """
    from .build import check_index
    from .store import MANIFEST_FILE, index_version, read_manifest

    version = index_version(index_dir)
    if version is None:
        return IndexStatus("No index yet.", "There is no index: run `qa build` to create one.")
    try:
        manifest = read_manifest(index_dir / version / MANIFEST_FILE)
    except (QAError, OSError) as e:
        return IndexStatus("The index cannot be read.", f"{e}")
    counts = manifest.counts
    line = " · ".join(
        [
            _count(counts.get("documents", len(manifest.documents)), "document"),
            _count(counts.get("passages", 0), "passage"),
            _count(counts.get("facts", 0), "fact"),
            f"model {manifest.model}",
            f"vectors in {_store_name(manifest.store)}",
            f"built {_when(manifest.built_at)}",
        ]
    )
    try:
        reasons = check_index(corpus_dir, index_dir)
    except Exception as e:  # noqa: BLE001 - the status line must never break the page
        reasons = [f"could not compare the index with the corpus ({e})"]
    warning = None
    if reasons:
        warning = (
            "The documents changed since the index was built, so answers may be out of date: "
            + "; ".join(reasons)
            + ". Run `qa build` to update."
        )
    return IndexStatus(line, warning)


def _count(n: int, noun: str) -> str:
    return f"{n:,} {noun}{'' if n == 1 else 's'}"


def _when(stamp: str) -> str:
    try:
        moment = datetime.fromisoformat(stamp.replace("Z", "+00:00"))
    except ValueError:
        return stamp
    return moment.strftime("%Y-%m-%d %H:%M UTC")
