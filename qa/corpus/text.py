"""Text folding shared by matching code: case, accents, quotes and apostrophes."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from functools import lru_cache

from rapidfuzz.distance import DamerauLevenshtein

_APOSTROPHES = re.compile(r"[’‘'`´]")
_NON_WORD = re.compile(r"[^a-z0-9./+-]+")


def fold(text: str) -> str:
    """Lower-case, strip accents, drop apostrophes ("Women’s" -> "womens"), collapse spaces."""
    decomposed = unicodedata.normalize("NFKD", text)
    plain = "".join(ch for ch in decomposed if not unicodedata.combining(ch)).lower()
    plain = _APOSTROPHES.sub("", plain)
    plain = _NON_WORD.sub(" ", plain)
    return " ".join(tok.strip(".-/+") or tok for tok in plain.split() if tok.strip(".-/+"))


def tokens(text: str) -> list[str]:
    """The folded words of `text`."""
    return fold(text).split()


def fold_quotes(text: str) -> str:
    """Unify curly and straight quotes, keeping everything else (for verbatim comparisons)."""
    return text.replace("’", "'").replace("‘", "'").replace("“", '"').replace("”", '"')


# Number words and their values: "three golds", "more than one".
NUMBER_WORDS = {
    w: n
    for n, w in enumerate("zero one two three four five six seven eight nine ten".split())  # noqa: SIM905
}

# Zipf frequency (log10 per billion words) from which a word counts as everyday English.
DICTIONARY_ZIPF = 3.0


@lru_cache(maxsize=4096)
def zipf(word: str) -> float:
    """How common `word` is in English: 7 for "the", 3 for a word seen once a million words."""
    from wordfreq import zipf_frequency

    return float(zipf_frequency(word, "en"))


def slips_of(word: str, candidates: Iterable[str]) -> list[str]:
    """The candidates `word` is one slip of the finger from (a letter wrong, missing, added,
    or two swapped), in their order; a slip keeps the first letter."""
    return [
        c
        for c in candidates
        if c[:1] == word[:1]
        and abs(len(c) - len(word)) <= 1
        and DamerauLevenshtein.distance(word, c) == 1
    ]


def two_slips(word: str, candidate: str) -> bool:
    """`word` is two slips of the finger from `candidate`, keeping its first letter
    ("brakeaway" for "breakaway")."""
    return (
        candidate[:1] == word[:1]
        and abs(len(candidate) - len(word)) <= 2
        and DamerauLevenshtein.distance(word, candidate) == 2
    )


def is_dictionary_word(word: str) -> bool:
    """An everyday English word ("old", "trains"), as opposed to a name or a typo ("keirn")."""
    return zipf(word) >= DICTIONARY_ZIPF


@lru_cache(maxsize=16384)
def stem(word: str) -> str:
    """The Snowball stem ("opened" -> "open", "coaches" -> "coach"); a plural in "-ses" whose
    singular is a word ("buses": "bus") stems as that singular, which Snowball misses."""
    singular = word[:-2]
    if (
        word.endswith("ses")
        and len(word) > 4
        and not is_dictionary_word(word[:-1])
        and is_dictionary_word(singular)
    ):
        return str(_stemmer().stemWord(singular))
    return str(_stemmer().stemWord(word))


@lru_cache(maxsize=1)
def _stemmer():  # type: ignore[no-untyped-def]
    import snowballstemmer

    return snowballstemmer.stemmer("english")


TITLE_MAX_WORDS = 6


def is_title_line(text: str) -> bool:
    """A title line of a plain-text document ("Men's sprint events", "Keirin"): one short
    line with no closing punctuation. It heads what follows; it says nothing itself."""
    line = text.strip().lstrip("#").strip()
    return (
        bool(line)
        and "\n" not in line
        and len(line.split()) <= TITLE_MAX_WORDS
        and line[-1] not in ".!?;:,)"
    )
