"""Which competition a document reports: the corpus's own, or another one.

The lexicon's `neutral` words name the occasion the corpus is about ("Paris", "2024",
"Olympics"). A document whose title or lead names a year, none of them one of those, reports
another occasion (a 2025 Nations Cup round, the 2026 world championships): its results are
not this occasion's, so they neither corroborate nor contradict its facts, and an answer
that quotes them says where they come from.
"""

from __future__ import annotations

import re

from ..types import Citation, Document
from .lexicon import Lexicon
from .sentences import sentence_spans
from .text import fold

_YEAR = re.compile(r"\b(19\d\d|20\d\d)\b")
_TITLE_END = re.compile(r"\s+[—–-]\s+|:\s+")  # "UCI Track Nations Cup 2025, Round 2 — Event Report"
MAX_LABEL_CHARS = 80


def document_occasion(doc: Document, lexicon: Lexicon) -> str | None:
    """None for a document about the corpus's own occasion (or one whose title, or first
    sentence when it has no title, names no year: "since 2000" later on is history, not the
    occasion); otherwise a short label for the occasion it reports, taken from its title."""
    spans = sentence_spans(doc)
    if not spans:
        return None
    lead = spans[:1]
    years = set(_YEAR.findall(lead[0].text))
    home = {fold(w) for w in lexicon.neutral}
    if not years or years & home:
        return None
    return _label(lead)


def _label(lead: list[Citation]) -> str:
    """The title up to a dash or colon ("UCI Track Nations Cup 2025, Round 2"), else the
    words of the lead sentence around its first year."""
    title = lead[0].text.strip().strip("#").strip()
    if _YEAR.search(title) and not title.endswith((".", "!", "?")):
        head = _TITLE_END.split(title, maxsplit=1)[0].strip()
        if _YEAR.search(head) and len(head) <= MAX_LABEL_CHARS:
            return head
    span = next(s for s in lead if _YEAR.search(s.text))
    words = span.text.split()
    at = next(i for i, w in enumerate(words) if _YEAR.search(w))
    return " ".join(words[max(0, at - 3) : at + 4]).strip(" ,.;:")


def said_at(text: str, occasion: str | None) -> str:
    """An answer from a report on another competition, saying which one."""
    if not occasion or occasion in text:
        return text
    return f"At the {occasion}: {text}"
