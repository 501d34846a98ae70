"""Small phrasing helpers shared by the answerers: events, medals, results as sentences."""

from __future__ import annotations

from ..corpus.render import ALL_MEDALS, event_phrase, join_names
from ..types import Fact
from .facts_base import FactBase, riders_of
from .parse import Parse

EVERY_MEDAL = ("gold", "silver", "bronze")


def event_of(f: Fact, fb: FactBase) -> str:
    """ "the men's keirin"."""
    return event_phrase(fb.lexicon, str(f.fields["event"]), f.fields.get("gender"))


def medal_in(f: Fact, fb: FactBase, medals: tuple[str, ...]) -> str:
    where = event_of(f, fb)
    return where if len(medals) == 1 else f"{f.fields['medal']} in {where}"


def counts_medals(t: Fact, medals: tuple[str, ...]) -> bool:
    """Whether tally `t` counts just the medals asked: "seven medals" all of them."""
    counted = set(EVERY_MEDAL) if t.fields["medal"] == ALL_MEDALS else {t.fields["medal"]}
    return counted == set(medals)


def medal_noun(t: Fact, n: int) -> str:
    """ "gold medals", "medal", for tally `t` and a count of `n`."""
    colour = "" if t.fields["medal"] == ALL_MEDALS else f"{t.fields['medal']} "
    return f"{colour}medal{'s' if n != 1 else ''}"


def medal_filter(p: Parse, default_any: bool = False) -> tuple[str, ...]:
    """The medals a question asks about: those it names, any for "a medal", else gold."""
    if p.medals:
        return p.medals
    if default_any or p.medal_word or p.target == "medal" or (p.wh == "what" and not p.target):
        return EVERY_MEDAL
    return ("gold",)


def describe(f: Fact, fb: FactBase, p: Parse, medals: tuple[str, ...]) -> str:
    """One result as a sentence fitted to the question."""
    lex = fb.lexicon
    riders = riders_of(f)
    if not f.fields.get("country"):  # the document names the riders, not their nation
        won = f"won {where_medal(f, fb)}"
        if p.target == "country":
            return f"{join_names(riders)} {won}; the sources don't give {'their' if len(riders) > 1 else 'the rider’s'} nation."
        return f"{join_names(riders)} {won}."
    country = lex.country(str(f.fields["country"]))
    where = event_of(f, fb)
    medal = str(f.fields["medal"])
    won = f"won {where}" if medal == "gold" else f"won {medal} in {where}"
    team = lex.event(str(f.fields["event"])).team
    if p.target == "medal" or medal != "gold":
        won = f"won {medal} in {where}"
    if p.target == "country" or not riders:
        who = country.display(capital=True)
        if riders and team:
            return f"{who} {won} (with {join_names(riders)})."
        return f"{who} {won}."
    if team and len(riders) == 1:
        return f"{country.display(capital=True)}, led by {riders[0]}, {won}."
    return f"{join_names(riders)} of {country.display()} {won}."


def where_medal(f: Fact, fb: FactBase) -> str:
    """ "the men's keirin" for a gold, "silver in the men's keirin" for another medal."""
    medal = str(f.fields["medal"])
    return event_of(f, fb) if medal == "gold" else f"{medal} in {event_of(f, fb)}"


def describe_all(facts: list[Fact], fb: FactBase, p: Parse, medals: tuple[str, ...]) -> str:
    return " ".join(describe(f, fb, p, medals) for f in facts)


def missing_genders(p: Parse, fb: FactBase, found: list[Fact], claim: bool = False) -> list[str]:
    """The genders without an answer when the question named none ("the Madison").

    With `claim`, a named rider or nation is what is checked, not a filter."""
    if p.genders or len(p.events) != 1 or (not claim and (p.riders or p.countries)):
        return []
    if fb.lexicon.event(p.events[0]).discipline != "track":
        return []
    have = {f.fields["gender"] for f in found}
    return [g for g in fb.lexicon.genders if g not in have]


def what_asked(p: Parse, fb: FactBase, medals: tuple[str, ...]) -> str:
    """ "that Britain won gold in the men's keirin", "who won bronze in the keirin"."""
    where = ""
    if p.events:
        gender = p.genders[0] if len(p.genders) == 1 else None
        where = " in " + join_names([event_phrase(fb.lexicon, e, gender) for e in p.events])
    medal = medals[0] if len(medals) == 1 else "a medal"
    subject = join_names(list(p.riders) or [fb.lexicon.country(c).display() for c in p.countries])
    if subject:
        return f"whether {subject} won {medal}{where}"
    return f"who won {medal}{where}"


def about(p: Parse, fb: FactBase) -> str:
    """ " for the men's keirin", or "" when no event is named."""
    if not p.events:
        return ""
    gender = p.genders[0] if len(p.genders) == 1 else None
    return " for " + join_names([event_phrase(fb.lexicon, e, gender) for e in p.events])


def name_of(subject: str, fb: FactBase, capital: bool = False) -> str:
    """A rider as named, a nation as it reads in a sentence ("the Netherlands")."""
    if subject in fb.lexicon.countries:
        return fb.lexicon.country(subject).display(capital)
    return subject


def possessive(name: str) -> str:
    """ "France's", "the United States'"."""
    return f"{name}'" if name.endswith("s") else f"{name}'s"


def gold_tallies(fb: FactBase) -> list[Fact]:
    """Nations' stated gold counts (Britain's single gold, its event unnamed)."""
    return [
        t
        for t in fb.kind("tally")
        if t.fields["medal"] == "gold"
        and t.fields["subject"] in fb.lexicon.countries
        and int(t.fields["count"]) > 0
    ]


def without_excluded(facts: list[Fact], p: Parse) -> list[Fact]:
    """The facts minus what the question leaves out ("besides Britain", "anything else")."""
    if not p.excluded and not p.excluded_facts:
        return facts
    out = []
    for f in facts:
        names = {
            ("event", f.fields.get("event")),
            *(("country", f.fields.get(k)) for k in ("country", "winner", "loser", "holder")),
            *(("rider", r) for r in riders_of(f)),
        }
        if f.id in p.excluded_facts or names & set(p.excluded):
            continue
        out.append(f)
    return out
