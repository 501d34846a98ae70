"""Facts derived at build time from any document's sentences.

For each sentence, `mentions` finds the nations, events, genders, people and teams it
names; each participant then takes a medal from the words around it:
- after it: "X took silver", "X won the men's sprint gold", "with Y second and Z third";
  a win without a medal word is gold ("Australia won the men's team pursuit");
- before it: "the bronze went to X", "third place ... belonged to X", "completing the
  podium was X", "the women's omnium went to X" (gold), "ahead of X and Y" (silver, then
  bronze);
- beaten ("beat X", "against X") is no medal; a beaten nation in a final is a defeat.
The event and gender come from the sentence, else from the paragraph ("in that event",
"behind her"). Records, tallies and nationalities are read the same way. Every derived
fact quotes its sentence as evidence and cites its exact span.

This module reads a document sentence by sentence and finds its participants; `placings`
gives them their medals and the defeats in finals, `counts` the records and tallies,
`reading` holds what earlier sentences settled, `derived` makes each fact.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import replace

from ..types import Citation, Document, Fact
from .counts import records_in, tallies_in
from .derived import derived_fact
from .facts import OCCASION
from .lexicon import Lexicon
from .mentions import (
    Span,
    Vocabulary,
    pair_lone,
    pairs_of_nation,
    people,
    teams,
    with_nations,
)
from .occasion import document_occasion
from .placings import names_someone, results_in
from .reading import HER, HIS, DocumentState, Paragraph, Placing, gender_of, known_gender
from .render import HOME_SCOPE, render_fact
from .sentences import sentence_spans
from .text import fold, is_title_line


def derive_facts(documents: Sequence[Document], lexicon: Lexicon) -> list[Fact]:
    """Every fact the extractor reads in `documents`, in document order."""
    vocab = Vocabulary(lexicon)
    out: list[Fact] = []
    for doc in documents:
        out.extend(derive_document(doc, vocab))
    return unique_facts(out)


def unique_facts(facts: Sequence[Fact]) -> list[Fact]:
    """`facts` without repeats of an id: the first is kept, citing every sentence that
    said it ("A beat B in the final", then "B took silver behind her")."""
    seen: dict[str, Fact] = {}
    for f in facts:
        first = seen.setdefault(f.id, f)
        if first is not f and f.citations[0] not in first.citations:
            seen[f.id] = replace(
                first,
                evidence=(*first.evidence, *f.evidence),
                citations=(*first.citations, *f.citations),
            )
    return list(seen.values())


# --- one document ------------------------------------------------------------------------


def derive_document(doc: Document, vocab: Vocabulary) -> list[Fact]:
    """The facts read in one document (they depend on nothing else: a build reuses them
    while the document, the lexicon and the code are unchanged)."""
    state = DocumentState()
    paragraph = Paragraph(document=state)
    out: list[Fact] = []
    previous_end = 0
    heading_gender: str | None = None
    for sentence in sentence_spans(doc):
        if "\n\n" in doc.text[previous_end : sentence.start] or doc.text[
            previous_end : sentence.start
        ].strip().startswith("#"):
            paragraph = Paragraph(
                gender=heading_gender, section_gender=heading_gender, document=state
            )
        previous_end = sentence.end
        if is_title_line(sentence.text):
            # "Men's sprint events": the paragraphs under it are the men's
            genders = {g.value for g in vocab.find("gender", sentence.text)}
            heading_gender = genders.pop() if len(genders) == 1 else None
            continue
        out.extend(_sentence_facts(doc, sentence, vocab, state, paragraph))
    occasion = document_occasion(doc, vocab.lexicon)
    if occasion is None:
        return out
    # another competition's results say where they come from; a nationality holds anywhere
    return [f if f.kind == "nationality" else _at(f, occasion, vocab.lexicon) for f in out]


def _at(fact: Fact, occasion: str, lexicon: Lexicon) -> Fact:
    """`fact` as a result of `occasion`, its sentence saying so."""
    fields = {**fact.fields, OCCASION: occasion}
    if fact.kind == "tally" and fields.get("scope") == HOME_SCOPE:
        fields["scope"] = occasion  # the competition's own tally, not the Games'

    return replace(fact, fields=fields, sentence=render_fact(fact.kind, fields, lexicon))


def _sentence_facts(
    doc: Document, sentence: Citation, vocab: Vocabulary, state: DocumentState, paragraph: Paragraph
) -> list[Fact]:
    text = sentence.text
    nations = vocab.find("country", text)
    events = _events_raced(text, vocab.find("event", text))
    genders = vocab.find("gender", text)
    persons = people(text, nations + events + genders, state.surnames)
    persons, used = with_nations(
        text, persons, nations, vocab, _of_pairs(text, events, paragraph, vocab)
    )
    persons, nations = _described(text, persons, nations, paragraph)
    facts: list[Fact] = _nationalities(doc, sentence, vocab.lexicon, persons)  # stated here
    persons = [_remember(p, state) for p in _with_pronoun_subjects(text, persons, paragraph)]
    squads = teams(text, [n for n in nations if n.start not in used], persons, vocab)
    for squad in squads:  # "Britain's trio of A, B and C": their nation, for later sentences
        for member in squad.members:
            state.nations.setdefault(member, squad.country or "")
    lone = {p.value for p in persons if not p.country}
    paired = pair_lone(persons, squads)  # "France ... as Benjamin Thomas won"
    if paired != persons and (
        re.search(r"\bfor\s+(the\s+)?$", text[: squads[0].start])
        or _GAVE.search(text[: squads[0].start])
    ):
        # "won the omnium for France", "X gave the Netherlands its third gold": the rider's
        # nation, not a participant
        squads = []
    persons = paired
    for p in paired:  # "X gave the Netherlands its gold. He scored ...": his nation
        if p.country:
            state.nations.setdefault(p.value, p.country)
    members = {m for t in squads for m in t.members}
    participants = sorted(
        [p for p in persons if p.value not in members] + squads, key=lambda s: s.start
    )
    if _of_pairs(text, events, paragraph, vocab):
        participants = pairs_of_nation(text, participants)
    found = {known_gender(p, state) for p in participants} - {None}
    paragraph.sentence_gender = found.pop() if len(found) == 1 else None
    results, defeats = results_in(text, participants, events, genders, paragraph)
    results = [r for r in results if names_someone(r[1], r[2], vocab.lexicon)]
    lowered = text.lower()
    paragraph.pronouns |= {"women"} if HER.search(lowered) else set()
    paragraph.pronouns |= {"men"} if HIS.search(lowered) else set()
    alone = {g.value for g in genders if not any(0 <= e.start - g.end <= 3 for e in events)}
    if len(alone) == 1:
        paragraph.stated_gender = alone.pop()
    for medal, participant, event, gender in results:
        facts.append(_result_fact(doc, sentence, vocab.lexicon, medal, participant, event, gender))
        _learn(state, paragraph, participant, Placing(medal, event, gender))
    # a nation paired with a lone person is their nationality only where they won something
    placed = [r[1] for r in results if r[1].kind == "person" and r[1].value in lone]
    facts += _nationalities(doc, sentence, vocab.lexicon, placed)
    for winner, loser, event, gender in defeats:
        fields = {
            "event": event,
            "gender": gender,
            "winner": winner,
            "loser": loser,
            "round": "final",
        }
        facts.append(derived_fact(doc, sentence, vocab.lexicon, "defeat", fields))
    facts += records_in(
        doc, sentence, vocab.lexicon, text, participants, events, genders, paragraph
    )
    facts += tallies_in(doc, sentence, vocab.lexicon, text, participants, paragraph)
    for p in participants:
        if p.kind == "team" and p.country:
            paragraph.nation = p.country
        elif p.kind == "person":
            paragraph.person = p.value
    if events and not results:  # "In the women's sprint, A beat B": the event is set
        last = events[-1]
        paragraph.event = last.value
        paragraph.gender = gender_of(text, last, genders, last, paragraph) or paragraph.gender
        # "The women's sprint opened the finals.": one event, nobody placed in it yet
        paragraph.topic = not participants and len(events) == 1
    return facts


_GAVE = re.compile(r"\b(?:gave|giving|handed|handing|delivered|delivering|brought)\s+(?:the\s+)?$")

# "The Dutch sprinter won ...": a rider named before, described by nation and role
_DESCRIBED = re.compile(
    r"^(?:the )?(?:(?:young|veteran|experienced|\d+-year-old|in-form)\s+)?"
    r"(sprinter|rider|cyclist|star|champion|youngster|veteran|woman|man)\b(?!\s+(?-i:[A-Z]))",
    re.IGNORECASE,
)


_VERB_NEXT = re.compile(r"\s+(?:then\s+|also\s+)?[a-z]+ed\b|\s+(?:won|took|beat|was|claimed)\b")
_INVARIANT_PLURAL = re.compile(r"(ese|ch|sh|ss|s)$")  # "the Japanese", "the Dutch": a team


def _described(
    text: str, persons: list[Span], nations: list[Span], paragraph: Paragraph
) -> tuple[list[Span], list[Span]]:
    """The persons with "the Dutch sprinter" read as the rider named last in the paragraph
    when the sentence names no one before it and that rider's nation is unknown or that; the
    nation so used leaves the sentence's nations (it is no team of the Netherlands)."""
    who = paragraph.person
    if who is None:
        return persons, nations
    for n in nations:
        if any(p.kind == "person" and p.start < n.start for p in persons):
            break  # "Okafor beat the Dutch sprinter": whom it means is not so clear
        said = text[max(0, n.start - 4) : n.end].lower()  # the span may hold its "the"
        if not re.search(r"\bthe \S", said):
            continue
        demonym = fold(text[n.start : n.end].split()[-1])
        # "The Mexican won ...": a demonym alone is one rider ("the Dutch won": a team)
        alone = not _INVARIANT_PLURAL.search(demonym) and _VERB_NEXT.match(text[n.end :])
        if not _DESCRIBED.match(text[n.end :].lstrip()) and not alone:
            continue
        if paragraph.document.nations.get(who, n.value) != n.value:
            continue
        described = Span("person", who, n.start, n.end, country=n.value)
        return sorted([*persons, described], key=lambda p: p.start), [
            m for m in nations if m is not n
        ]
    return persons, nations


