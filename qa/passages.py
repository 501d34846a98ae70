"""The corpus as passages to embed: one per source sentence, one per rendered fact.

Everything that can be wrong with the corpus (a missing or non-UTF-8 document, a bad
facts file, stale evidence) is found here, before the build writes anything.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

from .corpus.documents import load_documents
from .corpus.lexicon import load_lexicon
from .corpus.merge import corpus_facts
from .corpus.sentences import source_units
from .errors import CorpusInvalid
from .types import Document, Fact, Passage

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

    @property
    def source_passages(self) -> int:
        return sum(1 for p in self.passages if p.kind == "source")


def corpus_passages(corpus_dir: Path) -> CorpusSnapshot:
    """Read and validate the corpus at `corpus_dir` and turn it into passages.

    Raises CorpusInvalid (missing directory, no documents, unreadable or non-UTF-8 file)
    or FactsInvalid (malformed facts file, evidence not found in its document).
    """
    documents = load_documents(corpus_dir)
    data_hashes = data_file_hashes(corpus_dir)
    facts, warnings = corpus_facts(corpus_dir, documents, load_lexicon(corpus_dir))
    passages: list[Passage] = []
    for doc in documents:
        passages.extend(Passage(u.text, "source", (u.citation,)) for u in source_units(doc))
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
