"""`qa build` over bad corpus files (issue 13): each is refused by name with the fix, or
skipped with a warning naming it; a refused build leaves the old index answering.

Refused: a document that is not UTF-8, binary (NUL bytes, random bytes that decode), over
the size limit (a 50 MB file is refused before it is read); a fact naming
a missing document; a lexicon that is not YAML or not a mapping. Skipped with a warning:
an empty or whitespace-only document. The CLI runs as a subprocess only on refusals
(those come before any model is loaded; the fake encoder exists in this process only).
"""

from __future__ import annotations

import os
import random
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from qa import ask, retrieve
from qa.build import build_index, check_index
from qa.cli import main
from qa.corpus.documents import MAX_DOCUMENT_BYTES
from qa.errors import CorpusInvalid, FactsInvalid, QAError
from qa.store import index_version

REPO = Path(__file__).resolve().parents[2]
ARTICLE = "paris-2024-track-cycling.txt"
QUESTION = "Who won the Madison?"
QUOTE = "went one better in the Madison"


def _latin1(corpus: Path) -> str:
    (corpus / "notes" / "latin1.txt").parent.mkdir(exist_ok=True)
    (corpus / "notes" / "latin1.txt").write_bytes("Le vélodrome.".encode("latin-1"))
    return "notes/latin1.txt"


def _nul_bytes(corpus: Path) -> str:
    (corpus / "image.md").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" * 50)
    return "image.md"


def _random_ascii(corpus: Path) -> str:
    # Bytes 1..127 are all valid UTF-8, so only the control characters give them away.
    rng = random.Random(13)
    (corpus / "random.md").write_bytes(bytes(rng.randrange(1, 128) for _ in range(4000)))
    return "random.md"


def _stray_control(corpus: Path) -> str:
    (corpus / "pasted.md").write_text("# Notes\n\nThe roof \x1b[1mleaks\x1b[0m.\n", "utf-8")
    return "pasted.md"


