"""Slots -> facts -> a short answer. Deterministic; says "not in the sources" rather than guess.

`answer_structured` returns None when the question is not one the facts are built for, so
the caller can try retrieval; a StructuredResult with `abstain=True` when it is, but no
fact answers it (the women's Madison, a bronze medallist, a world-record time).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field

from ..corpus.render import event_phrase, join_names
from ..corpus.text import fold
from ..types import Fact
from .facts_base import FactBase, riders_of
from .parse import STOPWORDS, Parse

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
    return NUMBER_WORDS[n] if 0 <= n < len(NUMBER_WORDS) else str(n)


def answer_structured(p: Parse, fb: FactBase) -> StructuredResult | None:
    """The facts' answer to a parsed question, an abstention, or None (not a facts question)."""
    intents = p.intents
    if p.unknown:  # words the sources never use: not a question about these facts
        return None
    if p.other_games:
        return _other_games(p, fb)
    if "time" in intents and (p.has_subject or "record" in intents):
        return _abstain(f"The sources give no times or speeds{_about(p, fb)}.", fb, p)
    if "first" in intents:
        found = _first(p, fb)
        if found:
            return found
    noted = _by_note(p, fb)
    if noted:
        return noted
    if "defeat" in intents and (p.countries or p.events):
        return _defeat(p, fb)
    if "record" in intents:
        recorded = _record(p, fb, count=p.target == "count")
        if recorded:
            return recorded
    if p.riders and ("nationality" in intents or p.target == "country") and "win" not in intents:
        return _nationality(p, fb)
    if "partner" in intents and (p.riders or p.countries or p.events):
        return _partners(p, fb, count=p.target == "count")
    if p.riders and "earlier" in intents and not p.events:
        found = _earlier(p, fb)
        if found:
            return found
    if p.target == "count" or ("count" in intents and p.target is None):
        return _count(p, fb)
    if "most" in intents:
        return _most(p, fb)
    if "least" in intents:
        return None  # "fewest" over partial results would mislead
    asks_results = "win" in intents or p.medals or p.medal_word or p.events
    if asks_results and (p.has_subject or p.target == "country"):
        return _results(p, fb)
    if p.riders and not intents - {"yesno"}:
        return _profile(p, fb)
    return None


# --- the branches ---------------------------------------------------------------


def _results(p: Parse, fb: FactBase) -> StructuredResult:
    medals = _medal_filter(p)
    yesno = p.wh == "yesno" and bool(p.events)
    if yesno:
        candidates = fb.results(events=p.events, genders=p.genders, medals=medals)
    else:
        candidates = fb.results(
            events=p.events,
            genders=p.genders,
            medals=medals,
            countries=p.countries,
            riders=p.riders,
        )
    if p.wh == "yesno" and not p.events and (p.countries or p.riders):
        return _yes_no_any_event(p, fb, candidates, medals)
    if not candidates and yesno and (p.countries or p.riders):
        other_medals = fb.results(
            events=p.events, genders=p.genders, countries=p.countries, riders=p.riders
        )
        if other_medals:
            every = ("gold", "silver", "bronze")
            return _found(
                "No. " + " ".join(_describe(f, fb, p, every) for f in other_medals), other_medals
            )
    if not candidates:
        silver = _final_losers(p, fb) if "silver" in medals and p.events else None
        if silver:
            return silver
        tallies = [
            t for t in fb.matching("tally", subject=p.countries) if p.countries and not p.events
        ]
        if tallies and p.wh != "yesno":  # "What did Britain win?": a count without its events
            unnamed = " The sources don't name the event." if p.target == "event" else ""
            return _found(" ".join(t.sentence for t in tallies) + unnamed, tallies)
        if not p.events and not p.riders and p.target == "country":
            tallies = _gold_tallies(fb) if medals == ("gold",) else []
            if tallies:
                return _nations_with_gold(p, fb, [], tallies)
        return _abstain(f"The sources don't say {_what_asked(p, fb, medals)}.", fb, p)
    if yesno:
        return _yes_no(p, fb, candidates)
    if p.target == "country" and not p.events and not p.countries and medals == ("gold",):
        track = [f for f in candidates if f.fields.get("discipline", "track") == "track"]
        return _nations_with_gold(p, fb, track, _gold_tallies(fb))
    leads = [_describe(f, fb, p, medals) for f in candidates]
    lead = " ".join(leads)
    missing = _missing_genders(p, fb, candidates)
    others = fb.results(events=p.events, genders=missing) if missing else []
    names = " or ".join(f"{g}'s {fb.lexicon.event(p.events[0]).display}" for g in missing)
    wanted = (
        "winner"
        if medals == ("gold",)
        else f"{medals[0]} medallist"
        if len(medals) == 1
        else "medallist"
    )
    if others and wanted == "winner":
        more = " ".join(_describe(f, fb, p, ("gold", "silver", "bronze")) for f in others)
        lead += f" The sources name no {wanted} of the {names}; they report: {more}"
        candidates = candidates + others
    elif missing:
        lead += f" The sources don't name the {wanted} of the {names}."
    return _found(lead, candidates)


