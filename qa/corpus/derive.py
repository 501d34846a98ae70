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
"behind her"). World records, gold tallies and nationalities are read the same way. Every
derived fact quotes its sentence as evidence and cites its exact span.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace

from ..types import Citation, Document, Fact
from .facts import OCCASION, check_names
from .lexicon import Lexicon
from .mentions import (
    Span,
    Vocabulary,
    pair_lone,
    pairs_of_nation,
    people,
    runs,
    teams,
    with_nations,
)
from .occasion import document_occasion
from .render import ALL_MEDALS, HOME_SCOPE, render_fact
from .sentences import sentence_spans
from .text import NUMBER_WORDS, fold, is_title_line, zipf

MEDALS = ("gold", "silver", "bronze")
DERIVED_PREFIX = "derived-"  # the id of every derived fact starts so
_MEDAL_WORDS = {
    "gold": "gold",
    "golds": "gold",
    "first": "gold",
    "silver": "silver",
    "second": "silver",
    "runner-up": "silver",
    "bronze": "bronze",
    "third": "bronze",
}
_WIN = re.compile(
    r"\b(won|wins|win|winning|claimed|claiming|clinched|clinching|took|taking|secured|"
    r"securing|captured|snatched|snatching|grabbed|collected|earned|triumphed|finished|"
    r"came|completed|added|adding|retained|retaining|crossed the line|doubled up|"
    r"crossing the line)\b"
)
# "second" places a rider, unless it counts ("his second title", "a second bronze")
_MEDAL = re.compile(
    r"\b(gold|golds|silver|bronze|runner-up|medal|(?:second|third)(?!\s+(?:(?!(?:and|or|the|"
    r"in|at|behind|ahead|to|of|with|for|but|while)\b)[\w’'-]+\s+){0,2}"
    r"(?:titles?|golds?|silver|bronze|medals?|win|victory|crown|time|day|round|lap|race|"
    r"years?|seasons?|editions?|attempts?)\b))\b"
)
_COUNT_WORDS = r"(?:one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|\d+)"
_BEFORE_CUE = re.compile(  # the medal word nearest the cue: "X was second and the bronze went to"
    r"(?:\b(gold|silver|bronze|first|second|third)\b"
    r"(?:(?!\b(?:gold|silver|bronze|first|second|third)\b)[^.;,])*?)?"
    r"\b(went to|belonged to|goes to|go to|was|were|won by|taken by|claimed by)\s+(?:the\s+)?$"
)
# "silver was taken by A and bronze by B": the verb is said once
_ELLIPTIC = re.compile(r"\b(?:and|,)\s+(?:the\s+)?(gold|silver|bronze)\s+(?:to|by)\s+(?:the\s+)?$")
# "that handed silver to the Dutchman X": a medal given to the one named next
_GIVEN = re.compile(
    r"\b(?:handed|handing|gave|giving|left|leaving|passed|passing)\s+(?:the\s+)?"
    r"(gold|silver|bronze)(?: medal)?\s+to\s+(?:the\s+)?(?:[a-z]+\s+)?$"
)
# "the seven gold medals won by X" counts a career; "the bronze medals were claimed by" places
_COUNTED = re.compile(rf"\b{_COUNT_WORDS}\s+(?:[\w’'-]+\s+)?$")
_COMPLETED = re.compile(  # "X, cheered by the home crowd, completed the podium"
    r"^\s*(?:\([a-z]{3}\)\s*)?(?:,[^,;.]{0,60},\s*)?(?:(?:team|trio|quartet|squad|pair|pairing|duo)\s+)?"
    r"(?:completed|completes|completing|rounded out|rounds out|rounding out) the podium"
)
_MINOR = re.compile(r"\bminor medals? (?:went to|were taken by|were won by)\s+(?:the\s+)?$")
_PODIUM_LIST = re.compile(r"\bpodium (?:read|reads|was|looked like|:)\s+(?:the\s+)?$")
_PODIUM = re.compile(r"\bcompleting the podium (was|were)\s+(the\s+)?$")
_BEATEN = re.compile(
    r"\b(beat|beats|beating|defeated|defeating|against|over|edging out|edged out|edging|edged|"
    r"out-?sprinted|out-?sprinting|overcame|overcoming|pipped|pipping|downed|outpaced|"
    r"holding off|held off|holds off|outlasting|outlasted|outlasts|clear of|"
    r"caught(?! by)|catching(?! by))"
    r"(\s+[\w’'-]+){0,3}\s*$"
)
_MEDAL_COUNT = re.compile(r"\b(medals|golds|titles)\b")
_DEMOTED = re.compile(r"\b(relegated|disqualified|demoted|stripped)\b")
_NEW_CLAUSE = re.compile(r"[,;]\s+(and|while|but|whereas)\s|;")
_AHEAD = re.compile(r"\bahead of\s+(the\s+)?$")
_LIST_GAP = re.compile(r"^[\s,)]*(on \d+(\s+points)?\s*)?[\s,]*(and)?\s*(the\s+)?$")
_HER = re.compile(r"\b(she|her|hers|herself)\b")
_HIS = re.compile(r"\b(he|his|him|himself)\b")
_THAT = re.compile(
    r"\b(that|this|the same) (event|race|final|competition)\b|\bbehind (her|him|them)\b"
)
_RECORD = re.compile(
    r"\b((?:world|olympic|games|championships?|national|track|meet|meeting|event|competition|"
    r"continental|european|asian|african|pan american|oceania|commonwealth)[ -]record)s?\b"
)
# "a championship record of 58.912 seconds", "in a world record time of 3:40.730"
_MARK = re.compile(
    r"^\s*(?:time\s+)?(?:of|in|with)\s+"
    r"(\d[\d:.,]*\d(?:\s*(?:seconds|secs|minutes|points|km/h|s)\b)?)"
)
_FINAL = re.compile(r"\bfinal\b")
_MEDAL_FINAL = re.compile(r"(?<!semi-)(?<!semi )(?<!minor )(?<!b )\bfinal\b")
_BRONZE_RIDE = re.compile(
    r"\b(?:(?:ride|race|final|match|sprint|\w+ed|\w+s|[\w’'-]+) for (?:the )?bronze|bronze[- ]medal "
    r"(?:ride|race|final|match|ride-off)|bronze (?:ride|race|final|ride-off))\b"
)
_HELD_OFF = re.compile(r"\b(holding|held|holds) off\b")
_THIRD_AFTER = re.compile(r"^[^.;]*\b(?:third|bronze)\b")
_NOT_FOR_GOLD = re.compile(
    r"\b(bronze|semi-?finals?|quarter-?finals?|repechage|heats?|rounds?|qualif\w*|earlier)\b"
)


