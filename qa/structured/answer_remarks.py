"""Answerers over the other fact kinds: firsts, tally remarks, records, defeats, times, and
other Games."""

from __future__ import annotations

from ..corpus.render import join_names
from ..corpus.text import fold
from ..types import Fact
from .facts_base import FactBase, riders_of
from .parse import Parse, is_content
from .phrasing import EVERY_MEDAL, about, describe_all, without_excluded
from .result import StructuredResult, abstain, found, number


def first(p: Parse, fb: FactBase) -> StructuredResult | None:
    """ "Who was the first American woman to ...", "Was that Portugal's first medal?"."""
    words = set(p.tokens)
    scored = []
    for f in fb.kind("first"):
        subject = str(f.fields["subject"])
        is_country = subject in fb.lexicon.countries
        if p.target == "country" and not is_country or p.target == "rider" and is_country:
            continue
        if (p.riders or p.countries) and subject not in (*p.riders, *p.countries):
            continue  # a first of someone else's says nothing of the one asked about
        overlap = len(words & first_words(f))
        if subject in p.countries or subject in p.riders:
            overlap += 3
        scored.append((overlap, f))
    scored = [s for s in scored if s[0] >= 2]
    if not scored:
        return None
    best = max(s for s, _ in scored)
    facts = [f for s, f in scored if s == best]
    lead = " ".join(f.sentence for f in facts)
    if p.wh == "yesno":
        # "Had Portugal won a track medal before?" asks the negation of a first
        lead = ("No. " if "before" in p.intents else "Yes. ") + lead
    return found(lead, facts)


def first_words(f: Fact) -> set[str]:
    return set(fold(f" {f.fields['achievement']} {f.fields['subject']}").split())


def by_note(p: Parse, fb: FactBase) -> StructuredResult | None:
    """A tally's remark ("their lowest total since 2000", "Lavreysen may surpass him") asked
    about its subject or about someone it names: the remark sharing most words wins."""
    subjects = set(p.countries) | set(p.riders)
    named = {
        i for m in p.mentions if m.has("rider") or m.has("country") for i in range(m.start, m.end)
    }
    asked = {w for i, w in enumerate(p.tokens) if i not in named and is_content(w)}
    scored = []
    for t in fb.kind("tally"):
        if t.fields["subject"] not in subjects and not note_named(t, p):
            continue
        if p.wh == "whose" and t.fields["subject"] in subjects:
            continue  # "whose total could Lavreysen beat?": someone else's
        counted = p.target == "count" or ("count" in p.intents and p.medal_word)
        if counted and t.fields["medal"] not in p.medals:
            continue  # a count of golds does not answer "how many medals", "medal count"
        note = set(fold(str(t.fields.get("note") or "")).split())
        if not _record_kinds(p) <= note:
            continue  # "a world record?" is not "a record for a Dutch cyclist"
        shared = asked & note
        # "whose total could he beat?", "... is he chasing?": the remark's "surpass"
        relation = bool(p.intents & _PASSING) and bool(note & _passing_words(fb))
        if shared or relation:
            scored.append((len(shared) + int(relation), t))
    if not scored:
        return None
    best = max(scored, key=lambda st: st[0])[1]
    lead = ("Yes. " if p.wh == "yesno" else "") + best.sentence
    return found(lead, [best])


_PASSING = frozenset({"surpass", "defeat", "equal"})  # going past a tally, or matching it


def _passing_words(fb: FactBase) -> frozenset[str]:
    """The lexicon's words for going past or matching a tally ("surpass", "overtake")."""
    return fb.memo(
        ("passing words",),
        lambda: frozenset(
            fold(a)
            for i in ("surpass", "equal")
            for a in fb.lexicon.intents.get(i, ())
            if " " not in a
        ),
    )


def assessment(p: Parse, fb: FactBase) -> StructuredResult:
    """ "How did Britain's week go?", "Is that good for them?": what the subject won (in the
    events named), then what the sources remark on it (a tally's remark, a first)."""
    subjects = [*p.riders, *p.countries]
    remarks: list[Fact] = []
    if not p.events:
        remarks = [t for t in fb.matching("tally", subject=subjects) if t.fields.get("note")]
        remarks += fb.matching("first", subject=subjects)
    won = fb.results(riders=p.riders, countries=p.countries, events=p.events, genders=p.genders)
    said = [describe_all(won, fb, p, EVERY_MEDAL)] if won else []
    said += [f.sentence for f in remarks]
    if said:
        return found(" ".join(said), [*won, *remarks])
    return abstain(f"The sources don't say how {join_names(subjects)} fared.", fb, p)


def note_named(t: Fact, p: Parse) -> bool:
    """The remark names someone the question names ("Kenny", in Lavreysen's tally remark)."""
    said = set(fold(" ".join([t.sentence, *t.evidence])).split())
    names = {w for name in [*p.riders, *p.countries] for w in fold(name).split()}
    return bool(names & said)


