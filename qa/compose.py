"""Answer text: a short answer first, then the numbered source sentences it rests on."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

from .types import Answer, Citation

NOT_IN_SOURCES = "The sources don't contain the answer to that."


def unique_citations(citations: Iterable[Citation]) -> tuple[Citation, ...]:
    """Citations in first-seen order, each span once."""
    seen: dict[tuple[str, int, int], Citation] = {}
    for c in citations:
        seen.setdefault((c.doc, c.start, c.end), c)
    return tuple(seen.values())


def cited_answer(lead: str, citations: Iterable[Citation], method: str) -> Answer:
    """Markdown: the lead with citation markers, then a numbered list of quoted sentences."""
    cites = unique_citations(citations)
    markers = "".join(f"[{i}]" for i in range(1, len(cites) + 1))
    lines = [f"{lead.strip()} {markers}".strip(), "", "**Sources**"]
    for i, c in enumerate(cites, start=1):
        lines.append(f"{i}. “{_escape(c.text)}” — *{_escape(c.doc)}*")
    return Answer(text="\n".join(lines), citations=cites, method=method)  # type: ignore[arg-type]


def joined_answers(first: Answer, second: Answer) -> Answer:
    """One reply to a two-part question: each part's answer (or what the sources don't say),
    their citations numbered together."""
    leads = [_lead(a) for a in (first, second)]
    answered = {a.method for a in (first, second) if a.method != "none"}
    method = answered.pop() if len(answered) == 1 else "retrieval" if answered else "none"
    if method == "none":
        return abstention(" ".join(leads))
    return cited_answer(" ".join(leads), (*first.citations, *second.citations), method)


def _lead(answer: Answer) -> str:
    """The answer's own sentences: without its markers, sources or suggestions."""
    text = answer.text.split("\n\n")[0]
    return re.sub(r"(\s*\[\d+\])+\s*$", "", text).strip()


def abstention(reason: str | None = None, suggestions: Sequence[str] = ()) -> Answer:
    """`method == "none"`: no citations; the reason, and nearby questions the sources answer."""
    text = reason.strip() if reason else NOT_IN_SOURCES
    if "sources" not in text.lower():
        text = f"{NOT_IN_SOURCES} {text}"
    if suggestions:
        text += "\n\nThe sources do answer, for example:\n" + "\n".join(
            f"- {s}" for s in suggestions
        )
    return Answer(text=text, citations=(), method="none")


def _escape(text: str) -> str:
    """Keep source text literal in Markdown (no accidental emphasis, links or HTML)."""
    out = []
    for ch in text:
        if ch in "\\`*_[]<>#|":
            out.append("\\" + ch)
        else:
            out.append(ch)
    return "".join(out).replace("\n", " ")
