"""Reliability under load and faults: the long run, and the pieces CI runs small.

    .venv/bin/python tests/reliability/stress.py [--users 32] [--questions 10]
        [--requests 2000] [--kills 20] [--json]

- load: N users ask known questions through `/ask` (gradio_client) while a rebuild
  publishes a new index mid-load; every answer is checked, and after the publish every
  user asks about the new document. The same load against a bare Gradio app answering a
  constant gives the reference p50/p99 and requests per second.
- memory: the app's RSS before and after `--requests` sequential requests.
- kills: `qa build` killed with SIGKILL at random moments; after each, the index must load
  and hold exactly the old or the new corpus, and the next build must clean up.

Everything runs in temporary directories over a copy of `corpus/`.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import textwrap
import threading
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

TESTS = Path(__file__).resolve().parents[1]
if str(TESTS) not in sys.path:
    sys.path.insert(0, str(TESTS))

from _app_server import REPO, AppServer, free_port  # noqa: E402

# Questions whose answers the article states; the expected word must be in the answer.
KNOWN = (
    ("Who won the women's omnium?", "Valente"),
    ("Who won the men's keirin?", "Lavreysen"),
    ("Who won the women's keirin?", "Andrews"),
    ("Which country won the women's team pursuit?", "United States"),
    ("Who won the men's madison?", "Leitao"),
)
NEW_DOCUMENT = (
    "velodrome-staff.txt",
    "The night manager of the velodrome is Ottoline Quarrie, who has run it since 2019.\n",
)
NEW_QUESTION = ("Who is the night manager of the velodrome?", "Quarrie")


# --- load -----------------------------------------------------------------------------


@dataclass
class LoadReport:
    users: int
    requests: int = 0
    errors: list[str] = field(default_factory=list)
    wrong: list[str] = field(default_factory=list)
    latencies: list[float] = field(default_factory=list)
    seconds: float = 0.0
    during_rebuild: int = 0  # requests answered while the rebuild ran and published
    new_document_answered: int = 0

    def summary(self) -> dict[str, object]:
        ordered = sorted(self.latencies) or [0.0]
        return {
            "users": self.users,
            "requests": self.requests,
            "errors": len(self.errors),
            "wrong": len(self.wrong),
            "p50_s": round(statistics.median(ordered), 3),
            "p99_s": round(ordered[min(len(ordered) - 1, int(0.99 * len(ordered)))], 3),
            "requests_per_s": round(self.requests / self.seconds, 2) if self.seconds else 0.0,
            "during_rebuild": self.during_rebuild,
            "new_document_answered": self.new_document_answered,
            "first_errors": self.errors[:3],
            "first_wrong": self.wrong[:3],
        }


def run_load(
    url: str,
    users: int,
    per_user: int,
    rebuild: object = None,
    expect: bool = True,
) -> LoadReport:
    """`users` threads each ask `per_user` known questions; `rebuild()` (if given) runs
    once half of them are answered, the users go on asking while it runs, and once it
    has published every user asks NEW_QUESTION."""
    from gradio_client import Client

    report = LoadReport(users)
    lock = threading.Lock()
    half = threading.Event()
    rebuilding = threading.Event()
    published = threading.Event()
    total = users * per_user

    def user(number: int) -> None:
        try:
            client = Client(url, verbose=False)
        except Exception as e:  # noqa: BLE001 - any failure to connect is an error
            with lock:
                report.errors.append(f"connect: {e!r}")
            return
        for i in range(per_user):
            question, word = KNOWN[(number + i) % len(KNOWN)]
            _ask(client, question, word if expect else None, report, lock)
            with lock:
                if report.requests >= total // 2:
                    half.set()
        if rebuild is not None:
            i = 0
            while not published.is_set():  # keep the app busy until the new index is live
                question, word = KNOWN[(number + i) % len(KNOWN)]
                _ask(client, question, word, report, lock)
                with lock:
                    report.during_rebuild += rebuilding.is_set() and not published.is_set()
                i += 1
            question, word = NEW_QUESTION
            if _ask(client, question, word, report, lock):
                with lock:
                    report.new_document_answered += 1

    threads = [threading.Thread(target=user, args=(n,)) for n in range(users)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    if rebuild is not None:
        half.wait(timeout=600)
        rebuilding.set()
        try:
            rebuild()  # type: ignore[operator]
        finally:
            published.set()
    for thread in threads:
        thread.join()
    report.seconds = time.perf_counter() - started
    return report


def _ask(client: object, question: str, word: str | None, report: LoadReport, lock) -> bool:
    started = time.perf_counter()
    try:
        answer = client.predict(question, api_name="/ask")  # type: ignore[attr-defined]
    except Exception as e:  # noqa: BLE001 - every failure counts
        with lock:
            report.requests += 1
            report.errors.append(f"{question}: {e!r}")
        return False
    elapsed = time.perf_counter() - started
    ok = word is None or (isinstance(answer, dict) and word in str(answer.get("text", "")))
    with lock:
        report.requests += 1
        report.latencies.append(elapsed)
        if not ok:
            report.wrong.append(f"{question} -> {answer!r}"[:300])
    return ok


def rebuild_with_new_document(corpus: Path, index: Path) -> None:
    """Add NEW_DOCUMENT to `corpus` and run `qa build` (the real model) as a separate process."""
    name, text = NEW_DOCUMENT
    (corpus / name).write_text(text, encoding="utf-8")
    subprocess.run(
        [sys.executable, "-m", "qa.cli", "build", "-q", "--corpus", str(corpus)]
        + ["--index", str(index)],
        check=True,
        cwd=REPO,
        timeout=600,
    )


def rss_mb(pid: int) -> float:
    with open(f"/proc/{pid}/status", encoding="utf-8") as status:
        kb = next(line.split()[1] for line in status if line.startswith("VmRSS"))
    return int(kb) / 1024


def memory_growth(server: AppServer, requests: int) -> dict[str, float]:
    """The app's RSS after a warm-up and after `requests` more sequential requests."""
    from gradio_client import Client

    client = Client(server.url, verbose=False)
    questions = [q for q, _ in KNOWN] + ["What happened at the velodrome?", "Who is Lavreysen?"]
    for question in questions * 4:  # warm-up: every path loaded once
        client.predict(question, api_name="/ask")
    before = rss_mb(server.process.pid)
    for i in range(requests):
        client.predict(questions[i % len(questions)] + " " * (i % 7), api_name="/ask")
    after = rss_mb(server.process.pid)
    return {
        "requests": requests,
        "rss_before_mb": round(before, 1),
        "rss_after_mb": round(after, 1),
        "growth": round(after / before - 1, 3),
    }


