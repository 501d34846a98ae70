"""One question over several competitions' facts: each answers apart, the answer says which.

The corpus's own competition answers as before. A report on another competition (its facts
carry an `occasion`) answers the same parsed question over its own facts only, so one
competition's winner never makes another's "no", and its part of the answer is introduced
by the competition's name. When the corpus's facts abstain and another competition's
answer, that answer stands alone, with its name. With other competitions in the corpus,
the corpus's own answer says which competition it is too. A question that names one
competition is answered from its facts alone.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from ..corpus.occasion import HOME, said_at
from ..corpus.render import HOME_SCOPE
from .facts_base import FactBase
from .parse import Parse
from .result import StructuredResult
from .router import answer_structured


def answer_by_occasion(
    p: Parse,
    home: FactBase,
    elsewhere: Sequence[tuple[str, FactBase]] = (),
    named: str | None = None,
) -> StructuredResult | None:
    """The facts' answer to `p` for the corpus's competition and for each other one; for
    the `named` one alone when the question names one (`HOME`: the corpus's own)."""
    if named == HOME:
        return answer_structured(p, home)
    if named is not None:
        base = dict(elsewhere).get(named)
        result = answer_structured(p, base) if base is not None else None
        if (result is None or result.abstain) and "nationality" in p.intents:
            # a rider's nation holds at every competition
            return _anywhere(answer_structured(p, home)) or result
        return result
    result = answer_structured(p, home)
    others = [(label, answer_structured(p, base)) for label, base in elsewhere]
    answered = [(label, r) for label, r in others if r is not None and not r.abstain]
    if not answered:
        if _anywhere(result) is not None:
            return result
        if elsewhere and result is not None and not result.abstain:
            return replace(result, lead=said_at(result.lead, HOME_SCOPE, the=False))
        return result
    parts: list[tuple[str | None, StructuredResult]] = []
    if result is not None and not result.abstain:
        parts.append((None, result))
    parts += answered
    leads = [
        said_at(r.lead, label) if label else said_at(r.lead, HOME_SCOPE, the=False)
        for label, r in parts
    ]
    return StructuredResult(
        lead=" ".join(leads),
        facts=tuple(dict.fromkeys(f for _, r in parts for f in r.facts)),
        riders=tuple(dict.fromkeys(x for _, r in parts for x in r.riders)),
        countries=tuple(dict.fromkeys(x for _, r in parts for x in r.countries)),
    )


def _anywhere(result: StructuredResult | None) -> StructuredResult | None:
    """`result` when it answers from nationalities only, which no competition bounds; else None."""
    if result is None or result.abstain or not result.facts:
        return None
    return result if all(f.kind == "nationality" for f in result.facts) else None