def _fifty_megabytes(corpus: Path) -> str:
    line = b"The peloton rode through Montmartre three times before the finish.\n"
    with (corpus / "huge.txt").open("wb") as out:
        out.write(line * (50_000_000 // len(line) + 1))
    return "huge.txt"


def _fact_names_missing_document(corpus: Path) -> str:
    facts = corpus / "facts.yaml"
    text = facts.read_text("utf-8")
    facts.write_text(text.replace("doc: *article", "doc: gone/results.txt", 1), "utf-8")
    return "gone/results.txt"


def _lexicon_list(corpus: Path) -> str:
    (corpus / "lexicon.yaml").write_text("- Netherlands\n- France\n", "utf-8")
    return "lexicon.yaml"


def _lexicon_scalar(corpus: Path) -> str:
    (corpus / "lexicon.yaml").write_text("just some words\n", "utf-8")
    return "lexicon.yaml"


def _lexicon_bad_syntax(corpus: Path) -> str:
    (corpus / "lexicon.yaml").write_text("countries: [\n  : :\n", "utf-8")
    return "lexicon.yaml"


def _lexicon_binary(corpus: Path) -> str:
    (corpus / "lexicon.yaml").write_bytes(b"\xff\xfe\x00c\x00o\x00u\x00n\x00t")
    return "lexicon.yaml"


def _lexicon_nul(corpus: Path) -> str:
    (corpus / "lexicon.yaml").write_bytes(b"countries:\x00 France\n")
    return "lexicon.yaml"


# case -> (break the corpus, returning the file the message must name), error, words of the fix
REFUSALS: dict[str, tuple[Callable[[Path], str], type[QAError], str]] = {
    "not-utf8": (_latin1, CorpusInvalid, "re-save it as UTF-8"),
    "nul-bytes": (_nul_bytes, CorpusInvalid, "binary file"),
    "random-bytes-that-decode": (_random_ascii, CorpusInvalid, "binary file"),
    "stray-control-character": (_stray_control, CorpusInvalid, "line 3, column 10; delete"),
    "fifty-megabytes": (_fifty_megabytes, CorpusInvalid, "at most 10 MB: split it"),
    "fact-names-missing-document": (_fact_names_missing_document, FactsInvalid, "use one of"),
    "lexicon-a-list": (_lexicon_list, FactsInvalid, "holds a list, not a mapping"),
    "lexicon-a-scalar": (_lexicon_scalar, FactsInvalid, "holds a str, not a mapping"),
    "lexicon-bad-syntax": (_lexicon_bad_syntax, FactsInvalid, "not valid YAML (line 2"),
    "lexicon-not-utf8": (_lexicon_binary, FactsInvalid, "re-save it as UTF-8"),
    "lexicon-nul": (_lexicon_nul, FactsInvalid, "not valid YAML"),
}


@pytest.mark.parametrize("case", REFUSALS)
def test_a_bad_file_is_refused_by_name_and_the_old_index_keeps_answering(
    real_corpus: Path, index_dir: Path, fake_encoder, case: str
) -> None:
    build_index()
    version = index_version(index_dir)
    before = retrieve(QUESTION, index_dir=index_dir)
    assert any(QUOTE in c.text for h in before for c in h.citations)
    calls = len(fake_encoder.calls)

    breaker, error, fix = REFUSALS[case]
    name = breaker(real_corpus)
    started = time.perf_counter()
    with pytest.raises(error) as raised:
        build_index()
    assert time.perf_counter() - started < 5  # the 50 MB file is refused before it is read
    message = str(raised.value)
    assert name in message and fix in message, message
    assert "\n" not in message, message  # the CLI prints it as one line
    assert len(fake_encoder.calls) == calls  # refused before anything was embedded

    assert index_version(index_dir) == version
    assert retrieve(QUESTION, index_dir=index_dir) == before


def _run_build(corpus: Path, index: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "qa.cli", "build", "--corpus", str(corpus), "--index", str(index)],
        cwd=REPO,
        env={**os.environ, "HF_HUB_OFFLINE": "1"},
        capture_output=True,
        text=True,
        timeout=60,
    )


@pytest.mark.parametrize(
    "case", ["not-utf8", "nul-bytes", "fifty-megabytes", "fact-names-missing-document"]
)
def test_the_cli_refuses_with_one_error_line_and_leaves_the_index(
    real_corpus: Path, index_dir: Path, fake_encoder, case: str
) -> None:
    build_index()
    version = index_version(index_dir)
    name = REFUSALS[case][0](real_corpus)

    result = _run_build(real_corpus, index_dir)
    assert result.returncode != 0
    lines = result.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), result.stderr
    assert name in lines[0] and REFUSALS[case][2] in lines[0]
    assert index_version(index_dir) == version


def test_the_cli_refuses_a_lexicon_that_is_not_yaml(real_corpus: Path, index_dir: Path) -> None:
    _lexicon_bad_syntax(real_corpus)
    result = _run_build(real_corpus, index_dir)
    assert result.returncode != 0
    lines = result.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), result.stderr
    assert "lexicon.yaml is not valid YAML (line 2, column 3" in lines[0]
    assert not index_dir.exists() or index_version(index_dir) is None


def test_a_lexicon_word_yaml_reads_as_true_or_false_is_refused(
    real_corpus: Path, index_dir: Path
) -> None:
    """ "yes" and "no" unquoted are truth values to YAML: the build names the fix."""
    lexicon = real_corpus / "lexicon.yaml"
    text = lexicon.read_text(encoding="utf-8")
    lexicon.write_text(text.replace('"yes", innit, "no"', "yes, innit, no"), encoding="utf-8")
    result = _run_build(real_corpus, index_dir)
    assert result.returncode != 0
    lines = result.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), result.stderr
    assert 'quote words such as "yes", "no"' in lines[0]