def _yes_no(p: Parse, fb: FactBase, candidates: list[Fact]) -> StructuredResult:
    claimed_countries, claimed_riders = set(p.countries), set(p.riders)
    hits = [
        f
        for f in candidates
        if f.fields["country"] in claimed_countries or claimed_riders & set(riders_of(f))
    ]
    if not claimed_countries and not claimed_riders:
        return _found(
            " ".join(_describe(f, fb, p, _medal_filter(p)) for f in candidates), candidates
        )
    if hits:
        return _found("Yes. " + " ".join(_describe(f, fb, p, _medal_filter(p)) for f in hits), hits)
    related = [
        d
        for d in fb.kind("defeat")
        if d.fields["event"] in p.events
        and (not p.genders or d.fields["gender"] in p.genders)
        and d.fields["loser"] in claimed_countries
    ]
    known = " ".join(_describe(f, fb, p, _medal_filter(p)) for f in candidates)
    missing = _missing_genders(p, fb, candidates, claim=True)
    if missing:  # the claim may hold where the sources are silent: no "No."
        names = " or ".join(f"{g}'s {fb.lexicon.event(p.events[0]).display}" for g in missing)
        lead = f"The sources don't say who won the {names}. {known}"
    else:
        lead = "No. " + known
    if related:
        lead += " " + " ".join(d.sentence for d in related)
    return _found(lead, candidates + related)


def _yes_no_any_event(
    p: Parse, fb: FactBase, found: list[Fact], medals: tuple[str, ...]
) -> StructuredResult:
    """ "Did Portugal win gold?": yes with what they won, or no with what they did win."""
    every = ("gold", "silver", "bronze")
    if found:
        return _found("Yes. " + " ".join(_describe(f, fb, p, every) for f in found), found)
    other = fb.results(countries=p.countries, riders=p.riders)
    if other:
        return _found("No. " + " ".join(_describe(f, fb, p, every) for f in other), other)
    return _abstain(f"The sources don't say {_what_asked(p, fb, medals)}.", fb, p)


def _nations_with_gold(
    p: Parse, fb: FactBase, results: list[Fact], tallies: list[Fact]
) -> StructuredResult:
    lex = fb.lexicon
    counts: Counter[str] = Counter(
        str(f.fields["country"]) for f in results if f.fields["medal"] == "gold"
    )
    for t in tallies:
        counts[str(t.fields["subject"])] = max(
            counts[str(t.fields["subject"])], int(t.fields["count"])
        )
    parts = [
        f"{lex.country(c).display()} ({count})"
        for c, count in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
    ]
    lead = f"{number(len(counts)).capitalize()} nations won gold according to the sources: {join_names(parts)}."
    facts = [f for f in results if f.fields["medal"] == "gold"] + [
        t for t in tallies if not any(r.fields["country"] == t.fields["subject"] for r in results)
    ]
    return _found(lead, facts, countries=tuple(counts))


