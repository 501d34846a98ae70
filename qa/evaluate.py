"""Score ask() on a JSONL question set (format: ../shared/eval/README.md)."""

from __future__ import annotations

import json
import time
import unicodedata
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .corpus.text import fold_quotes
from .errors import QAError
from .types import Answer


@dataclass(frozen=True)
class RowResult:
    id: str
    passed: bool
    reason: str
    seconds: float
    answer: Answer | None
    answerable: bool = True
    label: str = ""  # the row's `class`, when the set gives one

    @property
    def method(self) -> str:
        """How it was answered: structured, retrieval, none (abstained) or error."""
        return self.answer.method if self.answer is not None else "error"

    @property
    def outcome(self) -> str:
        """passed, wrong answer (answered and wrong: the worst), wrong abstention, or error."""
        if self.passed:
            return "passed"
        if self.answer is None:
            return "error"
        return "wrong abstention" if self.answer.method == "none" else "wrong answer"


@dataclass(frozen=True)
class EvalReport:
    rows: list[RowResult]

    @property
    def passed(self) -> int:
        return sum(r.passed for r in self.rows)

    @property
    def failed(self) -> int:
        return len(self.rows) - self.passed

    @property
    def wrong_answers(self) -> int:
        return sum(r.outcome == "wrong answer" for r in self.rows)

    def latency(self, q: float, method: str | None = None) -> float:
        """The q-quantile of answer time in seconds, over rows answered by `method` if given."""
        times = sorted(r.seconds for r in self.rows if method is None or r.method == method)
        if not times:
            return 0.0
        return times[min(len(times) - 1, int(round(q * (len(times) - 1))))]


def normalize(text: str) -> str:
    """Case-insensitive, accents removed, curly and straight quotes alike."""
    decomposed = unicodedata.normalize("NFKD", fold_quotes(text))
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch)).lower()


def read_rows(path: Path) -> list[dict[str, Any]]:
    rows = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if line.strip():
            try:
                rows.append(json.loads(line))
            except json.JSONDecodeError as e:
                raise QAError(f"{path}:{number} is not valid JSON ({e.msg})") from e
    return rows


def judge(row: dict[str, Any], answer: Answer, corpus_text: Callable[[str], str]) -> str:
    """'' when the row passes, else the reason it fails."""
    if not row.get("answerable", True):
        return "" if answer.method == "none" else f"should abstain, answered ({answer.method})"
    if answer.method == "none":
        return "abstained on an answerable question"
    reply = normalize(answer.text)
    for group in row.get("expect", []) or []:
        if not any(normalize(alt) in reply for alt in group):
            return f"reply lacks one of {group}"
    for c in answer.citations:
        if corpus_text(c.doc)[c.start : c.end] != c.text:
            return f"citation {c.doc}:{c.start}-{c.end} does not point at its text"
    for quote in row.get("cite", []) or []:
        if not any(normalize(str(quote)) in normalize(c.text) for c in answer.citations):
            return f"no citation contains {quote!r}"
    return ""


def evaluate(
    rows: Iterable[dict[str, Any]], ask: Callable[..., Answer], corpus_dir: Path
) -> EvalReport:
    texts: dict[str, str] = {}

    def corpus_text(doc: str) -> str:
        if doc not in texts:
            texts[doc] = (corpus_dir / doc).read_text(encoding="utf-8")
        return texts[doc]

    results = []
    for row in rows:
        start = time.perf_counter()
        try:
            answered: Answer = ask(str(row["question"]), list(row.get("history", []) or []))
            answer: Answer | None = answered
            reason = judge(row, answered, corpus_text)
        except QAError as e:
            answer, reason = None, f"error: {e}"
        results.append(
            RowResult(
                str(row.get("id", "?")),
                not reason,
                reason,
                time.perf_counter() - start,
                answer,
                answerable=bool(row.get("answerable", True)),
                label=str(row.get("class", "")),
            )
        )
    return EvalReport(results)


def breakdown(report: EvalReport, by: Callable[[RowResult], str]) -> dict[str, Counter[str]]:
    """Outcome counts per group: {group: Counter(passed=.., wrong answer=.., ...)}."""
    table: dict[str, Counter[str]] = {}
    for row in report.rows:
        table.setdefault(by(row), Counter())[row.outcome] += 1
    return dict(sorted(table.items()))