_BARE_APP = """
import sys
import gradio as gr

def ask(question: str) -> dict:
    return {"text": "constant", "method": "none", "citations": []}

with gr.Blocks() as demo:
    gr.api(ask, api_name="ask")
demo.queue(default_concurrency_limit=%d, max_size=256)
demo.launch(server_name="127.0.0.1", server_port=int(sys.argv[1]), quiet=True, ssr_mode=False)
"""


def bare_gradio_reference(users: int, per_user: int, concurrency: int) -> dict[str, object]:
    """The same load against a Gradio app that answers a constant: the framework's cost."""
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-c", _BARE_APP % concurrency, str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        _wait_http(f"http://127.0.0.1:{port}/", process)
        return run_load(f"http://127.0.0.1:{port}/", users, per_user, expect=False).summary()
    finally:
        process.terminate()
        process.wait(timeout=10)


def _wait_http(url: str, process: subprocess.Popen[bytes]) -> None:
    import urllib.request

    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError("the bare Gradio app exited")
        try:
            with urllib.request.urlopen(url + "config", timeout=2):
                return
        except OSError:
            time.sleep(0.25)
    raise RuntimeError("the bare Gradio app did not start")


# --- kills ----------------------------------------------------------------------------

_BUILD = textwrap.dedent(
    """
    import sys
    sys.path.insert(0, {tests!r})
    from conftest import FakeEncoder
    from qa.build import build_index
    build_index({corpus!r}, {index!r}, encoder=FakeEncoder())
    """
)


@dataclass
class KillReport:
    trials: int = 0
    killed_mid_build: int = 0
    kept_old: int = 0
    got_new: int = 0
    failures: list[str] = field(default_factory=list)
    leftovers_after_next_build: int = 0


