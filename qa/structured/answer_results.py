"""Answerers over result facts: who won what, yes/no claims, nations with gold, the most."""

from __future__ import annotations

from collections import Counter

from ..corpus.render import join_names
from ..types import Fact
from .facts_base import FactBase, riders_of
from .parse import Parse
from .phrasing import (
    EVERY_MEDAL,
    counts_medals,
    describe,
    describe_all,
    event_of,
    gold_tallies,
    medal_filter,
    missing_genders,
    what_asked,
    without_excluded,
)
from .result import StructuredResult, abstain, found, number


def results(p: Parse, fb: FactBase) -> StructuredResult:
    """ "Who won the keirin?", "What did Portugal win?", "Which nations won gold?"."""
    if "exclude" in p.intents and not p.excluded and not p.excluded_facts:
        elsewhere = _outside_main_discipline(p, fb)
        if elsewhere:  # "what other event did Faulkner win?": besides the track, the road race
            return found(describe_all(elsewhere, fb, p, EVERY_MEDAL), elsewhere)
        return abstain("The sources don't say what else was won besides what they report.", fb, p)
    if p.wh == "yesno" and (p.countries or p.riders):
        return yes_no(p, fb)
    medals = medal_filter(p)
    candidates = fb.results(
        events=p.events, genders=p.genders, medals=medals, countries=p.countries, riders=p.riders
    )
    candidates = without_excluded(candidates, p)
    if not candidates and (p.riders or p.countries) and p.events and not p.medals:
        # "what about her team in the team sprint?": no win was asked by name, and what the
        # rider or nation did take there is the answer
        taken = without_excluded(
            fb.results(events=p.events, genders=p.genders, countries=p.countries, riders=p.riders),
            p,
        )
        if taken:
            return found(describe_all(taken, fb, p, EVERY_MEDAL), taken)
    if not candidates:
        return _nothing_found(p, fb, medals)
    if p.person and not any(riders_of(f) for f in candidates):
        events = join_names([event_of(f, fb) for f in candidates])
        return abstain(f"The sources name the nation but not the riders for {events}.", fb, p)
    if p.target == "country" and not p.events and not p.countries and medals == ("gold",):
        track = [f for f in candidates if f.fields.get("discipline", "track") == "track"]
        return nations_with_gold(fb, track, gold_tallies(fb))
    lead = describe_all(candidates, fb, p, medals)
    missing = missing_genders(p, fb, candidates)
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
        more = describe_all(others, fb, p, EVERY_MEDAL)
        lead += f" The sources name no {wanted} of the {names}; they report: {more}"
        candidates = candidates + others
    elif missing:
        lead += f" The sources don't name the {wanted} of the {names}."
    return found(lead, candidates)


def _outside_main_discipline(p: Parse, fb: FactBase) -> list[Fact]:
    """The named rider's or nation's results outside the discipline most results are in
    (what the documents are about), when they also have results in it."""
    if not (p.riders or p.countries):
        return []
    every = fb.results()
    disciplines = Counter(str(f.fields.get("discipline", "track")) for f in every)
    if not disciplines:
        return []
    main = disciplines.most_common(1)[0][0]
    theirs = fb.results(riders=p.riders, countries=p.countries, medals=medal_filter(p, True))
    outside = [f for f in theirs if str(f.fields.get("discipline", "track")) != main]
    return outside if outside and len(outside) < len(theirs) else []


def _nothing_found(p: Parse, fb: FactBase, medals: tuple[str, ...]) -> StructuredResult:
    silver = final_losers(p, fb) if "silver" in medals and p.events else None
    if silver:
        return silver
    if p.countries and not p.events:  # "What did Britain win?": a count without its events
        tallies = fb.matching("tally", subject=p.countries)
        said = " ".join(t.sentence for t in tallies)
        if tallies and p.target == "event":  # "in which event?": a count names none
            return abstain(f"The sources don't name the event; they say: {said}", fb, p)
        if tallies:
            return found(said, tallies)
    if not p.events and not p.riders and p.target == "country" and medals == ("gold",):
        tallies = gold_tallies(fb)
        if tallies:
            return nations_with_gold(fb, [], tallies)
    return abstain(f"The sources don't say {what_asked(p, fb, medals)}.", fb, p)


