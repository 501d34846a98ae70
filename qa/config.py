"""Where the corpus and the index live: arguments, then environment variables, then defaults."""

from __future__ import annotations

import os
import re
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
CORPUS_ENV = "QA_CORPUS_DIR"
INDEX_ENV = "QA_INDEX_DIR"
MAX_QUESTION_CHARS = 1000
STORE_ENV = "QA_VECTOR_STORE"  # faiss (default) or milvus
MILVUS_URI_ENV = "QA_MILVUS_URI"
VECTOR_STORES = ("faiss", "milvus")


def corpus_dir(override: str | os.PathLike[str] | None = None) -> Path:
    """The corpus directory: `override`, else $QA_CORPUS_DIR, else `corpus/` at the repository root."""
    return _resolve(override, CORPUS_ENV, REPO_ROOT / "corpus")


def index_dir(override: str | os.PathLike[str] | None = None) -> Path:
    """The index directory: `override`, else $QA_INDEX_DIR, else `index/` at the repository root."""
    return _resolve(override, INDEX_ENV, REPO_ROOT / "index")


def vector_store(override: str | None = None) -> str:
    """Where a build puts the vectors: `override`, else $QA_VECTOR_STORE, else "faiss"."""
    from .errors import QAError

    value = (override or os.environ.get(STORE_ENV) or "faiss").strip().lower()
    if value not in VECTOR_STORES:
        raise QAError(
            f"unknown vector store {value!r}; use one of {', '.join(VECTOR_STORES)} "
            f"(--store or ${STORE_ENV})"
        )
    return value


def milvus_uri(index: Path, override: str | None = None) -> str:
    """The Milvus URI: `override`, else $QA_MILVUS_URI, else Milvus Lite's `milvus.db` in
    the index directory."""
    return override or os.environ.get(MILVUS_URI_ENV) or str(index / "milvus.db")


def check_question(question: str) -> str:
    """The question stripped; QuestionInvalid when it is not text, empty, over
    MAX_QUESTION_CHARS, or holds a lone surrogate (text that is not valid Unicode)."""
    from .errors import QuestionInvalid

    if question is not None and not isinstance(question, str):
        raise QuestionInvalid(
            f"the question is not text (got {type(question).__name__}); pass it as a string"
        )
    if not question or not question.strip():
        raise QuestionInvalid("the question is empty; type a question about the documents")
    if len(question) > MAX_QUESTION_CHARS:
        raise QuestionInvalid(
            f"the question is {len(question)} characters long; please keep it under "
            f"{MAX_QUESTION_CHARS}"
        )
    broken = _SURROGATE.search(question)
    if broken:
        # Half of a UTF-16 pair, or a byte that was not UTF-8 (Python's surrogateescape):
        # no encoder can read it, and it cannot be printed. The message leaves it out.
        raise QuestionInvalid(
            f"the question holds text that is not valid Unicode (code point "
            f"U+{ord(broken.group()):04X} at character {broken.start() + 1}); retype it, "
            "or save it as UTF-8"
        )
    return question.strip()


_SURROGATE = re.compile(r"[\ud800-\udfff]")


def _resolve(override: str | os.PathLike[str] | None, env: str, default: Path) -> Path:
    if override is not None:
        return Path(override).expanduser().resolve()
    value = os.environ.get(env)
    if value:
        return Path(value).expanduser().resolve()
    return default
