"""Answerers about a named rider or nation: counts, teammates, nationality, earlier Games,
and everything the facts say about a rider."""

from __future__ import annotations

from ..corpus.derived import DERIVED_PREFIX
from ..corpus.render import HOME_SCOPE, join_names
from ..corpus.text import fold
from ..types import Fact
from .facts_base import FactBase, riders_of
from .parse import Parse
from .phrasing import (
    EVERY_MEDAL,
    about,
    counts_medals,
    describe,
    describe_all,
    event_of,
    medal_filter,
    medal_in,
    medal_noun,
    name_of,
    possessive,
)
from .result import StructuredResult, abstain, found, number


def count(p: Parse, fb: FactBase) -> StructuredResult:
    """ "How many golds did Britain win?", "How many riders ...", "How many sprint events"."""
    if "partner" in p.intents or _counts_people(p):
        return partners(p, fb, count=True)
    if p.comparison is not None and p.wh == "yesno":
        return count_claim(p, fb, p.comparison)
    medals = medal_filter(p, default_any=True)
    medal_text = f"{medals[0]} medal" if len(medals) == 1 else "medal"
    if p.riders:
        return _rider_count(p, fb, p.riders[0], medals, medal_text)
    if p.countries:
        return _country_count(p, fb, p.countries[0], medals, medal_text)
    if p.events:
        reported = fb.results(events=p.events, genders=p.genders, medals=medals)
        if not reported:
            return abstain("The sources don't give that number.", fb, p)
        return found(describe_all(reported, fb, p, medals), reported)
    return abstain("The sources don't give that number.", fb, p)


def _rider_count(
    p: Parse, fb: FactBase, rider: str, medals: tuple[str, ...], medal_text: str
) -> StructuredResult:
    tallies = [t for t in fb.matching("tally", subject=[rider]) if _within(t, medals)]
    if p.open_words:  # "in his career": only a tally whose scope or remark says so answers
        tallies = [t for t in tallies if set(p.open_words) <= tally_words(t)]
        if not tallies:
            return abstain(f"The sources don't give that number for {rider}.", fb, p)
        return found("; ".join(_tally_phrase(t, rider, False) for t in tallies) + ".", tallies)
    reported = fb.results(riders=[rider], medals=medals, events=p.events, genders=p.genders)
    if reported and not tallies and not p.events and _read_only(reported):
        listed = join_names([medal_in(f, fb, medals) for f in reported])
        return abstain(
            f"The sources don't give a count of {rider}'s {medal_text}s; they report "
            f"{number(len(reported))}: {listed}.",
            fb,
            p,
        )
    parts: list[str] = []
    if reported:
        events = join_names([medal_in(f, fb, medals) for f in reported])
        plural = "s" if len(reported) != 1 else ""
        parts.append(
            f"{rider} won {number(len(reported))} {medal_text}{plural} in Paris ({events})"
        )
    if not p.events:
        parts += [_tally_phrase(t, rider, bool(reported)) for t in tallies]
    if not parts:
        return abstain(f"The sources don't say how many {medal_text}s {rider} won.", fb, p)
    return found(
        "; ".join(parts) + ".", reported + (tallies if not p.events else []), riders=(rider,)
    )


def _read_only(facts: list[Fact]) -> bool:
    """Every one of these results was read from a document by the extractor, none written
    by an editor: they need not be all the document says."""
    return bool(facts) and all(f.id.startswith(DERIVED_PREFIX) for f in facts)


