"""What a structured answerer returns, and the two ways to make one: found or abstain."""

from __future__ import annotations

from dataclasses import dataclass, field

from ..types import Fact
from .facts_base import FactBase, riders_of
from .parse import Parse
from .phrasing import event_of

NUMBER_WORDS = ["no", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten"]


@dataclass(frozen=True)
class StructuredResult:
    """A structured answer: `lead` is the one-sentence reply, `facts` are what it cites."""

    lead: str
    facts: tuple[Fact, ...] = ()
    abstain: bool = False
    riders: tuple[str, ...] = ()
    countries: tuple[str, ...] = ()
    suggestions: tuple[str, ...] = field(default=())


def number(n: int) -> str:
    """ "three" for 3, "12" for 12."""
    return NUMBER_WORDS[n] if 0 <= n < len(NUMBER_WORDS) else str(n)


def found(
    lead: str, facts: list[Fact], riders: tuple[str, ...] = (), countries: tuple[str, ...] = ()
) -> StructuredResult:
    """An answer resting on `facts`; the people and nations it names, for follow-ups."""
    unique = tuple(dict.fromkeys(facts))
    if not riders:
        riders = tuple(dict.fromkeys(r for f in unique for r in riders_of(f)))
    if not countries:
        countries = tuple(
            dict.fromkeys(
                str(f.fields[k])
                for f in unique
                for k in ("country", "winner", "holder")
                if k in f.fields
            )
        )
    return StructuredResult(lead=lead, facts=unique, riders=riders, countries=countries)


def abstain(lead: str, fb: FactBase, p: Parse) -> StructuredResult:
    """ "The sources don't say ...", with nearby questions the facts do answer."""
    return StructuredResult(lead=lead, abstain=True, suggestions=tuple(_suggest(p, fb)))


def _suggest(p: Parse, fb: FactBase) -> list[str]:
    out: list[str] = []
    nearby = (
        (fb.results(events=p.events, genders=p.genders) or fb.results(events=p.events))
        if p.events
        else []
    )
    for f in nearby:
        out.append(
            f"Who won {event_of(f, fb)}?"
            if f.fields["medal"] == "gold"
            else f"Who won {f.fields['medal']} in {event_of(f, fb)}?"
        )
    if p.countries and not out:
        for c in p.countries:
            if fb.results(countries=[c]):
                out.append(f"What did {fb.lexicon.country(c).display()} win?")
    if p.countries and not out and fb.results(medals=["gold"]):
        out.append("Which nations won gold?")
    return list(dict.fromkeys(out))[:3]
