"""qa.passages and qa.build: validation first, incremental embedding, crash safety."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from conftest import REAL_CORPUS, FakeEncoder

from qa.build import build_index, check_index, require_fresh_index
from qa.corpus.facts import FACTS_FILE
from qa.errors import CorpusInvalid, FactsInvalid, IndexStale
from qa.passages import corpus_passages
from qa.retrieval import retrieve
from qa.store import index_version, load_index

ARTICLE = "paris-2024-track-cycling.txt"
NEW_DOC = textwrap.dedent(
    """\
    # Road cycling notes

    The peloton rode through Montmartre three times. Spectators lined every hairpin.

    A breakaway of nine riders formed after forty kilometres.
    """
)


def _write(corpus: Path, name: str, text: str) -> None:
    path = corpus / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def test_every_citation_reproduces_its_text(real_corpus: Path) -> None:
    snapshot = corpus_passages(real_corpus)
    texts = {d.path: d.text for d in snapshot.documents}
    kinds = {p.kind for p in snapshot.passages}
    assert kinds == {"source", "fact"}
    assert len([p for p in snapshot.passages if p.kind == "fact"]) == len(snapshot.facts) > 0
    for passage in snapshot.passages:
        assert passage.citations
        for c in passage.citations:
            assert texts[c.doc][c.start : c.end] == c.text
        if passage.kind == "source":
            assert passage.citations[0].text == passage.text
        else:
            assert passage.fact_id


def test_fact_passages_carry_the_fact_sentence_and_evidence(real_corpus: Path) -> None:
    snapshot = corpus_passages(real_corpus)
    by_id = {p.fact_id: p for p in snapshot.passages if p.kind == "fact"}
    for fact in snapshot.facts:
        passage = by_id[fact.id]
        assert passage.text == fact.sentence
        assert passage.citations == tuple(fact.citations)


def test_build_writes_a_loadable_index(real_corpus: Path, index_dir: Path, fake_encoder) -> None:
    report = build_index()
    snapshot = corpus_passages(real_corpus)
    assert report.passages == len(snapshot.passages)
    assert (report.facts, report.documents) == (len(snapshot.facts), 1)
    assert (report.embedded, report.reused) == (report.passages, 0)
    loaded = load_index(index_dir, encoder_name=fake_encoder.name)
    assert loaded.passages == snapshot.passages
    assert loaded.manifest.documents == snapshot.document_hashes
    assert set(loaded.manifest.data_files) == {"facts.yaml", "lexicon.yaml"}
    assert loaded.manifest.counts["source_passages"] == snapshot.source_passages


def test_unchanged_rebuild_embeds_nothing_and_publishes_nothing(
    real_corpus: Path, index_dir: Path, fake_encoder
) -> None:
    first = build_index()
    fake_encoder.calls.clear()
    report = build_index()
    assert (report.embedded, report.reused) == (0, report.passages)
    assert fake_encoder.calls == []
    assert not report.published and report.version == first.version
    assert (report.facts, report.derived) == (first.facts, first.derived)
    assert index_version(index_dir) == first.version


def test_new_code_rebuilds_even_when_the_corpus_is_unchanged(
    real_corpus: Path, index_dir: Path, fake_encoder, monkeypatch
) -> None:
    from qa import build

    first = build_index()
    monkeypatch.setattr(build, "builder_checksum", lambda: "other code")
    report = build_index()
    assert report.published and report.version != first.version
    assert report.embedded == 0  # the vectors are still reused
    assert load_index(index_dir).manifest.builder == "other code"


def test_a_rebuild_reads_only_the_documents_that_changed(
    real_corpus: Path, index_dir: Path, fake_encoder
) -> None:
    first = build_index()
    assert first.documents_read == first.documents
    _write(real_corpus, "notes/road.md", NEW_DOC)
    second = build_index()
    assert second.documents_read == 1 and second.documents == first.documents + 1
    assert corpus_passages(real_corpus).passages == load_index(index_dir).passages
    lexicon = real_corpus / "lexicon.yaml"
    lexicon.write_text(lexicon.read_text(encoding="utf-8") + "\n# edited\n", encoding="utf-8")
    third = build_index()
    assert third.documents_read == third.documents  # another lexicon: everything read again


def test_the_bm25_model_is_read_from_the_index_not_rebuilt(
    real_corpus: Path, index_dir: Path, fake_encoder, monkeypatch
) -> None:
    import bm25s

    from qa.retrieval import clear_cache, search

    build_index()
    files = load_index(index_dir).manifest.files
    assert any(name.startswith("bm25/") for name in files)

    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("the BM25 model was rebuilt on load")

    monkeypatch.setattr(bm25s.BM25, "index", refuse)
    clear_cache()
    hits = search("Who won the women's omnium?", k=3)
    assert any(h.lexical > 0 for h in hits)
    assert any("omnium" in c.text for h in hits for c in h.citations)


def test_added_document_embeds_only_its_sentences(real_corpus: Path, fake_encoder) -> None:
    first = build_index()
    _write(real_corpus, "notes/road.md", NEW_DOC)
    fake_encoder.calls.clear()
    second = build_index()

    new_sentences = [
        p.text
        for p in corpus_passages(real_corpus).passages
        if p.citations[0].doc == "notes/road.md"
    ]
    assert len(new_sentences) == 4
    assert second.passages == first.passages + 4
    assert (second.embedded, second.reused) == (4, first.passages)
    assert sorted(fake_encoder.calls) == sorted(new_sentences)


def test_other_model_reembeds_everything(real_corpus: Path, fake_encoder) -> None:
    build_index()
    other = FakeEncoder()
    other.name = "another-fake"
    report = build_index(encoder=other)
    assert (report.embedded, report.reused) == (report.passages, 0)


def test_stale_evidence_is_refused_and_the_old_index_still_answers(
    real_corpus: Path, index_dir: Path, fake_encoder
) -> None:
    build_index()
    version = index_version(index_dir)
    article = real_corpus / ARTICLE
    text = article.read_text(encoding="utf-8")
    quote = "went one better in the Madison"
    assert quote in text
    article.write_text(text.replace(quote, "did something else in the Madison"), encoding="utf-8")

    with pytest.raises(FactsInvalid) as error:
        build_index()
    assert "facts.yaml" in str(error.value)
    assert index_version(index_dir) == version
    hits = retrieve("Who won the Madison?")
    assert any(quote in c.text for h in hits for c in h.citations)


def test_non_utf8_document_is_refused_by_name(
    real_corpus: Path, index_dir: Path, fake_encoder
) -> None:
    build_index()
    version = index_version(index_dir)
    (real_corpus / "latin1.txt").write_bytes("Le vélodrome de Saint-Quentin.".encode("latin-1"))
    with pytest.raises(CorpusInvalid, match="latin1.txt.*UTF-8"):
        build_index()
    assert index_version(index_dir) == version
    assert fake_encoder.calls.count("Le vélodrome de Saint-Quentin.") == 0


def test_missing_corpus_is_refused(corpus_dir: Path, fake_encoder) -> None:
    with pytest.raises(CorpusInvalid, match="no .txt or .md documents"):
        build_index()
    with pytest.raises(CorpusInvalid, match="does not exist"):
        build_index(corpus_dir / "nowhere")


def test_corpus_without_facts_file_has_only_sources(corpus_dir: Path, fake_encoder) -> None:
    _write(corpus_dir, "road.md", NEW_DOC)
    report = build_index()
    assert (report.passages, report.facts) == (4, 0)
    assert not (corpus_dir / FACTS_FILE).exists()


def test_check_index_lists_what_changed(real_corpus: Path, index_dir: Path, fake_encoder) -> None:
    assert any("no index" in r and "qa build" in r for r in check_index())
    build_index()
    assert check_index() == []
    require_fresh_index()

    article = real_corpus / ARTICLE
    article.write_text(article.read_text(encoding="utf-8") + "\nOne more line.\n", encoding="utf-8")
    _write(real_corpus, "road.md", NEW_DOC)
    (real_corpus / "lexicon.yaml").unlink()
    reasons = check_index()
    assert f"corpus/{ARTICLE} changed since the index was built" in reasons
    assert "corpus/road.md was added since the index was built" in reasons
    assert "corpus/lexicon.yaml was removed since the index was built" in reasons
    with pytest.raises(IndexStale, match="road.md.*qa build"):
        require_fresh_index()


def test_check_index_reports_an_unreadable_document(real_corpus: Path, fake_encoder) -> None:
    build_index()
    (real_corpus / ARTICLE).write_bytes(b"\xff\xfe broken")
    assert any(ARTICLE in r and "UTF-8" in r for r in check_index())


@pytest.mark.parametrize("kill_point", ["after-vectors-file", "before-pointer-swap"])
def test_build_killed_midway_leaves_the_old_index(
    real_corpus: Path, index_dir: Path, fake_encoder, kill_point: str
) -> None:
    build_index()
    version = index_version(index_dir)
    _write(real_corpus, "road.md", NEW_DOC)

    result = _run_killed_build(kill_point)
    assert result.returncode == -signal.SIGKILL, result.stderr

    assert index_version(index_dir) == version
    loaded = load_index(index_dir, encoder_name=fake_encoder.name)
    assert not any(p.citations[0].doc == "road.md" for p in loaded.passages)
    assert retrieve("Who won the women's omnium?")

    # The next build cleans up after the dead one and publishes normally.
    report = build_index()
    assert report.embedded == 4
    assert not list(index_dir.glob(".tmp-*"))
    assert len(list(index_dir.glob("v*"))) == 2


def _run_killed_build(kill_point: str) -> subprocess.CompletedProcess[str]:
    """Run a build in a child process that SIGKILLs itself at `kill_point` (env is inherited)."""
    script = textwrap.dedent(
        f"""
        import os, signal, sys
        sys.path.insert(0, {str(Path(__file__).parent)!r})
        from conftest import FakeEncoder
        import qa.store as store

        def die(*args, **kwargs):
            os.kill(os.getpid(), signal.SIGKILL)

        if {kill_point!r} == "after-vectors-file":
            real_write = store._write_file
            def write(path, data):
                real_write(path, data)
                if path.name == store.VECTORS_FILE:
                    die()
            store._write_file = write
        else:
            store._point_current = die

        from qa.build import build_index
        build_index(encoder=FakeEncoder())
        """
    )
    return subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=120, env=os.environ
    )


def test_many_documents_are_read_in_worker_processes_with_the_same_result(
    corpus_dir: Path, monkeypatch
) -> None:
    from qa import passages
    from qa.corpus.documents import load_documents
    from qa.corpus.lexicon import load_lexicon
    from qa.synthetic import write_synthetic_corpus

    shutil.copy(REAL_CORPUS / "lexicon.yaml", corpus_dir / "lexicon.yaml")
    write_synthetic_corpus(corpus_dir, 600)
    documents, lexicon = load_documents(corpus_dir), load_lexicon(corpus_dir)
    monkeypatch.setattr(passages, "PARALLEL_FROM", 4)
    called = []
    parallel = passages.read_documents(documents, lexicon, lambda: called.append(1), workers=2)
    alone = passages.read_documents(documents, lexicon, workers=1)
    assert called == [1] and parallel == alone and len(alone) == 6