def _country_count(
    p: Parse, fb: FactBase, country: str, medals: tuple[str, ...], medal_text: str
) -> StructuredResult:
    lex = fb.lexicon
    tallies = [t for t in fb.matching("tally", subject=[country]) if _within(t, medals)]
    exact = [t for t in tallies if counts_medals(t, medals)]
    reported = fb.results(countries=[country], medals=medals, events=p.events, genders=p.genders)
    if tallies and not p.events:
        if not exact:  # a stated gold count is not a medal total
            return abstain(
                f"The sources don't give {lex.country(country).display()}'s total of medals.", fb, p
            )
        t = exact[0]
        n = int(t.fields["count"])
        lead = f"{lex.country(country).display(capital=True)} won {'a single' if n == 1 else number(n)} {medal_noun(t, n)} ({t.fields['scope']})"
        if t.fields.get("note"):
            lead += f", {t.fields['note']}"
        return found(lead + ".", [t], countries=(country,))
    if not reported:
        return abstain(
            f"The sources don't report any {medal_text}s for {lex.country(country).display()}.",
            fb,
            p,
        )
    if len(medals) > 1 and not p.events and {f.fields["medal"] for f in reported} == {"gold"}:
        # "How many medals did the Netherlands win?": sources that report only its golds
        # give no medal total
        return abstain(
            f"The sources don't give {lex.country(country).display()}'s total of medals; "
            f"they report only its gold medals.",
            fb,
            p,
        )
    track = [f for f in reported if f.fields.get("discipline", "track") == "track"]
    other = [f for f in reported if f not in track]
    plural = "s" if len(track) != 1 else ""
    listed = join_names([medal_in(f, fb, medals) for f in track])
    # "altogether", "in total", or results a document was read for (it may say more than
    # was read: "giving Vosskuhl a third medal"): the results reported need not be all
    if _asks_total(p) or _read_only(track):
        return abstain(
            f"The sources don't give {_possessive(lex.country(country).display())} total; they report "
            f"{number(len(track))} {medal_text}{plural}: {listed}.",
            fb,
            p,
        )
    lead = (
        f"According to the sources, {lex.country(country).display()} won {number(len(track))} {medal_text}{plural}: "
        + listed
    )
    if other:
        lead += "; besides, " + "; ".join(describe(f, fb, p, medals).rstrip(".") for f in other)
    return found(lead + ".", track + other, countries=(country,))


def _possessive(name: str) -> str:
    """ "Great Britain's", "the Netherlands'"."""
    return f"{name}'" if name.endswith("s") else f"{name}'s"


_TOTAL = frozenset(["total", "altogether", "overall", "tally", "totals"])


def _asks_total(p: Parse) -> bool:
    """ "How many medals did they win altogether?", "in total", "in all": every one of them."""
    words = p.tokens
    return bool(_TOTAL & set(words)) or any(
        a == "in" and b == "all" for a, b in zip(words, words[1:], strict=False)
    )


def count_claim(p: Parse, fb: FactBase, comparison: tuple[str, int]) -> StructuredResult:
    """ "Did Britain win more than one gold?": a stated tally settles it either way; the
    results the sources report settle only an "at least"."""
    op, n = comparison
    medals = medal_filter(p, default_any=True)
    subjects = [*p.riders, *p.countries]
    if not subjects:
        return abstain("The sources don't give that number.", fb, p)
    subject = subjects[0]
    tallies = [
        t
        for t in fb.matching("tally", subject=[subject])
        if counts_medals(t, medals)
        and not p.events
        # a career tally answers only a question using its words ("in his career")
        and (
            t.fields["scope"] == HOME_SCOPE
            or bool(p.open_words)
            and set(p.open_words) <= tally_words(t)
            # "Kenny has five Olympic golds": the question names the tally's scope
            or bool(set(fold(str(t.fields["scope"])).split()) & set(p.tokens) - {"career"})
        )
    ]
    reported = fb.results(
        riders=p.riders[:1],
        countries=p.countries[:1] if not p.riders else (),
        medals=medals,
        events=p.events,
        genders=p.genders,
    )
    medal_text = f"{medals[0]} medal" if len(medals) == 1 else "medal"
    if tallies:
        count, facts, stated = int(tallies[0].fields["count"]), tallies[:1], True
        said = tallies[0].sentence
    else:
        count, facts, stated = len(reported), reported, False
        events = join_names([event_of(f, fb) for f in reported])
        said = (
            f"The sources report {number(count)} {medal_text}{'s' if count != 1 else ''} for {name_of(subject, fb)}"
            + (f" ({events})." if events else ".")
        )
    holds = _compare(count, op, n)
    if stated or (holds and op in (">", ">=")):
        return found(("Yes. " if holds else "No. ") + said, facts)
    return abstain(
        f"The sources don't give a full count for {name_of(subject, fb)}; they report "
        f"{number(count) if count else 'none'}.",
        fb,
        p,
    )


