"""Build the index: validate the corpus, embed only what changed, publish atomically."""

from __future__ import annotations

import hashlib
import os
import shutil
import time
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from . import config, encoders
from .corpus.derived import DERIVED_PREFIX
from .corpus.documents import document_paths, read_document
from .corpus.lexicon import LEXICON_FILE
from .errors import IndexStale, QAError
from .knowledge import KNOWLEDGE_FILE, knowledge_snapshot
from .lexical import lexical_files
from .onnx_encoder import OnnxExport
from .passages import (
    PARSED_FILE,
    CorpusSnapshot,
    corpus_passages,
    data_file_hashes,
    parsed_documents_file,
    read_parsed,
)
from .store import (
    TMP_PREFIX,
    LoadedIndex,
    Manifest,
    load_index,
    publish_index,
    read_version_file,
    write_errors_reported,
)

if TYPE_CHECKING:
    import numpy as np

    from .encoders import Encoder

# Texts handed to the model at once: it sorts each chunk by length, so long chunks pad
# little (about 9% faster than chunks of 128); the build's own bar shows the progress.
EMBED_BATCH = 2048


@dataclass(frozen=True)
class BuildReport:
    """What a build did: counts, how many texts were embedded or reused, and the time taken."""

    passages: int
    facts: int
    documents: int
    embedded: int  # passages whose text was embedded (each distinct text is encoded once)
    reused: int  # passages whose vector came from the previous index (same model and text)
    seconds: float
    index_dir: Path
    version: str
    derived: int = 0  # facts derived from the documents (part of `facts`)
    warnings: tuple[str, ...] = ()  # derived facts that contradict other facts
    published: bool = True  # False: the index already matched, nothing new was written
    documents_read: int = 0  # documents read afresh; the others were reused from the last build
    store: str = "faiss"  # where the vectors are: faiss (in the index) or milvus
    upserted: int = 0  # vectors written to Milvus (texts no version had yet)

    def to_dict(self) -> dict[str, object]:
        return {
            "published": self.published,
            "documents_read": self.documents_read,
            "store": self.store,
            "upserted": self.upserted,
            "derived": self.derived,
            "warnings": list(self.warnings),
            "passages": self.passages,
            "facts": self.facts,
            "documents": self.documents,
            "embedded": self.embedded,
            "reused": self.reused,
            "seconds": round(self.seconds, 3),
            "index_dir": str(self.index_dir),
            "version": self.version,
        }