_COUNT = r"(a single|one|two|three|four|five|six|seven|eight|nine|ten|\d+)"
_TALLY = re.compile(
    r"\b(?:(gold|silver|bronze) medal tally to|(?:with|won|collected|claimed|winning|collecting|"
    rf"claiming|including) {_COUNT} (gold|silver|bronze|title|medal)(?:s\b| medals?\b|(?=[,.;]| and)))\s*(\w+)?"
)
# "17 medals, nine of them gold"
_OF_THEM = re.compile(rf"\b{_COUNT} of them (gold|silver|bronze)s?\b")
# "…three gold, five silver and two bronze medals": the colours after the first
_TALLY_MORE = re.compile(
    rf"^\s*(?:,|,? and)\s+{_COUNT} (gold|silver|bronze)(?:s\b| medals?\b|(?=,| and))"
)


@dataclass
class _Document:
    surnames: dict[str, str] = field(default_factory=dict)  # "Hoffmann" -> "Lea Hoffmann"
    nations: dict[str, str] = field(default_factory=dict)  # person -> country
    placings: dict[str, _Placing] = field(default_factory=dict)  # a rider's or nation's last
    genders: dict[str, str] = field(default_factory=dict)  # a rider's, from their events


@dataclass(frozen=True)
class _Placing:
    medal: str
    event: str
    gender: str


