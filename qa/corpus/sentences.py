"""Split a document into sentence spans with exact character offsets.

pysbd does the sentence rules (abbreviations such as "U.S." and "St.", numbers such as
"4,200", quotes). We feed it one block at a time, with single line breaks turned into
spaces of the same length, so hard-wrapped lines do not end sentences but blank lines and
Markdown headings or list items do, and offsets stay those of the file.

A Markdown document is read by its structure (`markdown.py`): its paragraphs are split
into sentences, while a list item or a table row is one span, and what gets embedded for
it carries the heading and column headers it is read under (`source_units`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from ..types import Citation, Document
from .markdown import parse_markdown

MARKDOWN_SUFFIXES = (".md", ".markdown")


@dataclass(frozen=True)
class SourceUnit:
    """A source passage to be: `text` is embedded and matched, `citation` is what it cites.

    For a sentence the two are the same words; for a Markdown table row or list item,
    `text` also names its section and column headers ("Fees — Item: Locker hire; Price:
    £5"), while `citation` stays the exact span of the row or item in the file.
    """

    text: str
    citation: Citation


def is_markdown(doc: Document) -> bool:
    return doc.path.lower().endswith(MARKDOWN_SUFFIXES)


def source_units(doc: Document) -> list[SourceUnit]:
    """The source passages of `doc`: sentences of its prose, Markdown headings, rows and items.

    A heading is embedded as its words and cites its whole line (`## Fees`), which tells it
    apart (`markdown.is_heading_span`): it is context, never an answer. A table's header and
    separator rows are no unit: the header is carried in the text of each row under it.
    """
    if not is_markdown(doc):
        return [SourceUnit(span.text, span) for span in sentence_spans(doc)]
    units: list[SourceUnit] = []
    for block in parse_markdown(doc.text).blocks:
        if block.kind == "paragraph":
            units.extend(SourceUnit(s.text, s) for s in _sentences(doc, block.start, block.end))
        else:
            span = Citation(doc.path, doc.text[block.start : block.end], block.start, block.end)
            units.append(SourceUnit(block.passage_text, span))
    return units


_BLOCK_BREAK = re.compile(r"\n[ \t]*\n+")
_MARKDOWN_LINE = re.compile(r"^[ \t]*(#{1,6}\s|[-*+]\s|\d+[.)]\s|>)")


def sentence_spans(doc: Document) -> list[Citation]:
    """Sentences of `doc` as citations; `doc.text[c.start:c.end] == c.text` for each.

    In a Markdown document a heading, a list item and a table row (not its table's
    separator) each count as one sentence.
    """
    if is_markdown(doc):
        return _markdown_spans(doc)
    spans: list[Citation] = []
    for block_start, block_end in _blocks(doc.text):
        spans.extend(_sentences(doc, block_start, block_end))
    return spans


def _markdown_spans(doc: Document) -> list[Citation]:
    spans: list[Citation] = []
    for block in parse_markdown(doc.text).blocks:
        if block.kind == "paragraph":
            spans.extend(_sentences(doc, block.start, block.end))
        else:
            spans.append(
                Citation(doc.path, doc.text[block.start : block.end], block.start, block.end)
            )
    return spans


def _sentences(doc: Document, block_start: int, block_end: int) -> list[Citation]:
    """The sentences of one block of `doc.text` (a paragraph), as exact spans."""
    block = doc.text[block_start:block_end]
    flat = block.replace("\r", " ").replace("\n", " ")
    spans: list[Citation] = []
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


# pysbd's time grows with the square of a block's length (it rescans the block for each
# abbreviation): a longer block is split a piece of this length at a time.
PIECE_CHARS = 10_000


@lru_cache(maxsize=4096)  # a build reads each paragraph twice: for passages and for facts
def _segment(text: str) -> tuple[tuple[int, int], ...]:
    """Sentence spans of `text`, a block. A long block is split a piece at a time; each
    piece's last sentence (perhaps cut short) starts the next piece, so every boundary is
    one pysbd drew with the text after it in view."""
    spans: list[tuple[int, int]] = []
    start = 0
    while True:
        end = min(len(text), start + PIECE_CHARS)
        piece = _segment_piece(text[start:end])
        if end == len(text) or len(piece) < 2:  # the end, or one sentence over a piece
            spans.extend((start + a, start + b) for a, b in piece)
            if end == len(text):
                return tuple(spans)
            start = end
            continue
        spans.extend((start + a, start + b) for a, b in piece[:-1])
        start += piece[-1][0]


def _segment_piece(text: str) -> tuple[tuple[int, int], ...]:
    """Sentence spans of one piece. pysbd's `segment` locates its sentences with a regular
    expression compiled per sentence (half of a build's reading time); its sentences are
    substrings of the text, so they are found in order instead, and `segment` stays only
    as a fallback."""
    if not text.strip():
        return ()
    segmenter = _segmenter()
    spans: list[tuple[int, int]] = []
    position = 0
    for sentence in segmenter.processor(text).process():
        start = text.find(sentence, position)
        if start < 0:  # pysbd changed the text: let it find the spans itself
            return tuple((s.start, s.end) for s in segmenter.segment(text))
        position = start + len(sentence)
        spans.append((start, position))
    return tuple(spans)


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
