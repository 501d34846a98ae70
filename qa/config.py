"""Where the corpus and the index live: arguments, then environment variables, then defaults."""

from __future__ import annotations

import os
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
CORPUS_ENV = "QA_CORPUS_DIR"
INDEX_ENV = "QA_INDEX_DIR"
MAX_QUESTION_CHARS = 1000


def corpus_dir(override: str | os.PathLike[str] | None = None) -> Path:
    """The corpus directory: `override`, else $QA_CORPUS_DIR, else `corpus/` at the repository root."""
    return _resolve(override, CORPUS_ENV, REPO_ROOT / "corpus")


def index_dir(override: str | os.PathLike[str] | None = None) -> Path:
    """The index directory: `override`, else $QA_INDEX_DIR, else `index/` at the repository root."""
    return _resolve(override, INDEX_ENV, REPO_ROOT / "index")


def _resolve(override: str | os.PathLike[str] | None, env: str, default: Path) -> Path:
    if override is not None:
        return Path(override).expanduser().resolve()
    value = os.environ.get(env)
    if value:
        return Path(value).expanduser().resolve()
    return default
