"""The index on disk: vectors, passage metadata and a manifest, published atomically.

Layout of the index directory::

    index/
      CURRENT                  name of the live version, e.g. "v20240801T120000-3fa2c1d0"
      v20240801T120000-3fa2c1d0/
        manifest.json          format version, model, dimension, corpus hashes, counts, sizes,
                               the question encoder's export settings
        passages.jsonl         one passage a line: id, text, kind, fact_id, citations
        vectors.faiss          the normalized passage vectors: faiss.IndexFlatIP (exact), or
                               IndexIVFFlat from APPROXIMATE_FROM passages
        knowledge.json         facts and lexicon for the structured path
        bm25/                  the BM25 model (JSON and NumPy arrays)
        encoder.onnx           the question encoder (hard-linked from the previous version
        tokenizer.json           when the model did not change)
      .tmp-<pid>-<hex>/        a build in progress (removed when its process is gone)
      .lock                    serializes publishing between concurrent builds

A build writes a complete version into a `.tmp-*` directory, fsyncs every file and the
directory, renames it to `v<time>-<hex>` and then replaces `CURRENT` (temp file, fsync,
`os.replace`). `os.replace` cannot swap a non-empty directory, so the pointer file is what
makes the swap atomic: a reader sees the old version or the new one, never half of one,
and a crash at any point leaves `CURRENT` naming a complete version. The previous version
is kept until the next publish, so a reader that just read the old pointer can finish.

FAISS is imported here and nowhere else; the rest of the code sees `VectorStore`.
No pickle: JSON, JSON lines and FAISS' own format.
"""

from __future__ import annotations

import contextlib
import errno
import json
import math
import os
import re
import secrets
import shutil
from collections.abc import Iterator, Sequence
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from .errors import IndexCorrupt, IndexMismatch, IndexMissing, IndexWriteFailed
from .types import Citation, Passage

if TYPE_CHECKING:
    import numpy as np

FORMAT_VERSION = 2  # 2: the question encoder and the BM25 model are stored too
CURRENT_FILE = "CURRENT"
MANIFEST_FILE = "manifest.json"
PASSAGES_FILE = "passages.jsonl"
VECTORS_FILE = "vectors.faiss"
LOCK_FILE = ".lock"
TMP_PREFIX = ".tmp-"
_VERSION_NAME = re.compile(r"^v[0-9]{8}T[0-9]{6}-[0-9a-f]{8}$")
_REBUILD = "run `qa build` to rebuild it"