def _count(p: Parse, fb: FactBase) -> StructuredResult:
    if "partner" in p.intents or _counts_people(p):
        return _partners(p, fb, count=True)
    if "record" in p.intents:
        recorded = _record(p, fb, count=True)
        if recorded:
            return recorded
    medals = _medal_filter(p, default_any=True)
    medal_text = f"{medals[0]} medal" if len(medals) == 1 else "medal"
    if p.riders:
        rider = p.riders[0]
        tallies = [t for t in fb.matching("tally", subject=[rider]) if t.fields["medal"] in medals]
        results = fb.results(riders=[rider], medals=medals, events=p.events, genders=p.genders)
        parts: list[str] = []
        if results:
            events = join_names([_event_of(f, fb) for f in results])
            parts.append(
                f"{rider} won {number(len(results))} {medal_text}{'s' if len(results) != 1 else ''} in Paris ({events})"
            )
        for t in tallies:
            parts.append(_tally_phrase(t, rider, bool(results)))
        if not parts:
            return _abstain(f"The sources don't say how many {medal_text}s {rider} won.", fb, p)
        return _found("; ".join(parts) + ".", results + tallies, riders=(rider,))
    if p.countries:
        country = p.countries[0]
        name = fb.lexicon.country(country).display(capital=True)
        tallies = [
            t for t in fb.matching("tally", subject=[country]) if t.fields["medal"] in medals
        ]
        results = fb.results(countries=[country], medals=medals, events=p.events, genders=p.genders)
        track = [f for f in results if f.fields.get("discipline", "track") == "track"]
        other = [f for f in results if f not in track]
        if tallies:
            t = tallies[0]
            lead = f"{name} won {'a single' if t.fields['count'] == 1 else number(int(t.fields['count']))} {t.fields['medal']} medal{'s' if t.fields['count'] != 1 else ''} ({t.fields['scope']})"
            if t.fields.get("note"):
                lead += f", {t.fields['note']}"
            if len(medals) > 1:
                lead += "; the sources don't give its total of other medals"
            return _found(lead + ".", [t], countries=(country,))
        if not results:
            return _abstain(
                f"The sources don't report any {medal_text}s for {fb.lexicon.country(country).display()}.",
                fb,
                p,
            )
        plural = "s" if len(track) != 1 else ""
        lead = (
            f"According to the sources, {fb.lexicon.country(country).display()} won {number(len(track))} {medal_text}{plural}: "
            + join_names([_medal_in(f, fb, medals) for f in track])
        )
        if other:
            lead += "; besides, " + "; ".join(
                _describe(f, fb, p, medals).rstrip(".") for f in other
            )
        return _found(lead + ".", track + other, countries=(country,))
    if p.events:
        results = fb.results(events=p.events, genders=p.genders, medals=medals)
        if not results:
            return _abstain(f"The sources don't say {_what_asked(p, fb, medals)}.", fb, p)
        return _found(" ".join(_describe(f, fb, p, medals) for f in results), results)
    return (
        _most(p, fb)
        if "most" in p.intents
        else _abstain("The sources don't give that number.", fb, p)
    )


def _most(p: Parse, fb: FactBase) -> StructuredResult:
    medals = _medal_filter(p, default_any=not p.medals and p.medal_word)
    results = fb.results(medals=medals, events=p.events, genders=p.genders, track_only=not p.events)
    if not results:
        return _abstain("The sources don't say.", fb, p)
    medal_text = f"{medals[0]} medals" if len(medals) == 1 else "medals"
    by_country: Counter[str] = Counter(str(f.fields["country"]) for f in results)
    by_rider: Counter[str] = Counter(r for f in results for r in riders_of(f))
    pick_least = "least" in p.intents and "most" not in p.intents
    table = by_country if p.target == "country" or not by_rider else by_rider
    best = min(table.values()) if pick_least else max(table.values())
    leaders = sorted(k for k, v in table.items() if v == best)
    word = "fewest" if pick_least else "most"
    if table is by_rider:
        names = join_names(leaders)
        cited = [f for f in results if set(riders_of(f)) & set(leaders)]
        events = join_names([_event_of(f, fb) for f in cited])
        lead = f"{names} won the {word} {medal_text} among those the sources report: {number(best)} ({events})."
        top_country = max(by_country.values())
        nations = sorted(c for c, v in by_country.items() if v == top_country)
        if not pick_least:
            lead += f" By nation, {join_names([fb.lexicon.country(c).display() for c in nations])} led with {number(top_country)}."
        return _found(lead, cited, riders=tuple(leaders))
    names = join_names([fb.lexicon.country(c).display(capital=True) for c in leaders])
    cited = [f for f in results if f.fields["country"] in leaders]
    lead = f"{names} won the {word} {medal_text} among those the sources report: {number(best)} ({join_names([_event_of(f, fb) for f in cited])})."
    return _found(lead, cited, countries=tuple(leaders))


