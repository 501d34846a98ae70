"""qa.retrieval: hybrid search, citations of hits, the index cache; recall with the real model."""

from __future__ import annotations

import json
import time
from pathlib import Path

import numpy as np
import pytest
from conftest import DEV_SET, FakeEncoder
from hypothesis import given
from hypothesis import strategies as st

from qa import retrieval
from qa.build import build_index
from qa.corpus.text import fold_quotes
from qa.errors import IndexMismatch, IndexMissing, QuestionInvalid
from qa.retrieval import lexical_tokens, retrieve, search
from qa.store import load_index


@pytest.fixture
def built(real_corpus: Path, index_dir: Path, fake_encoder: FakeEncoder) -> Path:
    build_index()
    return index_dir


def _corpus_text(corpus: Path, doc: str) -> str:
    return (corpus / doc).read_text(encoding="utf-8")


@pytest.mark.parametrize("query", ["", "   ", "\n\t"])
def test_empty_question_is_refused(query: str, built: Path) -> None:
    with pytest.raises(QuestionInvalid, match="empty"):
        retrieve(query)


def test_overlong_question_is_refused(built: Path) -> None:
    with pytest.raises(QuestionInvalid, match="characters"):
        retrieve("why " * 1000)


def test_missing_index_says_to_build(corpus_dir: Path, fake_encoder: FakeEncoder) -> None:
    with pytest.raises(IndexMissing, match="qa build"):
        retrieve("Who won the keirin?")


def test_index_built_with_another_model_is_refused(built: Path) -> None:
    other = FakeEncoder()
    other.name = "another-fake"
    with pytest.raises(IndexMismatch, match="fake-encoder.*qa build"):
        retrieve("Who won the keirin?", encoder=other)


def test_hits_cite_source_sentences(built: Path, real_corpus: Path) -> None:
    hits = retrieve("Who won the Madison for Portugal?", k=100)  # every distinct hit
    assert [h.score for h in hits] == sorted((h.score for h in hits), reverse=True)
    assert any(h.kind == "fact" for h in hits) and any(h.kind == "source" for h in hits)
    for hit in hits:
        assert hit.citations and hit.citation == hit.citations[0]
        for c in hit.citations:
            assert _corpus_text(real_corpus, c.doc)[c.start : c.end] == c.text
        if hit.kind == "fact":
            assert hit.fact_id
            assert hit.citation.text != hit.text  # never the rendered fact
        else:
            assert hit.citation.text == hit.text and hit.fact_id is None


def test_hits_citing_the_same_sentences_are_merged(built: Path) -> None:
    hits = search("Which events did the Netherlands win?", k=20)
    keys = [tuple((c.doc, c.start, c.end) for c in h.citations) for h in hits]
    assert len(keys) == len(set(keys))
    everything = search("Which events did the Netherlands win?", k=200, dedupe=False)
    assert len(everything) == len(load_index(built).passages) > len(hits)


def test_scores_are_cosine_bm25_and_their_fusion(built: Path, fake_encoder: FakeEncoder) -> None:
    query = "Who won the women's omnium?"
    hits = search(query, k=8)
    query_vector = fake_encoder.encode([query])[0]
    loaded = load_index(built)
    for hit in hits:
        expected = float(loaded.store.vectors([hit.row])[0] @ query_vector)
        assert hit.dense == pytest.approx(expected, abs=1e-5)
        bonus = retrieval.LEXICAL_WEIGHT * hit.lexical / (hit.lexical + retrieval.LEXICAL_HALF)
        assert hit.fused == pytest.approx(hit.dense + bonus, abs=1e-5)
        assert (hit.lexical > 0) == bool(hit.matched_terms)
        assert 0.0 <= hit.coverage <= 1.0
    top = hits[0]
    assert top.query_terms == ("won", "women", "omnium")
    assert set(top.matched_terms) <= set(top.query_terms)


def test_unknown_terms_are_reported(built: Path) -> None:
    hit = search("How many medals did Germany win?", k=1)[0]
    assert hit.unknown_terms == ("germany",)


def test_dense_only_ranking_equals_brute_force(built: Path, fake_encoder: FakeEncoder) -> None:
    query = "first ever Olympic track cycling medal"
    hits = search(query, k=10, dedupe=False, lexical_weight=0)
    loaded = load_index(built)
    scores = loaded.store.vectors() @ fake_encoder.encode([query])[0]
    assert [h.row for h in hits] == list(np.argsort(-scores, kind="stable")[:10])


def test_lexical_match_folds_accents_and_apostrophes(built: Path) -> None:
    for query in ("Leitão", "leitao", "LEITAO’S"):
        hits = search(query, k=3, lexical_weight=1.0)
        assert hits[0].lexical > 0
        assert "Leitao" in hits[0].passage.text


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Iuri Leitão’s silver", ["iuri", "leitao", "silver"]),
        ("the women’s omnium", ["women", "omnium"]),
        ("the women's omnium", ["women", "omnium"]),
        ("the womens omnium", ["women", "omnium"]),
        ("U.S. team-sprint medals", ["us", "team", "sprint", "medal"]),
    ],
)
def test_lexical_tokens(text: str, expected: list[str]) -> None:
    assert lexical_tokens(text) == expected


