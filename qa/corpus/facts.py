"""Load, validate and render the hand-derived facts of `corpus/facts.yaml`.

Validation happens before any index is written: a malformed file, a fact naming a missing
document, an unknown kind or name, or an evidence quote that is no longer in its document
raises FactsInvalid naming the file, the fact and the fix.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import yaml

from ..errors import FactsInvalid
from ..types import Citation, Document, Fact
from .lexicon import Lexicon, load_lexicon, yaml_problem
from .render import ALL_MEDALS, render_fact
from .sentences import sentence_spans

FACTS_FILE = "facts.yaml"

# kind -> (required fields, optional fields)
KINDS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    # a result names its nation, its riders, or both ("Sofía Carrasco completed the podium")
    "result": (("event", "gender", "medal"), ("country", "riders", "team", "discipline")),
    "defeat": (("event", "gender", "winner", "loser"), ("round",)),
    "record": (("event", "gender", "holder", "record"), ("riders", "mark")),
    "tally": (("subject", "medal", "count", "scope"), ("note",)),
    "first": (("subject", "achievement"), ("event", "gender", "medal")),
    "earlier_result": (("rider", "games", "position"), ("event",)),
    "nationality": (("rider", "country"), ()),
}
_COMMON = ("id", "kind", "doc", "evidence", "sentence")
OCCASION = "occasion"  # any kind: the competition reported, when not the corpus's own
_COUNTRY_FIELDS = ("country", "winner", "loser", "holder")


def facts_path(corpus_dir: Path) -> Path:
    return corpus_dir / FACTS_FILE


def load_facts(
    corpus_dir: Path, documents: Sequence[Document], lexicon: Lexicon | None = None
) -> list[Fact]:
    """The validated facts of the corpus; [] when there is no facts file."""
    path = facts_path(corpus_dir)
    if not path.exists():
        return []
    lexicon = lexicon or load_lexicon(corpus_dir)
    raw = _read_yaml(path)
    docs = {d.path: d for d in documents}
    spans = {d.path: sentence_spans(d) for d in documents}
    facts: list[Fact] = []
    seen: set[str] = set()
    for number, entry in enumerate(raw, start=1):
        fact = _validate(path, number, entry, docs, spans, lexicon)
        if fact.id in seen:
            raise FactsInvalid(
                f"{path}: fact #{number} reuses the id {fact.id!r}; ids must be unique"
            )
        seen.add(fact.id)
        facts.append(fact)
    return facts


def facts_file_text(facts: Sequence[Fact]) -> str:
    """`facts` in the format of `corpus/facts.yaml`, for an editor to review and adopt."""
    entries = []
    for fact in facts:
        entry: dict[str, Any] = {"id": fact.id, "kind": fact.kind, "doc": fact.doc}
        entry.update(fact.fields)
        entry["evidence"] = list(fact.evidence)
        entries.append(entry)
    header = (
        "# Facts derived from the documents by `qa facts`: check each against its evidence,\n"
        "# correct or delete it, then move the ones you accept into corpus/facts.yaml.\n"
    )
    body = yaml.safe_dump({"facts": entries}, sort_keys=False, allow_unicode=True, width=100)
    return header + body


def fact_to_dict(fact: Fact) -> dict[str, Any]:
    """A JSON-ready record of a validated fact (for the index's snapshot)."""
    return {
        "id": fact.id,
        "kind": fact.kind,
        "doc": fact.doc,
        "fields": fact.fields,
        "evidence": list(fact.evidence),
        "citations": [c.to_dict() for c in fact.citations],
        "sentence": fact.sentence,
    }


def fact_from_dict(data: dict[str, Any]) -> Fact:
    """The inverse of `fact_to_dict`."""
    return Fact(
        id=data["id"],
        kind=data["kind"],
        doc=data["doc"],
        fields=dict(data["fields"]),
        evidence=tuple(data["evidence"]),
        citations=tuple(Citation.from_dict(c) for c in data["citations"]),
        sentence=data["sentence"],
    )


def _read_yaml(path: Path) -> list[Any]:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except UnicodeDecodeError as e:
        raise FactsInvalid(f"{path} is not valid UTF-8; re-save it as UTF-8") from e
    except yaml.YAMLError as e:
        raise FactsInvalid(
            f"{path} is not valid YAML ({yaml_problem(e)}); fix the syntax and run `qa build` again"
        ) from e
    facts = data.get("facts") if isinstance(data, dict) else None
    if not isinstance(facts, list):
        raise FactsInvalid(
            f"{path} must hold a mapping with a list under `facts:` (see the header of the "
            "repository's corpus/facts.yaml)"
        )
    return facts


def _validate(
    path: Path,
    number: int,
    entry: Any,
    docs: dict[str, Document],
    spans: dict[str, list[Citation]],
    lexicon: Lexicon,
) -> Fact:
    where = f"{path}: fact #{number}"
    if not isinstance(entry, dict):
        raise FactsInvalid(f"{where} is not a mapping of fields")
    fact_id = entry.get("id")
    if not isinstance(fact_id, str) or not fact_id.strip():
        raise FactsInvalid(f"{where} has no `id`; give it a unique name")
    where = f"{path}: fact {fact_id!r}"
    kind = entry.get("kind")
    if kind not in KINDS:
        raise FactsInvalid(f"{where} has kind {kind!r}; use one of {', '.join(KINDS)}")
    required, optional = KINDS[kind]
    missing = [name for name in required if entry.get(name) in (None, "")]
    if missing:
        raise FactsInvalid(f"{where} ({kind}) lacks {', '.join(missing)}")
    if kind == "result" and not entry.get("country") and not entry.get("riders"):
        raise FactsInvalid(
            f"{where} (result) names no one; give its `country`, its `riders` or both"
        )
    unknown = sorted(set(entry) - set(required) - set(optional) - set(_COMMON) - {OCCASION})
    if unknown:
        raise FactsInvalid(f"{where} has unknown field(s) {', '.join(unknown)} for kind {kind}")
    doc_name = entry.get("doc")
    if doc_name not in docs:
        raise FactsInvalid(
            f"{where} names document {doc_name!r}, which is not in the corpus; "
            f"use one of: {', '.join(sorted(docs)) or '(none)'}"
        )
    fields = {k: v for k, v in entry.items() if k not in _COMMON}
    check_names(where, kind, fields, lexicon)
    evidence = _evidence(where, entry.get("evidence"))
    doc = docs[doc_name]
    citations = _citations(where, doc, spans[doc_name], evidence)
    sentence = entry.get("sentence") or render_fact(kind, fields, lexicon)
    if not isinstance(sentence, str):
        raise FactsInvalid(f"{where}: `sentence` must be text")
    return Fact(
        id=fact_id,
        kind=kind,
        doc=doc_name,
        fields=fields,
        evidence=evidence,
        citations=citations,
        sentence=sentence.strip(),
    )


def check_names(where: str, kind: str, fields: dict[str, Any], lexicon: Lexicon) -> None:
    """Raise FactsInvalid unless every event, gender, medal and nation is the lexicon's (a
    tally may also count every medal: `ALL_MEDALS`)."""
    if "event" in fields and fields["event"] not in lexicon.events:
        raise FactsInvalid(
            f"{where}: event {fields['event']!r} is not an event of lexicon.yaml; add it there"
        )
    if "gender" in fields and fields["gender"] not in lexicon.genders:
        raise FactsInvalid(
            f"{where}: gender {fields['gender']!r} must be one of {', '.join(lexicon.genders)}"
        )
    allowed = (*lexicon.medals, ALL_MEDALS) if kind == "tally" else tuple(lexicon.medals)
    if "medal" in fields and fields["medal"] not in allowed:
        raise FactsInvalid(
            f"{where}: medal {fields['medal']!r} must be one of {', '.join(allowed)}"
        )
    for name in _COUNTRY_FIELDS:
        if name in fields and fields[name] not in lexicon.countries:
            raise FactsInvalid(
                f"{where}: {name} {fields[name]!r} is not a country of lexicon.yaml; "
                "use its canonical name or add it there"
            )
    riders = fields.get("riders", [])
    if not isinstance(riders, list) or not all(isinstance(r, str) for r in riders):
        raise FactsInvalid(f"{where}: `riders` must be a list of names")
    if "count" in fields and (not isinstance(fields["count"], int) or fields["count"] < 0):
        raise FactsInvalid(f"{where}: `count` must be a whole number")


def _evidence(where: str, value: Any) -> tuple[str, ...]:
    quotes = [value] if isinstance(value, str) else value
    if (
        not isinstance(quotes, list)
        or not quotes
        or not all(isinstance(q, str) and q.strip() for q in quotes)
    ):
        raise FactsInvalid(
            f"{where} needs `evidence`: one or more quotes copied verbatim from its document"
        )
    return tuple(quotes)


def _citations(
    where: str, doc: Document, sentences: list[Citation], evidence: tuple[str, ...]
) -> tuple[Citation, ...]:
    """The source sentences that overlap each evidence quote, in document order."""
    cited: dict[int, Citation] = {}
    for quote in evidence:
        start = doc.text.find(quote)
        if start < 0:
            raise FactsInvalid(
                f"{where}: evidence quote {quote!r} is not in {doc.path}; the document changed — "
                "update the quote (copy it verbatim, with its curly quotes) or remove the fact"
            )
        end = start + len(quote)
        for sentence in sentences:
            if sentence.start < end and start < sentence.end:
                cited[sentence.start] = sentence
    return tuple(cited[k] for k in sorted(cited))