def yes_no(p: Parse, fb: FactBase) -> StructuredResult:
    """A claim about a rider or nation: "Yes" where stated, "No" only where the sources state
    the contrary (and cite it), otherwise "the sources don't say"."""
    medals = medal_filter(p)
    claimed = fb.results(
        events=p.events, genders=p.genders, medals=medals, countries=p.countries, riders=p.riders
    )
    claimed = without_excluded(claimed, p)
    if claimed:
        return found("Yes. " + describe_all(claimed, fb, p, EVERY_MEDAL), claimed)
    contrary = [] if p.excluded or p.excluded_facts else _contrary(p, fb, medals)
    if contrary:
        leads = [
            describe(f, fb, p, EVERY_MEDAL) if f.kind == "result" else f.sentence for f in contrary
        ]
        return found("No. " + " ".join(dict.fromkeys(leads)), contrary)
    return abstain(f"The sources don't say {what_asked(p, fb, medals)}.", fb, p)


def _contrary(p: Parse, fb: FactBase, medals: tuple[str, ...]) -> list[Fact]:
    """Facts that rule the claim out: another medal of the same rider (or team) in the event,
    or a gold the sources give to someone else in every gender the claim could concern."""
    if not p.events:
        return []
    out: list[Fact] = []
    own = fb.results(events=p.events, genders=p.genders, riders=p.riders, countries=p.countries)
    for f in own:  # one medal per rider, and per nation in a team event
        if f.fields["medal"] not in medals and (
            p.riders or fb.lexicon.event(str(f.fields["event"])).team
        ):
            out.append(f)
    if out or medals != ("gold",):
        return out
    genders = list(p.genders) or _genders_of(p, fb) or list(fb.lexicon.genders)
    golds = []
    for event in p.events:
        for gender in genders:
            winners = fb.results(events=[event], genders=[gender], medals=["gold"])
            ruled_out = [f for f in winners if _rules_out(f, p, fb)]
            if not winners or len(ruled_out) != len(winners):
                return []
            golds += ruled_out
    defeats = [
        d
        for d in fb.kind("defeat")
        if d.fields["event"] in p.events
        and d.fields["gender"] in genders
        and d.fields["loser"] in p.countries
    ]
    return golds + defeats + own  # what the subject did win there, beside who won


def _genders_of(p: Parse, fb: FactBase) -> list[str]:
    """The genders the named riders compete in, as their results show."""
    return (
        sorted({str(f.fields["gender"]) for f in fb.results(riders=p.riders)}) if p.riders else []
    )


def _rules_out(winner: Fact, p: Parse, fb: FactBase) -> bool:
    """This gold went to someone other than every rider and nation the claim names."""
    if winner.fields.get("country") in p.countries:
        return False
    for rider in p.riders:
        if rider in riders_of(winner):
            return False
        team = fb.lexicon.event(str(winner.fields["event"])).team
        if team and fb.rider_country.get(rider) in (None, winner.fields.get("country")):
            return False  # an unnamed member of the winning team, for all the sources say
    return True


