"""Records and tallies read from one sentence: "set a world record of 3:40.730", "with
seven medals, three of them gold", "brought his gold medal tally to five"."""

from __future__ import annotations

import re

from ..types import Citation, Document, Fact
from .derived import derived_fact
from .lexicon import Lexicon
from .mentions import Span
from .placings import BEATEN, WIN
from .reading import Paragraph, gender_of, nearest_event, one_gender
from .render import ALL_MEDALS, HOME_SCOPE
from .text import NUMBER_WORDS

_RECORD = re.compile(
    r"\b((?:world|olympic|games|championships?|national|track|meet|meeting|event|competition|"
    r"continental|european|asian|african|pan american|oceania|commonwealth)[ -]record)s?\b"
)
# "a championship record of 58.912 seconds", "in a world record time of 3:40.730"
_MARK = re.compile(
    r"^\s*(?:time\s+)?(?:of|in|with)\s+"
    r"(\d[\d:.,]*\d(?:\s*(?:seconds|secs|minutes|points|km/h|s)\b)?)"
)
# "The championship record was lowered by X": X set it
_BY = re.compile(
    r"^\s+(?:was|were)\s+(?:lowered|set|broken|bettered|improved|smashed|taken)\s+by\b"
)
# "..., who stopped the clock at 3:48.917": the mark, later in the sentence
_CLOCKED = re.compile(
    r"\b(?:stopped the clock at|clocked|in a time of|with a time of|recorded)\s+"
    r"(\d[\d:.,]*\d(?:\s*(?:seconds|secs|s)\b)?)"
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


def records_in(
    doc: Document,
    sentence: Citation,
    lexicon: Lexicon,
    text: str,
    participants: list[Span],
    events: list[Span],
    genders: list[Span],
    paragraph: Paragraph,
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
        and not BEATEN.search(lowered[participants[i - 1].end if i else 0 : p.start])
    ]
    passive = _BY.match(lowered[match.end() :])  # "the record was lowered by the Australians"
    if passive:
        holders = [p for p in participants if p.country and p.start >= match.end()][:1]
    if not holders:
        return []
    holder = holders[-1]
    # "of 58.912 seconds" after the record, else where the holder "stopped the clock"
    mark = _MARK.match(lowered[match.end() :]) or _CLOCKED.search(lowered)
    later = [e for e in events if e.start > match.start()]
    chosen = (
        later[:1]
        or nearest_event(events, holder)
        or ([Span("event", paragraph.event, -1, -1)] if paragraph.event else [])
    )
    out = []
    for event in chosen:
        gender = gender_of(text, event, genders, holder, paragraph) or one_gender(paragraph)
        if gender:
            fields: dict[str, object] = {
                "event": event.value,
                "gender": gender,
                "holder": holder.country,
                "record": match.group(1).replace("-", " ").replace("championships", "championship"),
            }
            riders = [holder.value] if holder.kind == "person" else list(holder.members)
            if holder.kind == "person" and lexicon.event(event.value).team:
                # "A, B and C lowered the world record": the team's riders, each of them
                riders = [
                    p.value
                    for p in participants
                    if p.kind == "person"
                    and p.start < match.start()
                    and p.country in ("", None, holder.country)
                ]
            if riders:
                fields["riders"] = riders
            if mark:
                fields["mark"] = mark.group(1)
            out.append(derived_fact(doc, sentence, lexicon, "record", fields))
    return out


def tallies_in(
    doc: Document,
    sentence: Citation,
    lexicon: Lexicon,
    text: str,
    participants: list[Span],
    paragraph: Paragraph,
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
        if note and not others and not WIN.match(note.group(1).lower()):
            fields["note"] = note.group(1).strip()
        out += [derived_fact(doc, sentence, lexicon, "tally", f) for f in (fields, *others)]
    for m in _OF_THEM.finditer(lowered):
        subject = _subject_before(participants, m.start(), paragraph, person=False)
        count = _count(m.group(1))
        if subject is not None and count is not None:
            fields = {"subject": subject, "medal": m.group(2), "count": count, "scope": HOME_SCOPE}
            out.append(derived_fact(doc, sentence, lexicon, "tally", fields))
    return out


def _count(number: str | None) -> int | None:
    """ "a single", "one", "three", "12": how many."""
    if number in ("a single", "one"):
        return 1
    if number and number.isdigit():
        return int(number)
    return NUMBER_WORDS.get(number or "")


def _subject_before(
    participants: list[Span], at: int, paragraph: Paragraph, person: bool
) -> str | None:
    """Whose tally: the nearest person or nation before the words, else the paragraph's."""
    kind = "person" if person else "team"
    before = [p for p in participants if p.start < at and p.kind == kind]
    if before:
        return before[-1].value if person else before[-1].country
    return paragraph.person if person else paragraph.nation