class VectorStore(Protocol):
    """Nearest neighbours by inner product over unit vectors; row ids are passage positions."""

    dimension: int

    @property
    def kind(self) -> str:
        """How it searches, for reports ("exact", "ivf")."""
        ...

    def __len__(self) -> int: ...

    def search(self, queries: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
        """Top `k` rows for each query: (scores, ids), each of shape (len(queries), k'),
        best first, with k' = min(k, len(self))."""
        ...

    def vectors(self, ids: Sequence[int] | None = None) -> np.ndarray:
        """The stored vectors of `ids` (all of them when None), shape (n, dimension)."""
        ...


# Exact search scans every vector: about 0.2 ms a question at 10,000 passages, 1.3 ms at
# 30,000 and 4.4 ms at 100,000 on this machine (one thread, 384 dimensions), against ~2 ms
# for embedding the question. From APPROXIMATE_FROM passages an inverted-file index (IVF)
# scans only the lists nearest the question: 0.5 ms at 100,000 with recall@10 0.998.
APPROXIMATE_FROM = 40_000
IVF_PROBE_SHARE = 0.075  # lists searched per question, as a share of all lists
IVF_TRAIN_ITERATIONS = 10
IVF_TRAIN_POINTS_PER_LIST = 32  # k-means on a sample: 1.8 s instead of 10.5 s at 100,000


class FaissStore:
    """Inner-product search with FAISS: exact (`IndexFlatIP`) below APPROXIMATE_FROM
    passages, an `IndexIVFFlat` (same vectors, searched by the nearest lists) above."""

    def __init__(self, index: Any) -> None:
        import faiss

        self._index = index
        self.dimension = int(index.d)
        if isinstance(index, faiss.IndexIVFFlat):
            index.nprobe = max(1, math.ceil(index.nlist * IVF_PROBE_SHARE))
            index.make_direct_map()  # rows by id, for scoring the lexical candidates

    @property
    def kind(self) -> str:
        """ "exact" or "ivf": which search answers the questions."""
        return "exact" if type(self._index).__name__ == "IndexFlatIP" else "ivf"

    @classmethod
    def from_vectors(cls, vectors: np.ndarray) -> FaissStore:
        import faiss
        import numpy as np

        vectors = np.ascontiguousarray(vectors, dtype=np.float32)
        n, dimension = vectors.shape
        index: Any = faiss.IndexFlatIP(int(dimension))
        if n >= APPROXIMATE_FROM:
            lists = int(4 * math.sqrt(n))
            index = faiss.IndexIVFFlat(index, int(dimension), lists, faiss.METRIC_INNER_PRODUCT)
            index.cp.niter = IVF_TRAIN_ITERATIONS
            index.cp.max_points_per_centroid = IVF_TRAIN_POINTS_PER_LIST
            index.train(vectors)  # seeded: the same vectors give the same lists
        if n:
            index.add(vectors)
        return cls(index)

    @classmethod
    def read(cls, path: Path) -> FaissStore:
        import faiss

        try:
            index = faiss.read_index(str(path))
        except RuntimeError as e:  # faiss reports truncated or foreign files this way
            raise IndexCorrupt(f"cannot read {path}: {_last_line(e)}; {_REBUILD}") from e
        if not isinstance(index, faiss.IndexFlatIP | faiss.IndexIVFFlat):
            raise IndexCorrupt(
                f"{path} is a {type(index).__name__}, not IndexFlatIP or IndexIVFFlat; {_REBUILD}"
            )
        return cls(index)

    def to_bytes(self) -> bytes:
        import faiss

        return bytes(faiss.serialize_index(self._index))

    def __len__(self) -> int:
        return int(self._index.ntotal)

    def search(self, queries: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
        import faiss
        import numpy as np

        queries = np.ascontiguousarray(queries, dtype=np.float32).reshape(-1, self.dimension)
        k = min(k, len(self))
        if k <= 0:
            empty = np.zeros((len(queries), 0))
            return empty.astype(np.float32), empty.astype(np.int64)
        if len(queries) > 1:
            return self._index.search(queries, k)
        # One question: a second thread costs more to start than it saves (24 ms against
        # 4.4 ms for exact search over 100,000 passages).
        threads = faiss.omp_get_max_threads()
        faiss.omp_set_num_threads(1)
        try:
            return self._index.search(queries, k)
        finally:
            faiss.omp_set_num_threads(threads)

    def vectors(self, ids: Sequence[int] | None = None) -> np.ndarray:
        import numpy as np

        if ids is None:
            ids = range(len(self))
        if len(ids) == 0:
            return np.zeros((0, self.dimension), dtype=np.float32)
        return self._index.reconstruct_batch(np.asarray(ids, dtype=np.int64))


@dataclass(frozen=True)
class Manifest:
    """What an index was built from and what it holds (`manifest.json`)."""

    format_version: int
    model: str
    dimension: int
    documents: dict[str, str]  # document path -> SHA-256 of its text
    data_files: dict[str, str]  # facts.yaml, lexicon.yaml -> SHA-256 of their bytes
    counts: dict[str, int]  # documents, passages, source_passages, facts
    built_at: str  # ISO 8601, UTC
    files: dict[str, int] = field(default_factory=dict)  # file name -> size in bytes
    encoder: dict[str, Any] = field(default_factory=dict)  # qa.onnx_encoder.OnnxExport fields
    builder: str = ""  # checksum of the code that built it: new code rebuilds in full
    store: dict[str, Any] = field(default_factory=dict)  # {} = vectors.faiss; else Milvus

    def to_json(self) -> str:
        return json.dumps(asdict(self), indent=2, sort_keys=True, ensure_ascii=False) + "\n"


@dataclass(frozen=True)
class LoadedIndex:
    """A published index read into memory; `passages[i]` goes with row `i` of `store`."""

    index_dir: Path
    version: str
    manifest: Manifest
    passages: tuple[Passage, ...]
    store: VectorStore

    @property
    def path(self) -> Path:
        """The version's directory, where its files lie."""
        return self.index_dir / self.version


def index_version(index_dir: Path) -> str | None:
    """The live version's name (cheap: one small file), or None when there is no index.

    A long-running process compares it with the version it loaded to know when to reload.
    """
    try:
        return (Path(index_dir) / CURRENT_FILE).read_text(encoding="utf-8").strip() or None
    except (FileNotFoundError, NotADirectoryError):
        return None
    except (OSError, UnicodeDecodeError):
        return "<unreadable>"  # load_index reports it as corrupt


def load_index(index_dir: Path, encoder_name: str | None = None) -> LoadedIndex:
    """Read the live index at `index_dir`, checking its files against each other.

    Raises IndexMissing (nothing built there), IndexCorrupt (unreadable or inconsistent
    files) or IndexMismatch (another format version, or a model other than `encoder_name`
    when one is given). Every message says to run `qa build`.
    """
    index_dir = Path(index_dir)
    version = None
    for _ in range(3):  # a concurrent publish may prune the version we just read about
        version = index_version(index_dir)
        if version is None:
            raise IndexMissing(f"no index at {index_dir}; run `qa build` to create it")
        try:
            return _load_version(index_dir, version, encoder_name)
        except FileNotFoundError:
            if index_version(index_dir) == version:
                break
    raise IndexCorrupt(f"index version {version!r} in {index_dir} is incomplete; {_REBUILD}")


def read_manifest(path: Path) -> Manifest:
    """Parse one version's `manifest.json`; raises IndexCorrupt or IndexMismatch."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as e:
        raise IndexCorrupt(f"{path} is not valid JSON ({e}); {_REBUILD}") from e
    if not isinstance(data, dict):
        raise IndexCorrupt(f"{path} does not hold a JSON object; {_REBUILD}")
    if data.get("format_version") != FORMAT_VERSION:
        raise IndexMismatch(
            f"the index at {path.parent.parent} has format version "
            f"{data.get('format_version')!r}, this program reads version {FORMAT_VERSION}; "
            f"{_REBUILD}"
        )
    try:
        manifest = Manifest(**data)
        ok = (
            isinstance(manifest.model, str)
            and isinstance(manifest.dimension, int)
            and all(isinstance(manifest.counts.get(n), int) for n in ("passages", "facts"))
            and isinstance(manifest.files, dict)
            and isinstance(manifest.encoder, dict)
            and isinstance(manifest.builder, str)
            and isinstance(manifest.store, dict)
        )
    except (TypeError, AttributeError) as e:
        raise IndexCorrupt(f"{path} lacks or has unexpected fields ({e}); {_REBUILD}") from e
    if not ok:
        raise IndexCorrupt(f"{path} has fields of the wrong type; {_REBUILD}")
    return manifest


def read_version_file(index_dir: Path, version: str, name: str) -> bytes:
    """One file of a published version, checked against the size its manifest records.

    Raises IndexCorrupt when it is missing or does not match, FileNotFoundError when the
    version itself is gone (pruned by a newer publish: read CURRENT again).
    """
    path = Path(index_dir) / version
    manifest = read_manifest(path / MANIFEST_FILE)
    if name not in manifest.files:
        raise IndexCorrupt(f"the index at {index_dir} has no {name}; {_REBUILD}")
    data = (path / name).read_bytes()
    if len(data) != manifest.files[name]:
        raise IndexCorrupt(f"{path / name} does not match its manifest; {_REBUILD}")
    return data


def _load_version(index_dir: Path, version: str, encoder_name: str | None) -> LoadedIndex:
    if not _VERSION_NAME.match(version):
        raise IndexCorrupt(
            f"{index_dir / CURRENT_FILE} names {version!r}, not an index version; {_REBUILD}"
        )
    path = index_dir / version
    if not path.is_dir():
        raise FileNotFoundError(path)
    manifest = read_manifest(path / MANIFEST_FILE)
    if encoder_name is not None and manifest.model != encoder_name:
        raise IndexMismatch(
            f"the index at {index_dir} was built with the model {manifest.model!r}, "
            f"but {encoder_name!r} is in use; {_REBUILD}"
        )
    for name, size in manifest.files.items():
        actual = (path / name).stat().st_size
        if actual != size:
            raise IndexCorrupt(
                f"{path / name} has {actual} bytes, the manifest says {size}; {_REBUILD}"
            )
    passages = _read_passages(path / PASSAGES_FILE)
    store = _read_store(path, manifest, passages)
    expected = manifest.counts["passages"]
    if not (len(passages) == len(store) == expected) or store.dimension != manifest.dimension:
        raise IndexCorrupt(
            f"the index at {index_dir} does not add up: manifest says {expected} passages of "
            f"dimension {manifest.dimension}, found {len(passages)} passages and "
            f"{len(store)} vectors of dimension {store.dimension}; {_REBUILD}"
        )
    return LoadedIndex(index_dir, version, manifest, tuple(passages), store)


def _read_store(path: Path, manifest: Manifest, passages: Sequence[Passage]) -> VectorStore:
    """The version's vectors: its `vectors.faiss`, or the Milvus collection it names."""
    if manifest.store.get("kind") == "milvus":
        from .milvus_store import MilvusLocation, MilvusStore

        location = MilvusLocation(manifest.store["uri"], manifest.store["collection"])
        return MilvusStore(location, [p.text for p in passages], manifest.dimension)
    return FaissStore.read(path / VECTORS_FILE)


def _read_passages(path: Path) -> list[Passage]:
    passages = []
    with path.open(encoding="utf-8") as lines:
        for number, line in enumerate(lines, start=1):
            try:
                passage, stored_id = _passage_from_json(json.loads(line))
            except (UnicodeDecodeError, ValueError, KeyError, TypeError) as e:
                raise IndexCorrupt(f"{path} line {number} is unreadable ({e}); {_REBUILD}") from e
            if passage.id != stored_id:
                raise IndexCorrupt(f"{path} line {number} does not match its id; {_REBUILD}")
            passages.append(passage)
    return passages


def _passage_to_json(passage: Passage) -> dict[str, object]:
    return {
        "id": passage.id,
        "text": passage.text,
        "kind": passage.kind,
        "fact_id": passage.fact_id,
        "citations": [c.to_dict() for c in passage.citations],
    }


def _passage_from_json(data: dict[str, Any]) -> tuple[Passage, str]:
    if data["kind"] not in ("source", "fact"):
        raise ValueError(f"unknown kind {data['kind']!r}")
    citations = tuple(Citation.from_dict(c) for c in data["citations"])
    fact_id = data.get("fact_id")
    passage = Passage(str(data["text"]), data["kind"], citations, str(fact_id) if fact_id else None)
    return passage, str(data["id"])


# --- writing -------------------------------------------------------------------------


def publish_index(
    index_dir: Path,
    passages: Sequence[Passage],
    vectors: np.ndarray,
    *,
    model: str,
    documents: dict[str, str],
    data_files: dict[str, str],
    facts: int,
    derived: int = 0,
    extra_files: dict[str, bytes] | None = None,
    linked_files: dict[str, Path] | None = None,
    encoder: dict[str, Any] | None = None,
    builder: str = "",
    store: dict[str, Any] | None = None,
) -> str:
    """Write a new version of the index and make it the live one; returns its name.

    With a Milvus `store` (`MilvusLocation.to_dict()`) the vectors are already in its
    collection and no `vectors.faiss` is written.

    `vectors[i]` is the unit vector of `passages[i]`. `extra_files` are written from
    bytes; `linked_files` are existing files (the ONNX encoder) hard-linked in, or copied
    where links are impossible. Names may hold one folder ("bm25/params.json").
    The previous version stays intact and live until the final pointer swap; an
    exception (or a kill) on the way leaves it so.
    """
    if len(vectors) != len(passages):
        raise ValueError(f"{len(passages)} passages but {len(vectors)} vectors")
    index_dir = Path(index_dir)
    with write_errors_reported(index_dir):
        index_dir.mkdir(parents=True, exist_ok=True)
        remove_stale_builds(index_dir)
        tmp = index_dir / f"{TMP_PREFIX}{os.getpid()}-{secrets.token_hex(4)}"
        tmp.mkdir()
        try:
            files = {
                PASSAGES_FILE: "".join(
                    json.dumps(_passage_to_json(p), ensure_ascii=False) + "\n" for p in passages
                ).encode("utf-8"),
                **(extra_files or {}),
            }
            if not store:
                files[VECTORS_FILE] = FaissStore.from_vectors(vectors).to_bytes()
            sizes = {name: len(data) for name, data in files.items()}
            for name, data in files.items():
                _write_file(tmp / name, data)
            for name, source in (linked_files or {}).items():
                _link_or_copy(Path(source), tmp / name)
                sizes[name] = (tmp / name).stat().st_size
            manifest = Manifest(
                format_version=FORMAT_VERSION,
                model=model,
                dimension=int(vectors.shape[1]),
                documents=dict(sorted(documents.items())),
                data_files=dict(sorted(data_files.items())),
                counts={
                    "documents": len(documents),
                    "passages": len(passages),
                    "source_passages": sum(1 for p in passages if p.kind == "source"),
                    "facts": facts,
                    "derived": derived,
                },
                built_at=datetime.now(UTC).isoformat(timespec="seconds"),
                files=sizes,
                encoder=dict(encoder or {}),
                builder=builder,
                store=dict(store or {}),
            )
            _write_file(tmp / MANIFEST_FILE, manifest.to_json().encode("utf-8"))
            for folder in [tmp, *(p for p in tmp.iterdir() if p.is_dir())]:
                _fsync_dir(folder)
            with _publish_lock(index_dir):
                previous = index_version(index_dir)
                stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S")
                version = f"v{stamp}-{secrets.token_hex(4)}"
                os.rename(tmp, index_dir / version)
                _fsync_dir(index_dir)
                _point_current(index_dir, version)
                _prune_versions(index_dir, keep={version, previous})
            return version
        finally:
            if tmp.exists():
                shutil.rmtree(tmp, ignore_errors=True)


@contextlib.contextmanager
def write_errors_reported(index_dir: Path) -> Iterator[None]:
    """Turn an OSError met while writing the index into IndexWriteFailed (`write_failure`)."""
    try:
        yield
    except OSError as e:
        raise write_failure(index_dir, e) from e


def write_failure(index_dir: Path, error: OSError) -> IndexWriteFailed:
    """The user's version of an OSError met while writing the index: what and what to do."""
    where = f" ({error.filename})" if error.filename else ""
    if error.errno == errno.ENOSPC:
        fix = "free some disk space (or point --index / QA_INDEX_DIR at a larger disk)"
    elif error.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        fix = "make it writable, or point --index / QA_INDEX_DIR at a writable directory"
    else:
        fix = "check the disk and the directory"
    return IndexWriteFailed(
        f"cannot write the index at {index_dir}: {error.strerror or error}{where}; {fix}, "
        "then run `qa build` again. The previous index is unchanged and still answers"
    )


def remove_stale_builds(index_dir: Path) -> list[Path]:
    """Delete the `.tmp-<pid>-*` leftovers of builds whose process is gone; returns them."""
    removed = []
    for path in Path(index_dir).glob(f"{TMP_PREFIX}*"):
        pid_text = path.name[len(TMP_PREFIX) :].split("-", 1)[0]
        if pid_text.isdigit() and _process_alive(int(pid_text)):
            continue
        if path.is_dir():
            shutil.rmtree(path, ignore_errors=True)
        else:
            path.unlink(missing_ok=True)
        removed.append(path)
    return removed


def _write_file(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("wb") as f:
        f.write(data)
        f.flush()
        os.fsync(f.fileno())


def _link_or_copy(source: Path, target: Path) -> None:
    """Versions never change a file in place, so two of them may share it (a hard link)."""
    target.parent.mkdir(parents=True, exist_ok=True)
    try:
        os.link(source, target)
    except OSError:  # another file system, or links not allowed: copy it
        shutil.copyfile(source, target)
        with target.open("rb") as f:
            os.fsync(f.fileno())


def _point_current(index_dir: Path, version: str) -> None:
    tmp = index_dir / f"{TMP_PREFIX}{os.getpid()}-{CURRENT_FILE}"
    _write_file(tmp, (version + "\n").encode("utf-8"))
    os.replace(tmp, index_dir / CURRENT_FILE)
    _fsync_dir(index_dir)


def _prune_versions(index_dir: Path, keep: set[str | None]) -> None:
    for path in index_dir.iterdir():
        if path.is_dir() and _VERSION_NAME.match(path.name) and path.name not in keep:
            shutil.rmtree(path, ignore_errors=True)


def _fsync_dir(path: Path) -> None:
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:  # some platforms cannot open directories
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


@contextlib.contextmanager
def _publish_lock(index_dir: Path) -> Iterator[None]:
    """Serialize the swap and pruning of concurrent builds; released if the process dies."""
    try:
        import fcntl
    except ImportError:  # not POSIX: publishing is still atomic, pruning may race
        yield
        return
    with (index_dir / LOCK_FILE).open("a") as lock:
        fcntl.flock(lock.fileno(), fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock.fileno(), fcntl.LOCK_UN)


def _process_alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _last_line(error: BaseException) -> str:
    text = str(error).strip()
    return text.splitlines()[-1] if text else type(error).__name__
