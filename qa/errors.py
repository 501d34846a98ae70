"""Domain errors a user can cause. Each message says what is wrong and what to do next."""

from __future__ import annotations


class QAError(Exception):
    """Base class: the CLI and the app turn these into one friendly line and a non-zero exit."""


class CorpusInvalid(QAError):
    """A corpus file is missing, unreadable or not UTF-8."""


class FactsInvalid(QAError):
    """The facts file is malformed, or a fact's evidence is not in its document."""


class IndexMissing(QAError):
    """There is no index where one was expected."""


class IndexCorrupt(QAError):
    """The index files cannot be read or do not agree with each other."""


class IndexMismatch(QAError):
    """The index was built with another model or format version."""


class IndexWriteFailed(QAError):
    """The index cannot be written (full disk, read-only directory); the old one stays."""


class IndexStale(QAError):
    """The corpus changed since the index was built."""


class StoreUnavailable(QAError):
    """The vector store (Milvus) cannot be reached or imported."""


class EncoderUnavailable(QAError):
    """The embedding model cannot be loaded."""


class QuestionInvalid(QAError):
    """The question is empty or too long."""