def _defeat(p: Parse, fb: FactBase) -> StructuredResult:
    winners, losers = _defeat_roles(p)
    wanted_round = ["final"] if "final" in p.intents else []
    facts = fb.matching(
        "defeat", event=p.events, gender=p.genders, winner=winners, loser=losers, round=wanted_round
    )
    if not facts and wanted_round:
        facts = fb.matching(
            "defeat", event=p.events, gender=p.genders, winner=winners, loser=losers
        )
    if not facts:
        return _abstain(f"The sources don't say{_about(p, fb)} who beat whom.", fb, p)
    prefix = ""
    if p.wh == "yesno":
        prefix = "Yes. "
    return _found(prefix + " ".join(f.sentence for f in facts), facts)


def _defeat_roles(p: Parse) -> tuple[list[str], list[str]]:
    """Which named countries won and which lost: "X beat Y", "Y was beaten by X", "Y lost to X"."""
    verbs = [m for m in p.mentions if m.has("intent", "defeat")]
    if not verbs or not p.countries:
        return [], []
    verb = verbs[0]
    passive = verb.text.startswith(("lost", "lose", "losing")) or (
        verb.end < len(p.tokens) and p.tokens[verb.end] == "by"
    )
    winners: list[str] = []
    losers: list[str] = []
    for country in p.countries:
        before = p.position("country", country) < verb.start
        (winners if before != passive else losers).append(country)
    return winners, losers


def _possessive(name: str) -> str:
    """ "France's", "the United States'"."""
    return f"{name}'" if name.endswith("s") else f"{name}'s"


def _counts_people(p: Parse) -> bool:
    """ "How many riders ...": the noun counted is a person."""
    for m in p.mentions:
        if m.start > 0 and p.tokens[m.start - 1] == "many":
            return m.has("target", "rider")
    return False


def _record(p: Parse, fb: FactBase, count: bool = False) -> StructuredResult | None:
    if p.riders and not p.countries and not p.events:
        return None  # records here are held by nations; a rider's "record" is another question
    facts = fb.matching("record", event=p.events, gender=p.genders, holder=p.countries)
    if not facts:
        if p.wh == "yesno" and p.countries:
            others = fb.matching("record", event=p.events, gender=p.genders)
            if others:
                return _found("No. " + " ".join(f.sentence for f in others), others)
        return _abstain(f"The sources report no world record{_about(p, fb)}.", fb, p)
    lead = " ".join(f.sentence for f in facts)
    if count:
        lead = f"The sources report {number(len(facts))} world record{'s' if len(facts) != 1 else ''}: {lead}"
    elif p.wh == "yesno":
        lead = "Yes. " + lead
    return _found(lead, facts, countries=tuple(str(f.fields["holder"]) for f in facts))


def _nationality(p: Parse, fb: FactBase) -> StructuredResult:
    facts = fb.matching("nationality", rider=p.riders)
    if not facts:
        return _abstain(f"The sources don't say where {join_names(list(p.riders))} is from.", fb, p)
    lex = fb.lexicon
    leads = []
    for f in facts:
        c = lex.country(str(f.fields["country"]))
        adjective = f" ({c.adjective})" if c.adjective != c.name else ""
        leads.append(f"{f.fields['rider']} rides for {c.display()}{adjective}.")
    return _found(
        " ".join(leads),
        facts,
        riders=p.riders,
        countries=tuple(str(f.fields["country"]) for f in facts),
    )


def _partners(p: Parse, fb: FactBase, count: bool = False) -> StructuredResult:
    teams = [
        f
        for f in fb.results(
            events=p.events, genders=p.genders, countries=p.countries, riders=p.riders
        )
        if fb.lexicon.event(str(f.fields["event"])).team
    ]
    if not teams:
        return _abstain(f"The sources don't name teammates{_about(p, fb)}.", fb, p)
    leads = []
    for f in teams:
        riders = riders_of(f)
        where = _event_of(f, fb)
        country = fb.lexicon.country(str(f.fields["country"])).display()
        team = _possessive(country) + " team"
        medal = f.fields["medal"]
        others = [r for r in riders if r not in p.riders]
        if not riders:
            leads.append(f"The sources don't name the riders of {team} in {where}.")
        elif p.riders and others:
            names, mates = join_names(list(p.riders)), join_names(others)
            leads.append(f"{names} rode {where} with {mates} ({country}, {medal}).")
        elif count:
            n = number(len(riders))
            leads.append(
                f"The sources name {n} riders in {team} for {where}: {join_names(riders)}."
            )
        elif len(riders) == 1:
            leads.append(f"The sources name only {riders[0]}, who led {team} in {where} ({medal}).")
        else:
            owner = _possessive(fb.lexicon.country(str(f.fields["country"])).display(capital=True))
            leads.append(f"{owner} team in {where} ({medal}): {join_names(riders)}.")
    if all(not riders_of(f) for f in teams):
        return _abstain(" ".join(leads), fb, p)
    return _found(" ".join(leads), teams)