def record(p: Parse, fb: FactBase) -> StructuredResult | None:
    """Records (world, championship, ...): which event, which nation or rider, how many."""
    facts = fb.matching("record", event=p.events, gender=p.genders, holder=p.countries)
    if p.riders:
        facts = [f for f in facts if set(riders_of(f)) & set(p.riders)]
        if not facts and not p.countries and not p.events:
            return None  # a rider's "record" with no record of theirs is another question
    # "world records" are not the championship's own: a kind the question names is kept to
    kinds = _record_kinds(p)
    facts = [f for f in facts if not kinds or kinds & set(fold(str(f.fields["record"])).split())]
    noun = f"{' '.join(sorted(kinds))} record" if kinds else "record"
    if not facts:  # never "No": a record by one nation does not rule out another's
        return abstain(f"The sources report no {noun}{about(p, fb)}{_by(p, fb)}.", fb, p)
    lead = " ".join(f.sentence for f in facts)
    if p.target == "count":
        lead = f"The sources report {number(len(facts))} {noun}{'s' if len(facts) != 1 else ''}: {lead}"
    elif p.wh == "yesno":
        lead = "Yes. " + lead
    return found(lead, facts, countries=tuple(str(f.fields["holder"]) for f in facts))


def _record_kinds(p: Parse) -> set[str]:
    """The kind of record the question names: "world" in "a world record"."""
    return {
        w
        for w, after in zip(p.tokens, p.tokens[1:], strict=False)
        if after in ("record", "records")
    } & _RECORD_KINDS


# the words naming a kind of record ("championship record", "world records")
_RECORD_KINDS = frozenset(
    ["world", "olympic", "games", "championship", "national", "track", "continental"]
)


def _by(p: Parse, fb: FactBase) -> str:
    return (
        f" by {join_names([fb.lexicon.country(c).display() for c in p.countries])}"
        if p.countries
        else ""
    )


def defeat(p: Parse, fb: FactBase) -> StructuredResult:
    """Who beat whom, in the final or otherwise: "X beat Y", "Y lost to X"."""
    winners, losers = _defeat_roles(p)
    wanted_round = ["final"] if "final" in p.intents else []
    facts = fb.matching(
        "defeat", event=p.events, gender=p.genders, winner=winners, loser=losers, round=wanted_round
    )
    if not facts and wanted_round:
        facts = fb.matching(
            "defeat", event=p.events, gender=p.genders, winner=winners, loser=losers
        )
    facts = without_excluded(facts, p)
    if not facts and p.wh == "yesno" and winners and losers and wanted_round:
        # "Britain beat the US in the final, right?": the sources say the US beat Britain
        # there (a final has one winner; other rounds may have gone otherwise)
        reversed_ = fb.matching(
            "defeat",
            event=p.events,
            gender=p.genders,
            winner=losers,
            loser=winners,
            round=wanted_round,
        )
        if reversed_:
            return found("No. " + " ".join(f.sentence for f in reversed_), reversed_)
    if not facts:
        ranked = _by_placing(p, fb)
        if ranked is not None:
            return ranked
        return abstain(f"The sources don't say{about(p, fb)} who beat whom.", fb, p)
    prefix = "Yes. " if p.wh == "yesno" else ""
    return found(prefix + " ".join(f.sentence for f in facts), facts)


_RANK = {"gold": 1, "silver": 2, "bronze": 3}


def _by_placing(p: Parse, fb: FactBase) -> StructuredResult | None:
    """ "Did Leitao beat Thomas in the omnium?": two riders or nations placed in one event."""
    subjects = [*p.riders, *p.countries]
    if len(subjects) != 2 or not p.events:
        return None
    placed = []
    for s in sorted(subjects, key=lambda s: p.subject_position(s)):
        won = fb.results(
            events=p.events,
            genders=p.genders,
            riders=[s] if s in p.riders else (),
            countries=[s] if s in p.countries else (),
        )
        if len(won) != 1:
            return None
        placed.append(won[0])
    a, b = placed
    if (a.fields["event"], a.fields["gender"]) != (b.fields["event"], b.fields["gender"]):
        return None
    said = describe_all(placed, fb, p, EVERY_MEDAL)
    if p.wh != "yesno":
        return found(said, placed)
    first_ahead = _RANK[str(a.fields["medal"])] < _RANK[str(b.fields["medal"])]
    return found(("Yes. " if first_ahead else "No. ") + said, placed)


def _defeat_roles(p: Parse) -> tuple[list[str], list[str]]:
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


def other_games(p: Parse, fb: FactBase) -> StructuredResult:
    """Another edition of the Games: only the earlier results the sources state."""
    facts = [
        f
        for f in fb.kind("earlier_result")
        if fold(str(f.fields["games"])) in p.other_games
        and (not p.riders or f.fields["rider"] in p.riders)
    ]
    # "Who finished fourth in Tokyo?" asks for the rider of a stated place; "who won in
    # Tokyo when Thomas was fourth?" asks for someone the sources don't name
    placed = not p.riders and any(str(f.fields.get("position")) in p.tokens for f in facts)
    wanted = p.target in (None, "medal", "place") or (p.target == "rider" and placed)
    if facts and (p.riders or {"earlier", "before"} & p.intents) and wanted:
        lead = " ".join(f.sentence for f in facts)
        if p.wh == "yesno" and p.medal_word and all(_off_podium(f) for f in facts):
            lead = "No. " + lead
        return found(lead, facts)
    games = " or ".join(g.title() if not g.isdigit() else g for g in p.other_games)
    return abstain(f"The sources don't give results of {games or 'other Games'}.", fb, p)


def _off_podium(f: Fact) -> bool:
    return str(f.fields.get("position")) in ("fourth", "fifth", "sixth", "seventh", "eighth")