def build_index(
    corpus_dir: Path | str | None = None,
    index_dir: Path | str | None = None,
    encoder: Encoder | None = None,
    progress: bool = False,
    store: str | None = None,
    milvus_uri: str | None = None,
) -> BuildReport:
    """Build (or rebuild) the index of `corpus_dir` into `index_dir`.

    Directories default to `qa.config` (argument, $QA_CORPUS_DIR / $QA_INDEX_DIR,
    `corpus/` / `index/`); the encoder defaults to `qa.encoders.default_encoder()`.
    Texts whose vectors the current index already holds (same model, same text) are not
    embedded again, and an index that already matches the corpus, the model and this
    code is left as it is (`published` is False). The packaged model is exported to ONNX
    for the question path once, and linked into later versions while it is unchanged.
    `progress` shows a bar on stderr while embedding. `store` ("faiss" or "milvus", default
    $QA_VECTOR_STORE, else faiss) says where the vectors go; Milvus at `milvus_uri`
    (default $QA_MILVUS_URI, else Milvus Lite in `<index>/milvus.db`), see qa.milvus_store.

    Raises CorpusInvalid or FactsInvalid before anything is written, EncoderUnavailable
    if the model cannot load. The previous index stays live until the new one is complete.
    """
    started = time.perf_counter()
    corpus = config.corpus_dir(corpus_dir)
    target = config.index_dir(index_dir)
    model = encoder.name if encoder else encoders.DEFAULT_MODEL
    source = encoders.packaged_model_checksum(model)
    where = _store_location(config.vector_store(store), target, milvus_uri)
    previous = _previous_index(target, model)
    if previous is not None and _up_to_date(previous, corpus, source, where):
        return _unchanged_report(previous, started)

    # While worker processes read a large corpus, this one loads the model it will need.
    preload = None if encoder is not None else encoders.default_encoder
    snapshot = corpus_passages(corpus, _reusable_reading(previous, corpus), preload)
    matrix, model, embedded = _passage_vectors(snapshot, previous, encoder, model, progress)
    derived = sum(1 for f in snapshot.facts if f.id.startswith(DERIVED_PREFIX))
    texts = [p.text for p in snapshot.passages]
    upserted = _upsert(where, texts, matrix)
    export_dir = target / f"{TMP_PREFIX}{os.getpid()}-encoder"
    try:
        with write_errors_reported(target):  # the export writes into the index directory too
            export, linked = _question_encoder(previous, model, source, encoder, export_dir)
            version = publish_index(
                target,
                snapshot.passages,
                matrix,
                model=model,
                documents=snapshot.document_hashes,
                data_files=snapshot.data_hashes,
                facts=len(snapshot.facts),
                derived=derived,
                extra_files={
                    KNOWLEDGE_FILE: knowledge_snapshot(snapshot),
                    PARSED_FILE: parsed_documents_file(snapshot),
                    **lexical_files(texts),
                },
                linked_files=linked,
                encoder=export.to_dict() if export else None,
                builder=builder_checksum(),
                store=where,
            )
    finally:
        shutil.rmtree(export_dir, ignore_errors=True)
    _remove_unused(where, texts, previous)
    return BuildReport(
        passages=len(snapshot.passages),
        facts=len(snapshot.facts),
        documents=len(snapshot.documents),
        embedded=embedded,
        reused=len(snapshot.passages) - embedded,
        seconds=time.perf_counter() - started,
        index_dir=target,
        version=version,
        derived=derived,
        warnings=snapshot.warnings,
        documents_read=snapshot.reread,
        store=where.get("kind", "faiss"),
        upserted=upserted,
    )


def _passage_vectors(
    snapshot: CorpusSnapshot,
    previous: LoadedIndex | None,
    encoder: Encoder | None,
    model: str,
    progress: bool,
) -> tuple[np.ndarray, str, int]:
    """The vector of every passage (reused from `previous` or embedded; the model loads
    only if something needs embedding), the model's name, and how many were embedded."""
    import numpy as np

    texts = list(dict.fromkeys(p.text for p in snapshot.passages))
    known, dimension = _reusable_vectors(previous, encoder, texts)
    missing = [t for t in texts if t not in known]
    fresh: list[np.ndarray] = []
    if missing:
        encoder = encoder or encoders.default_encoder()
        if (encoder.name, encoder.dimension) != (model, dimension or encoder.dimension):
            known, missing = {}, texts  # the default model is not the one assumed above
        model, dimension = encoder.name, encoder.dimension
        fresh = _embed(encoder, missing, progress)
    if dimension is None:  # an empty corpus and no previous index: ask the model
        dimension = (encoder or encoders.default_encoder()).dimension
    vectors_by_text = {**known, **dict(zip(missing, fresh, strict=True))}
    matrix = np.zeros((len(snapshot.passages), dimension), dtype=np.float32)
    for row, passage in enumerate(snapshot.passages):
        matrix[row] = vectors_by_text[passage.text]
    embedded = sum(1 for p in snapshot.passages if p.text not in known)
    return matrix, model, embedded