def nations_with_gold(fb: FactBase, results: list[Fact], tallies: list[Fact]) -> StructuredResult:
    lex = fb.lexicon
    counts: Counter[str] = Counter(
        str(f.fields["country"])
        for f in results
        if f.fields["medal"] == "gold" and f.fields.get("country")
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
    facts = [f for f in results if f.fields["medal"] == "gold" and f.fields.get("country")] + [
        t
        for t in tallies
        if not any(r.fields.get("country") == t.fields["subject"] for r in results)
    ]
    return found(lead, facts, countries=tuple(counts))


def most(p: Parse, fb: FactBase) -> StructuredResult:
    """ "Who won the most golds?" over the results the sources report; "the Netherlands or
    Britain?" compares the nations named, stated tallies included."""
    medals = medal_filter(p, default_any=not p.medals and p.medal_word)
    if len(p.countries) > 1:
        return _compare_nations(p, fb, medals)
    if len(p.riders) > 1:
        return _compare_riders(p, fb, medals)
    reported = fb.results(
        medals=medals,
        events=p.events,
        genders=p.genders,
        countries=p.countries,
        track_only=not p.events,
    )
    if not reported:
        return abstain("The sources don't say.", fb, p)
    medal_text = f"{medals[0]} medals" if len(medals) == 1 else "medals"
    by_country: Counter[str] = Counter(
        str(f.fields["country"]) for f in reported if f.fields.get("country")
    )
    by_rider: Counter[str] = Counter(r for f in reported for r in riders_of(f))
    table = by_country if p.target == "country" or not by_rider else by_rider
    if not table:
        return abstain("The sources don't give the nations of those medallists.", fb, p)
    best = max(table.values())
    leaders = sorted(k for k, v in table.items() if v == best)
    if table is by_rider:
        cited = [f for f in reported if set(riders_of(f)) & set(leaders)]
        events = join_names([event_of(f, fb) for f in cited])
        lead = f"{join_names(leaders)} won the most {medal_text} among those the sources report: {number(best)} ({events})."
        top_country = max(by_country.values(), default=0)
        nations = sorted(c for c, v in by_country.items() if v == top_country)
        if not p.countries and nations:
            lead += f" By nation, {join_names([fb.lexicon.country(c).display() for c in nations])} led with {number(top_country)}."
        return found(lead, cited, riders=tuple(leaders))
    names = join_names([fb.lexicon.country(c).display(capital=True) for c in leaders])
    cited = [f for f in reported if f.fields.get("country") in leaders]
    lead = f"{names} won the most {medal_text} among those the sources report: {number(best)} ({join_names([event_of(f, fb) for f in cited])})."
    return found(lead, cited, countries=tuple(leaders))


def _compare_nations(p: Parse, fb: FactBase, medals: tuple[str, ...]) -> StructuredResult:
    counts: dict[str, int] = {}
    cited: list[Fact] = []
    for country in p.countries:
        won = fb.results(countries=[country], medals=medals, events=p.events, genders=p.genders)
        tallies = [
            t
            for t in fb.matching("tally", subject=[country])
            if counts_medals(t, medals) and not p.events
        ]
        stated = max([int(t.fields["count"]) for t in tallies], default=None)
        if stated is None and len(medals) > 1:
            return abstain("The sources don't give those nations' medal totals.", fb, p)
        if stated is None and not won:
            name = fb.lexicon.country(country).display()
            return abstain(f"The sources don't say how many {medals[0]} medals {name} won.", fb, p)
        counts[country] = max(stated or 0, len(won))
        cited += tallies if stated is not None and stated >= len(won) else won
    best = max(counts.values())
    leaders = [c for c, n in counts.items() if n == best]
    medal_text = f"{medals[0]} medals" if len(medals) == 1 else "medals"
    parts = [f"{fb.lexicon.country(c).display()} {number(n)}" for c, n in counts.items()]
    if len(leaders) > 1:
        lead = f"They won as many {medal_text} according to the sources: {join_names(parts)}."
    else:
        winner = fb.lexicon.country(leaders[0]).display(capital=True)
        lead = f"{winner} won more {medal_text} according to the sources: {join_names(parts)}."
    return found(_claim_checked(p, p.countries, leaders) + lead, cited, countries=tuple(leaders))


def _claim_checked(p: Parse, named: tuple[str, ...], leaders: list[str]) -> str:
    """ "Did Britain win more than the Netherlands?": "Yes. " when the one named first won
    more, "No. " otherwise; "" when the question is no yes/no."""
    if p.wh != "yesno" or not named:
        return ""
    return "Yes. " if leaders == [named[0]] else "No. "


def _compare_riders(p: Parse, fb: FactBase, medals: tuple[str, ...]) -> StructuredResult:
    """ "Valente vs Faulkner: who won more golds?" over every result the sources give them."""
    won = {
        r: fb.results(riders=[r], medals=medals, events=p.events, genders=p.genders)
        for r in p.riders
    }
    counts = {r: len(facts) for r, facts in won.items()}
    best = max(counts.values())
    leaders = [r for r, n in counts.items() if n == best]
    medal_text = f"{medals[0]} medals" if len(medals) == 1 else "medals"
    parts = [
        f"{r} {number(n)} ({join_names([event_of(f, fb) for f in won[r]])})" if n else f"{r} none"
        for r, n in counts.items()
    ]
    cited = [f for facts in won.values() for f in facts]
    if len(leaders) > 1:
        lead = f"The same number of {medal_text} according to the sources: {join_names(parts)}."
    else:
        lead = f"{leaders[0]} won more {medal_text} according to the sources: {join_names(parts)}."
    return found(lead, cited, riders=tuple(leaders))


def final_losers(p: Parse, fb: FactBase) -> StructuredResult | None:
    """Silver asked where the sources report the final: its loser, since the final is the
    race for gold and silver, quoting the final."""
    finals = fb.matching("defeat", event=p.events, gender=p.genders, round=["final"])
    if p.countries:  # "what place did New Zealand finish?": only its own final says;
        # "which team was runner-up to Denmark?": the one Denmark beat
        finals = [
            f
            for f in finals
            if f.fields["loser"] in p.countries
            or (p.target == "country" and f.fields["winner"] in p.countries)
        ]
    if not finals or p.riders:
        return None
    lex = fb.lexicon
    leads = [
        f"{lex.country(str(f.fields['loser'])).display(capital=True)} lost the final of "
        f"{event_of(f, fb)} to {lex.country(str(f.fields['winner'])).display()}, "
        "and so took silver."
        for f in finals
    ]
    return found(" ".join(leads), finals, countries=tuple(str(f.fields["loser"]) for f in finals))
