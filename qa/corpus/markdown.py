"""The structure of a Markdown document: headings, paragraphs, list items and table rows.

Each unit keeps its exact character span in the file (`text[block.start:block.end]`) and
the headings above it, so a table row or a list item can be matched with the words that
give it meaning (its section, its column headers) and still be cited verbatim.

A small line-based reader of the CommonMark/GFM subset documents use: ATX and setext
headings, paragraphs, bullet and numbered lists (nested by indentation), pipe tables,
fenced code and block quotes (both read as paragraphs), thematic breaks and HTML comments
(neither is a unit).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

BlockKind = Literal["heading", "paragraph", "item", "row"]

# The separator between a unit's context (heading, column header) and what it says.
CONTEXT_SEP = " — "

_ATX = re.compile(r"^ {0,3}(#{1,6})(?:[ \t]+|$)")
_ATX_CLOSE = re.compile(r"[ \t]+#+[ \t]*$|^#+[ \t]*$")
_SETEXT = re.compile(r"^ {0,3}(=+|-+)[ \t]*$")
_BREAK = re.compile(r"^ {0,3}([-*_])(?:[ \t]*\1){2,}[ \t]*$")
_ITEM = re.compile(r"^([ \t]*)([-*+]|\d{1,9}[.)])([ \t]+|$)")
_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})")
_DELIMITER_CELL = re.compile(r"^:?-+:?$")
_CELL_SPLIT = re.compile(r"(?<!\\)\|")

# Inline markup that is not part of what a unit says (for matching; spans keep it).
_IMAGE_OR_LINK = re.compile(r"!?\[([^\]]*)\]\([^)]*\)")
_AUTOLINK = re.compile(r"<((?:https?|mailto):[^>\s]+|[^>\s@]+@[^>\s]+)>")
_HTML_TAG = re.compile(r"</?[A-Za-z][^>]*>")
_STRONG = re.compile(r"(\*\*|__)(?=\S)(.+?)(?<=\S)\1")
_EMPHASIS = re.compile(r"(?<![\w*])([*_])(?=\S)(.+?)(?<=\S)\1(?![\w*])")
_CODE = re.compile(r"`+([^`]*)`+")
_ESCAPE = re.compile(r"\\([\\`*_{}\[\]()#+\-.!|>~])")


@dataclass(frozen=True)
class Block:
    """One unit of a Markdown document.

    `start`/`end` is its exact span in the file: a heading's line (with its `#` marks, or
    its `===` underline), a paragraph's lines, a list item after its marker, a table row's
    whole line. `text` is what it says without markup. `headings` are the headings above
    it, outermost first; `section` the same without the document's title, unless the title
    is all there is. A row also has its `cells` and its table's `header` cells; a nested
    item has the items it sits in (`parents`).
    """

    kind: BlockKind
    start: int
    end: int
    text: str
    headings: tuple[str, ...] = ()
    section: tuple[str, ...] = ()
    level: int = 0  # a heading's level (1-6); an item's nesting depth (0 = top)
    cells: tuple[str, ...] = ()
    header: tuple[str, ...] = ()
    parents: tuple[str, ...] = ()

    @property
    def passage_text(self) -> str:
        """What the unit says with the context that gives it meaning, for embedding and matching.

        A row: "Fees — Item: Locker hire; Price: £5 per month"; an item: "Contacts — Ride
        captain: Tom Achebe"; a paragraph or heading: its own text.
        """
        if self.kind == "row":
            pairs = [
                f"{name}: {cell}" if name and name != cell else cell
                for name, cell in zip(self.header, self.cells, strict=False)
                if cell
            ]
            pairs.extend(cell for cell in self.cells[len(self.header) :] if cell)
            body = "; ".join(pairs)
        else:
            body = self.text
        if self.kind not in ("row", "item"):
            return body
        return CONTEXT_SEP.join([*self.section, *self.parents, body])


@dataclass(frozen=True)
class MarkdownStructure:
    """A document's title (its one top heading, when it opens the document) and its units."""

    title: str | None
    blocks: tuple[Block, ...]


def parse_markdown(text: str) -> MarkdownStructure:
    """The units of Markdown `text` in document order, each with its exact span."""
    blocks = _Reader(text).read()
    title = _title(blocks)
    if title is None:
        return MarkdownStructure(None, tuple(blocks))
    # The title names the whole document (its lead says as much): a unit under a section
    # is read with the section, a unit right under the title with the title.
    titled = tuple(
        _replace_section(b, b.headings[1:] if b.headings[:1] == (title,) else b.headings)
        if len(b.headings) > 1
        else b
        for b in blocks
    )
    return MarkdownStructure(title, titled)


