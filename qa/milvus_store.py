"""The vectors in Milvus, for many app replicas and corpora larger than one machine.

`QA_VECTOR_STORE=milvus` (or `qa build --store milvus`) keeps the passage vectors in a
Milvus collection instead of `vectors.faiss`; everything else of an index version (the
manifest, passages, facts, BM25 model, question encoder) stays in the index directory,
which every replica reads (a shared volume). `QA_MILVUS_URI` is a `.db` file for Milvus
Lite (default `<index dir>/milvus.db`) or a server URL such as `http://host:19530`.

One collection holds a vector per distinct passage text, keyed by the text's SHA-256: a
build upserts only the texts no version has yet, then publishes its version the usual
way (the CURRENT pointer), so a reader sees the old version or the new one, never half a
build. A reader keeps the hits whose keys its version holds (a search asks for more than
it needs when others are present). After publishing, the build deletes the vectors that
neither the new nor the previous version uses; a killed build leaves some unused ones,
which the next build deletes.

pymilvus is imported here and nowhere else, and only when this store is in use.
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
import threading
import time
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .errors import IndexCorrupt, QAError, StoreUnavailable

if TYPE_CHECKING:
    import numpy as np

DEFAULT_COLLECTION = "qa_passages"
KEY_FIELD, VECTOR_FIELD = "id", "vector"
_BATCH = 1000  # keys per get/upsert/delete request
LITE_WAIT_SECONDS = 5.0
MAX_TOP_K = 16_384  # the most hits Milvus returns for one search


@dataclass(frozen=True)
class MilvusLocation:
    """Where the vectors live: a Milvus Lite `.db` file or a server URL, and a collection."""

    uri: str
    collection: str = DEFAULT_COLLECTION

    def to_dict(self) -> dict[str, str]:
        return {"kind": "milvus", "uri": self.uri, "collection": self.collection}


def vector_key(text: str) -> str:
    """The key of a passage text's vector (the vector depends on the text alone)."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


