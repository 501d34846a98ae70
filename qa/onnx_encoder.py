"""The question encoder: the build's model exported to ONNX, run by onnxruntime + tokenizers.

A build exports the sentence-transformers model (`qa.onnx_export`) into the index; the
question path embeds with that file alone, so torch, transformers and
sentence_transformers are never imported to answer a question. The ONNX graph holds the
transformer, the mean pooling and the L2 normalization, so its output is the sentence
embedding the build stored; `tokenizer.json` is saved with the model's truncation length.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .errors import IndexCorrupt

if TYPE_CHECKING:
    import numpy as np

ONNX_FILE = "encoder.onnx"
ONNX_DATA_FILE = "encoder.onnx.data"  # the weights: onnxruntime maps them, no copy
TOKENIZER_FILE = "tokenizer.json"
BATCH = 32  # texts per run, grouped by length so little padding is computed


@dataclass(frozen=True)
class OnnxExport:
    """What the manifest records about an exported question encoder (its `encoder` field)."""

    model: str  # the sentence-transformers model it was exported from
    dimension: int
    sha256: str  # of the ONNX graph and weights files
    source_sha256: str  # of the weights it was exported from: re-export when they change
    opset: int
    max_length: int  # tokens; longer texts are truncated, as sentence-transformers does
    lowercase: bool  # the tokenizer lower-cases (part of its normalizer)
    onnx_file: str = ONNX_FILE
    data_file: str = ONNX_DATA_FILE
    tokenizer_file: str = TOKENIZER_FILE

    @property
    def files(self) -> tuple[str, ...]:
        """The files of the export, in the index version's directory."""
        return (self.onnx_file, self.data_file, self.tokenizer_file)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> OnnxExport:
        return cls(**data)


class OnnxEncoder:
    """Embeds texts with an exported encoder; same vectors as the model it came from."""

    def __init__(self, directory: Path, export: OnnxExport) -> None:
        try:
            import onnxruntime
            from tokenizers import Tokenizer
        except ImportError as e:
            from .errors import EncoderUnavailable

            raise EncoderUnavailable(
                f"cannot import onnxruntime or tokenizers ({e}); run `make install`"
            ) from e
        self.name = export.model
        self.dimension = export.dimension
        self.export = export
        options = onnxruntime.SessionOptions()
        options.intra_op_num_threads = min(2, os.cpu_count() or 1)
        options.inter_op_num_threads = 1
        options.log_severity_level = 3  # errors only
        try:
            self._tokenizer = Tokenizer.from_file(str(directory / export.tokenizer_file))
            self._session = onnxruntime.InferenceSession(
                str(directory / export.onnx_file), options, providers=["CPUExecutionProvider"]
            )
        except Exception as e:  # both libraries raise their own types for a bad file
            raise IndexCorrupt(
                f"cannot load the question encoder in {directory} ({e}); "
                "run `qa build` to rebuild the index"
            ) from e
        self._tokenizer.enable_truncation(max_length=export.max_length)
        self._tokenizer.no_padding()
        self._inputs = {i.name for i in self._session.get_inputs()}

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        import numpy as np

        out = np.zeros((len(texts), self.dimension), dtype=np.float32)
        if not texts:
            return out
        encodings = self._tokenizer.encode_batch(list(texts))
        order = sorted(range(len(texts)), key=lambda i: len(encodings[i].ids))
        for start in range(0, len(order), BATCH):
            rows = order[start : start + BATCH]
            width = max(len(encodings[i].ids) for i in rows)
            ids = np.zeros((len(rows), width), dtype=np.int64)
            mask = np.zeros((len(rows), width), dtype=np.int64)
            for j, i in enumerate(rows):
                n = len(encodings[i].ids)
                ids[j, :n] = encodings[i].ids
                mask[j, :n] = 1
            feed = {"input_ids": ids, "attention_mask": mask, "token_type_ids": np.zeros_like(ids)}
            feed = {k: v for k, v in feed.items() if k in self._inputs}
            out[rows] = self._session.run(None, feed)[0]
        return out


_LOADED: dict[str, OnnxEncoder] = {}
_LOCK = threading.Lock()


def onnx_encoder(directory: Path, export: OnnxExport) -> OnnxEncoder:
    """The encoder exported into `directory`, loaded once per process for each ONNX checksum.

    Index versions that share the model share the loaded session, so a rebuild that did
    not change the model costs no reload.
    """
    with _LOCK:
        loaded = _LOADED.get(export.sha256)
        if loaded is None:
            loaded = _LOADED[export.sha256] = OnnxEncoder(Path(directory), export)
        return loaded
