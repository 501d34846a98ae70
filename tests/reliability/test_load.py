"""The app under load while a rebuild publishes a new index, and its memory over many
requests (CI runs it small; `stress.py` runs 32 users and 2,000 requests)."""

from __future__ import annotations

from pathlib import Path

import pytest
from _app_server import AppServer, make_corpus
from stress import bare_gradio_reference, memory_growth, rebuild_with_new_document, run_load

USERS, PER_USER = 8, 4


@pytest.fixture(scope="module")
def own_server(tmp_path_factory: pytest.TempPathFactory):
    corpus, index = make_corpus(tmp_path_factory.mktemp("load"))
    server = AppServer.start(corpus, index)
    yield server
    server.stop()


@pytest.mark.slow
def test_users_get_right_answers_while_a_rebuild_publishes(own_server: AppServer) -> None:
    corpus, index = own_server.corpus, own_server.index
    report = run_load(
        own_server.url, USERS, PER_USER, rebuild=lambda: rebuild_with_new_document(corpus, index)
    )
    summary = report.summary()
    print(f"\nload: {summary}")
    assert report.errors == [] and report.wrong == []
    assert report.requests >= USERS * (PER_USER + 1)
    assert report.during_rebuild >= USERS  # answered while the new index was built and went live
    assert report.new_document_answered == USERS  # every answer after it comes from it


@pytest.mark.slow
def test_memory_stays_flat_over_many_requests(own_server: AppServer) -> None:
    growth = memory_growth(own_server, 200)
    print(f"\nmemory: {growth}")
    assert growth["growth"] <= 0.25


@pytest.mark.slow
def test_the_bare_gradio_reference_runs(tmp_path: Path) -> None:
    summary = bare_gradio_reference(USERS, 2, concurrency=2)
    print(f"\nbare Gradio: {summary}")
    assert summary["errors"] == 0 and summary["requests"] == USERS * 2
