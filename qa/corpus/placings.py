"""Medals read from one sentence: each participant's medal from the words around it, in
the sentence's event or the paragraph's, and the defeats in a final."""

from __future__ import annotations

import re

from .lexicon import Lexicon
from .mentions import Span, runs
from .reading import Paragraph, Placing, gender_of, nearest_event
from .text import fold, zipf

MEDALS = ("gold", "silver", "bronze")
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
WIN = re.compile(
    r"\b(won|wins|win|winning|claim|claimed|claiming|clinch|clinched|clinching|took|taking|secured|"
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
BEATEN = re.compile(
    r"\b(beat|beats|beating|defeated|defeating|against|over|edging out|edged out|edging|edged|"
    r"out-?sprinted|out-?sprinting|overcame|overcoming|pipped|pipping|downed|outpaced|"
    r"holding off|held off|holds off|outlasting|outlasted|outlasts|clear of|"
    r"caught(?! by)|catching(?! by)|see off|saw off|seeing off|seen off)"
    r"(\s+[\w’'-]+){0,3}\s*$"
)
_MEDAL_COUNT = re.compile(r"\b(medals|golds|titles)\b")
_DEMOTED = re.compile(r"\b(relegated|disqualified|demoted|stripped)\b")
_NEW_CLAUSE = re.compile(r"[,;]\s+(and|while|but|whereas)\s|;")
_AHEAD = re.compile(r"\bahead of\s+(the\s+)?$")
_LIST_GAP = re.compile(r"^[\s,)]*(on \d+(\s+points)?\s*)?[\s,]*(and)?\s*(the\s+)?$")
_THAT = re.compile(
    r"\b(that|this|the same) (event|race|final|competition)\b|\bbehind (her|him|them)\b"
    r"|\b(won|wins|took|claimed|clinched|secured|sealed) it\b"  # "Thorsgaard won it"
    r"|\b(claim|claimed|take|took|win|won|clinch|clinched|seal|sealed) the (title|crown)\b"
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


def results_in(
    text: str,
    participants: list[Span],
    events: list[Span],
    genders: list[Span],
    paragraph: Paragraph,
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
        beaten = BEATEN.search(before)
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
                for event in nearest_event(events, p) or []:
                    gender = gender_of(text, event, genders, winner, paragraph)
                    if gender and winner.country != p.country:
                        defeats.append((winner.country, p.country, event.value, gender))
            if winner and placeable(p):
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
        if placed and placeable(p):
            for medal, event_name, gender in placed_in(placed, text, p, events, genders, paragraph):
                results.append((medal, p, event_name, gender))
    for medal, loser, event_name, gender in list(results):
        winner = beaten_by.get(loser.value)
        golds = [r for r in results if r[0] == "gold" and r[2:] == (event_name, gender)]
        if medal == "silver" and winner is not None and placeable(winner) and not golds:
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
        if len(pair) != 2 or not placed or not all(placeable(p) for p in pair):
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
    paragraph: Paragraph,
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
        return [("silver", loser, event, gender) for event, gender in won if placeable(loser)]
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
    chosen = nearest_event(events, loser) or ([Span("event", fallback, -1, -1)] if fallback else [])
    out = []
    for event in chosen:
        gender = gender_of(text, event, genders, winner, paragraph)
        if gender:
            out += [
                (m, who, event.value, gender)
                for m, who in zip(medals, (winner, loser), strict=False)
                if placeable(who)
            ]
    return out


def placeable(p: Span) -> bool:
    """Whether a result can name `p`: a nation, or a person (their nation may go unsaid);
    a team the document gives neither a nation nor riders for names no one."""
    return bool(p.country) or p.kind == "person" or (p.kind == "team" and bool(p.members))


_NAME_ZIPF = 3.5  # a surname rarer than this is a name, not "Cup" or "Prix"


def names_someone(p: Span, event: str, lexicon: Lexicon) -> bool:
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
        [(m.start(), "win", m.group(1)) for m in WIN.finditer(clause)]
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
    paragraph: Paragraph,
) -> list[tuple[str, str, str]]:
    """(medal, event, gender) for each stretch: its events, or the sentence's, or the
    paragraph's ("in that event")."""
    out = []
    # "behind her" points back past the sentence only when it names no event itself
    pointed = None if events else _behind(text, paragraph)
    if pointed is False:
        return []  # "Behind Thomas, ...": whose placing the document has not said
    behind = pointed if isinstance(pointed, Placing) else None
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
        chosen = own or nearest_event(events, p) or []
        # the paragraph's event only where the sentence points back to it ("in that event",
        # "behind her") or places someone by a structural cue ("completing the podium")
        points_back = _THAT.search(text.lower()) or offset < 0 or medal != "gold" or paragraph.topic
        if not chosen and paragraph.event and points_back:
            chosen = [Span("event", paragraph.event, -1, -1)]
        for event in chosen:
            gender = gender_of(text, event, genders, p, paragraph)
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


def _behind(text: str, paragraph: Paragraph) -> Placing | bool | None:
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
