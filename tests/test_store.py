"""qa.store: vector search, the on-disk format, checked loading and atomic publishing."""

from __future__ import annotations

import json
import os
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from qa import store
from qa.errors import IndexCorrupt, IndexMismatch, IndexMissing
from qa.store import FaissStore, index_version, load_index, publish_index
from qa.types import Citation, Passage


def _unit(rows: int, dim: int, seed: int) -> np.ndarray:
    vectors = np.random.default_rng(seed).standard_normal((rows, dim)).astype(np.float32)
    return vectors / np.linalg.norm(vectors, axis=1, keepdims=True)


def _passages(n: int) -> list[Passage]:
    out = []
    for i in range(n):
        text = f"Sentence number {i} about cycling."
        out.append(
            Passage(text, "source", (Citation("doc.txt", text, i * 40, i * 40 + len(text)),))
        )
    out.append(Passage("A rendered fact.", "fact", out[0].citations, fact_id="fact-1"))
    return out


def _publish(index_dir: Path, passages: list[Passage], model: str = "fake-encoder") -> str:
    vectors = _unit(len(passages), 16, seed=len(passages))
    return publish_index(
        index_dir,
        passages,
        vectors,
        model=model,
        documents={"doc.txt": "0" * 64},
        data_files={},
        facts=sum(p.kind == "fact" for p in passages),
    )


def _version_dir(index_dir: Path) -> Path:
    version = index_version(index_dir)
    assert version is not None
    return index_dir / version


@pytest.mark.parametrize(("rows", "k"), [(1, 1), (50, 5), (500, 20), (7, 30)])
def test_faiss_search_equals_numpy_brute_force(rows: int, k: int) -> None:
    vectors = _unit(rows, 32, seed=rows)
    queries = _unit(4, 32, seed=rows + 1)
    scores, ids = FaissStore.from_vectors(vectors).search(queries, k)

    brute = queries @ vectors.T
    expected_ids = np.argsort(-brute, axis=1, kind="stable")[:, : min(k, rows)]
    np.testing.assert_array_equal(ids, expected_ids)
    np.testing.assert_allclose(scores, np.take_along_axis(brute, expected_ids, axis=1), atol=1e-5)


def test_stored_vectors_come_back_exactly() -> None:
    vectors = _unit(10, 8, seed=3)
    vector_store = FaissStore.from_vectors(vectors)
    np.testing.assert_array_equal(vector_store.vectors(), vectors)
    np.testing.assert_array_equal(vector_store.vectors([7, 2]), vectors[[7, 2]])


def test_empty_store_searches_to_nothing() -> None:
    scores, ids = FaissStore.from_vectors(np.zeros((0, 8), dtype=np.float32)).search(
        _unit(1, 8, seed=1), 5
    )
    assert scores.shape == ids.shape == (1, 0)


def test_publish_then_load_round_trips(index_dir: Path) -> None:
    passages = _passages(5)
    version = _publish(index_dir, passages)

    loaded = load_index(index_dir, encoder_name="fake-encoder")
    assert loaded.version == version == index_version(index_dir)
    assert list(loaded.passages) == passages
    np.testing.assert_array_equal(loaded.store.vectors(), _unit(len(passages), 16, len(passages)))
    manifest = loaded.manifest
    assert manifest.format_version == store.FORMAT_VERSION
    assert (manifest.model, manifest.dimension) == ("fake-encoder", 16)
    assert manifest.counts == {
        "documents": 1,
        "passages": 6,
        "source_passages": 5,
        "facts": 1,
        "derived": 0,
    }
    assert manifest.built_at.endswith("+00:00")
    assert not list(index_dir.glob(".tmp-*"))


def test_missing_index_says_to_build(index_dir: Path) -> None:
    with pytest.raises(IndexMissing, match="qa build"):
        load_index(index_dir)
    assert index_version(index_dir) is None