# "She beat X in the final" (opening the sentence), "when he and Emil Dahl won"
_PRONOUN_SUBJECT = re.compile(
    r"^(She|He)\b(?! \w+ed by)|\b(she|he)(?= and [A-Z])"
    # "The 23-year-old launched his sprint ...": the rider named last, by age or standing
    r"|^The (?:\d+-year-old|youngster|veteran|teenager)\b(?! \w+ed by)(?!\s+[A-Z])"
)


def _with_pronoun_subjects(text: str, persons: list[Span], paragraph: Paragraph) -> list[Span]:
    """The persons, with a "she" or "he" (or "the 23-year-old") that opens the sentence or
    is paired with a name read as the person it stands for: the last one named before it in the sentence, else in
    the paragraph, when the riders' known genders allow it. An earlier mention of that
    person in the sentence gives way to it ("Jensen returned ..., when he and Dahl won")."""
    out = list(persons)
    for m in _PRONOUN_SUBJECT.finditer(text):
        before = [p for p in out if p.kind == "person" and p.end <= m.start()]
        who = before[-1].value if before else paragraph.person
        if who is None:
            continue
        said = m.group().lower()
        wanted = {"she": "women", "he": "men"}.get(said)
        if wanted and paragraph.document.genders.get(who, wanted) != wanted:
            continue
        out = [p for p in out if p.value != who]
        out.append(Span("person", who, m.start(), m.end()))
    return sorted(out, key=lambda p: p.start)