@lru_cache(maxsize=1)  # the code does not change under a running process
def builder_checksum() -> str:
    """SHA-256 of this package's source: an index built by other code is rebuilt in full
    (derived facts, passages and rendering may have changed), never trusted as current."""
    root = Path(__file__).resolve().parent
    digest = hashlib.sha256()
    for path in sorted(root.rglob("*.py")):
        digest.update(path.relative_to(root).as_posix().encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


def check_index(
    corpus_dir: Path | str | None = None,
    index_dir: Path | str | None = None,
    encoder_name: str | None = None,
) -> list[str]:
    """Why the index does not match the corpus: [] when it does, else one line per reason.

    Cheap: hashes the corpus files and loads the index, never the model. A missing,
    corrupt or mismatched index (other format, or a model other than `encoder_name`,
    by default `qa.encoders.DEFAULT_MODEL`) is a reason too.
    """
    corpus = config.corpus_dir(corpus_dir)
    target = config.index_dir(index_dir)
    try:
        loaded = load_index(target, encoder_name=encoder_name or encoders.DEFAULT_MODEL)
    except QAError as e:
        return [str(e)]
    return _stale_reasons(corpus, loaded.manifest)


def _stale_reasons(corpus: Path, manifest: Manifest) -> list[str]:
    """How the corpus differs from what `manifest` says the index was built from."""
    reasons: list[str] = []
    built = manifest.documents
    try:
        paths = document_paths(corpus)
    except QAError as e:
        return [str(e)]
    current: dict[str, str] = {}
    for path in paths:
        rel = path.relative_to(corpus).as_posix()
        try:
            current[rel] = read_document(path, corpus).sha256
        except QAError as e:
            reasons.append(str(e))
            current[rel] = ""
    reasons += _compare(corpus, current, built)
    reasons += _compare(corpus, data_file_hashes(corpus), manifest.data_files)
    return reasons


def require_fresh_index(
    corpus_dir: Path | str | None = None,
    index_dir: Path | str | None = None,
    encoder_name: str | None = None,
) -> None:
    """Raise IndexStale (listing the reasons) unless the index matches the corpus."""
    reasons = check_index(corpus_dir, index_dir, encoder_name)
    if reasons:
        raise IndexStale(
            "the index does not match the corpus: " + "; ".join(reasons) + "; run `qa build`"
        )


def _compare(corpus: Path, current: dict[str, str], built: dict[str, str]) -> list[str]:
    """Files added, removed or changed; an empty current hash (unreadable) is reported elsewhere."""
    reasons = []
    for name in sorted(current.keys() | built.keys()):
        where = f"{corpus.name}/{name}"
        if name not in built:
            reasons.append(f"{where} was added since the index was built")
        elif name not in current:
            reasons.append(f"{where} was removed since the index was built")
        elif current[name] and current[name] != built[name]:
            reasons.append(f"{where} changed since the index was built")
    return reasons


def _previous_index(index_dir: Path, model: str) -> LoadedIndex | None:
    """The live index when it is readable and built with `model`, else None."""
    try:
        return load_index(index_dir, encoder_name=model)
    except QAError:
        return None


def _store_location(kind: str, index_dir: Path, milvus_uri: str | None) -> dict[str, Any]:
    """The manifest's `store` field for `kind`: {} for FAISS (the vectors file)."""
    if kind == "faiss":
        return {}
    from .milvus_store import MilvusLocation

    return MilvusLocation(config.milvus_uri(index_dir, milvus_uri)).to_dict()


def _upsert(where: dict[str, Any], texts: list[str], matrix: np.ndarray) -> int:
    """Milvus: store the vectors its collection lacks, before the version is published."""
    if not where:
        return 0
    from .milvus_store import MilvusLocation, upsert_missing

    return upsert_missing(MilvusLocation(where["uri"], where["collection"]), texts, matrix)


def _remove_unused(where: dict[str, Any], texts: list[str], previous: LoadedIndex | None) -> None:
    """Milvus, after publishing: drop the vectors neither this version nor the previous one
    (which readers may still be using) holds; those of killed builds go too."""
    if not where:
        return
    from .milvus_store import MilvusLocation, remove_unused

    kept = texts + [p.text for p in previous.passages] if previous else texts
    remove_unused(MilvusLocation(where["uri"], where["collection"]), kept)


def _up_to_date(
    previous: LoadedIndex, corpus: Path, source: str | None, where: dict[str, Any]
) -> bool:
    """True when a build would publish the same index again (nothing to do)."""
    manifest = previous.manifest
    return (
        manifest.store == where
        and manifest.builder == builder_checksum()
        and manifest.encoder.get("source_sha256") == source
        and not _stale_reasons(corpus, manifest)
    )


def _reusable_reading(previous: LoadedIndex | None, corpus: Path) -> dict[str, Any]:
    """What the previous build read in each document, when this code and lexicon would
    read the same (else {}: every document is read afresh)."""
    if previous is None or previous.manifest.builder != builder_checksum():
        return {}
    current = data_file_hashes(corpus)
    if current.get(LEXICON_FILE) != previous.manifest.data_files.get(LEXICON_FILE):
        return {}
    try:
        return read_parsed(read_version_file(previous.index_dir, previous.version, PARSED_FILE))
    except (QAError, OSError):
        return {}


def _unchanged_report(previous: LoadedIndex, started: float) -> BuildReport:
    counts = previous.manifest.counts
    return BuildReport(
        passages=counts["passages"],
        facts=counts["facts"],
        documents=counts.get("documents", len(previous.manifest.documents)),
        embedded=0,
        reused=counts["passages"],
        seconds=time.perf_counter() - started,
        index_dir=previous.index_dir,
        version=previous.version,
        derived=counts.get("derived", 0),
        published=False,
        store=previous.manifest.store.get("kind", "faiss"),
    )


def _reusable_vectors(
    previous: LoadedIndex | None, encoder: Encoder | None, texts: Sequence[str]
) -> tuple[dict[str, np.ndarray], int | None]:
    """Vectors of `texts` that the previous index holds, and their dimension.

    ({}, None) when there is nothing to reuse: no index, a corrupt one, another model.
    """
    if previous is None:
        return {}, None
    dimension = previous.store.dimension
    if encoder is not None and dimension != encoder.dimension:
        return {}, None
    wanted = set(texts)
    rows: dict[str, int] = {}
    for row, passage in enumerate(previous.passages):
        if passage.text in wanted:
            rows.setdefault(passage.text, row)
    vectors = previous.store.vectors(list(rows.values()))
    return {text: vectors[i] for i, text in enumerate(rows)}, dimension


def _question_encoder(
    previous: LoadedIndex | None,
    model: str,
    source: str | None,
    encoder: Encoder | None,
    export_dir: Path,
) -> tuple[OnnxExport | None, dict[str, Path]]:
    """The ONNX question encoder for the new version: the previous version's files when
    they were exported from the same weights, else a fresh export into `export_dir`.

    (None, {}) for a model that is not the packaged one (tests' fake encoders): questions
    are then embedded by `qa.encoders.default_encoder()`.
    """
    if source is None:
        return None, {}
    if previous is not None and previous.manifest.encoder.get("source_sha256") == source:
        export = OnnxExport.from_dict(previous.manifest.encoder)
        if all((previous.path / name).is_file() for name in export.files):
            return export, {name: previous.path / name for name in export.files}
    encoder = encoder or encoders.default_encoder()
    exporter = getattr(encoder, "export_onnx", None)
    if exporter is None:
        return None, {}
    export = exporter(export_dir)
    return export, {name: export_dir / name for name in export.files}


def _embed(encoder: Encoder, texts: Sequence[str], progress: bool) -> list[np.ndarray]:
    import numpy as np

    if not texts:
        return []
    batches = [texts[i : i + EMBED_BATCH] for i in range(0, len(texts), EMBED_BATCH)]
    bar = None
    if progress:
        from tqdm import tqdm

        bar = tqdm(total=len(texts), desc="embedding", unit="passage", leave=False)
    out: list[np.ndarray] = []
    try:
        for batch in batches:
            vectors = np.asarray(encoder.encode(list(batch)), dtype=np.float32)
            if vectors.shape != (len(batch), encoder.dimension):
                raise ValueError(
                    f"encoder {encoder.name} returned shape {vectors.shape} for {len(batch)} texts"
                )
            out.extend(vectors)
            if bar is not None:
                bar.update(len(batch))
    finally:
        if bar is not None:
            bar.close()
    return out
