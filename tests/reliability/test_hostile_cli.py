"""`qa ask` and `qa retrieve` as subprocesses under hostile input (issue 13).

Properties: exit 0 with well-formed output (JSON that parses, exact citations), or exit 2
with exactly one `error: ...` line on stderr; never a traceback. Each run starts Python
(~0.5 s), so only a handful of examples.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from _hostile import ANY_CHAR, check_citations, check_payload
from hypothesis import given, settings
from hypothesis import strategies as st

pytestmark = pytest.mark.slow

REPO = Path(__file__).resolve().parents[2]
EXIT_ERROR = 2


def run(index: Path, *args: str | bytes, **env: str) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(
        [sys.executable, "-m", "qa.cli", *args],
        cwd=REPO,
        env={
            **os.environ,
            "QA_INDEX_DIR": str(index),
            "QA_CORPUS_DIR": str(index.parent / "corpus"),
            "HF_HUB_OFFLINE": "1",
            **env,
        },
        capture_output=True,
        timeout=60,
    )


def check_run(result: subprocess.CompletedProcess[bytes], index: Path, as_json: bool) -> str:
    """'ok' or 'error' for a well-behaved run; fails on a crash or a traceback."""
    corpus = index.parent / "corpus"
    stderr = result.stderr.decode("utf-8", "backslashreplace")
    assert "Traceback" not in stderr, stderr
    if result.returncode == EXIT_ERROR:
        lines = stderr.splitlines()
        assert len(lines) == 1 and lines[0].startswith("error: "), stderr
        assert result.stdout == b""
        return "error"
    assert result.returncode == 0, (result.returncode, stderr)
    out = result.stdout.decode("utf-8")  # strict: the output is valid UTF-8
    if as_json:
        data = json.loads(out)
        if "hits" in data:
            for hit in data["hits"]:
                check_citations([hit["citation"], *hit["citations"]], corpus)
        else:
            check_payload(data, corpus)
    return "ok"


def argv_bytes(text: str) -> bytes:
    """How a terminal would pass `text`: UTF-8, lone surrogates as the bytes they stand for."""
    return text.encode("utf-8", "surrogatepass")


CASES = [
    # (argv, expected: "ok" / "error")
    (["ask", b"who won the \xff keirin?"], "error"),  # not UTF-8: a surrogate in argv
    (["retrieve", "--json", b"\xed\xa0\x80 who won?"], "error"),  # an encoded lone surrogate
    (["ask", ""], "error"),
    (["retrieve", " \t\n "], "error"),
    (["ask", "x" * 100_000], "error"),  # near the kernel's limit for one argument
    (["ask", "--json", "<script>alert(1)</script> {{7*7}} ${jndi:ldap://x/a}"], "ok"),
    (["retrieve", "--json", "\x1b[31m\u202eمن فاز 🚴 Ｗｈｏ ｗｏｎ？\x07"], "ok"),
    (["ask", "--json", "--history", b"\xff\xfe", "--history", "x" * 5000, "and the men's?"], "ok"),
    (["ask", "--json", "--history", "Who won the women's keirin?", "and the men's?"], "ok"),
]


@pytest.mark.parametrize(
    ("argv", "expected"),
    CASES,
    ids=["not-utf8", "surrogate", "empty", "blank", "100kB", "payloads", "rtl-escapes-emoji"]
    + ["bad-history", "follow-up"],
)
def test_cli_on_hostile_input(argv: list[str | bytes], expected: str, real_index: Path) -> None:
    result = run(real_index, *argv)
    assert check_run(result, real_index, as_json="--json" in argv) == expected


def test_an_error_names_the_problem_and_what_to_do(real_index: Path) -> None:
    result = run(real_index, "ask", b"who won the \xff keirin?")
    message = result.stderr.decode()
    assert "not valid Unicode" in message and "retype it" in message


@settings(max_examples=4, deadline=None)
@given(
    command=st.sampled_from(["ask", "retrieve"]),
    text=st.text(ANY_CHAR.filter(lambda c: c != "\x00"), min_size=1, max_size=40),
)
def test_cli_on_random_text(command: str, text: str, real_index: Path) -> None:
    result = run(real_index, command, "--json", argv_bytes(text))
    check_run(result, real_index, as_json=True)


def test_cli_on_an_ascii_terminal(real_index: Path) -> None:
    result = run(real_index, "ask", "Who won the women's keirin?", PYTHONIOENCODING="ascii")
    assert result.returncode == 0 and "Traceback" not in result.stderr.decode()
