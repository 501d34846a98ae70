"""Start `app.py` on a free port over a temporary copy of the corpus with a real index.

Shared by test_app.py and test_browser.py. Building the index loads the real encoder, so
`shared_server()` builds and starts once per test session (the server is stopped when
the session ends); a test that changes its corpus starts its own with `AppServer.start`.
"""

from __future__ import annotations

import atexit
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
STARTUP_SECONDS = 90


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def make_corpus(root: Path) -> tuple[Path, Path]:
    """Copy the repository's corpus under `root` and build its index there with the real encoder."""
    from qa.build import build_index

    corpus = root / "corpus"
    index = root / "index"
    shutil.copytree(REPO / "corpus", corpus)
    build_index(corpus, index)
    return corpus, index


@dataclass
class AppServer:
    corpus: Path
    index: Path
    port: int
    process: subprocess.Popen[bytes]
    log: Path
    _stopped: bool = field(default=False)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/"

    @classmethod
    def start(cls, corpus: Path, index: Path) -> AppServer:
        """Run `python app.py --port N` against `corpus`/`index` and wait until it answers HTTP."""
        port = free_port()
        env = {
            **os.environ,
            "QA_CORPUS_DIR": str(corpus),
            "QA_INDEX_DIR": str(index),
            "HF_HUB_OFFLINE": "1",
            "GRADIO_ANALYTICS_ENABLED": "False",
            "PYTHONUNBUFFERED": "1",
        }
        log = corpus.parent / f"app-{port}.log"
        with log.open("wb") as out:
            process = subprocess.Popen(
                [sys.executable, str(REPO / "app.py"), "--port", str(port)],
                cwd=REPO,
                env=env,
                stdout=out,
                stderr=subprocess.STDOUT,
            )
        server = cls(corpus, index, port, process, log)
        server._wait()
        return server

    def _wait(self) -> None:
        deadline = time.monotonic() + STARTUP_SECONDS
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(
                    f"app.py exited with {self.process.returncode}:\n{self.output()}"
                )
            try:
                with urllib.request.urlopen(self.url + "config", timeout=2) as response:
                    if response.status == 200:
                        return
            except OSError:
                time.sleep(0.25)
        self.stop()
        raise RuntimeError(f"app.py did not answer within {STARTUP_SECONDS}s:\n{self.output()}")

    def output(self) -> str:
        try:
            return self.log.read_text(encoding="utf-8", errors="replace")[-4000:]
        except OSError:
            return ""

    def stop(self) -> None:
        if self._stopped:
            return
        self._stopped = True
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)


_shared: AppServer | None = None


def shared_server() -> AppServer:
    """One server over an unchanged corpus copy for the whole session; tests must not modify it."""
    global _shared
    if _shared is None or _shared.process.poll() is not None:
        root = Path(tempfile.mkdtemp(prefix="app-tests-"))
        corpus, index = make_corpus(root)
        _shared = AppServer.start(corpus, index)
        atexit.register(_stop_shared, root)
    return _shared


def _stop_shared(root: Path) -> None:
    if _shared is not None:
        _shared.stop()
    shutil.rmtree(root, ignore_errors=True)
