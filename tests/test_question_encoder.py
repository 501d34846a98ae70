"""The torch-free question path: the ONNX export agrees with sentence-transformers, and
asking a question never loads torch, transformers or sentence-transformers."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from _app_server import REPO, shared_server

from qa.build import build_index
from qa.retrieval import loaded_index, question_encoder, retrieve
from qa.store import load_index

DEV_SET = REPO.parent / "shared" / "eval" / "dev.jsonl"
HEAVY = ("torch", "transformers", "sentence_transformers")
# A question that no fact answers, so it goes through embedding and retrieval.
RETRIEVAL_QUESTION = "What did the article say about the crowd at the velodrome?"

_PROBE = """
import json, sys
import qa
from qa.retrieval import retrieve
seen = {}
answer = qa.ask(sys.argv[1])
seen["ask"] = [m for m in sys.argv[2:] if m in sys.modules]
hits = retrieve(sys.argv[1], k=3)
seen["retrieve"] = [m for m in sys.argv[2:] if m in sys.modules]
seen["method"] = answer.method
seen["hits"] = len(hits)
print(json.dumps(seen))
"""


@pytest.mark.slow
def test_ask_and_retrieve_never_import_torch(real_index: Path) -> None:
    env = {**os.environ, "QA_INDEX_DIR": str(real_index)}
    run = subprocess.run(
        [sys.executable, "-c", _PROBE, RETRIEVAL_QUESTION, *HEAVY],
        capture_output=True,
        text=True,
        env=env,
        cwd=REPO,
        timeout=120,
    )
    assert run.returncode == 0, run.stderr
    seen = json.loads(run.stdout.strip().splitlines()[-1])
    assert seen["hits"] == 3
    assert seen["ask"] == [] and seen["retrieve"] == [], seen


@pytest.mark.slow
def test_the_app_answers_without_loading_torch() -> None:
    from gradio_client import Client

    server = shared_server()
    answer = Client(server.url, verbose=False).predict(RETRIEVAL_QUESTION, api_name="/ask")
    assert set(answer) == {"text", "method", "citations"}
    maps = Path(f"/proc/{server.process.pid}/maps").read_text(encoding="utf-8")
    loaded = {line.split()[-1] for line in maps.splitlines() if "/torch/" in line}
    assert not loaded, sorted(loaded)[:5]


@pytest.mark.slow
def test_onnx_vectors_agree_with_sentence_transformers(real_index: Path) -> None:
    from qa.encoders import default_encoder

    index = load_index(real_index)
    texts = [p.text for p in index.passages]
    onnx = question_encoder(index)
    assert type(onnx).__name__ == "OnnxEncoder"
    reference = default_encoder().encode(texts)
    cosines = np.sum(onnx.encode(texts) * reference, axis=1)
    assert cosines.min() >= 0.9999, texts[int(cosines.argmin())]
    # The stored vectors are the reference ones: one question embedded alone agrees too.
    single = onnx.encode([texts[0]])[0] @ index.store.vectors([0])[0]
    assert single >= 0.9999


@pytest.mark.slow
def test_top5_of_every_dev_question_is_the_same_with_either_encoder(real_index: Path) -> None:
    from qa.encoders import default_encoder

    questions = [json.loads(line)["question"] for line in DEV_SET.read_text().splitlines()]
    reference = default_encoder()
    differ = []
    for question in questions:
        by_onnx = [h.text for h in retrieve(question, index_dir=real_index)]
        by_st = [h.text for h in retrieve(question, index_dir=real_index, encoder=reference)]
        if by_onnx != by_st:
            differ.append(question)
    assert len(questions) >= 40 and differ == []


@pytest.mark.slow
def test_the_export_is_linked_while_the_model_is_unchanged(tmp_path: Path, real_index) -> None:
    import shutil

    corpus = tmp_path / "corpus"
    shutil.copytree(real_index.parent / "corpus", corpus)
    index_dir = tmp_path / "index"
    first = build_index(corpus, index_dir)
    (corpus / "extra.txt").write_text("The velodrome hosts a winter series.\n", encoding="utf-8")
    second = build_index(corpus, index_dir)
    assert second.published and second.embedded == 1
    old, new = (index_dir / first.version, index_dir / second.version)
    onnx = loaded_index(index_dir=index_dir).manifest.encoder["onnx_file"]
    assert (old / onnx).stat().st_ino == (new / onnx).stat().st_ino  # one file, two versions
    assert "velodrome hosts" in retrieve("winter series", index_dir=index_dir)[0].text


@pytest.mark.slow
def test_new_weights_are_exported_again(tmp_path: Path, real_index, monkeypatch) -> None:
    import shutil

    from qa import encoders

    corpus = tmp_path / "corpus"
    shutil.copytree(real_index.parent / "corpus", corpus)
    index_dir = tmp_path / "index"
    first = build_index(corpus, index_dir)
    monkeypatch.setattr(encoders, "packaged_model_checksum", lambda model=None: "f" * 64)
    second = build_index(corpus, index_dir)
    assert second.published and second.embedded == 0  # same model name: vectors reused
    manifest = load_index(index_dir).manifest
    assert manifest.encoder["source_sha256"] == "f" * 64
    onnx = manifest.encoder["onnx_file"]
    old, new = (index_dir / first.version, index_dir / second.version)
    assert (old / onnx).stat().st_ino != (new / onnx).stat().st_ino