def _earlier(p: Parse, fb: FactBase) -> StructuredResult | None:
    facts = fb.matching("earlier_result", rider=p.riders)
    if not facts:
        return None
    return _found(" ".join(f.sentence for f in facts), facts, riders=p.riders)


def _first(p: Parse, fb: FactBase) -> StructuredResult | None:
    words = set(p.tokens)
    scored = []
    for f in fb.kind("first"):
        subject = str(f.fields["subject"])
        is_country = subject in fb.lexicon.countries
        if p.target == "country" and not is_country or p.target == "rider" and is_country:
            continue
        vocab = set(fold(f" {f.fields['achievement']} {subject}").split())
        overlap = len(words & vocab)
        if subject in p.countries or subject in p.riders:
            overlap += 3
        scored.append((overlap, f))
    scored = [s for s in scored if s[0] >= 2]
    if not scored:
        return None
    best = max(s for s, _ in scored)
    facts = [f for s, f in scored if s == best]
    return _found(" ".join(f.sentence for f in facts), facts)


def _by_note(p: Parse, fb: FactBase) -> StructuredResult | None:
    """A tally's remark ("their lowest total since 2000") asked about its subject."""
    subjects = set(p.countries) | set(p.riders)
    generic = {"medal", "intent", "neutral", "target", "gender"}
    covered = {
        i for m in p.mentions if any(k in generic for k, _ in m.tags) for i in range(m.start, m.end)
    }
    words = _stems(p.tokens)  # every word, for a remark about a subject the question names
    specific = _stems(w for i, w in enumerate(p.tokens) if i not in covered)
    names = _stems(fold(" ".join([*p.riders, *p.countries])).split())
    for t in fb.kind("tally"):
        subject = str(t.fields["subject"])
        note = _stems(fold(str(t.fields.get("note") or "")).split())
        said = " ".join([t.sentence, *t.evidence])
        sentence = _stems(fold(said).split()) - _stems(fold(subject).split())
        shared = specific & sentence
        named = shared & names  # a person or nation the remark names, beside other words of it
        if (
            (subject in subjects and len(words & note) >= 2)
            or len(shared) >= 3
            or (named and shared - names)
        ):
            return _found(t.sentence, [t])
    return None


def _stems(words: Iterable[str]) -> set[str]:
    """Content words, plural "s" off, for loose overlap."""
    return {
        w[:-1] if w.endswith("s") and len(w) > 4 else w for w in words if len(w) > 3
    } - STOPWORDS


def _profile(p: Parse, fb: FactBase) -> StructuredResult | None:
    """Everything the facts say about the riders named."""
    facts = [
        f
        for f in fb.facts
        if f.kind != "result"
        and (f.fields.get("rider") in p.riders or f.fields.get("subject") in p.riders)
    ]
    results = fb.results(riders=p.riders)
    if not facts and not results:
        return None
    nationality = [f for f in facts if f.kind == "nationality"]
    rest = [f for f in facts if f.kind != "nationality"]
    leads = [f.sentence for f in nationality] + [
        _describe(f, fb, p, ("gold", "silver", "bronze")) for f in results
    ]
    leads += [f.sentence for f in rest]
    return _found(" ".join(leads), nationality + results + rest, riders=p.riders)


def _other_games(p: Parse, fb: FactBase) -> StructuredResult:
    facts = [
        f
        for f in fb.kind("earlier_result")
        if fold(str(f.fields["games"])) in p.other_games
        and (not p.riders or f.fields["rider"] in p.riders)
    ]
    if facts and (p.riders or "earlier" in p.intents):
        return _found(" ".join(f.sentence for f in facts), facts)
    return _abstain(
        "The sources report on Paris 2024; they don't give results of other Games.", fb, p
    )


def _final_losers(p: Parse, fb: FactBase) -> StructuredResult | None:
    finals = fb.matching("defeat", event=p.events, gender=p.genders, round=["final"])
    if not finals:
        return None
    lead = "The sources don't name the silver medallists, but they report the final: " + " ".join(
        f.sentence for f in finals
    )
    return _found(lead, finals)


