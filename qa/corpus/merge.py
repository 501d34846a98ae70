"""Derived facts beside the hand-written ones: corroboration, contradiction, review.

A derived fact that says what an earlier fact says corroborates it (the earlier fact cites
both documents); one that contradicts another fact is reported with both evidence spans,
and dropped when the other is hand-written: sources do disagree, and an editor decides.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from ..errors import CorpusInvalid
from ..types import Document, Fact
from .lexicon import Lexicon


@dataclass(frozen=True)
class Derivation:
    """Derived facts kept (hand-written ones win) and the contradictions found."""

    facts: tuple[Fact, ...]
    warnings: tuple[str, ...] = ()
    replaced: tuple[Fact, ...] = ()  # hand-written facts as corroborated by other documents


@dataclass(frozen=True)
class Review:
    """What became of one derived fact: new, corroborates or contradicts `other`."""

    fact: Fact
    status: str
    other: Fact | None = None


def merge_facts(hand_written: Sequence[Fact], derived: Sequence[Fact]) -> Derivation:
    """The derived facts that add something to the hand-written ones.

    A derived fact that says what an earlier fact says corroborates it: the earlier fact
    gains its citation (and riders it names), so an answer cites every document that says
    it. One that contradicts another fact (another nation or rider for the same medal of
    the same event) is reported, and dropped when the other is hand-written. Returns the
    derived facts to add and, in `replaced`, the corroborated versions of earlier facts.
    """
    current: dict[str, Fact] = {f.id: f for f in hand_written}
    added: list[str] = []
    warnings: list[str] = []
    hand_ids = set(current)
    for fact in derived:
        same = [f for f in current.values() if _key(f) == _key(fact)]
        agreeing = [f for f in same if _agrees(f, fact)]
        if agreeing:
            current[agreeing[0].id] = _corroborated(agreeing[0], fact)
            continue
        for other in same:
            warnings.append(
                f"{fact.doc} says {fact.sentence!r} ({fact.citations[0].text!r}), but "
                f"{other.doc} says {other.sentence!r} ({other.citations[0].text!r})"
            )
        if any(f.id in hand_ids for f in same):
            continue
        current[fact.id] = fact
        added.append(fact.id)
    replaced = tuple(current[i] for i in hand_ids if current[i] is not _by_id(hand_written, i))
    return Derivation(tuple(current[i] for i in added), tuple(warnings), replaced)


def _by_id(facts: Sequence[Fact], fact_id: str) -> Fact | None:
    return next((f for f in facts if f.id == fact_id), None)


def _corroborated(fact: Fact, other: Fact) -> Fact:
    """`fact` also citing `other`'s sentence, with the riders either names."""
    citations = tuple(dict.fromkeys([*fact.citations, *other.citations]))
    fields = dict(fact.fields)
    riders = [*(fact.fields.get("riders") or []), *(other.fields.get("riders") or [])]
    if riders:
        fields["riders"] = list(dict.fromkeys(riders))
    return replace(
        fact,
        fields=fields,
        evidence=tuple(dict.fromkeys([*fact.evidence, *other.evidence])),
        citations=citations,
    )


def _key(f: Fact) -> tuple[object, ...]:
    """What a fact is about: one answer per key (the gold of the men's keirin) and occasion
    (another competition's keirin neither corroborates nor contradicts this one's)."""
    return (f.fields.get("occasion"), *_subject_key(f))


def _subject_key(f: Fact) -> tuple[object, ...]:
    g = f.fields
    if f.kind == "result":
        return ("result", g.get("event"), g.get("gender"), g.get("medal"))
    if f.kind == "nationality":
        return ("nationality", g.get("rider"))
    if f.kind == "record":
        return ("record", g.get("event"), g.get("gender"), g.get("record"))
    if f.kind == "defeat":
        return ("defeat", g.get("event"), g.get("gender"), g.get("loser"), g.get("round"))
    if f.kind == "tally":
        return ("tally", g.get("subject"), g.get("medal"), g.get("scope"))
    return (f.kind, f.id)


def _agrees(a: Fact, b: Fact) -> bool:
    """Two facts with one key say the same thing (riders may be named in one only)."""
    fa, fb = a.fields, b.fields
    if a.kind == "result":
        ra, rb = set(fa.get("riders") or []), set(fb.get("riders") or [])
        if not fa.get("country") or not fb.get("country"):  # one names riders only
            return bool(ra & rb)
        return fa["country"] == fb["country"] and (not ra or not rb or bool(ra & rb))
    keys = {"nationality": "country", "record": "holder", "defeat": "winner", "tally": "count"}
    name = keys.get(a.kind)
    return name is None or fa.get(name) == fb.get(name)


def review(hand_written: Sequence[Fact], derived: Sequence[Fact]) -> list[Review]:
    """Each derived fact with what it adds to the facts before it (for `qa facts`)."""
    seen: list[Fact] = list(hand_written)
    out = []
    for fact in derived:
        same = [f for f in seen if _key(f) == _key(fact)]
        agreeing = [f for f in same if _agrees(f, fact)]
        if agreeing:
            out.append(Review(fact, "corroborates", agreeing[0]))
        elif same:
            out.append(Review(fact, "contradicts", same[0]))
        else:
            out.append(Review(fact, "new"))
        seen.append(fact)
    return out


def review_corpus(corpus_dir: Path, only: Sequence[str] = ()) -> list[Review]:
    """The derived facts of the corpus's documents (or of the documents `only` names),
    each reviewed against the hand-written facts. Raises CorpusInvalid for an unknown
    document, and what loading the corpus raises."""
    from .derive import derive_facts
    from .documents import load_documents
    from .facts import load_facts
    from .lexicon import load_lexicon

    documents = load_documents(corpus_dir)
    unknown = [d for d in only if d not in {doc.path for doc in documents}]
    if unknown:
        names = ", ".join(doc.path for doc in documents)
        raise CorpusInvalid(
            f"no document {unknown[0]!r} in {corpus_dir}; the documents are: {names}"
        )
    lexicon = load_lexicon(corpus_dir)
    hand = load_facts(corpus_dir, documents, lexicon)
    derived = derive_facts(documents, lexicon)
    reviews = review(hand, derived)
    return [r for r in reviews if not only or r.fact.doc in only]


def corpus_facts(
    corpus_dir: Path,
    documents: Sequence[Document],
    lexicon: Lexicon,
    derived: Sequence[Fact] | None = None,
) -> tuple[list[Fact], tuple[str, ...]]:
    """The facts the index holds: the hand-written ones (corroborated by what other
    documents say) and the derived ones that add to them; and the contradictions found.

    `derived` are the facts read in `documents` when the caller has them already."""
    from .derive import derive_facts
    from .facts import load_facts

    hand_written = load_facts(corpus_dir, documents, lexicon)
    if derived is None:
        derived = derive_facts(documents, lexicon)
    merged = merge_facts(hand_written, derived)
    corroborated = {f.id: f for f in merged.replaced}
    facts = [corroborated.get(f.id, f) for f in hand_written] + list(merged.facts)
    return facts, merged.warnings
