"""The lexical half of retrieval: BM25 terms, and the BM25 model a build stores in the index.

The model is built once by `qa build` (bm25s, saved as JSON and NumPy arrays: no pickle)
and memory-mapped by the question path, so a large index is not re-tokenized in every
new process.
"""

from __future__ import annotations

import logging
import re
import tempfile
from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

from .corpus.text import fold
from .errors import IndexCorrupt

if TYPE_CHECKING:
    import numpy as np

LEXICAL_DIR = "bm25"  # inside an index version

_STOPWORDS = frozenset(
    """a an and are as at be but by for if in into is it no not of on or such that the their
    then there these they this to was will with who what which where when whom whose how
    did does do has have had many much were i me my you your he him his she her its
    our we about""".split()  # noqa: SIM905 - a word list reads better as text
)
_SPLIT = re.compile(r"[-/+]+")
_POSSESSIVE = re.compile(r"(?<=\w)[’'`´]s\b")


def lexical_tokens(text: str) -> list[str]:
    """Terms for BM25: folded case, accents and apostrophes, no stopwords, plural/possessive -s off.

    "Leitão’s" -> ["leitao"], "women's" and "womens" -> ["women"], "U.S." -> ["us"].
    """
    return [term for word in text.split() for term in _word_terms(word)]


@lru_cache(maxsize=1 << 16)  # a corpus repeats its words: fold each once per process
def _word_terms(word: str) -> tuple[str, ...]:
    """The terms of one whitespace-delimited word (folding never joins two words)."""
    out = []
    for folded in fold(_POSSESSIVE.sub("", word)).split():
        for part in _SPLIT.split(folded.replace(".", "")):
            if part and part not in _STOPWORDS:
                out.append(_stem(part))
    return tuple(out)


def _stem(token: str) -> str:
    if len(token) > 3 and token.endswith("s") and not token.endswith(("ss", "us", "is")):
        return token[:-1]
    return token


def lexical_files(texts: Sequence[str]) -> dict[str, bytes]:
    """The files of a BM25 model over `texts` (row i = text i), named `bm25/<file>`.

    Empty for no texts: `LexicalIndex.read` then scores every query 0.
    """
    if not texts:
        return {}
    bm25 = _bm25s().BM25()
    # An empty token list is fine: bm25s adds an empty token to every vocabulary.
    bm25.index([lexical_tokens(t) for t in texts], show_progress=False)
    with tempfile.TemporaryDirectory(prefix="qa-bm25-") as tmp:
        bm25.save(tmp, show_progress=False)
        return {
            f"{LEXICAL_DIR}/{path.name}": path.read_bytes()
            for path in sorted(Path(tmp).iterdir())
            if path.is_file()
        }


class LexicalIndex:
    """A stored BM25 model: scores of every row for a query's terms, and its vocabulary."""

    def __init__(self, bm25: object | None, rows: int) -> None:
        self._bm25 = bm25
        self.rows = rows
        self.vocabulary: frozenset[str] = (
            frozenset(bm25.vocab_dict) if bm25 is not None else frozenset()  # type: ignore[attr-defined]
        )

    @classmethod
    def read(cls, version_dir: Path, rows: int) -> LexicalIndex:
        """The model stored in `version_dir` (memory-mapped); raises IndexCorrupt if unreadable."""
        directory = Path(version_dir) / LEXICAL_DIR
        if rows == 0:
            return cls(None, 0)
        try:
            bm25 = _bm25s().BM25.load(str(directory), mmap=True, show_progress=False)
        except Exception as e:  # bm25s raises OSError, ValueError, JSON errors...
            raise IndexCorrupt(
                f"cannot read the BM25 model in {directory} ({e}); run `qa build` to rebuild it"
            ) from e
        return cls(bm25, rows)

    def scores(self, terms: Sequence[str]) -> np.ndarray:
        """BM25 score of every row for `terms` (terms outside the vocabulary count nothing)."""
        import numpy as np

        known = [t for t in terms if t in self.vocabulary]
        if not known or self._bm25 is None:
            return np.zeros(self.rows, dtype=np.float32)
        return np.asarray(self._bm25.get_scores(known), dtype=np.float32)  # type: ignore[attr-defined]


def _bm25s():  # type: ignore[no-untyped-def]
    import bm25s

    # bm25s sets its own logger to DEBUG when imported; keep its per-load message quiet.
    logging.getLogger("bm25s").setLevel(logging.WARNING)
    return bm25s