_IN_ORDER = re.compile(r"\b(respectively|in that order|minor medals)\b")


def _of_pairs(text: str, events: list[Span], paragraph: Paragraph, vocab: Vocabulary) -> bool:
    """Whether two riders joined by "and" ride as one: the sentence is on a race for pairs
    or teams (its own events, or the paragraph's) and lists no placings in order."""
    names = [e.value for e in events] or ([paragraph.event] if paragraph.event else [])
    return (
        bool(names)
        and all(vocab.lexicon.event(n).team for n in names)
        and not _IN_ORDER.search(text.lower())
    )


# "launched her long sprint", not "took silver behind her in the sprint"
_POSSESSED = re.compile(
    r"\b(his|her|their|its)\s+(?:(?!(?:in|at|of|on|the|for|to|from)\b)[\w’'-]+\s+){0,2}$",
    re.IGNORECASE,
)
_RETAINED = re.compile(
    r"\b(retained|retains|defended|defends|kept)\s+(his|her|their)\s+$", re.IGNORECASE
)
_GENDERED = re.compile(r"\b(men|women|man|woman)[’']?s?\s+$", re.IGNORECASE)
_GENDERED_EVENT = re.compile(r"(wo)?men\b", re.IGNORECASE)
_ANY = re.compile(r"\b(a|an)\s+(?:[\w’'-]+\s+){0,1}$", re.IGNORECASE)


