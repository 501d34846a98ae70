"""Read the corpus directory: every UTF-8 `.txt` and `.md` file, in a stable order."""

from __future__ import annotations

from pathlib import Path

from ..errors import CorpusInvalid
from ..types import Document

DOCUMENT_SUFFIXES = (".txt", ".md")


def document_paths(corpus_dir: Path) -> list[Path]:
    """The document files under `corpus_dir` (recursively), sorted by relative path."""
    if not corpus_dir.is_dir():
        raise CorpusInvalid(
            f"corpus directory {corpus_dir} does not exist; create it with your .txt/.md "
            "documents or point QA_CORPUS_DIR / --corpus at one"
        )
    paths = [
        p
        for p in corpus_dir.rglob("*")
        if p.is_file() and p.suffix.lower() in DOCUMENT_SUFFIXES and not _hidden(p, corpus_dir)
    ]
    return sorted(paths, key=lambda p: p.relative_to(corpus_dir).as_posix())


def read_document(path: Path, corpus_dir: Path) -> Document:
    """Read one document as UTF-8; newlines are kept exactly, so offsets match the file."""
    rel = path.relative_to(corpus_dir).as_posix()
    try:
        raw = path.read_bytes()
    except OSError as e:
        raise CorpusInvalid(f"cannot read {path}: {e.strerror}") from e
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as e:
        raise CorpusInvalid(
            f"{path} is not valid UTF-8 (byte {e.start}: {raw[e.start : e.start + 1]!r}); "
            "re-save it as UTF-8, e.g. `iconv -f latin1 -t utf-8`"
        ) from e
    if text.startswith("\ufeff"):
        text = text[1:]
    return Document(path=rel, text=text)


def load_documents(corpus_dir: Path) -> list[Document]:
    """All documents of the corpus. Raises CorpusInvalid if there are none or one is unreadable."""
    docs = [read_document(p, corpus_dir) for p in document_paths(corpus_dir)]
    if not docs:
        raise CorpusInvalid(
            f"no .txt or .md documents in {corpus_dir}; add at least one UTF-8 text file"
        )
    return docs


def _hidden(path: Path, root: Path) -> bool:
    return any(part.startswith(".") for part in path.relative_to(root).parts)