class MilvusStore:
    """The vectors of one index version, searched in Milvus; row ids are passage positions."""

    kind = "milvus"

    def __init__(self, location: MilvusLocation, texts: Sequence[str], dimension: int) -> None:
        self.location = location
        self.dimension = dimension
        self._client = client(location.uri)
        self._keys = [vector_key(t) for t in texts]
        self._rows: dict[str, list[int]] = {}
        for row, key in enumerate(self._keys):
            self._rows.setdefault(key, []).append(row)
        if self._keys:
            if not self._client.has_collection(location.collection):
                raise IndexCorrupt(
                    f"the Milvus collection {location.collection!r} at {location.uri} is "
                    "gone; run `qa build` to rebuild the index"
                )
            with _reported(location):
                self._client.load_collection(location.collection)  # searchable in memory

    def __len__(self) -> int:
        return len(self._keys)

    def search(self, queries: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
        import numpy as np

        queries = np.ascontiguousarray(queries, dtype=np.float32).reshape(-1, self.dimension)
        k = min(k, len(self))
        scores = np.zeros((len(queries), k), dtype=np.float32)
        ids = np.full((len(queries), k), -1, dtype=np.int64)
        for q, query in enumerate(queries):
            with _reported(self.location):
                found = self._search_one(query, k)
            for j, (score, row) in enumerate(found[:k]):
                scores[q, j], ids[q, j] = score, row
        return scores, ids

    def _search_one(self, query: np.ndarray, k: int) -> list[tuple[float, int]]:
        """The best `k` rows of this version: vectors of other versions are skipped, so the
        search asks for more until it has `k` or has seen the whole collection."""
        limit = min(k + 16, MAX_TOP_K)
        while True:
            hits = self._client.search(
                self.location.collection,
                data=[query.tolist()],
                limit=limit,
                search_params={"metric_type": "IP"},
            )[0]
            found = [
                (float(h["distance"]), row) for h in hits for row in self._rows.get(h["id"], [])
            ]
            if len(found) >= k or len(hits) < limit or limit == MAX_TOP_K:
                return found
            limit = min(4 * limit, MAX_TOP_K)

    def vectors(self, ids: Sequence[int] | None = None) -> np.ndarray:
        import numpy as np

        rows = list(range(len(self))) if ids is None else [int(i) for i in ids]
        out = np.zeros((len(rows), self.dimension), dtype=np.float32)
        if not rows:
            return out
        keys = list(dict.fromkeys(self._keys[r] for r in rows))
        with _reported(self.location):
            stored = fetch_vectors(self.location, keys)
        for i, row in enumerate(rows):
            vector = stored.get(self._keys[row])
            if vector is None:
                raise IndexCorrupt(
                    f"the Milvus collection {self.location.collection!r} lacks the vector of "
                    f"passage {row}; run `qa build` to rebuild the index"
                )
            out[i] = vector
        return out


# --- writing (the build) ------------------------------------------------------------------


def fetch_vectors(location: MilvusLocation, keys: Sequence[str]) -> dict[str, list[float]]:
    """The stored vectors of `keys` (those present)."""
    milvus = client(location.uri)
    if not milvus.has_collection(location.collection):
        return {}
    out: dict[str, list[float]] = {}
    for start in range(0, len(keys), _BATCH):
        batch = list(keys[start : start + _BATCH])
        for record in milvus.get(location.collection, ids=batch, output_fields=[VECTOR_FIELD]):
            out[record[KEY_FIELD]] = record[VECTOR_FIELD]
    return out


def upsert_missing(location: MilvusLocation, texts: Sequence[str], vectors: np.ndarray) -> int:
    """Store the vectors of `texts` the collection lacks (creating it); returns how many."""
    milvus = client(location.uri)
    if not milvus.has_collection(location.collection):
        _create(milvus, location.collection, int(vectors.shape[1]))
    keys = [vector_key(t) for t in texts]
    present = set(_existing(milvus, location.collection, keys))
    rows = [
        {KEY_FIELD: key, VECTOR_FIELD: vectors[i].tolist()}
        for i, key in enumerate(keys)
        if key not in present
    ]
    unique = list({r[KEY_FIELD]: r for r in rows}.values())
    for start in range(0, len(unique), _BATCH):
        milvus.upsert(location.collection, unique[start : start + _BATCH])
    if unique:
        milvus.flush(location.collection)
    return len(unique)


def remove_unused(location: MilvusLocation, used: Iterable[str]) -> int:
    """Delete every vector whose key is not in `used` (texts of the live and previous
    versions); returns how many."""
    milvus = client(location.uri)
    if not milvus.has_collection(location.collection):
        return 0
    keep = {vector_key(t) for t in used}
    unused = [key for key in _all_keys(milvus, location.collection) if key not in keep]
    for start in range(0, len(unused), _BATCH):
        milvus.delete(location.collection, ids=unused[start : start + _BATCH])
    return len(unused)


def _create(milvus: Any, collection: str, dimension: int) -> None:
    index = milvus.prepare_index_params()
    index.add_index(field_name=VECTOR_FIELD, index_type="FLAT", metric_type="IP")
    milvus.create_collection(
        collection,
        dimension=dimension,
        primary_field_name=KEY_FIELD,
        id_type="string",
        max_length=64,
        vector_field_name=VECTOR_FIELD,
        metric_type="IP",
        auto_id=False,
        index_params=index,
    )


def _existing(milvus: Any, collection: str, keys: Sequence[str]) -> list[str]:
    found: list[str] = []
    for start in range(0, len(keys), _BATCH):
        batch = list(keys[start : start + _BATCH])
        found += [
            r[KEY_FIELD] for r in milvus.get(collection, ids=batch, output_fields=[KEY_FIELD])
        ]
    return found


def _all_keys(milvus: Any, collection: str) -> list[str]:
    iterator = milvus.query_iterator(collection, batch_size=_BATCH, output_fields=[KEY_FIELD])
    keys: list[str] = []
    try:
        while batch := iterator.next():
            keys += [r[KEY_FIELD] for r in batch]
    finally:
        iterator.close()
    return keys


@contextlib.contextmanager
def _reported(location: MilvusLocation) -> Iterator[None]:
    """A failing Milvus call as StoreUnavailable, naming the server and what to do."""
    try:
        yield
    except QAError:
        raise
    except Exception as e:  # pymilvus' MilvusException and gRPC errors
        raise StoreUnavailable(
            f"Milvus at {location.uri} failed on collection {location.collection!r} "
            f"({type(e).__name__}: {str(e)[:300]}); check that it is up, or run `qa build`"
        ) from e


_CLIENTS: dict[str, Any] = {}
_LOCK = threading.Lock()


def client(uri: str) -> Any:
    """One MilvusClient per URI and process (Milvus Lite opens its file once)."""
    with _LOCK:
        if uri not in _CLIENTS:
            try:
                from pymilvus import MilvusClient

                # its iterator logs a warning per query on Milvus Lite; errors still show
                logging.getLogger("pymilvus").setLevel(logging.ERROR)
            except ImportError as e:
                raise StoreUnavailable(f"cannot import pymilvus ({e}); run `make install`") from e
            if "://" not in uri:  # a Milvus Lite file: its folder must exist
                Path(uri).expanduser().parent.mkdir(parents=True, exist_ok=True)
            try:
                _CLIENTS[uri] = _open(MilvusClient, uri)
            except Exception as e:  # pymilvus raises its own types for a bad URI or server
                raise StoreUnavailable(
                    f"cannot reach Milvus at {uri} ({e}); check QA_MILVUS_URI / --milvus-uri "
                    "(a .db file path for Milvus Lite, or http://host:19530 for a server). "
                    "Milvus Lite opens its file in one process at a time: for an app and a "
                    "build at once, run a Milvus server"
                ) from e
        return _CLIENTS[uri]


def _open(milvus_client: Any, uri: str) -> Any:
    """A client of `uri`. A Milvus Lite file whose last process was killed stays locked for
    a moment (its server process exits on its own): try again for a few seconds."""
    deadline = time.monotonic() + (LITE_WAIT_SECONDS if "://" not in uri else 0)
    while True:
        try:
            return milvus_client(uri)
        except Exception:
            if time.monotonic() >= deadline:
                raise
            time.sleep(0.25)


def close_client(uri: str) -> None:
    """Release `uri` (Milvus Lite: lets another process open the file)."""
    with _LOCK:
        milvus = _CLIENTS.pop(uri, None)
    if milvus is not None:
        milvus.close()
    if "://" not in uri:  # Milvus Lite serves the file from a thread of this process
        try:
            from milvus_lite.server_manager import server_manager_instance
        except ImportError:
            return
        server_manager_instance.release_server(uri)