# --- helpers ----------------------------------------------------------------------


def _medal_filter(p: Parse, default_any: bool = False) -> tuple[str, ...]:
    if p.medals:
        return p.medals
    if default_any or p.medal_word or p.target == "medal" or (p.wh == "what" and not p.events):
        return ("gold", "silver", "bronze")
    return ("gold",)


def _gold_tallies(fb: FactBase) -> list[Fact]:
    return [
        t
        for t in fb.kind("tally")
        if t.fields["medal"] == "gold"
        and t.fields["subject"] in fb.lexicon.countries
        and int(t.fields["count"]) > 0
    ]


def _event_of(f: Fact, fb: FactBase) -> str:
    return event_phrase(fb.lexicon, str(f.fields["event"]), f.fields.get("gender"))


def _medal_in(f: Fact, fb: FactBase, medals: tuple[str, ...]) -> str:
    where = _event_of(f, fb)
    return where if len(medals) == 1 else f"{f.fields['medal']} in {where}"


def _describe(f: Fact, fb: FactBase, p: Parse, medals: tuple[str, ...]) -> str:
    """One result as a sentence fitted to the question."""
    lex = fb.lexicon
    country = lex.country(str(f.fields["country"]))
    riders = riders_of(f)
    where = _event_of(f, fb)
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


def _missing_genders(p: Parse, fb: FactBase, found: list[Fact], claim: bool = False) -> list[str]:
    """The genders without an answer when the question named none ("the Madison").

    With `claim`, a named rider or nation is what is checked, not a filter."""
    if p.genders or len(p.events) != 1 or (not claim and (p.riders or p.countries)):
        return []
    if fb.lexicon.event(p.events[0]).discipline != "track":
        return []
    have = {f.fields["gender"] for f in found}
    return [g for g in fb.lexicon.genders if g not in have]


def _what_asked(p: Parse, fb: FactBase, medals: tuple[str, ...]) -> str:
    where = ""
    if p.events:
        gender = p.genders[0] if len(p.genders) == 1 else None
        where = " in " + join_names([event_phrase(fb.lexicon, e, gender) for e in p.events])
    medal = medals[0] if len(medals) == 1 else "a medal"
    subject = join_names(list(p.riders) or [fb.lexicon.country(c).display() for c in p.countries])
    if subject:
        return f"that {subject} won {medal}{where}"
    return f"who won {medal}{where}"


def _about(p: Parse, fb: FactBase) -> str:
    if not p.events:
        return ""
    gender = p.genders[0] if len(p.genders) == 1 else None
    return " for " + join_names([event_phrase(fb.lexicon, e, gender) for e in p.events])


def _tally_phrase(t: Fact, rider: str, after_results: bool) -> str:
    n = number(int(t.fields["count"]))
    scope = str(t.fields["scope"])
    if after_results:
        return (
            f"{rider.split()[-1]}'s {t.fields['medal']} medal tally ({scope}) is {n}"
            if scope != "Paris 2024"
            else f"{n} in all"
        )
    return f"{rider} won {n} {t.fields['medal']} medals ({scope})"


def _found(
    lead: str, facts: list[Fact], riders: tuple[str, ...] = (), countries: tuple[str, ...] = ()
) -> StructuredResult:
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


def _abstain(lead: str, fb: FactBase, p: Parse) -> StructuredResult:
    return StructuredResult(lead=lead, abstain=True, suggestions=tuple(_suggest(p, fb)))


def _suggest(p: Parse, fb: FactBase) -> list[str]:
    """Nearby questions the facts do answer."""
    out: list[str] = []
    nearby = (
        (fb.results(events=p.events, genders=p.genders) or fb.results(events=p.events))
        if p.events
        else []
    )
    for f in nearby:
        out.append(
            f"Who won {_event_of(f, fb)}?"
            if f.fields["medal"] == "gold"
            else f"Who won {f.fields['medal']} in {_event_of(f, fb)}?"
        )
    if p.countries and not out:
        for c in p.countries:
            if fb.results(countries=[c]):
                out.append(f"What did {fb.lexicon.country(c).display()} win?")
    if p.countries and not out and fb.results(medals=["gold"]):
        out.append("Which nations won gold?")
    return list(dict.fromkeys(out))[:3]