@dataclass
class _Paragraph:
    """What earlier sentences of the paragraph settled: "in that event", "behind her"."""

    event: str | None = None
    gender: str | None = None
    nation: str | None = None  # the last nation named: "leaving them with ..."
    section_gender: str | None = None  # a title line's: "Men's sprint events"
    topic: bool = False  # the event was set by a sentence naming only it ("The men's madison closed the meeting")
    person: str | None = None
    document: _Document = field(default_factory=_Document)
    last: _Placing | None = None  # the last placing read: "behind her came X"
    sentence_gender: str | None = None  # the one the sentence's known riders raced in
    stated_gender: str | None = None  # a gender named on its own: "Among the men, ..."
    pronouns: set[str] = field(default_factory=set)  # the genders "she" and "he" so far
    raced: dict[str, set[str]] = field(default_factory=dict)  # event -> genders placed in


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
    state = _Document()
    paragraph = _Paragraph(document=state)
    out: list[Fact] = []
    previous_end = 0
    heading_gender: str | None = None
    for sentence in sentence_spans(doc):
        if "\n\n" in doc.text[previous_end : sentence.start] or doc.text[
            previous_end : sentence.start
        ].strip().startswith("#"):
            paragraph = _Paragraph(
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
    doc: Document, sentence: Citation, vocab: Vocabulary, state: _Document, paragraph: _Paragraph
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
    found = {_known_gender(p, state) for p in participants} - {None}
    paragraph.sentence_gender = found.pop() if len(found) == 1 else None
    results, defeats = _results(text, participants, events, genders, paragraph)
    results = [r for r in results if _names_someone(r[1], r[2], vocab.lexicon)]
    lowered = text.lower()
    paragraph.pronouns |= {"women"} if _HER.search(lowered) else set()
    paragraph.pronouns |= {"men"} if _HIS.search(lowered) else set()
    alone = {g.value for g in genders if not any(0 <= e.start - g.end <= 3 for e in events)}
    if len(alone) == 1:
        paragraph.stated_gender = alone.pop()
    for medal, participant, event, gender in results:
        facts.append(_result_fact(doc, sentence, vocab.lexicon, medal, participant, event, gender))
        _learn(state, paragraph, participant, _Placing(medal, event, gender))
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
        facts.append(_fact(doc, sentence, vocab.lexicon, "defeat", fields))
    facts += _records(doc, sentence, vocab.lexicon, text, participants, events, genders, paragraph)
    facts += _tallies(doc, sentence, vocab.lexicon, text, participants, paragraph)
    for p in participants:
        if p.kind == "team" and p.country:
            paragraph.nation = p.country
        elif p.kind == "person":
            paragraph.person = p.value
    if events and not results:  # "In the women's sprint, A beat B": the event is set
        last = events[-1]
        paragraph.event = last.value
        paragraph.gender = _gender(text, last, genders, last, paragraph) or paragraph.gender
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
    text: str, persons: list[Span], nations: list[Span], paragraph: _Paragraph
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
_PRONOUN_SUBJECT = re.compile(r"^(She|He)\b(?! \w+ed by)|\b(she|he)(?= and [A-Z])")


def _with_pronoun_subjects(text: str, persons: list[Span], paragraph: _Paragraph) -> list[Span]:
    """The persons, with a "she" or "he" that opens the sentence or is paired with a name
    read as the person it stands for: the last one named before it in the sentence, else in
    the paragraph, when the riders' known genders allow it. An earlier mention of that
    person in the sentence gives way to it ("Jensen returned ..., when he and Dahl won")."""
    out = list(persons)
    for m in _PRONOUN_SUBJECT.finditer(text):
        before = [p for p in out if p.kind == "person" and p.end <= m.start()]
        who = before[-1].value if before else paragraph.person
        if who is None:
            continue
        wanted = "women" if m.group().lower() == "she" else "men"
        if paragraph.document.genders.get(who, wanted) != wanted:
            continue
        out = [p for p in out if p.value != who]
        out.append(Span("person", who, m.start(), m.end()))
    return sorted(out, key=lambda p: p.start)


_IN_ORDER = re.compile(r"\b(respectively|in that order|minor medals)\b")


def _of_pairs(text: str, events: list[Span], paragraph: _Paragraph, vocab: Vocabulary) -> bool:
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


def _learn(state: _Document, paragraph: _Paragraph, p: Span, placing: _Placing) -> None:
    """A placing read, for "behind her" and "behind Thomas" later, and the gender of the
    riders in it, for events later named without one ("In the keirin, Lavreysen ...")."""
    paragraph.last = placing
    paragraph.raced.setdefault(placing.event, set()).add(placing.gender)
    riders = p.members if p.kind == "team" else (p.value,)
    for name in (*riders, p.value):
        state.placings[name] = placing
    for name in riders:
        state.genders.setdefault(name, placing.gender)


def _remember(p: Span, state: _Document) -> Span:
    """Learn a person's surname and nation for later sentences; fill in a known nation."""
    parts = p.value.split()
    if len(parts) > 1:
        state.surnames.setdefault(parts[-1], p.value)
    if p.country:
        state.nations.setdefault(p.value, p.country)
        return p
    country = state.nations.get(p.value)
    return Span(p.kind, p.value, p.start, p.end, country=country) if country else p


# --- medals -------------------------------------------------------------------------------


def _results(
    text: str,
    participants: list[Span],
    events: list[Span],
    genders: list[Span],
    paragraph: _Paragraph,
) -> tuple[list[tuple[str, Span, str, str]], list[tuple[str, str, str, str]]]:
    """(medal, participant, event, gender) for each placed participant, and the defeats in
    a final (winner, loser, event, gender) between nations."""
    folded = text.lower()
    results: list[tuple[str, Span, str, str]] = []
    defeats: list[tuple[str, str, str, str]] = []
    ahead = 0  # position in an "ahead of A and B" list
    beaten_by: dict[str, Span] = {}  # "A beat B ..., so B took silver": A won
    last_medal: str | None = None  # the medal of the one an "ahead of" list follows
    for i, p in enumerate(participants):
        start = participants[i - 1].end if i else 0
        end = participants[i + 1].start if i + 1 < len(participants) else len(text)
        before, after = folded[start : p.start], folded[p.end : end]
        if _DEMOTED.search(after):
            continue  # "crossed the line in second place but was relegated"
        beaten = _BEATEN.search(before)
        if beaten:
            winner = participants[i - 1] if i else None
            if _NEW_CLAUSE.search(before[: beaten.start()]):
                winner = None  # "China took silver, and the hosts … by beating Korea"
            first_beaten = True
            if winner is not None:
                # "A beat B and edged out C": A, not B, beat C
                winner = beaten_by.get(winner.value, winner)
                # "clinched gold, defeating Britain in the final and edging out New Zealand":
                # the gold's winner beat the silver the first time only
                first_beaten = all(w is not winner for w in beaten_by.values())
                beaten_by[p.value] = winner
            won = [
                r[2:]
                for r in results
                if winner and first_beaten and r[0] == "gold" and r[1] is winner
            ]
            final = _FINAL.search(after) or (won and not _NOT_FOR_GOLD.search(after))
            if winner and winner.country and p.country and final:
                for event in _nearest(events, p) or []:
                    gender = _gender(text, event, genders, winner, paragraph)
                    if gender and winner.country != p.country:
                        defeats.append((winner.country, p.country, event.value, gender))
            if winner and _placeable(p):
                near = folded[winner.start : p.end] + after  # the clause of the head-to-head
                decided = _head_to_head(text, near, winner, p, events, genders, paragraph, won)
                if decided:  # "in that event" later refers to it
                    paragraph.event, paragraph.gender = decided[-1][2], decided[-1][3]
                results += decided
            ahead = 0
            continue
        placed = _placed(before, after, ahead, [e.start - p.end for e in events])
        in_list = bool(ahead) and bool(_LIST_GAP.match(before))
        if placed and last_medal and (_AHEAD.search(before) or in_list):
            # "X won gold ahead of A and B": the next medals down; "X took bronze ahead of
            # Y": Y was fourth; "the minor medals went to A and B": silver, then bronze
            step = MEDALS.index(last_medal) + 1
            placed = [(MEDALS[step], o) for _, o in placed] if step < len(MEDALS) else []
        if _AHEAD.search(before) or _MINOR.search(before) or _PODIUM_LIST.search(before):
            ahead = 1
        elif in_list:
            ahead += 1
        else:
            ahead = 0
        medal_here = next((m for m, _ in placed if m), None)
        if medal_here:
            last_medal = medal_here
        elif last_medal:  # off the podium: whoever is listed after it is too
            last_medal = "bronze"
        if placed and _placeable(p):
            for medal, event_name, gender in placed_in(placed, text, p, events, genders, paragraph):
                results.append((medal, p, event_name, gender))
    for medal, loser, event_name, gender in list(results):
        winner = beaten_by.get(loser.value)
        golds = [r for r in results if r[0] == "gold" and r[2:] == (event_name, gender)]
        if medal == "silver" and winner is not None and _placeable(winner) and not golds:
            results.append(("gold", winner, event_name, gender))
    return _respectively(text, participants, results), defeats


# "A and B joined her on the podium in second and third", "... went to A and B respectively"
_IN_TURN = re.compile(
    r"\b(?:in )?(second|silver) and (third|bronze)\b|\brespectively\b|\bin that order\b"
)


def _respectively(
    text: str, participants: list[Span], results: list[tuple[str, Span, str, str]]
) -> list[tuple[str, Span, str, str]]:
    """A list of two placed "in second and third" (or "respectively") takes silver, then
    bronze, in the order written, whichever of them the medal word was read for."""
    if not _IN_TURN.search(text.lower()):
        return results
    for run in runs(text, participants):
        pair = [participants[i] for i in run]
        placed = [r for r in results if r[1] in pair and r[0] == "silver"]
        if len(pair) != 2 or not placed or not all(_placeable(p) for p in pair):
            continue
        _, _, event, gender = placed[0]
        kept = [r for r in results if not (r[1] in pair and r[2:] == (event, gender))]
        results = kept + [
            (m, p, event, gender) for m, p in zip(("silver", "bronze"), pair, strict=True)
        ]
    return results


def _head_to_head(
    text: str,
    near: str,
    winner: Span,
    loser: Span,
    events: list[Span],
    genders: list[Span],
    paragraph: _Paragraph,
    won: list[tuple[str, str]],
) -> list[tuple[str, Span, str, str]]:
    """ "A beat B in the ride for bronze": A took bronze, in the sentence's event or the
    paragraph's (the race for bronze follows its final). "A beat B in the final": A won it,
    and B, a rider, took silver (a beaten nation is a defeat, which answers for silver); so
    when A's gold in the sentence is `won` ("went to A, who outsprinted B"). `near` is the
    clause from A to B's words after: "..., and Finucane took bronze" later in the sentence
    does not make the final a race for bronze."""
    medals: tuple[str, ...]
    if won and loser.kind == "person" and not _NOT_FOR_GOLD.search(near):
        return [("silver", loser, event, gender) for event, gender in won if _placeable(loser)]
    if _BRONZE_RIDE.search(near):
        medals, fallback = ("bronze",), paragraph.event
    elif (
        _MEDAL_FINAL.search(text.lower())
        or _THIRD_AFTER.search(text.lower()[loser.end :])
        or _HELD_OFF.search(near)  # "won the keirin, holding off Kessler": she was second
    ) and not _NOT_FOR_GOLD.search(near):
        # "A beat B in the final"; "A edged B, with C third": the podium in one sentence
        medals = ("gold", "silver") if loser.kind == "person" else ("gold",)
        fallback = paragraph.event  # "the final" of the event the paragraph is about
    else:
        return []
    chosen = _nearest(events, loser) or ([Span("event", fallback, -1, -1)] if fallback else [])
    out = []
    for event in chosen:
        gender = _gender(text, event, genders, winner, paragraph)
        if gender:
            out += [
                (m, who, event.value, gender)
                for m, who in zip(medals, (winner, loser), strict=False)
                if _placeable(who)
            ]
    return out


def _placeable(p: Span) -> bool:
    """Whether a result can name `p`: a nation, or a person (their nation may go unsaid);
    a team the document gives neither a nation nor riders for names no one."""
    return bool(p.country) or p.kind == "person" or (p.kind == "team" and bool(p.members))


_NAME_ZIPF = 3.5  # a surname rarer than this is a name, not "Cup" or "Prix"


def _names_someone(p: Span, event: str, lexicon: Lexicon) -> bool:
    """Whether a result for `p` in `event` names a winner a reader can trust: a nation; a
    team's riders; a lone rider only outside team events (there the nation is the winner)
    and only when their surname is no everyday word ("the Nations Cup" is not a rider)."""
    if p.country:
        return True
    if p.kind == "team":
        return bool(p.members)
    return not lexicon.event(event).team and zipf(fold(p.value.split()[-1])) < _NAME_ZIPF


def _placed(
    before: str, after: str, ahead: int, event_offsets: list[int]
) -> list[tuple[str | None, int]]:
    """The medals a participant takes, each with the offset (from the participant's end)
    where the stretch naming its events starts; -1: the event is named elsewhere."""
    if _PODIUM.search(before):
        return [("bronze", -1)]
    if _BEHIND_CAME.search(before):
        return [(_NEXT, -1)]
    if _MINOR.search(before):
        return [("silver", -1)]  # "the minor medals went to A and B (respectively)"
    if _PODIUM_LIST.search(before):
        return [("gold", -1)]  # "the podium read A, B and C"
    if _COMPLETED.match(after):
        return [("bronze", -1)]  # "and Italy completed the podium"
    elliptic = _ELLIPTIC.search(before) or _GIVEN.search(before)
    if elliptic:
        return [(_MEDAL_WORDS[elliptic.group(1)], -1)]
    cue = _BEFORE_CUE.search(before)
    if cue and _MEDAL_COUNT.search(cue.group(0)) and _COUNTED.search(before[: cue.start()]):
        return []  # "the seven gold medals won by X": a career count, not a placing
    if cue and cue.group(1):
        return [(_MEDAL_WORDS[cue.group(1)], -1)]  # "the bronze went to X"
    if cue and cue.group(2) in ("went to", "goes to", "go to", "won by", "taken by", "claimed by"):
        return [("gold", -1)]  # "the women's omnium went to X", "the final was won by X"
    if _AHEAD.search(before):
        return [("silver", -1)]  # "ahead of X ..."
    if ahead and _LIST_GAP.match(before):
        return [("bronze", -1)]  # "... and Y"
    return _segments(after, event_offsets)


def _segments(after: str, event_offsets: list[int]) -> list[tuple[str | None, int]]:
    """ "won the sprint and keirin and took a silver medal in the team sprint": a medal for
    each stretch that starts with a win or a medal word. A medal word qualifies its stretch
    ("won the men's sprint gold") unless events came before it and another follows it."""
    clause = re.split(r";|, and the |, while |, so |\bahead of\b|\bbehind\b", after)[0]
    cues = sorted(
        [(m.start(), "win", m.group(1)) for m in _WIN.finditer(clause)]
        + [(m.start(), "medal", m.group(1)) for m in _MEDAL.finditer(clause)]
    )
    out: list[tuple[str | None, int]] = []
    medal: str | None = None
    start, qualified, earlier = -1, False, False
    for pos, kind, word in cues:
        if kind == "win":
            # "added a touch of magic by securing ...": a win naming no event or medal
            # before the next one is a manner of speaking
            if start >= 0 and (qualified or any(start <= e < pos for e in event_offsets)):
                out.append((medal, start))
                earlier = True
            medal, start, qualified = "gold", pos, False
            continue
        said = _MEDAL_WORDS.get(word)  # None for a plain "medal": which one is not said
        events_before = any(start <= e < pos for e in event_offsets)
        event_after = any(pos < e < len(clause) for e in event_offsets)
        if start < 0:
            medal, start, qualified = said, pos, True
        elif events_before and event_after:
            out.append((medal, start))
            medal, start, qualified = said, pos, True
        elif not qualified:
            medal, qualified = said, True
    # "took bronze by winning the last sprint": a last win naming nothing is a manner too
    bare = not qualified and not any(start <= e < len(clause) for e in event_offsets)
    if start >= 0 and not (earlier and bare):
        out.append((medal, start))
    return out


def placed_in(
    placed: list[tuple[str | None, int]],
    text: str,
    p: Span,
    events: list[Span],
    genders: list[Span],
    paragraph: _Paragraph,
) -> list[tuple[str, str, str]]:
    """(medal, event, gender) for each stretch: its events, or the sentence's, or the
    paragraph's ("in that event")."""
    out = []
    # "behind her" points back past the sentence only when it names no event itself
    pointed = None if events else _behind(text, paragraph)
    if pointed is False:
        return []  # "Behind Thomas, ...": whose placing the document has not said
    behind = pointed if isinstance(pointed, _Placing) else None
    for i, (medal, offset) in enumerate(placed):
        if medal == _NEXT:  # "behind her came X": a step down from her
            if not behind or behind.medal == "bronze":
                continue
            medal = MEDALS[MEDALS.index(behind.medal) + 1]
        if medal is None:
            continue
        if behind and not any(e.start >= p.end for e in events):
            out.append((medal, behind.event, behind.gender))
            paragraph.event, paragraph.gender = behind.event, behind.gender
            continue
        lo = p.end + max(offset, 0)
        hi = p.end + placed[i + 1][1] if i + 1 < len(placed) else len(text)
        own = [e for e in events if lo <= e.start < hi] if offset >= 0 else []
        chosen = own or _nearest(events, p) or []
        # the paragraph's event only where the sentence points back to it ("in that event",
        # "behind her") or places someone by a structural cue ("completing the podium")
        points_back = _THAT.search(text.lower()) or offset < 0 or medal != "gold" or paragraph.topic
        if not chosen and paragraph.event and points_back:
            chosen = [Span("event", paragraph.event, -1, -1)]
        for event in chosen:
            gender = _gender(text, event, genders, p, paragraph)
            if gender is None:
                continue
            out.append((medal, event.value, gender))
            paragraph.event, paragraph.gender = event.value, gender
    return out


_NEXT = "next"  # a medal one step below the one "behind" points to
_BEHIND = re.compile(r"\b[Bb]ehind (her|him|them|(?:[A-Z][\w’'-]+)(?: [A-Z][\w’'-]+)*)")
_BEHIND_CAME = re.compile(
    r"\bbehind (?:her|him|them|[\w’'-]+(?: [\w’'-]+)?),?\s+(?:came|was|were)\s+(?:the\s+)?$"
)


def _behind(text: str, paragraph: _Paragraph) -> _Placing | bool | None:
    """The placing "behind her" or "Behind Thomas" points to; False when it names one the
    document has not placed; None when the sentence points behind no one."""
    match = _BEHIND.search(text)
    if match is None:
        return None
    who = match.group(1)
    if who in ("her", "him", "them"):
        return paragraph.last
    known = paragraph.document
    placing = known.placings.get(known.surnames.get(who, who))
    return placing or known.placings.get(who) or False


def _nearest(events: list[Span], p: Span) -> list[Span]:
    """The event named before the participant ("In the men's team sprint, the Dutch ...")."""
    before = [e for e in events if e.end <= p.start]
    if before:
        return [before[-1]]
    after = [e for e in events if e.start >= p.end]
    return after[:1]


def _gender(
    text: str, event: Span, genders: list[Span], p: Span, paragraph: _Paragraph
) -> str | None:
    if event.start >= 0:
        close = [g for g in genders if 0 <= event.start - g.end <= 2]
        if close:
            return close[-1].value
    if len({g.value for g in genders}) == 1:
        return genders[0].value
    known = _known_gender(p, paragraph.document) or paragraph.sentence_gender
    if known:
        return known  # the gender of the events its riders placed in before
    lowered = text.lower()
    if p.kind == "person" and _HER.search(lowered) and not _HIS.search(lowered):
        return "women"
    if p.kind == "person" and _HIS.search(lowered) and not _HER.search(lowered):
        return "men"
    if event.start < 0:  # only "in that event" carries the paragraph's gender over
        return paragraph.gender
    raced = paragraph.raced.get(event.value, set())
    if len(raced) == 1 and paragraph.pronouns <= raced:
        # "she added the women's keirin. In the keirin X was second": the paragraph placed
        # riders in one gender's keirin, and its "she" and "he" are all of that gender
        return next(iter(raced))
    # or a title line over the paragraph, or its own "Among the men, ..."
    return paragraph.section_gender or paragraph.stated_gender


def _one_gender(paragraph: _Paragraph) -> str | None:
    """The gender of every placing and pronoun of the paragraph so far, when it is one (a
    record "in the kilometre time trial" among the men's results)."""
    raced = set().union(*paragraph.raced.values()) if paragraph.raced else set()
    return next(iter(raced)) if len(raced) == 1 and paragraph.pronouns <= raced else None


def _known_gender(p: Span, known: _Document) -> str | None:
    """The gender of the events a rider (or all of a team's riders) placed in before."""
    riders = p.members if p.kind == "team" else (p.value,) if p.kind == "person" else ()
    found = {known.genders.get(r) for r in riders}
    return found.pop() if len(found) == 1 else None


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
    return _fact(doc, sentence, lexicon, "result", fields)


def _nationalities(
    doc: Document, sentence: Citation, lexicon: Lexicon, persons: list[Span]
) -> list[Fact]:
    return [
        _fact(doc, sentence, lexicon, "nationality", {"rider": p.value, "country": p.country})
        for p in persons
        if p.country and p.start >= 0 and len(p.value.split()) > 1
    ]


def _records(
    doc: Document,
    sentence: Citation,
    lexicon: Lexicon,
    text: str,
    participants: list[Span],
    events: list[Span],
    genders: list[Span],
    paragraph: _Paragraph,
) -> list[Fact]:
    match = _RECORD.search(text.lower())
    if not match:
        return []
    lowered = text.lower()
    holders = [
        p
        for i, p in enumerate(participants)
        if p.country
        and p.start < match.start()
        # "Denmark ..., beating Great Britain ... in a world record": Denmark's record
        and not _BEATEN.search(lowered[participants[i - 1].end if i else 0 : p.start])
    ]
    if not holders:
        return []
    holder = holders[-1]
    mark = _MARK.match(lowered[match.end() :])
    later = [e for e in events if e.start > match.start()]
    chosen = (
        later[:1]
        or _nearest(events, holder)
        or ([Span("event", paragraph.event, -1, -1)] if paragraph.event else [])
    )
    out = []
    for event in chosen:
        gender = _gender(text, event, genders, holder, paragraph) or _one_gender(paragraph)
        if gender:
            fields: dict[str, object] = {
                "event": event.value,
                "gender": gender,
                "holder": holder.country,
                "record": match.group(1).replace("-", " ").replace("championships", "championship"),
            }
            if holder.kind == "person":
                fields["riders"] = [holder.value]
            if mark:
                fields["mark"] = mark.group(1)
            out.append(_fact(doc, sentence, lexicon, "record", fields))
    return out


def _tallies(
    doc: Document,
    sentence: Citation,
    lexicon: Lexicon,
    text: str,
    participants: list[Span],
    paragraph: _Paragraph,
) -> list[Fact]:
    """ "brought his Olympic gold medal tally to five", "leaving them with a single gold
    medal, their lowest total since 2000", "collected three gold, five silver and two bronze
    medals"."""
    out: list[Fact] = []
    lowered = text.lower()
    for m in _TALLY.finditer(lowered):
        if m.group(1):  # "... medal tally to five"
            medal, number = m.group(1), m.group(4)
            subject = _subject_before(participants, m.start(), paragraph, person=True)
            scope = "Olympic career" if "olympic" in lowered[: m.start()] else HOME_SCOPE
            rest = lowered[m.end() :]
        else:  # "with a single gold medal", "finished with a single title"
            colour = {"title": "gold", "medal": ALL_MEDALS}.get(m.group(3), m.group(3))
            medal, number = colour, m.group(2)
            subject = _subject_before(participants, m.start(), paragraph, person=False)
            scope = HOME_SCOPE
            rest = lowered[m.end() - len(m.group(4) or "") :]
        count = _count(number)
        if subject is None or count is None:
            continue
        fields: dict[str, object] = {
            "subject": subject,
            "medal": medal,
            "count": count,
            "scope": scope,
        }
        more = lowered[m.end(3) :] if m.group(3) else ""
        others = []
        while (extra := _TALLY_MORE.match(more)) is not None:  # ", five silver and two bronze"
            if (also := _count(extra.group(1))) is not None:
                others.append({**fields, "medal": extra.group(2), "count": also})
            more = more[extra.end() :]
        note = re.match(r"\s*,\s*([^,;.]+)", text[len(text) - len(rest) :])
        if note and not others and not _WIN.match(note.group(1).lower()):
            fields["note"] = note.group(1).strip()
        out += [_fact(doc, sentence, lexicon, "tally", f) for f in (fields, *others)]
    for m in _OF_THEM.finditer(lowered):
        subject = _subject_before(participants, m.start(), paragraph, person=False)
        count = _count(m.group(1))
        if subject is not None and count is not None:
            fields = {"subject": subject, "medal": m.group(2), "count": count, "scope": HOME_SCOPE}
            out.append(_fact(doc, sentence, lexicon, "tally", fields))
    return out


def _count(number: str | None) -> int | None:
    """ "a single", "one", "three", "12": how many."""
    if number in ("a single", "one"):
        return 1
    if number and number.isdigit():
        return int(number)
    return NUMBER_WORDS.get(number or "")


def _subject_before(
    participants: list[Span], at: int, paragraph: _Paragraph, person: bool
) -> str | None:
    """Whose tally: the nearest person or nation before the words, else the paragraph's."""
    kind = "person" if person else "team"
    before = [p for p in participants if p.start < at and p.kind == kind]
    if before:
        return before[-1].value if person else before[-1].country
    return paragraph.person if person else paragraph.nation


def _fact(
    doc: Document, sentence: Citation, lexicon: Lexicon, kind: str, fields: Mapping[str, object]
) -> Fact:
    record = dict(fields)
    check_names(f"derived fact in {doc.path}", kind, record, lexicon)
    values = "-".join(
        fold(str(v)).replace(" ", "-")
        for k, v in sorted(record.items())
        if k not in ("riders", "team", "note") or (k == "riders" and "country" not in record)
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
