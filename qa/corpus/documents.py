"""Read the corpus directory: every UTF-8 `.txt` and `.md` file, in a stable order.

A file that is not text the build can cite is refused by name, with the fix: not UTF-8,
binary (a NUL byte, control characters) or too large. Refused, not skipped: the editor put
the file there to be searched, and a build that quietly left it out would answer "the
sources don't say" about it. The previous index keeps serving until the file is fixed.
"""

from __future__ import annotations

import re
from pathlib import Path

from ..errors import CorpusInvalid
from ..types import Document

DOCUMENT_SUFFIXES = (".txt", ".md")

# A document of 10 MB is some 150,000 sentences: minutes to embed on a CPU and a few hundred
# MB while building. Larger files are nearly always an export or a log, not a document; the
# size is checked before the file is read, so a huge one costs nothing.
MAX_DOCUMENT_BYTES = 10_000_000
# Control characters that never occur in text (tab, newline, vertical tab, form feed and
# carriage return do): C0 controls, DEL, and C1 controls (mostly cp1252 read as latin-1).
_CONTROL = re.compile(r"[\x00-\x08\x0e-\x1f\x7f-\x9f]")


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
        size = path.stat().st_size
        if size > MAX_DOCUMENT_BYTES:
            raise CorpusInvalid(
                f"{path} is {size / 1e6:.1f} MB; a document may be at most "
                f"{MAX_DOCUMENT_BYTES / 1e6:.0f} MB: split it into smaller files (one per "
                f"chapter or section, e.g. `split -C 5M --additional-suffix={path.suffix} "
                f"{path.name} {path.stem}-part-`) or move it out of the corpus"
            )
        raw = path.read_bytes()
    except OSError as e:
        raise CorpusInvalid(f"cannot read {path}: {e.strerror}") from e
    nul = raw.find(b"\0")
    if nul >= 0:
        raise CorpusInvalid(
            f"{path} is a binary file, not text (a NUL byte at byte {nul}); the corpus takes "
            "UTF-8 text only: move it out of the corpus, or if it is UTF-16 text re-save it "
            "as UTF-8"
        )
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as e:
        raise CorpusInvalid(
            f"{path} is not valid UTF-8 (byte {e.start}: {raw[e.start : e.start + 1]!r}); "
            "re-save it as UTF-8, e.g. `iconv -f latin1 -t utf-8`"
        ) from e
    if text.startswith("\ufeff"):
        text = text[1:]
    _check_text(path, text)
    return Document(path=rel, text=text)


def _check_text(path: Path, text: str) -> None:
    """Raise CorpusInvalid if `text` has control characters."""
    first = _CONTROL.search(text)
    if first is not None:
        count = len(_CONTROL.findall(text))
        where = _line_column(text, first.start())
        if count > 10 and count * 100 > len(text):  # over 1% of the text: bytes, not words
            raise CorpusInvalid(
                f"{path} is a binary file, not text ({count:,} control characters, the "
                f"first at {where}); the corpus takes UTF-8 text only: move it out of the corpus"
            )
        # A few stray ones (pasted from a terminal or a PDF) are refused too: they would
        # show up in citations, and the editor fixes them in a moment with this position.
        raise CorpusInvalid(
            f"{path} has {count:,} control character(s) that are not text, the first "
            f"(U+{ord(first.group()):04X}) at {where}; delete them and run `qa build` again"
        )


def _line_column(text: str, offset: int) -> str:
    line = text.count("\n", 0, offset) + 1
    column = offset - (text.rfind("\n", 0, offset) + 1) + 1
    return f"line {line}, column {column}"


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
