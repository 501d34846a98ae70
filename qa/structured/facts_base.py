"""The facts, indexed by kind, with the filters the structured answers need."""

from __future__ import annotations

import threading
from collections.abc import Callable, Hashable, Iterable, Sequence
from typing import TypeVar

from ..corpus.lexicon import Lexicon
from ..types import Fact

T = TypeVar("T")


class FactBase:
    """Facts grouped by kind, plus the riders they name and each rider's country."""

    def __init__(self, facts: Sequence[Fact], lexicon: Lexicon):
        self.facts = tuple(facts)
        self.lexicon = lexicon
        self.by_kind: dict[str, list[Fact]] = {}
        for fact in facts:
            self.by_kind.setdefault(fact.kind, []).append(fact)
        self.rider_country: dict[str, str] = {}
        for fact in self.kind("result"):
            country = fact.fields.get("country")
            for rider in _riders(fact) if country else ():  # a nation may go unsaid
                self.rider_country.setdefault(rider, str(country))
        for fact in self.kind("nationality"):
            self.rider_country[str(fact.fields["rider"])] = str(fact.fields["country"])
        self._memo: dict[Hashable, object] = {}
        self._memo_lock = threading.Lock()

    def memo(self, key: Hashable, compute: Callable[[], T]) -> T:
        """`compute()` once per key for these facts (word sets the answerers match against)."""
        with self._memo_lock:
            if key in self._memo:
                return self._memo[key]  # type: ignore[return-value]
        value = compute()
        with self._memo_lock:
            if len(self._memo) > 10_000:
                self._memo.clear()
            self._memo[key] = value
        return value

    @property
    def read_spans(self) -> frozenset[tuple[str, int]]:
        """(doc, start) of each sentence a result, record, tally or remark was read from;
        a nationality read in passing leaves the rest of its sentence unread."""
        return self.memo(
            "read_spans",
            lambda: frozenset(
                (c.doc, c.start) for f in self.facts if f.kind != "nationality" for c in f.citations
            ),
        )

    def kind(self, kind: str) -> list[Fact]:
        return self.by_kind.get(kind, [])

    @property
    def riders(self) -> set[str]:
        """Every person a fact names."""
        names = set(self.rider_country)
        for fact in self.facts:
            for key in ("rider", "subject"):
                value = fact.fields.get(key)
                if isinstance(value, str) and value not in self.lexicon.countries:
                    names.add(value)
        return names

    def results(
        self,
        events: Iterable[str] = (),
        genders: Iterable[str] = (),
        medals: Iterable[str] = (),
        countries: Iterable[str] = (),
        riders: Iterable[str] = (),
        track_only: bool = False,
    ) -> list[Fact]:
        """Result facts matching every filter given (an empty filter matches all)."""
        events, genders, medals = set(events), set(genders), set(medals)
        countries, riders = set(countries), set(riders)
        out = []
        for fact in self.kind("result"):
            f = fact.fields
            if events and f["event"] not in events:
                continue
            if genders and f["gender"] not in genders:
                continue
            if medals and f["medal"] not in medals:
                continue
            if countries and f.get("country") not in countries:
                continue
            if riders and not riders & set(_riders(fact)):
                continue
            if track_only and f.get("discipline", "track") != "track":
                continue
            out.append(fact)
        return out

    def matching(self, kind: str, **wanted: Iterable[str]) -> list[Fact]:
        """Facts of `kind` whose fields take one of the wanted values (empty: any)."""
        out = []
        for fact in self.kind(kind):
            ok = True
            for name, values in wanted.items():
                allowed = set(values)
                if allowed and fact.fields.get(name) not in allowed:
                    ok = False
                    break
            if ok:
                out.append(fact)
        return out


def _riders(fact: Fact) -> list[str]:
    value = fact.fields.get("riders") or []
    return [str(r) for r in value] if isinstance(value, list) else []


def riders_of(fact: Fact) -> list[str]:
    """The riders a result fact names."""
    return _riders(fact)
