"""One question over several competitions' facts: each answers apart, the answer says which.

The corpus's own competition answers as before. A report on another competition (its facts
carry an `occasion`) answers the same parsed question over its own facts only, so one
competition's winner never makes another's "no", and its part of the answer is introduced
by the competition's name. When the corpus's facts abstain and another competition's
answer, that answer stands alone, with its name.
"""

from __future__ import annotations

from collections.abc import Sequence

from ..corpus.occasion import said_at
from .facts_base import FactBase
from .parse import Parse
from .result import StructuredResult
from .router import answer_structured


def answer_by_occasion(
    p: Parse, home: FactBase, elsewhere: Sequence[tuple[str, FactBase]] = ()
) -> StructuredResult | None:
    """The facts' answer to `p` for the corpus's competition and for each other one."""
    result = answer_structured(p, home)
    others = [(label, answer_structured(p, base)) for label, base in elsewhere]
    answered = [(label, r) for label, r in others if r is not None and not r.abstain]
    if not answered:
        return result
    parts: list[tuple[str | None, StructuredResult]] = []
    if result is not None and not result.abstain:
        parts.append((None, result))
    parts += answered
    leads = [said_at(r.lead, label) for label, r in parts]
    return StructuredResult(
        lead=" ".join(leads),
        facts=tuple(dict.fromkeys(f for _, r in parts for f in r.facts)),
        riders=tuple(dict.fromkeys(x for _, r in parts for x in r.riders)),
        countries=tuple(dict.fromkeys(x for _, r in parts for x in r.countries)),
    )
