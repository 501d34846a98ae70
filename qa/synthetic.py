"""A deterministic synthetic corpus of about N passages, for benchmarks at scale.

Varied English sentences about clubs, races, venues, libraries and weather, with names,
places and numbers, so that embeddings, BM25 and fact derivation see realistic text.
The same N always writes the same files (a fixed seed), so runs can be compared.
"""

from __future__ import annotations

import random
from pathlib import Path

SENTENCES_PER_DOCUMENT = 100
SEED = 20240811

_FIRST = [
    "Ada",
    "Ben",
    "Chloe",
    "Dario",
    "Elin",
    "Farid",
    "Greta",
    "Hugo",
    "Ines",
    "Jonas",
    "Kaia",
    "Luca",
    "Maren",
    "Nils",
    "Olga",
    "Pavel",
    "Quinn",
    "Rosa",
    "Sami",
    "Tove",
    "Ugo",
    "Vera",
    "Wim",
    "Xenia",
    "Yusuf",
    "Zofia",
    "Amara",
    "Bruno",
    "Celia",
    "Dmitri",
]
_LAST = [
    "Achterberg",
    "Bianchi",
    "Carvalho",
    "Dubois",
    "Eriksen",
    "Fontaine",
    "Garcia",
    "Hansen",
    "Ivanova",
    "Jensen",
    "Kowalski",
    "Lindqvist",
    "Moreau",
    "Novak",
    "Okafor",
    "Petrov",
    "Quist",
    "Rossi",
    "Schmidt",
    "Tanaka",
    "Urquhart",
    "Varga",
    "Weber",
    "Yilmaz",
    "Zeller",
    "Abebe",
    "Brennan",
    "Castillo",
    "Dahl",
    "Engel",
]
_TOWNS = [
    "Arden",
    "Brackley",
    "Calder",
    "Dunmore",
    "Elmsworth",
    "Fairhaven",
    "Glenrock",
    "Harwick",
    "Ivybridge",
    "Jarrow",
    "Kestrel",
    "Lowmoor",
    "Marston",
    "Northcote",
    "Oakhurst",
    "Pendle",
    "Quarrington",
    "Redcliff",
    "Stanmore",
    "Thornby",
    "Upwell",
    "Valeham",
    "Westerby",
    "Yarrow",
]
_THINGS = [
    "locker",
    "kettle",
    "bicycle",
    "helmet",
    "saddle",
    "wheelset",
    "timetable",
    "newsletter",
    "trophy",
    "jersey",
    "map",
    "ledger",
    "lantern",
    "bench",
    "ramp",
    "gate",
    "badge",
    "whistle",
    "stopwatch",
    "tandem",
    "trailer",
    "pump",
    "toolbox",
]
_EVENTS = [
    "sprint",
    "keirin",
    "omnium",
    "madison",
    "pursuit",
    "scratch",
    "race",
    "time",
    "trial",
    "points",
    "race\nelimination",
    "hill",
    "climb",
    "criterium",
]
_ADJECTIVES = [
    "windy",
    "quiet",
    "crowded",
    "muddy",
    "bright",
    "early",
    "late",
    "steady",
    "fast",
    "slow",
    "tense",
    "cheerful",
    "cold",
    "warm",
    "damp",
    "famous",
    "modest",
    "narrow",
    "wide",
]
_TEMPLATES = (
    "{name} of {town} won the {event} at the {town2} meeting in {year}.",
    "The {town} club opens its {thing} store at {hour}:00 on {day}s.",
    "Members may borrow a {thing} for {n} days; late returns cost {price} pence a day.",
    "{name} finished {ordinal} in the {event}, {n} seconds behind {name2}.",
    "The {adjective} weather in {town} delayed the {event} by {n} minutes.",
    "A new {thing} was fitted at the {town} velodrome after {name} raised the matter.",
    "{name} has coached riders in {town} since {year} and still rides the {event}.",
    "The {town} library lends {n} maps of the {town2} hills to registered readers.",
    "On a {adjective} evening {n} spectators watched the {event} final in {town}.",
    "Entry to the {town} {event} costs {price} pence for juniors and twice that for adults.",
    "{name} set a course record of {n} minutes on the {town} to {town2} loop in {year}.",
    "The committee in {town} voted {n} to {n2} to replace the old {thing}.",
)
_DAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
_ORDINALS = [
    "first",
    "second",
    "third",
    "fourth",
    "fifth",
    "sixth",
    "seventh",
    "eighth",
    "ninth",
    "tenth",
]


def write_synthetic_corpus(directory: Path, passages: int) -> int:
    """Write documents with `passages` sentences in all into `directory`; returns how many.

    One `.txt` document per SENTENCES_PER_DOCUMENT sentences, in paragraphs of five.
    """
    rng = random.Random(SEED)
    directory.mkdir(parents=True, exist_ok=True)
    written = 0
    number = 0
    while written < passages:
        count = min(SENTENCES_PER_DOCUMENT, passages - written)
        sentences = [_sentence(rng) for _ in range(count)]
        paragraphs = [" ".join(sentences[i : i + 5]) for i in range(0, count, 5)]
        path = directory / f"synthetic-{number:05d}.txt"
        path.write_text("\n\n".join(paragraphs) + "\n", encoding="utf-8")
        written += count
        number += 1
    return written


def synthetic_document(index: int) -> str:
    """One more document (for add-one-document rebuilds), different for each `index`."""
    rng = random.Random(SEED + 1 + index)
    sentences = [_sentence(rng) for _ in range(SENTENCES_PER_DOCUMENT)]
    return "\n\n".join(" ".join(sentences[i : i + 5]) for i in range(0, len(sentences), 5)) + "\n"


def synthetic_questions(count: int) -> list[str]:
    """Questions in the corpus' vocabulary (answerable or not), deterministic."""
    rng = random.Random(SEED - 1)
    shapes = (
        "Who won the {event} at the {town} meeting?",
        "When does the {town} club open its {thing} store?",
        "How much does it cost to borrow a {thing} late?",
        "What delayed the {event} in {town}?",
        "Who coaches riders in {town}?",
        "How many spectators watched the {event} final in {town}?",
    )
    return [rng.choice(shapes).format(**_slots(rng)) for _ in range(count)]


def _sentence(rng: random.Random) -> str:
    return rng.choice(_TEMPLATES).format(**_slots(rng))


def _slots(rng: random.Random) -> dict[str, object]:
    return {
        "name": f"{rng.choice(_FIRST)} {rng.choice(_LAST)}",
        "name2": f"{rng.choice(_FIRST)} {rng.choice(_LAST)}",
        "town": rng.choice(_TOWNS),
        "town2": rng.choice(_TOWNS),
        "thing": rng.choice(_THINGS),
        "event": rng.choice(_EVENTS),
        "adjective": rng.choice(_ADJECTIVES),
        "year": rng.randint(1950, 2024),
        "hour": rng.randint(6, 20),
        "day": rng.choice(_DAYS),
        "n": rng.randint(2, 999),
        "n2": rng.randint(2, 99),
        "price": rng.randint(5, 500),
        "ordinal": rng.choice(_ORDINALS),
    }
