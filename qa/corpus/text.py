"""Text folding shared by matching code: case, accents, quotes and apostrophes."""

from __future__ import annotations

import re
import unicodedata

_APOSTROPHES = re.compile(r"[’‘'`´]")
_NON_WORD = re.compile(r"[^a-z0-9./+-]+")


def fold(text: str) -> str:
    """Lower-case, strip accents, drop apostrophes ("Women’s" -> "womens"), collapse spaces."""
    decomposed = unicodedata.normalize("NFKD", text)
    plain = "".join(ch for ch in decomposed if not unicodedata.combining(ch)).lower()
    plain = _APOSTROPHES.sub("", plain)
    plain = _NON_WORD.sub(" ", plain)
    return " ".join(tok.strip(".-/+") or tok for tok in plain.split() if tok.strip(".-/+"))


def tokens(text: str) -> list[str]:
    """The folded words of `text`."""
    return fold(text).split()


def fold_quotes(text: str) -> str:
    """Unify curly and straight quotes, keeping everything else (for verbatim comparisons)."""
    return text.replace("’", "'").replace("‘", "'").replace("“", '"').replace("”", '"')