@pytest.mark.parametrize("content", [b"", b"  \n\n\t\r\n   \n"], ids=["empty", "whitespace"])
def test_an_empty_document_is_skipped_with_a_warning_naming_it(
    real_corpus: Path, index_dir: Path, fake_encoder, capsys, content: bytes
) -> None:
    (real_corpus / "drafts").mkdir()
    (real_corpus / "drafts" / "todo.md").write_bytes(content)

    assert main(["build"]) == 0
    err = capsys.readouterr().err.splitlines()
    skipped = [line for line in err if "drafts/todo.md" in line]
    assert len(skipped) == 1 and skipped[0].startswith("warning: "), err
    assert "skipped: write it or delete it" in skipped[0]
    assert not any(line.startswith("error") for line in err)

    # The rest of the corpus is indexed, and the skipped file does not make it stale.
    assert any(QUOTE in c.text for h in retrieve(QUESTION) for c in h.citations)
    assert check_index() == []
    assert not build_index().published


def test_a_corpus_of_empty_documents_is_refused(
    corpus_dir: Path, index_dir: Path, fake_encoder
) -> None:
    (corpus_dir / "road.md").write_text("The peloton rode through Montmartre.\n", "utf-8")
    build_index()
    version = index_version(index_dir)
    (corpus_dir / "road.md").write_text("", "utf-8")  # a save gone wrong
    (corpus_dir / "blank.txt").write_text("\n\n", "utf-8")
    with pytest.raises(CorpusInvalid, match="no document .* has any text.*road.md"):
        build_index()
    assert index_version(index_dir) == version
    assert retrieve("Where did the peloton ride?")[0].citations[0].doc == "road.md"


def test_documents_with_the_same_name_in_two_folders_are_cited_by_path(
    real_corpus: Path, fake_encoder
) -> None:
    for folder, sentence in [
        ("a", "The velodrome roof is made of larch wood."),
        ("b", "The velodrome car park holds 400 buses."),
    ]:
        (real_corpus / folder).mkdir()
        (real_corpus / folder / "notes.md").write_text(f"# Notes\n\n{sentence}\n", "utf-8")
    report = build_index()
    assert report.documents == 3

    for question, doc, words in [
        ("What is the velodrome roof made of?", "a/notes.md", "larch wood"),
        ("How many buses does the car park hold?", "b/notes.md", "400 buses"),
    ]:
        top = retrieve(question)[0].citations[0]
        assert (top.doc, words in top.text) == (doc, True)
        answer = ask(question)
        assert answer.method == "retrieval"
        assert [c.doc for c in answer.citations] == [doc]
        source = (real_corpus / doc).read_text("utf-8")
        assert all(source[c.start : c.end] == c.text for c in answer.citations)


def test_a_fact_naming_a_bare_file_name_lists_the_paths(real_corpus: Path, fake_encoder) -> None:
    for folder in ("a", "b"):
        (real_corpus / folder).mkdir()
        (real_corpus / folder / "notes.md").write_text("The roof leaks.\n", "utf-8")
    facts = real_corpus / "facts.yaml"
    facts.write_text(facts.read_text("utf-8").replace("doc: *article", "doc: notes.md", 1), "utf-8")
    with pytest.raises(FactsInvalid, match=r"'notes.md'.*a/notes.md, b/notes.md"):
        build_index()


def test_a_large_document_builds_in_bounded_time(corpus_dir: Path, fake_encoder) -> None:
    # About 0.2 MB of prose in paragraphs: reading time grows with the size, not its square.
    paragraphs = [
        " ".join(f"Rider {i + j} finished lap {j} in {i % 97} seconds." for j in range(6))
        for i in range(0, 15_000, 6)
    ]
    (corpus_dir / "laps.txt").write_text("\n\n".join(paragraphs), "utf-8")
    assert (corpus_dir / "laps.txt").stat().st_size < MAX_DOCUMENT_BYTES
    started = time.perf_counter()
    report = build_index()
    assert time.perf_counter() - started < 20
    assert report.passages == 15_000


def test_a_document_of_one_huge_line_builds_in_bounded_time(corpus_dir: Path, fake_encoder) -> None:
    # An export without line breaks: one block of 400,000 characters, read piece by piece.
    (corpus_dir / "export.txt").write_text("Riders sped on to the line. " * 14_000, "utf-8")
    started = time.perf_counter()
    report = build_index()
    assert time.perf_counter() - started < 20
    assert report.passages == 14_000
