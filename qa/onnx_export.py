"""Export a loaded sentence-transformers model to ONNX for the torch-free question path.

Build side only: this module imports torch (through the model it is given). The graph is
the transformer followed by mean pooling over the attention mask and L2 normalization,
exactly the all-MiniLM-L6-v2 pipeline, so `qa.onnx_encoder.OnnxEncoder` returns the
vectors `SentenceTransformer.encode(..., normalize_embeddings=True)` does.
"""

from __future__ import annotations

import hashlib
import json
import warnings
from pathlib import Path
from typing import Any

from .errors import EncoderUnavailable
from .onnx_encoder import ONNX_DATA_FILE, ONNX_FILE, TOKENIZER_FILE, OnnxExport

OPSET = 17
_INPUTS = ("input_ids", "attention_mask", "token_type_ids")


def export_onnx(model: Any, name: str, source_sha256: str, directory: Path) -> OnnxExport:
    """Write `encoder.onnx` and `tokenizer.json` for `model` (a SentenceTransformer) into
    `directory`; returns what the manifest records. Raises EncoderUnavailable when the
    model is not a mean-pooled transformer or the export fails."""
    import torch

    transformer, pooling = model[0], model[1]
    mean = getattr(pooling, "pooling_mode", None) == "mean" or getattr(
        pooling, "pooling_mode_mean_tokens", False
    )
    if not mean:
        raise EncoderUnavailable(f"{name} does not mean-pool its tokens; cannot export it to ONNX")
    directory.mkdir(parents=True, exist_ok=True)
    tokenizer = transformer.tokenizer.backend_tokenizer  # the `tokenizers` object underneath
    tokenizer = type(tokenizer).from_str(tokenizer.to_str())  # a copy to set up for saving
    max_length = int(model.max_seq_length)
    tokenizer.enable_truncation(max_length=max_length)
    tokenizer.no_padding()
    tokenizer.save(str(directory / TOKENIZER_FILE))

    # Trace with a padded batch: a mask of all ones lets the model skip masking altogether.
    tokenizer.enable_padding(pad_id=0, pad_token="[PAD]")
    sample = tokenizer.encode_batch(["a question", "a somewhat longer sentence to embed here"])
    ids = torch.tensor([e.ids for e in sample], dtype=torch.long)
    mask = torch.tensor([e.attention_mask for e in sample], dtype=torch.long)
    graph = _mean_pooled(transformer.auto_model).eval()
    dynamic = {n: {0: "batch", 1: "tokens"} for n in _INPUTS}
    try:
        with torch.no_grad(), warnings.catch_warnings():
            warnings.simplefilter("ignore")  # the exporter's deprecation and tracer chatter
            torch.onnx.export(
                graph,
                (ids, mask, torch.zeros_like(ids)),
                str(directory / ONNX_FILE),
                input_names=list(_INPUTS),
                output_names=["sentence_embedding"],
                dynamic_axes={**dynamic, "sentence_embedding": {0: "batch"}},
                opset_version=OPSET,
                dynamo=False,
            )
        _weights_apart(directory / ONNX_FILE, ONNX_DATA_FILE)
    except OSError:
        raise  # a full disk or an unwritable directory: the build says so
    except Exception as e:  # the exporter raises many types
        raise EncoderUnavailable(
            f"cannot export {name} to ONNX ({e}); check that the `onnx` package is "
            "installed (`make install`)"
        ) from e
    return OnnxExport(
        model=name,
        dimension=int(model.get_embedding_dimension()),
        sha256=files_sha256(directory / ONNX_FILE, directory / ONNX_DATA_FILE),
        source_sha256=source_sha256,
        opset=OPSET,
        max_length=max_length,
        lowercase=_lowercases(tokenizer.to_str()),
    )


def _lowercases(tokenizer_json: str) -> bool:
    normalizer = json.loads(tokenizer_json).get("normalizer") or {}
    return bool(normalizer.get("lowercase", False))


def _weights_apart(path: Path, data_file: str) -> None:
    """Move the weights out of the graph into `data_file` beside it: onnxruntime then
    memory-maps them instead of copying them, which saves a third of a cold process's memory."""
    import onnx

    graph = onnx.load(str(path))
    onnx.save_model(
        graph,
        str(path),
        save_as_external_data=True,
        all_tensors_to_one_file=True,
        location=data_file,
        size_threshold=1024,
    )
    (path.parent / data_file).chmod(0o644)  # readable like the index's other files


def files_sha256(*paths: Path) -> str:
    digest = hashlib.sha256()
    for path in paths:
        with path.open("rb") as f:
            for block in iter(lambda f=f: f.read(1 << 20), b""):  # type: ignore[misc]
                digest.update(block)
    return digest.hexdigest()


def _mean_pooled(transformer: Any) -> Any:
    """The transformer with mean pooling and normalization on top, as one torch module."""
    import torch

    class MeanPooled(torch.nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.transformer = transformer

        def forward(self, input_ids: Any, attention_mask: Any, token_type_ids: Any) -> Any:
            tokens = self.transformer(
                input_ids=input_ids, attention_mask=attention_mask, token_type_ids=token_type_ids
            ).last_hidden_state
            weights = attention_mask.unsqueeze(-1).to(tokens.dtype)
            mean = (tokens * weights).sum(1) / weights.sum(1).clamp(min=1e-9)
            return torch.nn.functional.normalize(mean, p=2, dim=1)

    return MeanPooled()
