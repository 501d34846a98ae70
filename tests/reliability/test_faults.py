"""Faults around the index: builds killed at random moments, corrupt or foreign index
files, a missing index, an unwritable directory and a full disk. The old index keeps
answering, the user gets one line naming the fix, never a traceback."""

from __future__ import annotations

import errno
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from stress import kill_trials, synthetic_corpus

from qa import store
from qa.build import build_index
from qa.errors import IndexWriteFailed
from qa.retrieval import retrieve
from qa.store import index_version

REPO = Path(__file__).resolve().parents[2]
KILL_TRIALS = int(os.environ.get("QA_KILL_TRIALS", "6"))  # `stress.py --kills 20` runs more


def test_builds_killed_at_random_moments_leave_the_old_index_or_the_new(tmp_path: Path) -> None:
    corpus = synthetic_corpus(tmp_path, 1500)
    report = kill_trials(corpus, tmp_path / "index", KILL_TRIALS, seed=11)
    assert report.failures == []
    assert report.trials == KILL_TRIALS and report.kept_old + report.got_new == KILL_TRIALS
    assert report.killed_mid_build >= KILL_TRIALS // 2  # the kills do land inside builds
    assert report.leftovers_after_next_build == 0


@pytest.mark.parametrize("code", [errno.ENOSPC, errno.EROFS, errno.EACCES])
def test_a_build_that_cannot_write_says_why_and_keeps_the_old_index(
    real_corpus: Path, index_dir: Path, fake_encoder, monkeypatch, code: int
) -> None:
    build_index()
    version = index_version(index_dir)
    (real_corpus / "extra.txt").write_text("The track was resurfaced in May.\n", encoding="utf-8")
    real_write = store._write_file

    def failing_write(path: Path, data: bytes) -> None:
        if path.name == store.PASSAGES_FILE:  # some files are written already
            raise OSError(code, os.strerror(code), str(path))
        real_write(path, data)

    monkeypatch.setattr(store, "_write_file", failing_write)
    with pytest.raises(IndexWriteFailed) as failure:
        build_index()
    message = str(failure.value)
    assert str(index_dir) in message and "run `qa build` again" in message
    assert ("disk space" in message) == (code == errno.ENOSPC)
    assert index_version(index_dir) == version
    assert not list(index_dir.glob(".tmp-*"))
    assert retrieve("Who won the women's omnium?")  # the old index answers


def _cli(*args: str, index: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "QA_INDEX_DIR": str(index), "QA_CORPUS_DIR": str(index.parent / "corpus")}
    return subprocess.run(
        [sys.executable, "-m", "qa.cli", *args],
        capture_output=True,
        text=True,
        env=env,
        cwd=REPO,
        timeout=120,
    )


def _copy(real_index: Path, tmp_path: Path) -> Path:
    shutil.copytree(real_index.parent / "corpus", tmp_path / "corpus")
    shutil.copytree(real_index, tmp_path / "index")
    return tmp_path / "index"


def _version_dir(index: Path) -> Path:
    return index / (index / "CURRENT").read_text().strip()


def _truncate_vectors(index: Path) -> None:
    path = _version_dir(index) / store.VECTORS_FILE
    path.write_bytes(path.read_bytes()[: path.stat().st_size // 2])


def _foreign_model(index: Path) -> None:
    path = _version_dir(index) / store.MANIFEST_FILE
    manifest = json.loads(path.read_text())
    manifest["model"] = "someone/else-v2"
    path.write_text(json.dumps(manifest))


def _no_index(index: Path) -> None:
    shutil.rmtree(index)


def _garbage_encoder(index: Path) -> None:
    export = json.loads((_version_dir(index) / store.MANIFEST_FILE).read_text())["encoder"]
    path = _version_dir(index) / export["onnx_file"]
    path.unlink()  # a hard link: write a new file, never into the shared one
    path.write_bytes(b"\0not an onnx model")
    manifest_path = _version_dir(index) / store.MANIFEST_FILE
    manifest = json.loads(manifest_path.read_text())
    manifest["files"][export["onnx_file"]] = path.stat().st_size
    manifest_path.write_text(json.dumps(manifest))


@pytest.mark.slow
@pytest.mark.parametrize(
    ("damage", "words"),
    [
        (_truncate_vectors, "vectors.faiss"),
        (_foreign_model, "someone/else-v2"),
        (_no_index, "no index"),
        (_garbage_encoder, "question encoder"),
    ],
)
def test_a_damaged_index_gives_one_line_naming_the_fix(
    real_index: Path, tmp_path: Path, damage, words: str
) -> None:
    index = _copy(real_index, tmp_path)
    damage(index)
    for args in (
        ("ask", "What did the article say about the crowd at the velodrome?"),
        ("retrieve", "velodrome crowd"),
    ):
        run = _cli(*args, index=index)
        assert run.returncode == 2, (args, run.stdout, run.stderr)
        assert "Traceback" not in run.stderr and run.stderr.startswith("error: ")
        assert words in run.stderr and "qa build" in run.stderr, run.stderr
    rebuilt = _cli("build", "-q", index=index)  # the fix the message names works
    assert rebuilt.returncode == 0, rebuilt.stderr
    assert _cli("ask", "Who won the women's omnium?", index=index).returncode == 0
