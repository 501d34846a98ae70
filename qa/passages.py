"""The corpus as passages to embed: one per source sentence, one per rendered fact.

Everything that can be wrong with the corpus (a missing or non-UTF-8 document, a bad
facts file, stale evidence) is found here, before the build writes anything.

Reading a document (its sentence spans and the facts derived from it) is the slow part
of a build and depends on that document alone, the lexicon and the code: a build keeps
what it read (`PARSED_FILE`) and the next one reuses it for every unchanged document.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .corpus.derive import derive_document, unique_facts
from .corpus.documents import load_documents
from .corpus.facts import fact_from_dict, fact_to_dict
from .corpus.lexicon import load_lexicon
from .corpus.mentions import Vocabulary
from .corpus.merge import corpus_facts
from .corpus.sentences import SourceUnit, source_units
from .errors import CorpusInvalid
from .types import Citation, Document, Fact, Passage

PARSED_FILE = "documents.jsonl"  # in an index version: what the build read in each document


@dataclass(frozen=True)
class ParsedDocument:
    """What a build read in one document: its source units and the facts derived from it."""

    sha256: str
    units: tuple[SourceUnit, ...]
    derived: tuple[Fact, ...]

    def to_json(self, path: str) -> dict[str, Any]:
        return {
            "path": path,
            "sha256": self.sha256,
            "units": [[u.text, u.citation.start, u.citation.end] for u in self.units],
            "derived": [fact_to_dict(f) for f in self.derived],
        }

    @classmethod
    def from_json(cls, data: dict[str, Any], doc: Document) -> ParsedDocument:
        """The record of `doc` (same text: the caller checks `sha256`)."""
        units = tuple(
            SourceUnit(text, Citation(doc.path, doc.text[start:end], start, end))
            for text, start, end in data["units"]
        )
        return cls(data["sha256"], units, tuple(fact_from_dict(f) for f in data["derived"]))


def parse_document(doc: Document, vocabulary: Vocabulary) -> ParsedDocument:
    return ParsedDocument(
        doc.sha256, tuple(source_units(doc)), tuple(derive_document(doc, vocabulary))
    )


def parsed_documents_file(snapshot: CorpusSnapshot) -> bytes:
    """The JSON lines a build stores so the next one can reuse them (`read_parsed`)."""
    lines = (
        json.dumps(snapshot.parsed[d.path].to_json(d.path), ensure_ascii=False)
        for d in snapshot.documents
    )
    return "".join(line + "\n" for line in lines).encode("utf-8")


def read_parsed(data: bytes) -> dict[str, dict[str, Any]]:
    """Document path -> its stored record; {} when the file is unreadable (read afresh)."""
    records: dict[str, dict[str, Any]] = {}
    try:
        for line in data.decode("utf-8").splitlines():
            record = json.loads(line)
            records[str(record["path"])] = record
    except (UnicodeDecodeError, ValueError, KeyError, TypeError):
        return {}
    return records


# Data files beside the documents that change what gets indexed (facts, and the lexicon
# the facts are validated and rendered with); their hashes go into the manifest.
DATA_SUFFIXES = (".yaml", ".yml")


@dataclass(frozen=True)
class CorpusSnapshot:
    """The validated corpus: documents, facts, passages and the hashes a build records.

    `document_hashes` maps each document path to the SHA-256 of its text;
    `data_hashes` maps each data file at the corpus root (facts.yaml, lexicon.yaml) to
    the SHA-256 of its bytes. `facts` are the hand-written facts and those derived from
    the documents that add to them; `warnings` quote derived facts that contradict others.
    """

    corpus_dir: Path
    documents: tuple[Document, ...]
    facts: tuple[Fact, ...]
    passages: tuple[Passage, ...]
    document_hashes: dict[str, str]
    data_hashes: dict[str, str]
    warnings: tuple[str, ...] = ()  # derived facts that contradict other facts
    parsed: Mapping[str, ParsedDocument] = field(default_factory=dict)  # path -> what was read
    reread: int = 0  # documents read afresh (the others were reused from the last build)

    @property
    def source_passages(self) -> int:
        return sum(1 for p in self.passages if p.kind == "source")


def corpus_passages(
    corpus_dir: Path, reuse: Mapping[str, dict[str, Any]] | None = None
) -> CorpusSnapshot:
    """Read and validate the corpus at `corpus_dir` and turn it into passages.

    `reuse` holds what an earlier build read (`read_parsed`), valid for the same lexicon
    and code: a document whose text is unchanged is not read again.
    Raises CorpusInvalid (missing directory, no documents, unreadable or non-UTF-8 file)
    or FactsInvalid (malformed facts file, evidence not found in its document).
    """
    documents = load_documents(corpus_dir)
    data_hashes = data_file_hashes(corpus_dir)
    lexicon = load_lexicon(corpus_dir)
    vocabulary: Vocabulary | None = None
    parsed: dict[str, ParsedDocument] = {}
    reread = 0
    for doc in documents:
        record = (reuse or {}).get(doc.path)
        if record is not None and record.get("sha256") == doc.sha256:
            try:
                parsed[doc.path] = ParsedDocument.from_json(record, doc)
                continue
            except (KeyError, TypeError, ValueError):
                pass  # an unreadable record: read the document again
        vocabulary = vocabulary or Vocabulary(lexicon)
        parsed[doc.path] = parse_document(doc, vocabulary)
        reread += 1
    derived = unique_facts([f for doc in documents for f in parsed[doc.path].derived])
    facts, warnings = corpus_facts(corpus_dir, documents, lexicon, derived)
    passages: list[Passage] = []
    for doc in documents:
        units = parsed[doc.path].units
        passages.extend(Passage(u.text, "source", (u.citation,)) for u in units)
    for fact in facts:
        passages.append(Passage(fact.sentence, "fact", tuple(fact.citations), fact_id=fact.id))
    return CorpusSnapshot(
        corpus_dir=corpus_dir,
        documents=tuple(documents),
        facts=tuple(facts),
        passages=tuple(passages),
        document_hashes={d.path: d.sha256 for d in documents},
        data_hashes=data_hashes,
        warnings=warnings,
        parsed=parsed,
        reread=reread,
    )


def data_file_hashes(corpus_dir: Path) -> dict[str, str]:
    """SHA-256 of each data file (`*.yaml`, `*.yml`) at the top of the corpus directory."""
    hashes: dict[str, str] = {}
    if not corpus_dir.is_dir():
        return hashes
    for path in sorted(corpus_dir.iterdir()):
        if (
            path.is_file()
            and path.suffix.lower() in DATA_SUFFIXES
            and not path.name.startswith(".")
        ):
            try:
                hashes[path.name] = hashlib.sha256(path.read_bytes()).hexdigest()
            except OSError as e:
                raise CorpusInvalid(f"cannot read {path}: {e.strerror}") from e
    return hashes