def kill_trials(corpus: Path, index: Path, trials: int, seed: int = 0) -> KillReport:
    """Kill `qa build` (fake model, child process) at random moments, `trials` times.

    Before each trial the corpus changes (a document's text), so every build would
    publish a new version. After each kill the index must load and hold exactly the
    passages of the old corpus or of the new one, never a mix.
    """
    from qa.passages import corpus_passages
    from qa.store import TMP_PREFIX

    rng = random.Random(seed)
    script = _BUILD.format(tests=str(TESTS), corpus=str(corpus), index=str(index))
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    subprocess.run([sys.executable, "-c", script], check=True, env=env, timeout=600)
    started = time.perf_counter()  # a full unkilled build, to know how long one takes
    _change(corpus, -1)
    subprocess.run([sys.executable, "-c", script], check=True, env=env, timeout=600)
    window = time.perf_counter() - started
    report = KillReport()
    for trial in range(trials):
        old = _passages_of(index)
        _change(corpus, trial)
        new = corpus_passages(corpus).passages
        process = subprocess.Popen([sys.executable, "-c", script], env=env)
        time.sleep(rng.uniform(0.05, window))
        if process.poll() is None:
            process.send_signal(signal.SIGKILL)
            report.killed_mid_build += 1
        process.wait(timeout=60)
        report.trials += 1
        try:
            passages = _passages_of(index)
        except Exception as e:  # noqa: BLE001 - any failure to load is the finding
            report.failures.append(f"trial {trial}: {e!r}")
            continue
        if passages == old:
            report.kept_old += 1
        elif passages == new:
            report.got_new += 1
        else:
            report.failures.append(f"trial {trial}: the index holds neither corpus")
    subprocess.run([sys.executable, "-c", script], check=True, env=env, timeout=600)
    report.leftovers_after_next_build = len(list(index.glob(f"{TMP_PREFIX}*")))
    return report


def _passages_of(index: Path) -> tuple[object, ...]:
    """The live version's passages; with Milvus, its vectors are read too, and the Milvus
    Lite file is released for the next build (it opens in one process at a time)."""
    from qa.store import load_index

    loaded = load_index(index)
    if loaded.store.kind == "milvus":
        from qa.milvus_store import close_client

        loaded.store.vectors([0, len(loaded.passages) - 1])
        close_client(loaded.manifest.store["uri"])
    return loaded.passages


def _change(corpus: Path, trial: int) -> None:
    lines = [
        f"Trial {trial} note {i}: the rider lapped the field in {i + trial} laps." for i in range(5)
    ]
    (corpus / "trial-notes.txt").write_text(" ".join(lines) + "\n", encoding="utf-8")


def synthetic_corpus(root: Path, passages: int) -> Path:
    """A copy of the repository corpus plus `passages` synthetic sentences (slower builds,
    so that random kills land in every phase)."""
    from qa.synthetic import write_synthetic_corpus

    corpus = root / "corpus"
    shutil.copytree(REPO / "corpus", corpus)
    write_synthetic_corpus(corpus / "synthetic", passages)
    return corpus


# --- the long run ---------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    from _app_server import make_corpus

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=32)
    parser.add_argument("--questions", type=int, default=10, help="per user")
    parser.add_argument("--requests", type=int, default=2000, help="for the memory check")
    parser.add_argument("--kills", type=int, default=20)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)

    out: dict[str, object] = {}
    with tempfile.TemporaryDirectory(prefix="qa-stress-") as tmp:
        root = Path(tmp)
        corpus, index = make_corpus(root / "app")
        server = AppServer.start(corpus, index)
        try:
            load = run_load(
                server.url,
                args.users,
                args.questions,
                rebuild=lambda: rebuild_with_new_document(corpus, index),
            )
            out["load"] = load.summary()
            out["bare_gradio"] = bare_gradio_reference(args.users, args.questions, 4)
            out["memory"] = memory_growth(server, args.requests)
        finally:
            server.stop()
        kills_corpus = synthetic_corpus(root / "kills", 3000)
        kills = kill_trials(kills_corpus, root / "kills" / "index", args.kills)
        out["kills"] = asdict(kills)
    print(json.dumps(out, indent=None if args.json else 2))
    held = (
        not out["load"]["errors"]  # type: ignore[index]
        and not out["load"]["wrong"]  # type: ignore[index]
        and not kills.failures
        and kills.leftovers_after_next_build == 0
    )
    return 0 if held else 1


if __name__ == "__main__":
    sys.exit(main())
