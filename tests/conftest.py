"""Shared fixtures: a deterministic fake encoder and temp corpus / index locations."""

from __future__ import annotations

import hashlib
import re
import shutil
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pytest

REPO = Path(__file__).resolve().parents[1]
REAL_CORPUS = REPO / "corpus"
DEV_SET = REPO.parent / "shared" / "eval" / "dev.jsonl"

_WORD = re.compile(r"\w+")


class FakeEncoder:
    """Same interface as `qa.encoders.Encoder`, no model: a bag of hashed words.

    Each lower-cased word maps to a fixed random vector seeded by its SHA-256, so texts
    sharing words are similar; rows are unit length. `calls` records every encoded text.
    """

    name = "fake-encoder"
    dimension = 64

    def __init__(self) -> None:
        self.calls: list[str] = []

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        self.calls.extend(texts)
        out = np.zeros((len(texts), self.dimension), dtype=np.float32)
        for row, text in enumerate(texts):
            words = _WORD.findall(text.lower()) or [text]
            for word in words:
                out[row] += _word_vector(word, self.dimension)
            out[row] /= np.linalg.norm(out[row]) or 1.0
        return out


def _word_vector(word: str, dimension: int) -> np.ndarray:
    seed = int.from_bytes(hashlib.sha256(word.encode("utf-8")).digest()[:8], "big")
    return np.random.default_rng(seed).standard_normal(dimension).astype(np.float32)


@pytest.fixture(autouse=True)
def isolated_dirs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[Path, Path]:
    """Point QA_CORPUS_DIR and QA_INDEX_DIR at temp dirs: no test touches corpus/ or index/."""
    corpus, index = tmp_path / "corpus", tmp_path / "index"
    monkeypatch.setenv("QA_CORPUS_DIR", str(corpus))
    monkeypatch.setenv("QA_INDEX_DIR", str(index))
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    yield corpus, index
    from qa import retrieval

    retrieval.clear_cache()


@pytest.fixture
def corpus_dir(isolated_dirs: tuple[Path, Path]) -> Path:
    """The temp corpus directory (empty; tests write documents into it)."""
    corpus = isolated_dirs[0]
    corpus.mkdir(exist_ok=True)
    return corpus


@pytest.fixture
def index_dir(isolated_dirs: tuple[Path, Path]) -> Path:
    """The temp index directory (not created)."""
    return isolated_dirs[1]


@pytest.fixture
def real_corpus(corpus_dir: Path) -> Path:
    """A copy of the repository's corpus/ (documents, facts.yaml, lexicon.yaml) in the temp dir."""
    shutil.copytree(REAL_CORPUS, corpus_dir, dirs_exist_ok=True)
    return corpus_dir


@pytest.fixture
def fake_encoder(monkeypatch: pytest.MonkeyPatch) -> FakeEncoder:
    """A FakeEncoder that is also what `qa.encoders.default_encoder()` returns."""
    from qa import encoders

    encoder = FakeEncoder()
    monkeypatch.setattr(encoders, "default_encoder", lambda: encoder)
    monkeypatch.setattr(encoders, "DEFAULT_MODEL", encoder.name)
    return encoder


@pytest.fixture(scope="session")
def real_index(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The real corpus indexed with the real model, once per session."""
    from qa.build import build_index
    from qa.encoders import default_encoder

    root = tmp_path_factory.mktemp("real")
    shutil.copytree(REAL_CORPUS, root / "corpus")
    build_index(root / "corpus", root / "index", encoder=default_encoder())
    return root / "index"
