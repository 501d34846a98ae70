"""Render a fact record into one self-contained English sentence."""

from __future__ import annotations

from typing import Any

from .lexicon import Lexicon


def join_names(names: list[str]) -> str:
    """ "A", "A and B", "A, B and C"."""
    if len(names) <= 1:
        return "".join(names)
    return f"{', '.join(names[:-1])} and {names[-1]}"


HOME_SCOPE = "Paris 2024"  # a tally's scope in the facts file: the corpus's own Games
ALL_MEDALS = "all"  # a tally's medal when it counts every medal: "seven medals"


def event_phrase(lexicon: Lexicon, event: str, gender: str | None) -> str:
    """ "the men's Madison", "the women's road race", "the keirin"."""
    label = lexicon.event(event).display
    return f"the {gender}'s {label}" if gender else f"the {label}"


def render_fact(kind: str, f: dict[str, Any], lexicon: Lexicon) -> str:
    """The fact as a sentence that reads on its own, e.g.
    "Portugal's Iuri Leitao and Rui Oliveira won gold in the men's Madison.", followed by
    the occasion it reports when that is not the corpus's own ("(2025 Nations Cup)").
    """
    sentence = _render_kind(kind, f, lexicon)
    occasion = f.get("occasion")
    if not occasion or occasion in sentence:  # a tally's scope may name it already
        return sentence
    return f"{sentence.rstrip('.')} ({occasion})."


def _render_kind(kind: str, f: dict[str, Any], lexicon: Lexicon) -> str:
    if kind == "result":
        riders = list(f.get("riders") or [])
        where = event_phrase(lexicon, f["event"], f.get("gender"))
        if not f.get("country"):  # a rider whose nation the document does not give
            return f"{join_names(riders)} won {f['medal']} in {where}."
        country = lexicon.country(f["country"])
        if riders:
            return f"{join_names(riders)} of {country.display()} won {f['medal']} in {where}."
        return f"{country.display(capital=True)} won {f['medal']} in {where}."
    if kind == "defeat":
        winner = lexicon.country(f["winner"]).display(capital=True)
        loser = lexicon.country(f["loser"]).display()
        where = event_phrase(lexicon, f["event"], f.get("gender"))
        stage = " final" if f.get("round") == "final" else ""
        return f"{winner} beat {loser} in {where}{stage}."
    if kind == "record":
        holder = lexicon.country(f["holder"]).display(capital=True)
        riders = list(f.get("riders") or [])
        nation = lexicon.country(f["holder"]).display()
        who = f"{join_names(riders)} of {nation}" if riders else holder
        mark = f" of {f['mark']}" if f.get("mark") else ""
        where = event_phrase(lexicon, f["event"], f.get("gender"))
        return f"{who} set a {f['record']}{mark} in {where}."
    if kind == "tally":
        count, medal = f["count"], f["medal"]
        noun = "medal" if count == 1 else "medals"
        colour = "" if medal == ALL_MEDALS else f"{medal} "
        return f"{f['subject']} won {count} {colour}{noun} ({f['scope']})."
    if kind == "first":
        return f"{f['subject']} achieved the first {f['achievement']}."
    if kind == "earlier_result":
        where = f" in {event_phrase(lexicon, f['event'], None)}" if f.get("event") else ""
        return f"{f['rider']} finished {f['position']}{where} at the {f['games']} Olympics."
    if kind == "nationality":
        country = lexicon.country(f["country"])
        return f"{f['rider']} is {_article(country.adjective)} {country.adjective} rider, representing {country.display()}."
    raise ValueError(f"no template for fact kind {kind!r}")


def _article(word: str) -> str:
    return "an" if word[:1].lower() in "aeiou" else "a"
