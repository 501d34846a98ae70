"""Split a document into sentence spans with exact character offsets.

pysbd does the sentence rules (abbreviations such as "U.S." and "St.", numbers such as
"4,200", quotes). We feed it one block at a time, with single line breaks turned into
spaces of the same length, so hard-wrapped lines do not end sentences but blank lines and
Markdown headings or list items do, and offsets stay those of the file.
"""

from __future__ import annotations

import re
from functools import lru_cache

from ..types import Citation, Document

_BLOCK_BREAK = re.compile(r"\n[ \t]*\n+")
_MARKDOWN_LINE = re.compile(r"^[ \t]*(#{1,6}\s|[-*+]\s|\d+[.)]\s|>)")


def sentence_spans(doc: Document) -> list[Citation]:
    """Sentences of `doc` as citations; `doc.text[c.start:c.end] == c.text` for each."""
    spans: list[Citation] = []
    for block_start, block_end in _blocks(doc.text):
        block = doc.text[block_start:block_end]
        flat = block.replace("\r", " ").replace("\n", " ")
        for start, end in _segment(flat):
            start, end = _strip(doc.text, block_start + start, block_start + end)
            if end > start and any(ch.isalnum() for ch in doc.text[start:end]):
                spans.append(Citation(doc.path, doc.text[start:end], start, end))
    return spans


def _blocks(text: str) -> list[tuple[int, int]]:
    """Paragraphs separated by blank lines; Markdown headings and list items on their own."""
    blocks: list[tuple[int, int]] = []
    pos = 0
    for match in _BLOCK_BREAK.finditer(text):
        blocks.extend(_split_markdown_lines(text, pos, match.start()))
        pos = match.end()
    blocks.extend(_split_markdown_lines(text, pos, len(text)))
    return blocks


def _split_markdown_lines(text: str, start: int, end: int) -> list[tuple[int, int]]:
    out: list[tuple[int, int]] = []
    cur = start
    offset = start
    for line in text[start:end].splitlines(keepends=True):
        if _MARKDOWN_LINE.match(line) and offset > cur:
            out.append((cur, offset))
            cur = offset
        offset += len(line)
        if line.lstrip().startswith("#"):  # a heading is a block of its own
            out.append((cur, offset))
            cur = offset
    if end > cur:
        out.append((cur, end))
    return out


def _segment(text: str) -> list[tuple[int, int]]:
    segmenter = _segmenter()
    return [(s.start, s.end) for s in segmenter.segment(text)] if text.strip() else []


@lru_cache(maxsize=1)
def _segmenter():  # type: ignore[no-untyped-def]
    import pysbd

    return pysbd.Segmenter(language="en", clean=False, char_span=True)


def _strip(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and (text[start].isspace() or text[start] in "#>*-+"):
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end
