"""Question answering with exact citations over a small document collection.

The public API; importing it loads no model and touches no file.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .types import Answer, Citation, Fact, Hit, Passage

__all__ = ["Answer", "Citation", "Fact", "Hit", "Passage", "ask", "build_index", "retrieve"]

if TYPE_CHECKING:
    from .answering import ask
    from .build import build_index
    from .retrieval import retrieve


def __getattr__(name: str) -> Any:
    # Lazy, so `import qa` stays light (no faiss or numpy until a function is used).
    if name == "ask":
        from .answering import ask

        return ask
    if name == "retrieve":
        from .retrieval import retrieve

        return retrieve
    if name == "build_index":
        from .build import build_index

        return build_index
    raise AttributeError(f"module 'qa' has no attribute {name!r}")
