"""What the extractor remembers while it reads a document: the riders, nations and
placings of earlier sentences and what its paragraph settled ("in that event", "behind
her"), and the gender of an event read from them."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from .mentions import Span

HER = re.compile(r"\b(she|her|hers|herself)\b")
HIS = re.compile(r"\b(he|his|him|himself)\b")


@dataclass
class DocumentState:
    """What the document has said so far, for later sentences to refer back to."""

    surnames: dict[str, str] = field(default_factory=dict)  # "Hoffmann" -> "Lea Hoffmann"
    nations: dict[str, str] = field(default_factory=dict)  # person -> country
    placings: dict[str, Placing] = field(default_factory=dict)  # a rider's or nation's last
    genders: dict[str, str] = field(default_factory=dict)  # a rider's, from their events


@dataclass(frozen=True)
class Placing:
    """One medal read: "behind her" later points to it."""

    medal: str
    event: str
    gender: str


@dataclass
class Paragraph:
    """What earlier sentences of the paragraph settled: "in that event", "behind her"."""

    event: str | None = None
    gender: str | None = None
    nation: str | None = None  # the last nation named: "leaving them with ..."
    section_gender: str | None = None  # a title line's: "Men's sprint events"
    topic: bool = False  # the event was set by a sentence naming only it ("The men's madison closed the meeting")
    person: str | None = None
    document: DocumentState = field(default_factory=DocumentState)
    last: Placing | None = None  # the last placing read: "behind her came X"
    sentence_gender: str | None = None  # the one the sentence's known riders raced in
    stated_gender: str | None = None  # a gender named on its own: "Among the men, ..."
    pronouns: set[str] = field(default_factory=set)  # the genders "she" and "he" so far
    raced: dict[str, set[str]] = field(default_factory=dict)  # event -> genders placed in


def gender_of(
    text: str, event: Span, genders: list[Span], p: Span, paragraph: Paragraph
) -> str | None:
    """The gender of `event` for `p`: named beside the event, the sentence's only one, the
    one `p` raced in before, a pronoun of the sentence, or what the paragraph settled."""
    if event.start >= 0:
        close = [g for g in genders if 0 <= event.start - g.end <= 2]
        if close:
            return close[-1].value
    if len({g.value for g in genders}) == 1:
        return genders[0].value
    known = known_gender(p, paragraph.document) or paragraph.sentence_gender
    if known:
        return known  # the gender of the events its riders placed in before
    lowered = text.lower()
    if p.kind == "person" and HER.search(lowered) and not HIS.search(lowered):
        return "women"
    if p.kind == "person" and HIS.search(lowered) and not HER.search(lowered):
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


def one_gender(paragraph: Paragraph) -> str | None:
    """The gender of every placing and pronoun of the paragraph so far, when it is one (a
    record "in the kilometre time trial" among the men's results)."""
    raced = set().union(*paragraph.raced.values()) if paragraph.raced else set()
    return next(iter(raced)) if len(raced) == 1 and paragraph.pronouns <= raced else None


def known_gender(p: Span, known: DocumentState) -> str | None:
    """The gender of the events a rider (or all of a team's riders) placed in before."""
    riders = p.members if p.kind == "team" else (p.value,) if p.kind == "person" else ()
    found = {known.genders.get(r) for r in riders}
    return found.pop() if len(found) == 1 else None


def nearest_event(events: list[Span], p: Span) -> list[Span]:
    """The event named before the participant ("In the men's team sprint, the Dutch ...")."""
    before = [e for e in events if e.end <= p.start]
    if before:
        return [before[-1]]
    after = [e for e in events if e.start >= p.end]
    return after[:1]