def test_truncated_vectors_file_is_corrupt(index_dir: Path) -> None:
    _publish(index_dir, _passages(5))
    path = _version_dir(index_dir) / store.VECTORS_FILE
    path.write_bytes(path.read_bytes()[:100])
    with pytest.raises(IndexCorrupt, match="qa build"):
        load_index(index_dir)


def test_unreadable_vectors_file_is_corrupt_even_at_the_right_size(index_dir: Path) -> None:
    _publish(index_dir, _passages(5))
    path = _version_dir(index_dir) / store.VECTORS_FILE
    path.write_bytes(b"\0" * path.stat().st_size)
    with pytest.raises(IndexCorrupt, match="qa build"):
        load_index(index_dir)


@pytest.mark.parametrize(
    "garble",
    [
        lambda text: text[: len(text) // 2],  # truncated mid-line
        lambda text: text.replace('"text"', '"txet"', 1),  # a missing field
        lambda text: text.replace("Sentence number 3", "Sentence number 9", 1),  # id mismatch
        lambda text: "not json\n" + text.split("\n", 1)[1],
    ],
)
def test_garbled_passages_file_is_corrupt(index_dir: Path, garble) -> None:
    _publish(index_dir, _passages(5))
    path = _version_dir(index_dir) / store.PASSAGES_FILE
    path.write_text(garble(path.read_text(encoding="utf-8")), encoding="utf-8")
    _fix_size(path)  # so the content checks, not the size check, must catch it
    with pytest.raises(IndexCorrupt, match="qa build"):
        load_index(index_dir)


def test_counts_that_do_not_add_up_are_corrupt(index_dir: Path) -> None:
    _publish(index_dir, _passages(5))
    manifest = _version_dir(index_dir) / store.MANIFEST_FILE
    data = json.loads(manifest.read_text())
    data["counts"]["passages"] = 4
    manifest.write_text(json.dumps(data))
    with pytest.raises(IndexCorrupt, match="does not add up.*qa build"):
        load_index(index_dir)


@pytest.mark.parametrize(
    "content", ["{not json", "[]", json.dumps({"format_version": store.FORMAT_VERSION})]
)
def test_bad_manifest_is_corrupt(index_dir: Path, content: str) -> None:
    _publish(index_dir, _passages(2))
    (_version_dir(index_dir) / store.MANIFEST_FILE).write_text(content)
    with pytest.raises(IndexCorrupt, match="qa build"):
        load_index(index_dir)


def test_pointer_to_nowhere_is_corrupt(index_dir: Path) -> None:
    _publish(index_dir, _passages(2))
    (index_dir / store.CURRENT_FILE).write_text("../../etc\n")
    with pytest.raises(IndexCorrupt, match="qa build"):
        load_index(index_dir)
    (index_dir / store.CURRENT_FILE).write_text("v20240101T000000-deadbeef\n")
    with pytest.raises(IndexCorrupt, match="qa build"):
        load_index(index_dir)


def test_other_format_version_is_a_mismatch(index_dir: Path) -> None:
    _publish(index_dir, _passages(2))
    manifest = _version_dir(index_dir) / store.MANIFEST_FILE
    data = json.loads(manifest.read_text())
    data["format_version"] = store.FORMAT_VERSION + 1
    manifest.write_text(json.dumps(data))
    with pytest.raises(IndexMismatch, match="format version.*qa build"):
        load_index(index_dir)


def test_other_model_is_a_mismatch(index_dir: Path) -> None:
    _publish(index_dir, _passages(2), model="some-other-model")
    assert load_index(index_dir).manifest.model == "some-other-model"  # no name: no check
    with pytest.raises(IndexMismatch, match="some-other-model.*qa build"):
        load_index(index_dir, encoder_name="fake-encoder")


def test_failed_publish_keeps_the_previous_index(
    index_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    old = _publish(index_dir, _passages(3))
    real_write = store._write_file

    def write_then_fail(path: Path, data: bytes) -> None:
        real_write(path, data)
        raise KeyboardInterrupt  # as if Ctrl-C arrived after the first file

    monkeypatch.setattr(store, "_write_file", write_then_fail)
    with pytest.raises(KeyboardInterrupt):
        _publish(index_dir, _passages(7))

    assert index_version(index_dir) == old
    assert len(load_index(index_dir).passages) == 4
    assert not list(index_dir.glob(".tmp-*"))


def test_publish_keeps_the_previous_version_and_prunes_older_ones(index_dir: Path) -> None:
    first = _publish(index_dir, _passages(1))
    second = _publish(index_dir, _passages(2))
    assert {p.name for p in index_dir.glob("v*")} == {first, second}
    third = _publish(index_dir, _passages(3))
    assert {p.name for p in index_dir.glob("v*")} == {second, third}
    assert index_version(index_dir) == third


def test_stale_temp_dirs_of_dead_builds_are_removed(index_dir: Path) -> None:
    _publish(index_dir, _passages(1))
    dead_pid = _dead_pid()
    stale = index_dir / f".tmp-{dead_pid}-0badc0de"
    stale.mkdir()
    (stale / store.VECTORS_FILE).write_bytes(b"half")
    stale_pointer = index_dir / f".tmp-{dead_pid}-CURRENT"
    stale_pointer.write_text("v")
    live = index_dir / f".tmp-{os.getpid()}-5ca1ab1e"  # a build still running
    live.mkdir()

    _publish(index_dir, _passages(2))
    assert not stale.exists() and not stale_pointer.exists()
    assert live.exists()


@given(
    text=st.text(min_size=1),
    doc=st.text(min_size=1, max_size=30),
    start=st.integers(min_value=0, max_value=10**9),
    fact_id=st.none() | st.text(min_size=1, max_size=20),
)
def test_passage_records_round_trip(text: str, doc: str, start: int, fact_id: str | None) -> None:
    kind = "fact" if fact_id else "source"
    passage = Passage(text, kind, (Citation(doc, text, start, start + len(text)),), fact_id)
    record = json.loads(json.dumps(store._passage_to_json(passage), ensure_ascii=False))
    assert store._passage_from_json(record) == (passage, passage.id)


def _fix_size(path: Path) -> None:
    manifest_path = path.parent / store.MANIFEST_FILE
    data = json.loads(manifest_path.read_text())
    data["files"][path.name] = path.stat().st_size
    manifest_path.write_text(json.dumps(data))


def _dead_pid() -> int:
    pid = 999_999
    while True:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return pid
        except PermissionError:
            pass
        pid -= 1


def test_a_large_index_is_searched_by_its_nearest_lists(index_dir: Path, monkeypatch) -> None:
    monkeypatch.setattr(store, "APPROXIMATE_FROM", 2000)
    rng = np.random.default_rng(7)
    centres = rng.standard_normal((40, 16))
    vectors = centres[rng.integers(0, 40, 2400)] + 0.3 * rng.standard_normal((2400, 16))
    vectors = (vectors / np.linalg.norm(vectors, axis=1, keepdims=True)).astype(np.float32)
    passages = [
        Passage(f"sentence {i}", "source", (Citation("d.txt", f"sentence {i}", 0, 1),))
        for i in range(len(vectors))
    ]
    publish_index(index_dir, passages, vectors, model="m", documents={}, data_files={}, facts=0)
    loaded = load_index(index_dir)
    assert loaded.store.kind == "ivf"
    assert np.allclose(loaded.store.vectors([3, 2399]), vectors[[3, 2399]])
    _, ids = loaded.store.search(vectors[:200], 10)
    assert all(ids[i][0] == i for i in range(200))  # each vector finds itself first
    exact = np.argsort(-(vectors[:200] @ vectors.T), axis=1)[:, :10]
    recall = np.mean([len(set(a) & set(b)) / 10 for a, b in zip(exact, ids, strict=True)])
    assert recall >= 0.9
