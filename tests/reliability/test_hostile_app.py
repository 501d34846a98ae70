"""The app's `/ask` endpoint under hostile input (issue 13), against the shared test server.

Properties: every request gets a well-formed payload (text, method, citations) with exact
citations; nothing raw from the question comes back as HTML; the server logs no traceback
and keeps serving.
"""

from __future__ import annotations

import json
import time
import urllib.request
from collections.abc import Iterator
from typing import Any

import pytest
from _app_server import AppServer, shared_server
from _hostile import PAYLOADS, SURROGATE, check_payload, hostile_text
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

pytestmark = pytest.mark.slow

SECONDS_PER_REQUEST = 5.0  # generous: a warm request takes ~0.1 s


@pytest.fixture(scope="module")
def server() -> AppServer:
    return shared_server()


@pytest.fixture(scope="module")
def client(server: AppServer) -> Any:
    from gradio_client import Client

    return Client(server.url, verbose=False)


@pytest.fixture
def clean_log(server: AppServer) -> Iterator[None]:
    """Fails the test when the server logged a traceback while it ran, or stopped."""
    before = server.log.stat().st_size
    yield
    with server.log.open("rb") as log:
        log.seek(before)
        written = log.read().decode("utf-8", "replace")
    assert "Traceback" not in written, written[-3000:]
    assert server.process.poll() is None, server.output()


def ask_raw(server: AppServer, value: Any) -> dict[str, Any]:
    """POST any JSON value as the question (gradio_client cannot send a lone surrogate)."""
    body = json.dumps({"data": [value]}).encode()  # ASCII: a surrogate travels as \\ud800
    request = urllib.request.Request(
        server.url + "gradio_api/call/ask",
        data=body,
        headers={"Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=30) as response:
        event = json.load(response)["event_id"]
    with urllib.request.urlopen(f"{server.url}gradio_api/call/ask/{event}", timeout=30) as r:
        stream = r.read().decode("utf-8")
    kind, _, data = stream.partition("\ndata: ")
    assert kind == "event: complete", stream
    (payload,) = json.loads(data)
    return payload


def check(payload: Any, server: AppServer) -> None:
    assert isinstance(payload, dict), payload
    check_payload(payload, server.corpus)
    assert "<script" not in payload["text"].lower() and "onerror=" not in payload["text"]


# `clean_log` is meant to span every example of a test: the log is checked once, at its end.
ONCE_PER_TEST = [HealthCheck.function_scoped_fixture]


@settings(max_examples=30, deadline=None, suppress_health_check=ONCE_PER_TEST)
@given(question=hostile_text.filter(lambda q: not any("\ud800" <= c <= "\udfff" for c in q)))
def test_api_on_hostile_text(
    question: str, client: Any, server: AppServer, clean_log: None
) -> None:
    started = time.perf_counter()
    payload = client.predict(question, api_name="/ask")
    assert time.perf_counter() - started < SECONDS_PER_REQUEST, question
    check(payload, server)


@pytest.mark.parametrize("question", PAYLOADS[:20] + ["a" * 1_000_000, "🚴" * 1_000_000])
def test_api_on_payloads(question: str, client: Any, server: AppServer, clean_log: None) -> None:
    started = time.perf_counter()
    check(client.predict(question, api_name="/ask"), server)
    assert time.perf_counter() - started < SECONDS_PER_REQUEST


@settings(max_examples=5, deadline=None, suppress_health_check=ONCE_PER_TEST)
@given(
    question=st.tuples(st.text(max_size=10), SURROGATE, st.text(max_size=10)).map("".join),
)
def test_api_refuses_lone_surrogates_politely(
    question: str, server: AppServer, clean_log: None
) -> None:
    payload = ask_raw(server, question)
    check(payload, server)
    assert payload["method"] == "none"
    assert "not valid Unicode" in payload["text"] or "Please type" in payload["text"]


@pytest.mark.parametrize(
    "value", [None, 5, 1.5, True, ["Who won the keirin?"], {"q": "Who won?"}, "\x00" * 10]
)
def test_api_on_json_that_is_not_a_question(value: Any, server: AppServer, clean_log: None) -> None:
    payload = ask_raw(server, value)
    check(payload, server)
    assert payload["method"] == "none"
    if value is not None and not isinstance(value, str):
        assert "must be text" in payload["text"]


def test_api_keeps_answering_after_hostile_input(client: Any, server: AppServer) -> None:
    payload = client.predict("Who won the women's omnium?", api_name="/ask")
    check(payload, server)
    assert "Valente" in payload["text"]
