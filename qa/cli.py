"""`qa`: build the index and query it from the command line.

A thin layer: parse, call the library, format. Each subcommand imports its code only when
it runs, so `qa --help` is instant. Exit status: 0 ok, 1 `build --check` found the index
stale, 2 a user error (one `error: ...` line on stderr), 130 interrupted.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .evaluate import EvalReport

EXIT_OK = 0
EXIT_STALE = 1
EXIT_ERROR = 2
EXIT_INTERRUPTED = 130


@dataclass(frozen=True)
class Command:
    help: str
    add_arguments: Callable[[argparse.ArgumentParser], None]
    run: Callable[[argparse.Namespace], int]
    interrupted: str = "interrupted"


# --- build ---------------------------------------------------------------------------


def _build_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--json", action="store_true", help="print the report as one JSON object")
    parser.add_argument(
        "--check",
        action="store_true",
        help="build nothing; exit 0 if the index matches the corpus, 1 if not",
    )
    parser.add_argument("--quiet", "-q", action="store_true", help="print nothing on success")
    parser.add_argument(
        "--store",
        choices=("faiss", "milvus"),
        help="where the vectors go (default: $QA_VECTOR_STORE, else faiss, inside the index)",
    )
    parser.add_argument(
        "--milvus-uri",
        metavar="URI",
        help="a Milvus Lite .db file or a server URL such as http://host:19530 "
        "(default: $QA_MILVUS_URI, else milvus.db in the index directory)",
    )


def _build(args: argparse.Namespace) -> int:
    from .build import build_index, check_index

    if args.check:
        reasons = check_index(args.corpus, args.index)
        if args.json:
            print(json.dumps({"ok": not reasons, "reasons": reasons}))
        elif reasons:
            print("the index is out of date; run `qa build`:", file=sys.stderr)
            for reason in reasons:
                print(f"  - {reason}", file=sys.stderr)
        elif not args.quiet:
            print("the index is up to date")
        return EXIT_STALE if reasons else EXIT_OK

    report = build_index(
        args.corpus,
        args.index,
        progress=not (args.quiet or args.json),
        store=args.store,
        milvus_uri=args.milvus_uri,
    )
    if not args.json:
        for warning in report.warnings:  # sources disagree: worth an editor's look, not a failure
            print(f"warning: {warning}", file=sys.stderr)
    if args.json:
        print(json.dumps(report.to_dict()))
    elif not args.quiet and not report.published:
        print(
            f"the index already matches the corpus ({report.passages} passages); "
            f"nothing new published -> {report.index_dir}"
        )
    elif not args.quiet:
        sources = report.passages - report.facts
        print(
            f"indexed {report.passages} passages ({sources} sentences from "
            f"{report.documents} document{'s' if report.documents != 1 else ''}, "
            f"{report.facts} facts, {report.derived} of them derived): "
            f"{report.embedded} embedded, {report.reused} reused, "
            f"in {report.seconds:.1f}s -> {report.index_dir}"
            + (
                f" (vectors in Milvus: {report.upserted} upserted)"
                if report.store == "milvus"
                else ""
            )
        )
    return EXIT_OK


# --- retrieve ------------------------------------------------------------------------


def _retrieve_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("question", help="the question, in quotes")
    parser.add_argument("-k", type=_positive_int, default=5, help="number of hits (default 5)")
    parser.add_argument("--json", action="store_true", help="print the hits as JSON")


def _retrieve(args: argparse.Namespace) -> int:
    from .retrieval import retrieve

    hits = retrieve(args.question, args.k, index_dir=args.index)
    if args.json:
        print(
            json.dumps(
                {"question": args.question, "hits": [h.to_dict() for h in hits]}, ensure_ascii=False
            )
        )
        return EXIT_OK
    if not hits:
        print("no passages in the index")
    for rank, hit in enumerate(hits, start=1):
        label = f"fact {hit.fact_id}" if hit.kind == "fact" else "source"
        print(f"{rank}. [{hit.score:.3f}] ({label}) {hit.text}")
        for c in hit.citations or (hit.citation,):
            where = f"{c.doc}:{c.start}-{c.end}"
            print(f"   {where}" if c.text == hit.text else f"   {where}  {c.text}")
    return EXIT_OK


# --- ask -----------------------------------------------------------------------------


def _ask_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("question", help="the question, in quotes")
    parser.add_argument(
        "--history",
        action="append",
        default=[],
        metavar="QUESTION",
        help="an earlier question of the same chat (repeat, oldest first)",
    )
    parser.add_argument("--json", action="store_true", help="print the answer as JSON")


def _ask(args: argparse.Namespace) -> int:
    from .answering import ask

    answer = ask(args.question, args.history, index_dir=args.index)
    if args.json:
        print(json.dumps(answer.to_dict(), ensure_ascii=False))
    else:
        print(answer.text)
    return EXIT_OK


# --- facts ---------------------------------------------------------------------------


def _facts_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "documents",
        nargs="*",
        metavar="DOC",
        help="documents to show (default: all), as in corpus/",
    )
    parser.add_argument(
        "--write",
        metavar="FILE",
        help="write the new and contradicting facts in the facts-file format, for review",
    )
    parser.add_argument("--json", action="store_true", help="print the facts as JSON lines")


def _facts(args: argparse.Namespace) -> int:
    from pathlib import Path

    from . import config
    from .corpus.facts import fact_to_dict, facts_file_text
    from .corpus.merge import review_corpus
    from .errors import QAError

    reviews = review_corpus(config.corpus_dir(args.corpus), args.documents)
    for r in reviews:
        if args.json:
            record = {"status": r.status, "other": r.other.id if r.other else None}
            print(json.dumps({**record, **fact_to_dict(r.fact)}, ensure_ascii=False))
            continue
        against = f" {r.other.id}" if r.other else ""
        print(f"{r.status}{against}: {r.fact.sentence}")
        print(f"    {r.fact.doc}:{r.fact.citations[0].start}  “{r.fact.citations[0].text}”")
    if args.write:
        path = Path(args.write)
        if path.exists():
            raise QAError(f"{path} exists; pass a new file name (nothing was overwritten)")
        chosen = [r.fact for r in reviews if r.status != "corroborates"]
        path.write_text(facts_file_text(chosen), encoding="utf-8")
        print(f"wrote {len(chosen)} facts to {path}", file=sys.stderr)
    if not args.json:
        counts = {
            s: sum(r.status == s for r in reviews) for s in ("new", "corroborates", "contradicts")
        }
        print(", ".join(f"{n} {s}" for s, n in counts.items()), file=sys.stderr)
    return EXIT_OK


# --- eval ----------------------------------------------------------------------------


def _eval_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "files",
        nargs="+",
        metavar="FILE",
        help="question sets in JSON lines (shared/eval/README.md)",
    )
    parser.add_argument(
        "--by-class",
        action="store_true",
        help="break each set down by answer path and by the rows' `class`",
    )


def _eval(args: argparse.Namespace) -> int:
    from pathlib import Path

    from . import config
    from .answering import ask
    from .errors import QAError
    from .evaluate import evaluate, read_rows

    paths = [Path(f) for f in args.files]
    for path in paths:
        if not path.is_file():
            raise QAError(f"no question set at {path}; pass the path of a .jsonl file")

    def ask_here(question: str, history: list[str]) -> object:
        return ask(question, history, index_dir=args.index)

    failed = 0
    for path in paths:
        report = evaluate(read_rows(path), ask_here, config.corpus_dir(args.corpus))  # type: ignore[arg-type]
        if len(paths) > 1:
            print(f"== {path}")
        _print_report(report, args.by_class)
        failed += report.failed
    return EXIT_OK if failed == 0 else EXIT_STALE


def _print_report(report: EvalReport, by_class: bool) -> None:
    from .evaluate import breakdown

    for row in report.rows:
        if not row.passed:
            print(f"FAIL {row.id}: {row.reason}")
            if row.answer is not None:
                print(f"     answer ({row.answer.method}): {row.answer.text.splitlines()[0]}")
    if by_class:
        outcomes = ("passed", "wrong answer", "wrong abstention", "error")
        for title, by in (
            ("by path", lambda r: r.method),
            ("by class", lambda r: r.label or "-"),
        ):
            print(f"{title:<24}" + "".join(f"{o:>18}" for o in outcomes))
            for group, counts in breakdown(report, by).items():
                print(f"  {group:<22}" + "".join(f"{counts[o]:>18}" for o in outcomes))
    structured = report.latency(0.5, "structured") * 1000
    print(
        f"latency p50 {report.latency(0.5) * 1000:.1f} ms, p95 {report.latency(0.95) * 1000:.1f} ms;"
        f" structured p50 {structured:.2f} ms"
    )
    print(
        f"{report.passed} passed, {report.failed} failed"
        f" ({report.wrong_answers} wrong answer{'s' if report.wrong_answers != 1 else ''})"
    )


# --- serve ---------------------------------------------------------------------------


def _serve_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--host", default="127.0.0.1", help="address to bind (default 127.0.0.1)")
    parser.add_argument("--port", type=_positive_int, default=7860, help="port (default 7860)")


def _serve(args: argparse.Namespace) -> int:
    import os
    import runpy

    from . import config

    if args.corpus:
        os.environ[config.CORPUS_ENV] = str(config.corpus_dir(args.corpus))
    if args.index:
        os.environ[config.INDEX_ENV] = str(config.index_dir(args.index))
    app = config.REPO_ROOT / "app.py"
    sys.argv = [str(app), "--host", args.host, "--port", str(args.port)]
    runpy.run_path(str(app), run_name="__main__")
    return EXIT_OK


# --- bench -----------------------------------------------------------------------------


def _bench_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--passages",
        type=_positive_int,
        default=100_000,
        metavar="N",
        help="passages in the synthetic corpus (default: %(default)s)",
    )
    parser.add_argument(
        "--questions",
        metavar="FILE",
        action="append",
        help="JSON-lines question set(s) to time ask() with (default: the dev set and "
        "the blind sets about the article, tests/questions/blind-*.jsonl)",
    )
    parser.add_argument(
        "--repeat", type=_positive_int, default=3, help="runs of each timing (default: 3)"
    )
    parser.add_argument("--json", action="store_true", help="print one JSON object")


def _bench(args: argparse.Namespace) -> int:
    from . import config
    from .bench import run_bench

    files = [Path(f) for f in args.questions] if args.questions else _default_question_sets()
    questions = [q for path in files for q in _questions_of(path)]
    if not questions:
        print("error: no questions to time; pass --questions FILE", file=sys.stderr)
        return EXIT_ERROR
    report = run_bench(
        config.corpus_dir(args.corpus),
        questions,
        passages=args.passages,
        repeat=args.repeat,
        progress=(lambda _: None) if args.json else lambda m: print(f"… {m}", file=sys.stderr),
    )
    if args.json:
        print(json.dumps(report))
    else:
        print(_bench_table(report))
    return EXIT_OK


def _default_question_sets() -> list[Path]:
    from . import config

    dev = config.REPO_ROOT.parent / "shared" / "eval" / "dev.jsonl"
    blind = sorted((config.REPO_ROOT / "tests" / "questions").glob("blind-*.jsonl"))
    return ([dev] if dev.exists() else []) + blind


def _questions_of(path: Path) -> list[str]:
    from .errors import QAError
    from .evaluate import read_rows

    rows = read_rows(path)
    if not all(isinstance(r, dict) and isinstance(r.get("question"), str) for r in rows):
        raise QAError(f'{path} has a line without a "question" text; give one per line')
    return [r["question"] for r in rows]


def _bench_table(report: dict[str, object]) -> str:
    """The report as aligned `section  figure  value` lines, then the targets."""
    lines = []
    for section in ("machine", "encode", "ask", "build", "cold", "scale"):
        for name, value in report[section].items():  # type: ignore[attr-defined]
            if isinstance(value, dict):
                value = ", ".join(f"{k} {v}" for k, v in value.items())
            lines.append(f"{section:<8} {name:<34} {value}")
    lines.append("")
    for name, target in report["targets"].items():  # type: ignore[attr-defined]
        mark = "met" if target["met"] else "MISSED"
        lines.append(f"{mark:<6} {name}: {target['value']} (limit {target['limit']})")
    return "\n".join(lines)


# --- the command table ---------------------------------------------------------------
# To add a subcommand (ask, eval, serve): write `_<name>_arguments` and `_<name>` above,
# importing the library inside `_<name>` only, and add one entry here. Every subcommand
# gets --corpus and --index.

COMMANDS: dict[str, Command] = {
    "build": Command(
        "build (or check) the index of the corpus",
        _build_arguments,
        _build,
        interrupted="interrupted; the previous index is intact",
    ),
    "retrieve": Command(
        "show the passages that best match a question", _retrieve_arguments, _retrieve
    ),
    "ask": Command("answer a question with citations", _ask_arguments, _ask),
    "facts": Command("list the facts derived from the documents", _facts_arguments, _facts),
    "eval": Command("score the answers on a question set", _eval_arguments, _eval),
    "serve": Command("serve the chat in the browser", _serve_arguments, _serve),
    "bench": Command("measure speed and memory (prints figures)", _bench_arguments, _bench),
}


def make_parser() -> argparse.ArgumentParser:
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument(
        "--corpus", metavar="DIR", help="corpus directory (default: $QA_CORPUS_DIR or corpus/)"
    )
    common.add_argument(
        "--index", metavar="DIR", help="index directory (default: $QA_INDEX_DIR or index/)"
    )
    parser = argparse.ArgumentParser(
        prog="qa", description="Question answering with exact citations over a document collection."
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for name, command in COMMANDS.items():
        command.add_arguments(sub.add_parser(name, help=command.help, parents=[common]))
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the `qa` command line; returns the exit status."""
    from .errors import QAError

    for stream in (sys.stdout, sys.stderr):  # an ASCII terminal gets "?" for curly quotes
        if hasattr(stream, "reconfigure"):
            stream.reconfigure(errors="replace")
    args = make_parser().parse_args(argv)
    command = COMMANDS[args.command]
    try:
        return command.run(args)
    except QAError as e:
        print(f"error: {e}", file=sys.stderr)
        return EXIT_ERROR
    except OSError as e:  # e.g. no permission to write the index directory
        where = f" ({e.filename})" if e.filename else ""
        print(f"error: {e.strerror or e}{where}", file=sys.stderr)
        return EXIT_ERROR
    except KeyboardInterrupt:
        print(command.interrupted, file=sys.stderr)
        return EXIT_INTERRUPTED


def _positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, got {value}")
    return value


if __name__ == "__main__":
    sys.exit(main())
