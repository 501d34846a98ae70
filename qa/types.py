"""Typed records that cross module boundaries: passages, facts, hits, citations, answers."""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

PassageKind = Literal["source", "fact"]
AnswerMethod = Literal["structured", "retrieval", "none"]


def content_hash(*parts: str) -> str:
    """SHA-256 hex digest of the parts, joined unambiguously (never the salted built-in hash)."""
    digest = hashlib.sha256()
    for part in parts:
        encoded = part.encode("utf-8")
        digest.update(len(encoded).to_bytes(8, "big"))
        digest.update(encoded)
    return digest.hexdigest()


@dataclass(frozen=True)
class Citation:
    """A span of a source document: `corpus_text[start:end] == text`; `doc` is relative to the corpus."""

    doc: str
    text: str
    start: int
    end: int

    def to_dict(self) -> dict[str, object]:
        return {"doc": self.doc, "text": self.text, "start": self.start, "end": self.end}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Citation:
        """The inverse of `to_dict`; raises KeyError, TypeError or ValueError on a bad record."""
        return cls(str(data["doc"]), str(data["text"]), int(data["start"]), int(data["end"]))


@dataclass(frozen=True)
class Document:
    """One UTF-8 source text of the corpus."""

    path: str  # relative to the corpus directory, with forward slashes
    text: str

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.text.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class Passage:
    """A unit that is embedded and searched: a source sentence or a rendered fact sentence.

    `citations` are the source spans it stands for: the sentence itself for a source
    passage, the sentence(s) holding the evidence for a fact passage.
    """

    text: str
    kind: PassageKind
    citations: tuple[Citation, ...]
    fact_id: str | None = None

    @property
    def id(self) -> str:
        return content_hash(
            self.kind, self.text, *(f"{c.doc}:{c.start}:{c.end}" for c in self.citations)
        )


@dataclass(frozen=True)
class Fact:
    """A structured record derived by hand from a source text, with its evidence.

    `kind` is one of: result, final, record, tally, first, earlier_result, nationality.
    `fields` holds the kind's slots (event, gender, medal, country, riders, count, ...),
    with canonical names from the lexicon. `evidence` are verbatim quotes from `doc`;
    `citations` are the source sentences that hold them.
    """

    id: str
    kind: str
    doc: str
    fields: dict[str, Any] = field(hash=False)
    evidence: tuple[str, ...]
    citations: tuple[Citation, ...]
    sentence: str  # the rendered, self-contained fact sentence

    def get(self, name: str, default: Any = None) -> Any:
        return self.fields.get(name, default)


@dataclass(frozen=True)
class Hit:
    """One retrieval result. A fact hit's citation is the source sentence holding its evidence."""

    text: str
    score: float
    kind: PassageKind
    citation: Citation
    fact_id: str | None = None
    citations: tuple[Citation, ...] = field(default=())

    def to_dict(self) -> dict[str, object]:
        return {
            "text": self.text,
            "score": round(self.score, 6),
            "kind": self.kind,
            "fact_id": self.fact_id,
            "citation": self.citation.to_dict(),
            "citations": [c.to_dict() for c in (self.citations or (self.citation,))],
        }


@dataclass(frozen=True)
class Answer:
    """A reply: Markdown `text` (short answer first, then numbered citations).

    `method == "none"` means abstained: no citations.
    """

    text: str
    citations: tuple[Citation, ...]
    method: AnswerMethod

    def to_dict(self) -> dict[str, object]:
        return {
            "text": self.text,
            "method": self.method,
            "citations": [c.to_dict() for c in self.citations],
        }