_HEADING_SPAN = re.compile(r"^#{1,6}(?:[ \t]|$)|\n[ \t]*(?:=+|-+)[ \t]*$")


def is_heading_span(text: str) -> bool:
    """A heading's span as a Block gives it: "## Fees", or a line underlined with === or ---.

    Nothing else starts so: sentence spans start after any `#`, items after their marker.
    """
    return bool(_HEADING_SPAN.search(text))


def plain(markdown: str) -> str:
    """Inline Markdown as the words a reader sees: no emphasis, link targets or code ticks."""
    out = _IMAGE_OR_LINK.sub(r"\1", markdown)
    out = _AUTOLINK.sub(r"\1", out)
    out = _HTML_TAG.sub("", out)
    out = _CODE.sub(r"\1", out)
    out = _STRONG.sub(r"\2", out)
    out = _EMPHASIS.sub(r"\2", out)
    out = _ESCAPE.sub(r"\1", out)
    return " ".join(out.split())


def _title(blocks: list[Block]) -> str | None:
    """The first block when it is a heading no other heading outranks or equals."""
    if not blocks or blocks[0].kind != "heading":
        return None
    top = blocks[0].level
    if any(b.kind == "heading" and b.level <= top for b in blocks[1:]):
        return None
    return blocks[0].text


def _replace_section(block: Block, section: tuple[str, ...]) -> Block:
    return Block(
        block.kind,
        block.start,
        block.end,
        block.text,
        block.headings,
        section,
        block.level,
        block.cells,
        block.header,
        block.parents,
    )


@dataclass
class _Line:
    start: int  # offset of the line in the document
    text: str  # without its line break

    @property
    def blank(self) -> bool:
        return not self.text.strip()

    @property
    def indent(self) -> int:
        return len(self.text.expandtabs(4)) - len(self.text.expandtabs(4).lstrip())


@dataclass
class _OpenItem:
    content_col: int  # where the item's text begins: deeper lines belong to it
    start: int
    end: int
    parents: tuple[str, ...]


