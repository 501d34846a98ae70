"""A fact the extractor read: its id (from its document and fields), its rendered
sentence and the exact span of the sentence it was read from."""

from __future__ import annotations

from collections.abc import Mapping

from ..types import Citation, Document, Fact
from .facts import check_names
from .lexicon import Lexicon
from .render import render_fact
from .text import fold

DERIVED_PREFIX = "derived-"  # the id of every derived fact starts so


def derived_fact(
    doc: Document, sentence: Citation, lexicon: Lexicon, kind: str, fields: Mapping[str, object]
) -> Fact:
    record = dict(fields)
    check_names(f"derived fact in {doc.path}", kind, record, lexicon)
    values = "-".join(
        fold(str(v)).replace(" ", "-")
        for k, v in sorted(record.items())
        # riders name a result only when no nation does
        if k not in ("riders", "team", "note")
        or (k == "riders" and "country" not in record and "holder" not in record)
    )
    stem = fold(doc.path.rsplit(".", 1)[0]).replace(" ", "-")
    fact_id = f"{DERIVED_PREFIX}{stem}-{kind}-{values}"
    rendered = render_fact(kind, record, lexicon)
    return Fact(
        id=fact_id,
        kind=kind,
        doc=doc.path,
        fields=record,
        evidence=(sentence.text,),
        citations=(sentence,),
        sentence=rendered,
    )