def _compare(count: int, op: str, n: int) -> bool:
    return {">": count > n, "<": count < n, ">=": count >= n, "<=": count <= n, "==": count == n}[
        op
    ]


def compare_tallies(p: Parse, fb: FactBase) -> StructuredResult | None:
    """Two stated tallies side by side: "Has Lavreysen overtaken Kenny?", "How many more
    would he need to equal him?"."""
    pair = _tally_pair(p, fb)
    if pair is None:
        return None
    (a, ta), (b, tb) = pair
    na, nb = int(ta.fields["count"]), int(tb.fields["count"])
    both = f"{a} has {number(na)} {medal_noun(ta, na)} ({ta.fields['scope']}), {b} {number(nb)}."
    surpass = bool({"surpass", "defeat", "most"} & p.intents) and "equal" not in p.intents
    if p.wh == "yesno":
        holds = na > nb if surpass else na == nb if "equal" in p.intents else None
        if holds is None:
            return None
        return found(("Yes. " if holds else "No. ") + both, [ta, tb])
    if p.target == "count" and nb >= na:
        need = nb - na + (1 if surpass else 0)
        goal = f"surpass {b}" if surpass else f"equal {b}"
        return found(f"{number(need).capitalize()} more to {goal}: {both}", [ta, tb])
    return found(both, [ta, tb])


def _tally_pair(p: Parse, fb: FactBase) -> tuple[tuple[str, Fact], tuple[str, Fact]] | None:
    subjects = [*p.riders, *p.countries]
    pairs = []
    for s in subjects:
        tallies = fb.matching("tally", subject=[s])
        if tallies:
            pairs.append((s, tallies[0]))
    if len(pairs) != 2 or pairs[0][1].fields["medal"] != pairs[1][1].fields["medal"]:
        return None
    if pairs[0][1].fields["scope"] != pairs[1][1].fields["scope"]:
        return None
    first = min(pairs, key=lambda st: p.subject_position(st[0]))
    second = pairs[1] if first is pairs[0] else pairs[0]
    return first, second


def tally_words(t: Fact) -> set[str]:
    """The words a tally's scope, remark and evidence use ("olympic career", "lowest since")."""
    from ..corpus.text import fold

    said = " ".join(
        [str(t.fields.get("scope") or ""), str(t.fields.get("note") or ""), *t.evidence]
    )
    return set(fold(said).split())


def _tally_phrase(t: Fact, rider: str, after_results: bool) -> str:
    n = number(int(t.fields["count"]))
    scope = str(t.fields["scope"])
    if after_results:
        return (
            f"{rider.split()[-1]}'s {medal_noun(t, 1)} tally ({scope}) is {n}"
            if scope != HOME_SCOPE
            else f"{n} in all"
        )
    return f"{rider} won {n} {medal_noun(t, int(t.fields['count']))} ({scope})"


def _within(t: Fact, medals: tuple[str, ...]) -> bool:
    """Whether tally `t` counts some of the medals asked (its golds, when any are asked)."""
    return t.fields["medal"] in medals or counts_medals(t, medals)


def _counts_people(p: Parse) -> bool:
    """ "How many riders ...": the noun counted is a person."""
    for m in p.mentions:
        if m.start > 0 and p.tokens[m.start - 1] == "many":
            return m.has("target", "rider")
    return False


