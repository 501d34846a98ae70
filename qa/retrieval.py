"""Hybrid retrieval: dense (FAISS inner product) and lexical (BM25) hits, fused.

`retrieve()` is the simple entry point (a list of `Hit`); `search()` returns the same
ranking with every score the answering layer needs to decide whether to abstain.

The loaded index and its BM25 model are cached per index directory and version: repeated
calls cost one small file read plus the query's encoding, and a rebuilt index (a new
`CURRENT` version) is loaded on the next call without restarting the process.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from . import config, encoders
from .errors import IndexCorrupt, IndexMismatch, QuestionInvalid
from .lexical import LexicalIndex, lexical_tokens
from .onnx_encoder import OnnxExport, onnx_encoder
from .store import LoadedIndex, index_version, load_index
from .types import Citation, Hit, Passage

if TYPE_CHECKING:
    import numpy as np

    from .encoders import Encoder

# Fusion: fused = dense + LEXICAL_WEIGHT * bm25 / (bm25 + LEXICAL_HALF).
# The saturating map keeps one query's BM25 scale from swamping the cosine. Tuned on the
# 37 answerable dev questions (shared/eval/dev.jsonl) with all-MiniLM-L6-v2: recall@1
# 31 -> 32, MRR 0.903 -> 0.917, recall@5 36 either way; on sentences alone (no facts)
# recall@1 27 -> 28, MRR 0.827 -> 0.841. Weights from 0.2 to 0.5 score about the same.
LEXICAL_WEIGHT = 0.3
LEXICAL_HALF = 4.0
CANDIDATES = 100  # dense candidates per query, before fusion with the BM25 scores


@dataclass(frozen=True)
class ScoredHit:
    """One passage with all its scores, best `fused` first in `search()` results.

    - `dense`: cosine similarity of the query and passage vectors (both unit length), in
      [-1, 1]; with all-MiniLM-L6-v2 a relevant sentence usually scores above ~0.5 and an
      unrelated one below ~0.3.
    - `lexical`: raw BM25 score of the passage for the query's terms (0 when it shares none);
      its scale depends on the corpus, so compare it within one query.
    - `fused`: the ranking score, `dense + LEXICAL_WEIGHT * lexical / (lexical + LEXICAL_HALF)`.
    - `query_terms`: the query's BM25 terms; `matched_terms`: those occurring in the
      passage; `unknown_terms`: those occurring nowhere in the index (a strong hint that
      the corpus cannot answer, e.g. "germany").
    - `row`: the passage's row in the index.
    """

    passage: Passage
    row: int
    dense: float
    lexical: float
    fused: float
    query_terms: tuple[str, ...]
    matched_terms: tuple[str, ...]
    unknown_terms: tuple[str, ...]

    @property
    def coverage(self) -> float:
        """Fraction of the query's terms found in the passage (1.0 for a query with none)."""
        return len(self.matched_terms) / len(self.query_terms) if self.query_terms else 1.0

    @property
    def citations(self) -> tuple[Citation, ...]:
        return self.passage.citations

    def to_hit(self) -> Hit:
        """The public result; a fact's `citation` is the first source sentence of its evidence."""
        p = self.passage
        return Hit(
            text=p.text,
            score=self.fused,
            kind=p.kind,
            citation=p.citations[0],
            fact_id=p.fact_id,
            citations=p.citations,
        )


def retrieve(
    query: str,
    k: int = 5,
    *,
    index_dir: Path | str | None = None,
    encoder: Encoder | None = None,
) -> list[Hit]:
    """The `k` best passages for `query`, each citing the source sentence(s) it stands for.

    Hits citing exactly the same sentences are merged (the better one is kept). The index
    comes from `index_dir` (default `qa.config.index_dir()`); the query is embedded by the
    index's own question encoder (the ONNX export of the build's model: no torch) unless
    `encoder` is given. Raises QuestionInvalid for an empty or overlong query,
    IndexMissing / IndexCorrupt / IndexMismatch for a bad index.
    """
    return [h.to_hit() for h in search(query, k, index_dir=index_dir, encoder=encoder)]


def search(
    query: str,
    k: int = 5,
    *,
    index_dir: Path | str | None = None,
    encoder: Encoder | None = None,
    dedupe: bool = True,
    lexical_weight: float | None = None,
) -> list[ScoredHit]:
    """Like `retrieve()`, with dense, lexical and fused scores per hit (see `ScoredHit`).

    `dedupe=False` keeps every passage, e.g. several facts drawn from one sentence.
    `lexical_weight=0` ranks by the dense score alone (for evaluation).
    """
    question = config.check_question(query)
    if isinstance(k, bool) or not isinstance(k, int) or k < 1:
        raise QuestionInvalid(
            f"k, the number of hits, must be a whole number of at least 1, not {k!r}"
        )
    searcher = _searcher(config.index_dir(index_dir))
    weight = LEXICAL_WEIGHT if lexical_weight is None else lexical_weight
    return searcher.search(question, k, encoder or searcher.question_encoder(), weight, dedupe)