_COMPOUND = re.compile(r"\b\w+-(?:up|rider|man|woman|lap|way)\s+$", re.IGNORECASE)
# "held off Sáez in the final sprint", "by winning the last sprint": a phase of the race
_PHASE = re.compile(
    r"\bthe\s+(?:final|last|closing|finishing|bunch|decisive|deciding|late)\s+$", re.IGNORECASE
)


def _events_raced(text: str, events: list[Span]) -> list[Span]:
    """The events a sentence places riders in: not "launched his sprint" or "her third
    Asian sprint title" (a rider's effort or tally), nor, beside another event, "after a
    decisive points race" (a part of it)."""
    kept = [
        e
        for e in events
        # "retained her women's sprint title" names the event; "launched his sprint" does not
        if _GENDERED.search(text[max(0, e.start - 10) : e.start])
        or _RETAINED.search(text[max(0, e.start - 30) : e.start])
        or _GENDERED_EVENT.match(text[e.start : e.end])
        or not _POSSESSED.search(text[max(0, e.start - 30) : e.start])
    ]
    # "who beat her in a two-up sprint": a way of finishing, not the event (beside another
    # event, "after a decisive points race": a part of it)
    named = [
        e
        for e in kept
        if not _ANY.search(text[max(0, e.start - 20) : e.start])
        and not _COMPOUND.search(text[max(0, e.start - 20) : e.start])  # "a two-rider sprint"
        and not _PHASE.search(text[max(0, e.start - 20) : e.start])
    ]
    return named if named or len(kept) < 2 else kept


def _learn(state: DocumentState, paragraph: Paragraph, p: Span, placing: Placing) -> None:
    """A placing read, for "behind her" and "behind Thomas" later, and the gender of the
    riders in it, for events later named without one ("In the keirin, Lavreysen ...")."""
    paragraph.last = placing
    paragraph.raced.setdefault(placing.event, set()).add(placing.gender)
    riders = p.members if p.kind == "team" else (p.value,)
    for name in (*riders, p.value):
        state.placings[name] = placing
    for name in riders:
        state.genders.setdefault(name, placing.gender)


def _remember(p: Span, state: DocumentState) -> Span:
    """Learn a person's surname and nation for later sentences; fill in a known nation."""
    parts = p.value.split()
    if len(parts) > 1:
        state.surnames.setdefault(parts[-1], p.value)
    if p.country:
        state.nations.setdefault(p.value, p.country)
        return p
    country = state.nations.get(p.value)
    return Span(p.kind, p.value, p.start, p.end, country=country) if country else p


# --- facts ----------------------------------------------------------------------------------


def _result_fact(
    doc: Document,
    sentence: Citation,
    lexicon: Lexicon,
    medal: str,
    p: Span,
    event: str,
    gender: str,
) -> Fact:
    riders = list(p.members) if p.kind == "team" else [p.value]
    country = p.country
    fields: dict[str, object] = {"event": event, "gender": gender, "medal": medal}
    if country:
        fields["country"] = country
    fields["riders"] = riders
    if lexicon.event(event).team:
        fields["team"] = True
    discipline = lexicon.event(event).discipline
    if discipline != "track":
        fields["discipline"] = discipline
    return derived_fact(doc, sentence, lexicon, "result", fields)


def _nationalities(
    doc: Document, sentence: Citation, lexicon: Lexicon, persons: list[Span]
) -> list[Fact]:
    return [
        derived_fact(
            doc, sentence, lexicon, "nationality", {"rider": p.value, "country": p.country}
        )
        for p in persons
        if p.country and p.start >= 0 and len(p.value.split()) > 1
    ]
