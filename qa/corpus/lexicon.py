"""The vocabulary of `corpus/lexicon.yaml`: country, event, gender and medal aliases and intent words."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from ..errors import FactsInvalid

LEXICON_FILE = "lexicon.yaml"


@dataclass(frozen=True)
class Country:
    name: str
    adjective: str
    aliases: tuple[str, ...]
    the: bool = False

    @property
    def names(self) -> tuple[str, ...]:
        """Every way the lexicon names the country: its name, adjective and aliases."""
        return (self.name, self.adjective, *self.aliases)

    def display(self, capital: bool = False) -> str:
        """ "the Netherlands" / "The Netherlands" / "France"."""
        if not self.the:
            return self.name
        return f"{'The' if capital else 'the'} {self.name}"


@dataclass(frozen=True)
class Event:
    name: str
    aliases: tuple[str, ...]
    team: bool = False
    discipline: str = "track"
    label: str = ""

    @property
    def display(self) -> str:
        return self.label or self.name


@dataclass(frozen=True)
class Family:
    """A group of events named together ("the sprint events")."""

    name: str
    members: tuple[str, ...]
    aliases: tuple[str, ...]


@dataclass(frozen=True)
class Lexicon:
    countries: dict[str, Country] = field(default_factory=dict)
    events: dict[str, Event] = field(default_factory=dict)
    families: dict[str, Family] = field(default_factory=dict)
    genders: dict[str, tuple[str, ...]] = field(default_factory=dict)
    medals: dict[str, tuple[str, ...]] = field(default_factory=dict)
    intents: dict[str, tuple[str, ...]] = field(default_factory=dict)
    neutral: tuple[str, ...] = ()
    home_names: tuple[str, ...] = ()  # words naming the corpus's own competition ("Paris")
    question_tags: tuple[str, ...] = ()
    any_medal: tuple[str, ...] = ()
    references: tuple[str, ...] = ()
    other_games: tuple[str, ...] = ()
    targets: dict[str, tuple[str, ...]] = field(default_factory=dict)

    def country(self, name: str) -> Country:
        return self.countries.get(name) or Country(name, name, ())

    def event(self, name: str) -> Event:
        return self.events.get(name) or Event(name, ())


def lexicon_path(corpus_dir: Path) -> Path:
    return corpus_dir / LEXICON_FILE


def load_lexicon(corpus_dir: Path) -> Lexicon:
    """The corpus lexicon; an empty one when the file does not exist."""
    return lexicon_from_data(read_lexicon_data(corpus_dir), lexicon_path(corpus_dir))


def read_lexicon_data(corpus_dir: Path) -> dict[str, Any]:
    """The lexicon file's raw mapping ({} when there is none), checked to be a mapping."""
    path = lexicon_path(corpus_dir)
    if not path.exists():
        return {}
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except UnicodeDecodeError as e:
        raise FactsInvalid(
            f"{path} is not valid UTF-8 (byte {e.start}); re-save it as UTF-8 text"
        ) from e
    except yaml.YAMLError as e:
        raise FactsInvalid(
            f"{path} is not valid YAML ({yaml_problem(e)}); fix it and run `qa build` again"
        ) from e
    if not isinstance(data, dict):
        raise FactsInvalid(
            f"{path} holds a {type(data).__name__}, not a mapping; it must map `countries:`, "
            "`events:`, `genders:`, `medals:` and `intents:` to their entries (see the "
            "repository's corpus/lexicon.yaml)"
        )
    lexicon_from_data(data, path)  # validate its shape now
    return data


def yaml_problem(error: yaml.YAMLError) -> str:
    """A YAML error on one line: "line 3, column 5: expected ..." (PyYAML's own text spans
    several lines, with a caret under the file's text; the CLI prints one line)."""
    if isinstance(error, yaml.reader.ReaderError):  # a character YAML does not allow
        return f"character {error.position + 1}: {error.reason} {chr(error.character)!r}"
    problem = getattr(error, "problem", None) or getattr(error, "context", None)
    mark = getattr(error, "problem_mark", None) or getattr(error, "context_mark", None)
    text = " ".join(str(problem or error).split())
    if mark is None:
        return text
    return f"line {mark.line + 1}, column {mark.column + 1}: {text}"


def lexicon_from_data(data: dict[str, Any], source: Path | str = LEXICON_FILE) -> Lexicon:
    """A Lexicon from the file's raw mapping; raises FactsInvalid naming `source`."""
    path = source
    try:
        return _parse(data)
    except (TypeError, AttributeError, ValueError) as e:
        raise FactsInvalid(
            f"{path} has an entry of the wrong shape ({e}); compare it with the others"
        ) from e


def _parse(data: dict[str, Any]) -> Lexicon:
    countries = {
        name: Country(
            name=name,
            adjective=str((info or {}).get("adjective", name)),
            aliases=_strs((info or {}).get("aliases")),
            the=bool((info or {}).get("the", False)),
        )
        for name, info in (data.get("countries") or {}).items()
    }
    events = {
        name: Event(
            name=name,
            aliases=_strs((info or {}).get("aliases")),
            team=bool((info or {}).get("team", False)),
            discipline=str((info or {}).get("discipline", "track")),
            label=str((info or {}).get("label", "")),
        )
        for name, info in (data.get("events") or {}).items()
    }
    families = {
        name: Family(
            name=name,
            members=_strs((info or {}).get("members")),
            aliases=(name, *_strs((info or {}).get("aliases"))),
        )
        for name, info in (data.get("families") or {}).items()
    }
    for family in families.values():
        unknown = [m for m in family.members if m not in events]
        if unknown:
            raise ValueError(f"family {family.name!r} names unknown event(s) {unknown}")
    return Lexicon(
        countries=countries,
        events=events,
        families=families,
        genders={k: _strs(v) for k, v in (data.get("genders") or {}).items()},
        medals={k: _strs(v) for k, v in (data.get("medals") or {}).items()},
        intents={k: _strs(v) for k, v in (data.get("intents") or {}).items()},
        neutral=_strs(data.get("neutral")),
        home_names=_strs(data.get("home_names")),
        question_tags=_strs(data.get("question_tags")),
        any_medal=_strs(data.get("any_medal")),
        references=_strs(data.get("references")),
        other_games=_strs(data.get("other_games")),
        targets={k: _strs(v) for k, v in (data.get("targets") or {}).items()},
    )


def _strs(value: Any) -> tuple[str, ...]:
    if value is None:
        return ()
    if not isinstance(value, list):
        raise ValueError(f"expected a list, got {value!r}")
    if any(isinstance(v, bool) for v in value):
        # YAML reads an unquoted yes, no, true, false, on or off as a truth value
        raise ValueError(
            f"{value!r} holds a yes/no value where a word belongs; quote words such as "
            '"yes", "no", "true", "false", "on" and "off"'
        )
    return tuple(str(v) for v in value)