@given(st.text())
def test_lexical_tokens_are_plain_lowercase_words(text: str) -> None:
    for token in lexical_tokens(text):
        assert token and token.isascii() and token.isalnum() and token == token.lower()


def test_repeated_calls_reuse_the_loaded_index(built: Path, monkeypatch) -> None:
    retrieve("Who won the keirin?")
    loads = []
    real_load = retrieval.load_index
    monkeypatch.setattr(
        retrieval, "load_index", lambda *a, **kw: loads.append(1) or real_load(*a, **kw)
    )
    started = time.perf_counter()
    for _ in range(20):
        retrieve("Who won the keirin?")
    assert loads == []
    assert (time.perf_counter() - started) / 20 < 0.05


def test_rebuilt_index_is_picked_up_without_restart(built: Path, real_corpus: Path) -> None:
    assert not any("Montmartre" in h.text for h in retrieve("peloton Montmartre", k=3))
    (real_corpus / "road.md").write_text(
        "The peloton rode through Montmartre three times.\n", encoding="utf-8"
    )
    build_index()
    hits = retrieve("peloton Montmartre", k=3)
    assert hits[0].citation.doc == "road.md"


# --- the real model ------------------------------------------------------------------


def _norm(text: str) -> str:
    return fold_quotes(text).lower()


def _recall_at(k: int, index: Path, lexical_weight: float | None) -> tuple[int, int, list[str]]:
    from qa.encoders import default_encoder

    rows = [json.loads(line) for line in DEV_SET.read_text(encoding="utf-8").splitlines() if line]
    rows = [r for r in rows if r.get("answerable") and r.get("cite")]
    found, missed = 0, []
    for row in rows:
        hits = search(
            row["question"],
            k,
            index_dir=index,
            encoder=default_encoder(),
            lexical_weight=lexical_weight,
        )
        texts = [_norm(c.text) for h in hits for c in h.citations]
        if all(any(_norm(cite) in t for t in texts) for cite in row["cite"]):
            found += 1
        else:
            missed.append(row["id"])
    return found, len(rows), missed


@pytest.mark.slow
def test_recall_at_5_on_the_dev_set(real_index: Path) -> None:
    hybrid, total, missed = _recall_at(5, real_index, None)
    dense, _, dense_missed = _recall_at(5, real_index, 0.0)
    top1 = _recall_at(1, real_index, None)[0], _recall_at(1, real_index, 0.0)[0]
    print(
        f"\nrecall@5 on {total} dev questions: hybrid {hybrid}/{total} = {hybrid / total:.3f} "
        f"(missed {missed}), dense only {dense}/{total} = {dense / total:.3f} "
        f"(missed {dense_missed}); recall@1 hybrid {top1[0]}, dense only {top1[1]}"
    )
    # Measured: recall@5 36/37 both ways (dev039 is a follow-up asked without its history),
    # recall@1 32 hybrid vs 31 dense only.
    assert hybrid / total >= 0.94, missed
    assert top1[0] >= 30


@pytest.mark.slow
def test_real_model_finds_a_name_with_an_accent(real_index: Path) -> None:
    # Speed is measured by `make bench`, not asserted here: shared machines are noisy.
    from qa.encoders import default_encoder

    hits = retrieve("What did Iuri Leitão win?", index_dir=real_index, encoder=default_encoder())
    assert any("Leitao’s silver" in c.text for h in hits for c in h.citations)


def test_lexical_candidates_beyond_the_dense_pool(corpus_dir: Path, fake_encoder) -> None:
    lines = [f"Rider {i} finished stage {i % 7} in the bunch." for i in range(400)]
    lines[123] = "Rider 123 finished stage 4 in the bunch wearing a zebrastripe jersey."
    (corpus_dir / "stages.md").write_text("\n\n".join(lines) + "\n", encoding="utf-8")
    build_index()
    hits = search("zebrastripe", k=3)
    assert "zebrastripe" in hits[0].passage.text
    assert hits[0].matched_terms == ("zebrastripe",)


@pytest.mark.parametrize("k", [0, -1, True, "3", 2.5, None])
def test_a_bad_k_is_the_users_error(built: Path, k) -> None:
    with pytest.raises(QuestionInvalid, match="whole number"):
        retrieve("Who won the keirin?", k=k)


def test_one_question_searched_twice_is_embedded_once(built: Path, fake_encoder) -> None:
    retrieve("Who won the keirin?")
    fake_encoder.calls.clear()
    first = search("Who won the madison?", k=3)
    second = search("Who won the madison?", k=3, dedupe=False)
    assert len(fake_encoder.calls) == 1 and first[0].dense == second[0].dense