class _Reader:
    """One pass over the lines, closing each unit when the next begins."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.lines = _lines(text)
        self.blocks: list[Block] = []
        self.path: list[tuple[int, str]] = []  # (level, heading) of the open sections
        self.paragraph: list[_Line] = []
        self.items: list[_OpenItem] = []  # the open list items, outermost first

    def read(self) -> list[Block]:
        i = 0
        while i < len(self.lines):
            i = self._step(i)
        self._close_paragraph()
        self._close_items(0)
        # a nested item closes before the item it sits in: back to document order
        return sorted(self.blocks, key=lambda b: b.start)

    def _step(self, i: int) -> int:
        line = self.lines[i]
        if line.blank:
            self._close_paragraph()
            return i + 1
        if line.text.lstrip().startswith("<!--"):
            self._close_paragraph()
            return self._skip_comment(i)
        if _FENCE.match(line.text):
            return self._fenced(i)
        if self.paragraph and not self.items and (m := _SETEXT.match(line.text)):
            self._setext(1 if m.group(1).startswith("=") else 2, line)
            return i + 1
        if _BREAK.match(line.text):
            self._close_paragraph()
            self._close_items(0)
            return i + 1
        if m := _ATX.match(line.text):
            self._close_paragraph()
            self._close_items(0)
            self._heading(line, len(m.group(1)), line.start + m.end())
            return i + 1
        if self._table_starts(i):
            self._close_paragraph()
            self._close_items(0)
            return self._table(i)
        if m := _ITEM.match(line.text):
            self._close_paragraph()
            self._item(line, m)
            return i + 1
        if self.items and self._continues_item(line, i):
            return i + 1
        self._close_items(0)
        self.paragraph.append(line)
        return i + 1

    # --- headings and paragraphs ---

    def _heading(self, line: _Line, level: int, content_start: int) -> None:
        content = self.text[content_start : line.start + len(line.text)]
        words = plain(_ATX_CLOSE.sub("", content))
        start, end = _trim(self.text, line.start, line.start + len(line.text))
        self._open_section(level, start, end, words)

    def _setext(self, level: int, underline: _Line) -> None:
        lines, self.paragraph = self.paragraph, []
        words = plain(self.text[lines[0].start : lines[-1].start + len(lines[-1].text)])
        start, end = _trim(self.text, lines[0].start, underline.start + len(underline.text))
        self._open_section(level, start, end, words)

    def _open_section(self, level: int, start: int, end: int, text: str) -> None:
        while self.path and self.path[-1][0] >= level:
            self.path.pop()
        if not text:
            return
        self.blocks.append(
            Block("heading", start, end, text, self._headings(), self._headings(), level)
        )
        self.path.append((level, text))

    def _headings(self) -> tuple[str, ...]:
        return tuple(text for _, text in self.path)

    def _close_paragraph(self) -> None:
        lines, self.paragraph = self.paragraph, []
        if not lines:
            return
        start, end = _trim(self.text, lines[0].start, lines[-1].start + len(lines[-1].text))
        if end > start:
            heads = self._headings()
            self.blocks.append(
                Block("paragraph", start, end, plain(self.text[start:end]), heads, heads)
            )

    def _fenced(self, i: int) -> int:
        """A fenced code block, read as a paragraph of its own (it may hold what is asked)."""
        self._close_paragraph()
        self._close_items(0)
        fence = _FENCE.match(self.lines[i].text)
        assert fence is not None
        marker = fence.group(1)
        j = i + 1
        while j < len(self.lines) and not self.lines[j].text.lstrip().startswith(marker):
            j += 1
        self.paragraph = [line for line in self.lines[i + 1 : j] if not line.blank]
        self._close_paragraph()
        return j + 1

    def _skip_comment(self, i: int) -> int:
        j = i
        while j < len(self.lines) and "-->" not in self.lines[j].text:
            j += 1
        return j + 1

    # --- lists ---

    def _item(self, line: _Line, m: re.Match[str]) -> None:
        indent = len(m.group(1).expandtabs(4))
        while self.items and indent < self.items[-1].content_col:
            self._close_items(len(self.items) - 1)
        parents = tuple(plain(self.text[o.start : o.end]) for o in self.items)
        content_col = indent + len(m.group(2)) + max(1, len(m.group(3).expandtabs(4)))
        start = line.start + m.end()
        end = line.start + len(line.text.rstrip())
        self.items.append(_OpenItem(content_col, start, max(start, end), parents))

    def _continues_item(self, line: _Line, i: int) -> bool:
        """Extend the open item `line` belongs to: any line right after an item's text
        (a lazy continuation), or after a blank line one indented to the item's text."""
        if i > 0 and self.lines[i - 1].blank:
            while self.items and line.indent < self.items[-1].content_col:
                self._close_items(len(self.items) - 1)
            if not self.items:
                return False
        self.items[-1].end = line.start + len(line.text.rstrip())
        return True

    def _close_items(self, keep: int) -> None:
        while len(self.items) > keep:
            item = self.items.pop()
            start, end = _trim(self.text, item.start, item.end)
            text = plain(self.text[start:end])
            if text:
                heads = self._headings()
                self.blocks.append(
                    Block(
                        "item",
                        start,
                        end,
                        text,
                        heads,
                        heads,
                        len(item.parents),
                        (),
                        (),
                        item.parents,
                    )
                )

    # --- tables ---

    def _table_starts(self, i: int) -> bool:
        if i + 1 >= len(self.lines) or "|" not in self.lines[i].text:
            return False
        delimiter = _cells(self.lines[i + 1].text)
        return (
            "|" in self.lines[i + 1].text
            and bool(delimiter)
            and all(_DELIMITER_CELL.match(c) for c in delimiter)
            and len(delimiter) == len(_cells(self.lines[i].text))
        )

    def _table(self, i: int) -> int:
        header = tuple(plain(c) for c in _cells(self.lines[i].text))
        heads = self._headings()
        j = i + 2
        while j < len(self.lines) and self._is_row(self.lines[j]):
            line = self.lines[j]
            start, end = _trim(self.text, line.start, line.start + len(line.text))
            cells = tuple(plain(c) for c in _cells(line.text))
            text = " | ".join(c for c in cells if c)
            if text:
                self.blocks.append(Block("row", start, end, text, heads, heads, 0, cells, header))
            j += 1
        return j

    @staticmethod
    def _is_row(line: _Line) -> bool:
        text = line.text
        return not (
            line.blank or _ATX.match(text) or _FENCE.match(text) or _BREAK.match(text)
        ) and ("|" in text or not _ITEM.match(text))


def _lines(text: str) -> list[_Line]:
    lines = []
    offset = 0
    for raw in text.splitlines(keepends=True):
        lines.append(_Line(offset, raw.rstrip("\r\n")))
        offset += len(raw)
    return lines


def _cells(row: str) -> list[str]:
    """The cells of a pipe-table row, without its outer pipes."""
    inner = row.strip()
    if inner.startswith("|"):
        inner = inner[1:]
    if inner.endswith("|") and not inner.endswith("\\|"):
        inner = inner[:-1]
    return [c.strip() for c in _CELL_SPLIT.split(inner)]


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end