def partners(p: Parse, fb: FactBase, count: bool = False) -> StructuredResult:
    """Teammates and team line-ups, as far as the sources name them."""

    def team_results(countries: tuple[str, ...]) -> list[Fact]:
        found = fb.results(
            events=p.events,
            genders=p.genders,
            countries=countries,
            riders=p.riders,
            medals=p.medals,  # "which pair took silver": not the winning pair
        )
        return [f for f in found if fb.lexicon.event(str(f.fields["event"])).team]

    teams = team_results(p.countries)
    if (
        not teams
        and p.medals
        and p.countries
        and fb.results(events=p.events, countries=p.countries)
    ):
        # "which pair took silver behind Portugal?": the nation named took another medal
        # there; it says where the pair asked for stood, not whose they are
        teams = team_results(())
    # "which pair won the Madison?" asks for the winners, not every team on the podium
    if "win" in p.intents and not p.medals and not p.riders:
        teams = [f for f in teams if f.fields["medal"] == "gold"]
    # a team of one named rider names no mates; "besides Lavreysen" leaves him out
    left_out = {v for k, v in p.excluded if k == "rider"}
    named = [f for f in teams if len(set(riders_of(f)) - left_out) > (0 if left_out else 1)]
    if not named:
        where = about(p, fb) or " of that team"
        return abstain(f"The sources don't name the riders{where}.", fb, p)
    leads = []
    for f in named:
        riders = riders_of(f)
        where = event_of(f, fb)
        nation = f.fields.get("country")
        country = fb.lexicon.country(str(nation)).display() if nation else "nation not given"
        medal = f.fields["medal"]
        riders = [r for r in riders if r not in left_out]
        others = [r for r in riders if r not in p.riders]
        if p.riders and others:
            leads.append(
                f"{join_names(list(p.riders))} rode {where} with {join_names(others)} ({country}, {medal})."
            )
        elif count:
            team = possessive(country) + " team" if nation else "the team"
            leads.append(
                f"The sources name {number(len(riders))} riders in {team} for {where}: {join_names(riders)}."
            )
        else:
            owner = (
                possessive(fb.lexicon.country(str(nation)).display(capital=True)) + " team"
                if nation
                else "The team"
            )
            leads.append(f"{owner} in {where} ({medal}): {join_names(riders)}.")
    return found(" ".join(leads), named)


def nationality(p: Parse, fb: FactBase) -> StructuredResult:
    """Where a rider is from; "Is Kenny Dutch?" is a claim to check."""
    facts = fb.matching("nationality", rider=p.riders)
    if not facts:
        return abstain(f"The sources don't say where {join_names(list(p.riders))} is from.", fb, p)
    lex = fb.lexicon
    leads = []
    for f in facts:
        c = lex.country(str(f.fields["country"]))
        adjective = f" ({c.adjective})" if c.adjective != c.name else ""
        leads.append(f"{f.fields['rider']} rides for {c.display()}{adjective}.")
    lead = " ".join(leads)
    if p.wh == "yesno" and p.countries:
        agrees = all(f.fields["country"] in p.countries for f in facts)
        lead = ("Yes. " if agrees else "No. ") + lead
    return found(
        lead, facts, riders=p.riders, countries=tuple(str(f.fields["country"]) for f in facts)
    )


def earlier(p: Parse, fb: FactBase) -> StructuredResult | None:
    """A rider's result at earlier Games, as the sources state it."""
    facts = fb.matching("earlier_result", rider=p.riders)
    if not facts:
        return abstain(
            f"The sources don't give {join_names(list(p.riders))}'s results at earlier Games.",
            fb,
            p,
        )
    return found(" ".join(f.sentence for f in facts), facts, riders=p.riders)


def profile(p: Parse, fb: FactBase) -> StructuredResult | None:
    """Everything the facts say about the riders named ("Tell me about Jennifer Valente")."""
    facts = [
        f
        for f in fb.facts
        if f.kind != "result"
        and (f.fields.get("rider") in p.riders or f.fields.get("subject") in p.riders)
    ]
    reported = fb.results(riders=p.riders)
    if not facts and not reported:
        return None
    nationality_facts = [f for f in facts if f.kind == "nationality"]
    rest = [f for f in facts if f.kind != "nationality"]
    leads = [f.sentence for f in nationality_facts] + [
        describe(f, fb, p, EVERY_MEDAL) for f in reported
    ]
    leads += [f.sentence for f in rest]
    return found(" ".join(leads), nationality_facts + reported + rest, riders=p.riders)
