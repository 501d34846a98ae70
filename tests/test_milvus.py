"""The Milvus store (Milvus Lite in a temporary file) behind the same VectorStore protocol:
the same answers as FAISS, only new vectors upserted, atomic publishing, unused vectors
removed, and the status line naming the store."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from conftest import DEV_SET, REAL_CORPUS

from qa.build import build_index
from qa.retrieval import retrieve
from qa.store import index_version, load_index

NOTE = "The velodrome hosts a winter series of omnium races.\n"


def _keys_stored(index: Path) -> int:
    from qa import milvus_store

    manifest = load_index(index).manifest
    location = milvus_store.MilvusLocation(manifest.store["uri"], manifest.store["collection"])
    milvus = milvus_store.client(location.uri)
    return len(milvus_store._all_keys(milvus, location.collection))


def test_a_new_document_upserts_only_its_vectors_and_unused_ones_go(
    real_corpus: Path, index_dir: Path, fake_encoder
) -> None:
    first = build_index(store="milvus")
    assert first.store == "milvus" and first.upserted == first.passages
    assert not (index_dir / first.version / "vectors.faiss").exists()
    (real_corpus / "notes.txt").write_text(NOTE, encoding="utf-8")
    second = build_index(store="milvus")
    assert (second.embedded, second.upserted) == (1, 1)
    assert "winter series" in retrieve("winter series of omnium races", k=1)[0].text
    (real_corpus / "notes.txt").unlink()
    third = build_index(store="milvus")
    assert third.upserted == 0 and _keys_stored(index_dir) == first.passages + 1  # previous kept
    (real_corpus / "lexicon.yaml").write_text(
        (real_corpus / "lexicon.yaml").read_text(encoding="utf-8") + "\n# edited\n", "utf-8"
    )
    build_index(store="milvus")  # now neither the live version nor the previous has the note
    assert _keys_stored(index_dir) == first.passages
    assert load_index(index_dir).store.kind == "milvus"


def test_a_killed_milvus_build_leaves_the_old_index_answering(
    real_corpus: Path, index_dir: Path, fake_encoder
) -> None:
    from qa import milvus_store

    build_index(store="milvus")
    version = index_version(index_dir)
    (real_corpus / "notes.txt").write_text(NOTE, encoding="utf-8")
    uri = load_index(index_dir).manifest.store["uri"]
    milvus_store.close_client(uri)  # Milvus Lite: one process a file
    script = textwrap.dedent(
        f"""
        import os, signal, sys
        sys.path.insert(0, {str(Path(__file__).parent)!r})
        from conftest import FakeEncoder
        import qa.store as store
        store._point_current = lambda *a: os.kill(os.getpid(), signal.SIGKILL)
        from qa.build import build_index
        build_index(encoder=FakeEncoder(), store="milvus")
        """
    )
    run = subprocess.run([sys.executable, "-c", script], env=os.environ, timeout=120)
    assert run.returncode == -signal.SIGKILL
    assert index_version(index_dir) == version  # the vectors went in, the version did not
    assert retrieve("Who won the women's omnium?")
    assert _keys_stored(index_dir) == load_index(index_dir).manifest.counts["passages"] + 1
    report = build_index(store="milvus")  # publishes and removes nothing still in use
    assert report.embedded == 1 and report.upserted == 0  # the killed build's vector is reused


def test_the_status_line_names_the_store(real_corpus: Path, index_dir: Path, fake_encoder) -> None:
    from qa.app_support import index_status

    build_index(store="milvus")
    assert "vectors in Milvus" in index_status(real_corpus, index_dir).line
    build_index(store="faiss")
    assert "vectors in FAISS" in index_status(real_corpus, index_dir).line


def test_an_unknown_store_is_refused(real_corpus: Path, fake_encoder) -> None:
    from qa.errors import QAError

    with pytest.raises(QAError, match="faiss, milvus"):
        build_index(store="redis")


@pytest.mark.slow
def test_milvus_and_faiss_give_the_same_hits_and_answers(real_index: Path, tmp_path) -> None:
    from qa.answering import ask
    from qa.encoders import default_encoder

    shutil.copytree(REAL_CORPUS, tmp_path / "corpus")
    index = tmp_path / "index"
    build_index(tmp_path / "corpus", index, encoder=default_encoder(), store="milvus")
    rows = [json.loads(line) for line in DEV_SET.read_text().splitlines()]
    differ = []
    for row in rows:
        question, history = row["question"], row.get("history", [])
        top_faiss = [(h.text, h.citation) for h in retrieve(question, index_dir=real_index)]
        top_milvus = [(h.text, h.citation) for h in retrieve(question, index_dir=index)]
        a = ask(question, history, index_dir=real_index)
        b = ask(question, history, index_dir=index)
        if top_faiss != top_milvus or (a.text, a.citations) != (b.text, b.citations):
            differ.append(question)
    assert len(rows) == 44 and differ == []
