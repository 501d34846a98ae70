"""What the structured path knows: the facts, the lexicon and the corpus vocabulary.

A build snapshots them into the index (`knowledge.json`), so questions are answered from
the same validated facts as the passages they cite, and an edit that breaks the facts
(and so fails the build) never reaches the chat.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING

from .corpus.documents import load_documents
from .corpus.facts import OCCASION, fact_from_dict, fact_to_dict
from .corpus.lexicon import lexicon_from_data, load_lexicon, read_lexicon_data
from .corpus.merge import corpus_facts
from .corpus.occasion import HOME, document_occasion, occasion_places
from .corpus.text import fold
from .errors import IndexCorrupt
from .structured.facts_base import FactBase
from .structured.parse import Parser
from .types import Document, Fact

if TYPE_CHECKING:
    from .passages import CorpusSnapshot

KNOWLEDGE_FILE = "knowledge.json"


@dataclass(frozen=True)
class Knowledge:
    """The facts and a parser that knows their names and the corpus' words."""

    facts: FactBase  # the corpus's own competition
    parser: Parser
    documents: tuple[str, ...] = ()
    # reports on other competitions (a 2025 Nations Cup round): (occasion, its facts)
    elsewhere: tuple[tuple[str, FactBase], ...] = ()
    # where each of those was held, as folded words ("valencia"): they name it too
    places: tuple[tuple[str, frozenset[str]], ...] = ()

    @cached_property
    def occasions(self) -> dict[str, str]:
        """Each document on another competition, and which one."""
        return {f.doc: label for label, base in self.elsewhere for f in base.facts}

    def documents_of(self, occasion: str) -> frozenset[str]:
        """The documents reporting `occasion` (`HOME`: the corpus's own competition)."""
        if occasion == HOME:
            return frozenset(self.documents) - frozenset(self.occasions)
        return frozenset(doc for doc, label in self.occasions.items() if label == occasion)

    @cached_property
    def read_spans(self) -> frozenset[tuple[str, int]]:
        """The sentences any facts were read from, whatever the competition."""
        return self.facts.read_spans.union(*(base.read_spans for _, base in self.elsewhere))


def make_knowledge(
    facts: Sequence[Fact],
    lexicon_data: dict[str, object],
    vocabulary: Iterable[str],
    documents: Iterable[str] = (),
    places: dict[str, list[str]] | None = None,
) -> Knowledge:
    lexicon = lexicon_from_data(lexicon_data)
    # Each competition's facts answer apart: one's winners, tallies and firsts say nothing
    # of another's, and an answer says which competition it reports.
    by_occasion: dict[str, list[Fact]] = {}
    for f in facts:
        by_occasion.setdefault(f.get(OCCASION) or "", []).append(f)
    base = FactBase(by_occasion.pop("", []), lexicon)
    elsewhere = tuple((label, FactBase(group, lexicon)) for label, group in by_occasion.items())
    riders = [*base.riders, *(r for _, other in elsewhere for r in other.riders)]
    where = tuple(
        (label, frozenset(words)) for label, words in sorted((places or {}).items()) if words
    )
    return Knowledge(base, Parser(lexicon, riders, vocabulary), tuple(documents), elsewhere, where)


def places_of(
    documents: Sequence[Document], lexicon_data: dict[str, object]
) -> dict[str, list[str]]:
    """For each competition a document reports (other than the corpus's own), the words
    naming where it was held."""
    lexicon = lexicon_from_data(lexicon_data)
    out: dict[str, set[str]] = {}
    for doc in documents:
        label = document_occasion(doc, lexicon)
        if label:
            out.setdefault(label, set()).update(occasion_places(doc, lexicon, label))
    return {label: sorted(words) for label, words in out.items()}


def vocabulary_of(texts: Iterable[str]) -> list[str]:
    """The folded words of `texts`, sorted, each once."""
    return sorted({word for text in texts for word in fold(text).split()})


def knowledge_snapshot(snapshot: CorpusSnapshot) -> bytes:
    """The JSON the build stores beside the passages."""
    data = {
        "facts": [fact_to_dict(f) for f in snapshot.facts],
        "lexicon": read_lexicon_data(snapshot.corpus_dir),
        "vocabulary": vocabulary_of(_fact_texts(snapshot.documents, snapshot.facts)),
        "documents": [d.path for d in snapshot.documents],
        "places": places_of(snapshot.documents, read_lexicon_data(snapshot.corpus_dir)),
    }
    return json.dumps(data, ensure_ascii=False, sort_keys=True).encode("utf-8")


def knowledge_from_corpus(corpus_dir: Path) -> Knowledge:
    """Knowledge read straight from a corpus directory (no index needed)."""
    documents = load_documents(corpus_dir)
    facts, _ = corpus_facts(corpus_dir, documents, load_lexicon(corpus_dir))
    lexicon_data = read_lexicon_data(corpus_dir)
    return make_knowledge(
        facts,
        lexicon_data,
        vocabulary_of(_fact_texts(documents, facts)),
        [d.path for d in documents],
        places_of(documents, lexicon_data),
    )


def _fact_texts(documents: Sequence[Document], facts: Sequence[Fact]) -> list[str]:
    """The words the structured path may take as understood: those of the documents the
    facts come from. A word found only in another document marks a question about that
    document, which retrieval answers."""
    with_facts = {f.doc for f in facts}
    return [d.text for d in documents if d.path in with_facts] + [f.sentence for f in facts]


_CACHE: dict[Path, tuple[str, Knowledge]] = {}
_LOCK = threading.Lock()


def load_knowledge(index_dir: Path) -> Knowledge:
    """The knowledge of the live index version, cached until `qa build` publishes another."""
    from .store import index_version, load_index, read_version_file

    for _ in range(3):  # a publish may prune the version between reading CURRENT and the file
        version = index_version(index_dir)
        with _LOCK:
            cached = _CACHE.get(index_dir)
        if cached and version and cached[0] == version:
            return cached[1]
        if version is None:
            load_index(index_dir)  # raises IndexMissing with the message users need
        try:
            raw = read_version_file(index_dir, str(version), KNOWLEDGE_FILE)
        except FileNotFoundError:
            continue
        try:
            data = json.loads(raw)
            knowledge = make_knowledge(
                [fact_from_dict(f) for f in data["facts"]],
                data["lexicon"],
                data["vocabulary"],
                data.get("documents", []),
                data.get("places", {}),
            )
        except (ValueError, KeyError, TypeError) as e:
            raise IndexCorrupt(
                f"{index_dir}/{version}/{KNOWLEDGE_FILE} is unreadable ({e}); run `qa build`"
            ) from e
        with _LOCK:
            _CACHE[index_dir] = (str(version), knowledge)
        return knowledge
    raise IndexCorrupt(
        f"the index at {index_dir} keeps changing under the reader; run `qa build` again"
    )
