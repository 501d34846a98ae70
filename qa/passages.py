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
import multiprocessing
import os
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .corpus.derive import derive_document, unique_facts
from .corpus.documents import load_documents
from .corpus.facts import fact_from_dict, fact_to_dict
from .corpus.lexicon import Lexicon, load_lexicon
from .corpus.mentions import Vocabulary
from .corpus.merge import corpus_facts
from .corpus.sentences import SourceUnit, source_units
from .errors import CorpusInvalid
from .types import Citation, Document, Fact, Passage

PARSED_FILE = "documents.jsonl"  # in an index version: what the build read in each document
# Documents to read before a build reads them in worker processes: starting a worker costs
# about half a second, reading a document of 100 sentences about 0.2 s.
PARALLEL_FROM = 64


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


def read_documents(
    documents: Sequence[Document],
    lexicon: Lexicon,
    while_reading: Callable[[], object] | None = None,
    workers: int | None = None,
) -> list[ParsedDocument]:
    """`parse_document` of each of `documents`, in order: in this process for a few, in
    `workers` processes (default: one a core) from PARALLEL_FROM documents on."""
    workers = workers or os.cpu_count() or 1
    if workers < 2 or len(documents) < PARALLEL_FROM:
        vocabulary = Vocabulary(lexicon)
        return [parse_document(doc, vocabulary) for doc in documents]
    # Forked, not spawned: a spawned worker re-runs the caller's main script, which breaks
    # any script that calls build_index() without an `if __name__ == "__main__"` guard.
    # The workers are forked before `while_reading()` loads torch, and never use it.
    methods = multiprocessing.get_all_start_methods()
    context = multiprocessing.get_context("fork" if "fork" in methods else "spawn")
    with ProcessPoolExecutor(
        workers, mp_context=context, initializer=_start_reader, initargs=(lexicon,)
    ) as pool:
        chunk = max(1, len(documents) // (workers * 8))
        reading = pool.map(_read_in_worker, documents, chunksize=chunk)
        if while_reading is not None:
            while_reading()
        return list(reading)


_WORKER_VOCABULARY: Vocabulary | None = None


def _start_reader(lexicon: Lexicon) -> None:
    global _WORKER_VOCABULARY
    _WORKER_VOCABULARY = Vocabulary(lexicon)


def _read_in_worker(doc: Document) -> ParsedDocument:
    assert _WORKER_VOCABULARY is not None, "the pool's initializer sets it"
    return parse_document(doc, _WORKER_VOCABULARY)


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
    warnings: tuple[str, ...] = ()  # documents skipped, derived facts that contradict others
    parsed: Mapping[str, ParsedDocument] = field(default_factory=dict)  # path -> what was read
    reread: int = 0  # documents read afresh (the others were reused from the last build)

    @property
    def source_passages(self) -> int:
        return sum(1 for p in self.passages if p.kind == "source")


def corpus_passages(
    corpus_dir: Path,
    reuse: Mapping[str, dict[str, Any]] | None = None,
    while_reading: Callable[[], object] | None = None,
) -> CorpusSnapshot:
    """Read and validate the corpus at `corpus_dir` and turn it into passages.

    `reuse` holds what an earlier build read (`read_parsed`), valid for the same lexicon
    and code: a document whose text is unchanged is not read again. From PARALLEL_FROM
    documents to read, worker processes read them (one a core) and `while_reading()`, if
    given, runs here meanwhile (the build loads the model).
    Raises CorpusInvalid (missing directory, no documents, unreadable or non-UTF-8 file)
    or FactsInvalid (malformed facts file, evidence not found in its document).
    """
    documents = load_documents(corpus_dir)
    data_hashes = data_file_hashes(corpus_dir)
    lexicon = load_lexicon(corpus_dir)
    parsed: dict[str, ParsedDocument] = {}
    unread: list[Document] = []
    for doc in documents:
        record = (reuse or {}).get(doc.path)
        if record is not None and record.get("sha256") == doc.sha256:
            try:
                parsed[doc.path] = ParsedDocument.from_json(record, doc)
                continue
            except (KeyError, TypeError, ValueError):
                pass  # an unreadable record: read the document again
        unread.append(doc)
    for doc, read in zip(unread, read_documents(unread, lexicon, while_reading), strict=True):
        parsed[doc.path] = read
    reread = len(unread)
    derived = unique_facts([f for doc in documents for f in parsed[doc.path].derived])
    facts, warnings = corpus_facts(corpus_dir, documents, lexicon, derived)
    warnings = (*_skipped_documents(corpus_dir, documents, parsed), *warnings)
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


def _skipped_documents(
    corpus_dir: Path, documents: Sequence[Document], parsed: Mapping[str, ParsedDocument]
) -> list[str]:
    """A warning for each document with nothing to index (empty, whitespace, no words).

    Skipped, not refused: an empty file is a note not written yet, there is nothing in it
    to cite, and refusing would hold up every other edit. It stays in the manifest's
    hashes, so `qa build --check` does not call the index stale over it. A corpus in which
    no document has text is refused: publishing it would empty the live index.
    """
    empty = [d.path for d in documents if not parsed[d.path].units]
    if empty and len(empty) == len(documents):
        raise CorpusInvalid(
            f"no document in {corpus_dir} has any text to index: each is empty or holds no "
            f"words ({', '.join(empty[:5])}{', ...' if len(empty) > 5 else ''}); write one, "
            "or add a document with text, and run `qa build` again"
        )
    return [
        f"{corpus_dir / path} has no text to index (it is empty or holds no words); it was "
        "skipped: write it or delete it"
        for path in empty
    ]


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