def loaded_index(*, index_dir: Path | str | None = None) -> LoadedIndex:
    """The index `search()` uses (cached; reloaded when `qa build` publishes a new one)."""
    return _searcher(config.index_dir(index_dir)).loaded


def question_encoder(loaded: LoadedIndex) -> Encoder:
    """The encoder for questions against `loaded`: its ONNX export when the build stored
    one (always, for the packaged model), else `qa.encoders.default_encoder()`."""
    if loaded.manifest.encoder:
        try:
            export = OnnxExport.from_dict(loaded.manifest.encoder)
        except TypeError as e:
            raise IndexCorrupt(
                f"the index at {loaded.index_dir} describes its question encoder wrongly "
                f"({e}); run `qa build`"
            ) from e
        return onnx_encoder(loaded.path, export)
    return encoders.default_encoder()


def clear_cache() -> None:
    """Forget every loaded index (the next call reloads from disk)."""
    with _LOCK:
        _CACHE.clear()


class _Searcher:
    """One loaded index version with its BM25 model."""

    def __init__(self, loaded: LoadedIndex) -> None:
        self.loaded = loaded
        self.version = loaded.version
        self._lexical = LexicalIndex.read(loaded.path, len(loaded.passages))
        self._encoder: Encoder | None = None
        self._last_query: tuple[str, Encoder, np.ndarray] | None = None  # asked twice in a row

    def question_encoder(self) -> Encoder:
        if self._encoder is None:
            self._encoder = question_encoder(self.loaded)
        return self._encoder

    def search(
        self, query: str, k: int, encoder: Encoder, weight: float, dedupe: bool
    ) -> list[ScoredHit]:
        import numpy as np

        loaded = self.loaded
        n = len(loaded.passages)
        if n == 0:
            return []
        if encoder.name != loaded.manifest.model:
            raise IndexMismatch(
                f"the index at {loaded.index_dir} was built with the model "
                f"{loaded.manifest.model!r}, but {encoder.name!r} is in use; run `qa build`"
            )
        query_vector = self._embed(query, encoder)
        terms = tuple(dict.fromkeys(lexical_tokens(query)))
        lexical = self._lexical.scores(terms)

        _, dense_ids = loaded.store.search(query_vector, min(n, max(CANDIDATES, 4 * k)))
        pool = set(int(i) for i in dense_ids[0] if i >= 0)
        if weight > 0:
            top = min(n, max(CANDIDATES, 4 * k))
            by_lexical = np.argpartition(-lexical, top - 1)[:top] if top < n else range(n)
            pool.update(int(i) for i in by_lexical if lexical[i] > 0)
        rows = sorted(pool)
        dense = loaded.store.vectors(rows) @ query_vector[0]
        fused = dense + weight * lexical[rows] / (lexical[rows] + LEXICAL_HALF)
        order = np.argsort(-fused, kind="stable")

        vocabulary = self._lexical.vocabulary
        unknown = tuple(t for t in terms if t not in vocabulary)
        hits: list[ScoredHit] = []
        seen: set[tuple[tuple[str, int, int], ...]] = set()
        for j in order:
            row = rows[j]
            passage = loaded.passages[row]
            if dedupe:
                key = tuple((c.doc, c.start, c.end) for c in passage.citations)
                if key in seen:
                    continue
                seen.add(key)
            words = set(lexical_tokens(passage.text))
            hits.append(
                ScoredHit(
                    passage=passage,
                    row=row,
                    dense=float(dense[j]),
                    lexical=float(lexical[row]),
                    fused=float(fused[j]),
                    query_terms=terms,
                    matched_terms=tuple(t for t in terms if t in words),
                    unknown_terms=unknown,
                )
            )
            if len(hits) == k:
                break
        return hits

    def _embed(self, query: str, encoder: Encoder) -> np.ndarray:
        """The query's vector; the answering layer may search one question twice."""
        import numpy as np

        last = self._last_query
        if last is not None and last[0] == query and last[1] is encoder:
            return last[2]
        vector = np.asarray(encoder.encode([query]), dtype=np.float32).reshape(1, -1)
        self._last_query = (query, encoder, vector)
        return vector


_CACHE: dict[Path, _Searcher] = {}
_LOCK = threading.Lock()


def _searcher(index_dir: Path) -> _Searcher:
    """The cached searcher of `index_dir`, reloaded when its CURRENT version changed."""
    version = index_version(index_dir)
    cached = _CACHE.get(index_dir)
    if cached is not None and version is not None and cached.version == version:
        return cached
    with _LOCK:
        cached = _CACHE.get(index_dir)
        if cached is not None and version is not None and cached.version == version:
            return cached
        _CACHE.pop(index_dir, None)
        searcher = _Searcher(load_index(index_dir))
        _CACHE[index_dir] = searcher
        return searcher
