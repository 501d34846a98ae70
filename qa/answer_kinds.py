"""What kind of thing a question asks for (a number, a date, a price, a phone number, a
yes or a no), and whether a passage holds one. The retrieval answer step uses these so a
sentence that names the right subject but not the asked-for kind does not answer.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .corpus.text import fold
from .types import Passage

_YES_NO_START = frozenset(
    [
        "did",
        "does",
        "do",
        "was",
        "were",
        "is",
        "are",
        "has",
        "have",
        "had",
        "can",
        "could",
        "will",
        "would",
    ]
)
# Questions whose answer is a number or a date: the sentence must hold one.
_NUMBER_QUESTION = re.compile(
    r"\bhow (many|much|long|old|often|far|fast)\b|\b(winning|finishing|lap|record|what) (time|score)\b"
    r"|\b(margin|speed)\b"
    # "what was Ravasi's time in the final?", "their time"
    r"|^what (?:was|is|were) (?:[a-z]+ ){1,3}(?:time|score)\b"
    r"|\b(his|her|their) (?:winning |finishing |final )?(?:time|score)\b"
)
_NUMBER = re.compile(
    r"(?<![a-z])\d|\b(one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|twenty|"
    r"hundred|thousand|million|single|first|second|third|fourth|fifth)\b"
)
# "which riders ...", "what athletes ...": people asked for, whom a passage names
_WHICH_PEOPLE = re.compile(r"^(which|what) (riders|cyclists|athletes|sprinters|people|women|men)\b")
_NAMED = re.compile(r"(?:^|[\w,;:’'(] )[A-Z][a-zà-ÿ’'-]+ [A-Z][\w’'-]+|(?<=[\w,;:’'] )[A-Z][a-z]+")
_CARDINAL = re.compile(
    r"(?<![a-z])\d|\b(one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|twenty|"
    r"thirty|forty|fifty|hundred|thousand|million|single|both|dozen|twice|once|none|no)\b"
)
# Questions whose answer is a date: the sentence must hold a year, a month or a weekday
# ("may" is left out: it is far more often the verb).
# "when" asks a date among a question's first words ("and when did she win?"); later it
# joins a clause ("who was his partner when Portugal won?")
_DATE_QUESTION = re.compile(
    r"^(?:\S+ ){0,2}when\b|\b((what|which) (years?|dates?|days?|months?|times?)|how (early|late))\b"
    # "Sunday opening times", "start time of the Tuesday ride": a clock time is asked
    r"|\b(opening|closing|open|office|visiting|start|starting|finish|departure|meeting|"
    r"session|class|ride) (times?|hours)\b|\btimes$"
)
_DATE = re.compile(
    r"\b(1[89]\d\d|20\d\d|\d{1,2}[:.]\d\d|\d{1,2} ?(am|pm)|january|february|march|april|june|"
    r"july|august|september|october|november|december|monday|tuesday|wednesday|thursday|"
    r"friday|saturday|sunday|today|yesterday|tomorrow|morning|evening|night|noon|midnight)\b"
)
# A number that measures (time, length, money) rather than counts: "two hours" does not say
# how many computers there are.
_MEASURE = re.compile(
    r"(?<![a-z])(\d[\d,.]*|one|two|three|four|five|six|seven|eight|nine|ten|twelve|twenty) ?"
    r"(seconds?|minutes?|mins?|hours?|hrs?|days?|weeks?|months?|years?|km|kilomet(re|er)s?|"
    r"met(re|er)s?|miles?|p|pence|pounds?|per ?cent|%)(?![a-z])"
)
_HOW_MANY = re.compile(
    r"\bhow many ((?:[a-z0-9-]+ ){0,2}?[a-z0-9-]+?)(?= (are|is|was|were|do|does|did|can|could|will|would|has|have|had)\b|$)"
)


# "What did Ortega say about the keirin?": her words, in quotation marks; "what does the
# article say" asks what it reports
_ASKS_FOR_WORDS = re.compile(
    r"\b(did|does|do) (?!(the|this|that) (article|text|story|report|piece|writer|author|"
    r"page|document)\b)(?!it\b)[\w ]{1,30}? (say|said|tell|told)\b"
)


def asks_for_words(question: str) -> bool:
    """The question asks what someone said: a quotation answers, never a fact."""
    return bool(_ASKS_FOR_WORDS.search(fold(question)))


@dataclass(frozen=True)
class _Kind:
    """A kind of answer a question asks for by its words ("price", "phone number") and a
    passage shows in its form (£5, 01632 960418). A passage without one does not answer; a
    passage with one covers those words of the question."""

    asked: re.Pattern[str]  # in the folded question
    shown: re.Pattern[str]  # in the passage, lower-cased
    words: frozenset[str]  # the question words it covers
    required: bool = (
        True  # False: a passage without one may still answer ("how long": "since 2012")
    )
    asks: bool = True  # False: it covers the question's words ("evening": 18:30), asks nothing

    def in_question(self, folded: str) -> bool:
        return bool(self.asked.search(folded))


_KINDS = (
    _Kind(
        # "where will it be held?": a place ("in Roubaix", "next to the shop"), not a year
        # ("will be held in 2027"); "where did she finish?" asks a placing
        re.compile(
            r"^(?:\S+ ){0,2}where\b(?!.*\b(finish\w*|place[ds]?|placing|rank\w*|come|came|"
            r"end(?:ed)? up|stand|stands|stood|from)\b)"  # "where is she from?": a nation
        ),
        re.compile(
            r"\b(?:in|at|on|near|next to|behind|beside|opposite|outside|inside|by|off|along|"
            r"above|below|under|upstairs|downstairs|between|from|to(?! be\b))\s+"
            r"(?!(?:the\s+)?(?:19|20)\d\d\b)"
            r"(?!\d{1,2}[:.]\d)(?!(?:the\s+)?(?:january|february|march|april|may|june|july|august|"
            r"september|october|november|december|monday|tuesday|wednesday|thursday|friday|"
            r"saturday|sunday|time|advance|due course|autumn|spring|summer|winter|future|end|"
            r"morning|afternoon|evening|night|week|weekend)\b)[a-z0-9]|\b(upstairs|downstairs|"
            r"floor|entrance|room|street|road|lane|square|meeting point|location|venue|address|home of|home to|headquarters|based)\b"
        ),
        frozenset(["where"]),
    ),
    _Kind(
        # "by how much did they win?": a margin ("by 0.4 seconds", "eleven points clear of"),
        # not any number the winner's sentence holds (its time)
        re.compile(r"\bby how (much|many|far)\b|\bhow much by\b|\bmargin\b|\bhow close\b"),
        re.compile(
            r"\bby (?:a |an |just |only |barely )?(?:\d[\d.,:]*|one|two|three|four|five|six|"
            r"seven|eight|nine|ten|half|a few|a length|a wheel|a tyre|inches|centimetres)\b|"
            r"\bclear of\b|\bmargin of\b|\bahead of\b"
        ),
        frozenset(["margin", "close"]),
    ),
    _Kind(
        # "who's in charge of events" asks for a person, not a price
        re.compile(
            r"\b(costs?|price[sd]?|fees?|pay|paid)\b|(?<!in )\bcharge[sd]?\b|\bhow much (is|are|to|for)\b"
        ),
        re.compile(
            r"[£$€] ?\d|(?<![a-z])\d[\d,.]* ?(p|pence|pounds?|dollars?|euros?)(?![a-z])|(?<![\w-])free\b"
        ),
        frozenset(["cost", "costs", "price", "prices", "fee", "fees", "charge", "pay", "paid"]),
    ),
    _Kind(
        re.compile(
            r"\b(tele)?phone\b|\bnumber\b.*\b(ring|call|dial|text|reach)\b|"
            r"\b(his|her|their|your|contact) number\b(?! of)|"  # "what's her number?"
            r"\b(ring|call|dial|text)\b.*\bnumber\b|"
            r"\bhow (do|can|could|should|would) (i|we|you) (ring|call|dial)\b"
        ),
        re.compile(r"(?<![\d-])\+?\(?\d[\d ()-]{6,}\d(?![\d-])"),
        frozenset(["phone", "telephone", "number", "ring", "call", "dial"]),
    ),
    _Kind(_ASKS_FOR_WORDS, re.compile(r"[\"“”]"), frozenset(["say", "said", "tell", "told"])),
    _Kind(
        re.compile(r"\be-?mail\b"),
        re.compile(r"[\w.+-]+@[\w-]+\.\w"),
        frozenset(["email", "e-mail", "mail"]),
    ),
    _Kind(
        _DATE_QUESTION,
        _DATE,
        frozenset(["time", "times", "hours", "date", "day", "year", "month", "early", "late"]),
    ),
    _Kind(
        # "how quick is that group?", "wind speed": a speed ("25-28 km/h", "40 mph")
        re.compile(r"\b(speed|speeds|fast|quick|pace)\b"),
        re.compile(r"\d ?(mph|km/h|kph|kmh|km per hour|miles per hour)\b"),
        frozenset(["speed", "fast", "quick", "pace"]),
        required=False,
    ),
    _Kind(
        # "the Tuesday evening ride": a clock time says when in the day
        re.compile(r"\b(morning|afternoon|evening|night)\b"),
        re.compile(r"\b\d{1,2}[:.]\d\d\b|\b\d{1,2} ?(am|pm)\b"),
        frozenset(["morning", "afternoon", "evening", "night"]),
        required=False,
        asks=False,
    ),
    _Kind(
        # "how old is she?": an age ("the 23-year-old", "aged 21"), not any number
        re.compile(r"\bhow old\b|\bwhat age\b|\bwhat is (his|her|their) age\b"),
        # "Minimum age: 18" in a table row, too
        re.compile(r"\b\d{1,3}[- ]years?[- ]old\b|\baged?:? \d{1,3}\b|\bage of \d{1,3}\b"),
        frozenset(["old", "age"]),
    ),
    _Kind(
        re.compile(r"\bhow (long|far|old|tall|high|big|wide|deep|heavy|fast|quickly|soon|often)\b"),
        _MEASURE,
        frozenset(
            [
                "long",
                "far",
                "old",
                "tall",
                "high",
                "big",
                "wide",
                "deep",
                "heavy",
                "fast",
                "quickly",
                "soon",
                "often",
            ]
        ),
        required=False,
    ),
)


def kind_words(question: str, passage: Passage) -> set[str]:
    """The question words a passage covers by showing the kind asked ("price": "£5")."""
    folded, raw = fold(question), passage.text.lower()
    return {w for k in _KINDS if k.in_question(folded) and k.shown.search(raw) for w in k.words}


def holds_asked_kind(question: str, passage: Passage) -> bool:
    """A number for "how many", a date for "when", a price for "how much is it": the passage
    holds what is asked, or the question asks for no particular kind."""
    folded, said, raw = fold(question), fold(passage.text), passage.text.lower()
    if _NUMBER_QUESTION.search(folded) and not _NUMBER.search(said):
        return False
    if re.search(r"\bhow many\b", folded) and not _CARDINAL.search(said):
        return False  # "how many work days?": not "the first Sunday of each month"
    if _WHICH_PEOPLE.search(folded) and not _NAMED.search(passage.text):
        return False  # "which riders came down?": not a sentence that names no one
    if _DATE_QUESTION.search(folded) and not (_DATE.search(said) or _DATE.search(raw)):
        return False
    if any(k.required and k.in_question(folded) and not k.shown.search(raw) for k in _KINDS):
        return False
    return counts(folded, raw)


def shows_kind(question: str, passage: Passage) -> bool:
    """The question asks for a kind of thing (a price, a time, a phone number) the passage shows."""
    folded, raw = fold(question), passage.text.lower()
    return any(k.asks and k.in_question(folded) and k.shown.search(raw) for k in _KINDS)


# Numbers that name rather than count: a phone number, a clock time, a price.
_NOT_A_COUNT = re.compile(
    r"(?<![\d-])\+?\(?\d[\d ()-]{6,}\d(?![\d-])|\b\d{1,2}[:.]\d\d\b|[£$€] ?\d[\d,.]*"
)


def counts(question: str, said: str) -> bool:
    """ "How many computers": a number that counts, unless it is only a measure ("two
    hours") or names something (a phone number, a time, a price), or the question counts
    a measure itself ("how many laps"). `said` is the passage's text, lower-cased."""
    m = _HOW_MANY.search(question)
    if m is None or _MEASURE.search(m.group(0).replace("how many ", "1 ")):
        return True
    said = _NOT_A_COUNT.sub(" ", said)
    return len(_NUMBER.findall(said)) > len(_MEASURE.findall(said))


def asks_yes_no(question: str) -> bool:
    """ "Did ...?", "Is ...?": the question's first word is an auxiliary."""
    words = fold(question).split()
    # "is there a women's ride and when?" asks when
    return bool(words) and words[0] in _YES_NO_START and not _AND_ASKS.search(" ".join(words))


_AND_ASKS = re.compile(r"\b(and|or) (when|where|what|who|which|how)\b")
