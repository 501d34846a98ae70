"""qa.cli: build / build --check / retrieve, exit codes and one-line errors."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from qa import cli

ARTICLE = "paris-2024-track-cycling.txt"


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = cli.main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_build_json_reports_counts(real_corpus: Path, fake_encoder, capsys) -> None:
    code, out, err = run(capsys, "build", "--json")
    assert code == 0, err
    report = json.loads(out)
    assert report["passages"] > report["facts"] > 0
    assert report["documents"] == 1
    assert (report["embedded"], report["reused"]) == (report["passages"], 0)
    assert isinstance(report["seconds"], float)
    assert err == ""  # no progress bar with --json


def test_build_json_after_adding_a_document(real_corpus: Path, fake_encoder, capsys) -> None:
    first = json.loads(run(capsys, "build", "--json")[1])
    (real_corpus / "extra.md").write_text(
        "# Extra\n\nThe velodrome seats five thousand. Its track is 250 metres long.\n",
        encoding="utf-8",
    )
    second = json.loads(run(capsys, "build", "--json")[1])
    new = second["passages"] - first["passages"]
    assert new == 3  # the heading and two sentences
    assert (second["embedded"], second["reused"]) == (new, first["passages"])
    third = json.loads(run(capsys, "build", "--json")[1])
    assert (third["embedded"], third["reused"]) == (0, third["passages"])


def test_build_human_and_quiet_output(real_corpus: Path, fake_encoder, capsys) -> None:
    code, out, _ = run(capsys, "build")
    assert code == 0 and out.startswith("indexed ") and "embedded" in out
    code, out, err = run(capsys, "build", "--quiet")
    assert (code, out, err) == (0, "", "")


def test_build_check_exit_codes(real_corpus: Path, fake_encoder, capsys) -> None:
    code, _, err = run(capsys, "build", "--check")
    assert code == 1 and "no index" in err and "qa build" in err

    run(capsys, "build", "--quiet")
    code, out, _ = run(capsys, "build", "--check")
    assert code == 0 and "up to date" in out
    assert run(capsys, "build", "--check", "--quiet")[:2] == (0, "")

    article = real_corpus / ARTICLE
    article.write_text(article.read_text(encoding="utf-8") + "\nAn added line.\n", encoding="utf-8")
    code, out, err = run(capsys, "build", "--check")
    assert code == 1 and out == ""
    assert f"{ARTICLE} changed since the index was built" in err

    code, out, _ = run(capsys, "build", "--check", "--json")
    assert code == 1 and json.loads(out)["ok"] is False


def test_corpus_and_index_options(tmp_path: Path, real_corpus: Path, fake_encoder, capsys) -> None:
    other_index = tmp_path / "elsewhere"
    code, _, err = run(
        capsys, "build", "--quiet", "--corpus", str(real_corpus), "--index", str(other_index)
    )
    assert code == 0, err
    assert (other_index / "CURRENT").exists()
    assert run(capsys, "build", "--check", "--index", str(other_index))[0] == 0
    assert run(capsys, "retrieve", "keirin", "--index", str(other_index))[0] == 0


def test_retrieve_json(real_corpus: Path, fake_encoder, capsys) -> None:
    run(capsys, "build", "--quiet")
    code, out, err = run(capsys, "retrieve", "Who won the women's omnium?", "-k", "3", "--json")
    assert code == 0, err
    data = json.loads(out)
    assert data["question"] == "Who won the women's omnium?"
    assert len(data["hits"]) == 3
    text = (real_corpus / ARTICLE).read_text(encoding="utf-8")
    for hit in data["hits"]:
        assert set(hit) >= {"text", "score", "kind", "fact_id", "citation", "citations"}
        for c in hit["citations"]:
            assert text[c["start"] : c["end"]] == c["text"]


def test_retrieve_human_output(real_corpus: Path, fake_encoder, capsys) -> None:
    run(capsys, "build", "--quiet")
    code, out, _ = run(capsys, "retrieve", "Who won the Madison?", "-k", "2")
    assert code == 0
    assert out.startswith("1. [") and "\n2. [" in out
    assert f"{ARTICLE}:" in out


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["retrieve", "   "], "the question is empty"),
        (["retrieve", "Who won?"], "no index at"),
        (["build"], "no .txt or .md documents"),
    ],
)
def test_user_errors_are_one_line(corpus_dir: Path, fake_encoder, capsys, argv, message) -> None:
    code, out, err = run(capsys, *argv)
    assert code == 2 and out == ""
    assert err.startswith(f"error: {message}") and err.count("\n") == 1
    assert "Traceback" not in err


def test_non_utf8_document_names_the_file(real_corpus: Path, fake_encoder, capsys) -> None:
    (real_corpus / "old.txt").write_bytes(b"caf\xe9 au lait")
    code, _, err = run(capsys, "build")
    assert code == 2 and "old.txt" in err and "UTF-8" in err
    assert not (real_corpus.parent / "index" / "CURRENT").exists()


def test_interrupted_build_says_the_index_is_intact(
    real_corpus: Path, fake_encoder, capsys, monkeypatch
) -> None:
    from qa import build

    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(build, "build_index", interrupted)
    code, _, err = run(capsys, "build")
    assert code == 130
    assert err == "interrupted; the previous index is intact\n"


def test_bad_k_is_a_usage_error(capsys) -> None:
    with pytest.raises(SystemExit) as exit_info:
        cli.main(["retrieve", "question", "-k", "0"])
    assert exit_info.value.code == 2
    assert "at least 1" in capsys.readouterr().err


def test_console_script_prints_no_traceback(corpus_dir: Path) -> None:
    """The installed `qa` entry point, in a real process: a friendly line and status 2."""
    result = subprocess.run(
        [
            sys.executable,
            "-c",
            "import sys; from qa.cli import main; sys.exit(main())",
            "retrieve",
            "Who won the keirin?",
        ],
        capture_output=True,
        text=True,
        timeout=120,
        env=os.environ,
    )
    assert result.returncode == 2
    assert result.stderr.startswith("error: no index at") and "qa build" in result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.slow
def test_real_build_and_retrieve_print_no_library_noise(real_corpus: Path, index_dir: Path) -> None:
    """With the real model: no "Loading weights" bar or warnings, just the results."""
    qa_bin = Path(sys.executable).with_name("qa")
    build = subprocess.run(
        [str(qa_bin), "build", "--json"],
        capture_output=True,
        text=True,
        timeout=600,
        env=os.environ,
    )
    assert build.returncode == 0, build.stderr
    assert build.stderr == ""
    assert json.loads(build.stdout)["embedded"] > 0
    found = subprocess.run(
        [str(qa_bin), "retrieve", "What did Iuri Leitão win?", "--json"],
        capture_output=True,
        text=True,
        timeout=600,
        env=os.environ,
    )
    assert found.returncode == 0, found.stderr
    assert found.stderr == ""
    hits = json.loads(found.stdout)["hits"]
    assert any("Leitao’s silver" in c["text"] for h in hits for c in h["citations"])


def test_eval_reports_each_set_by_path_and_class(
    real_corpus: Path, fake_encoder, capsys, tmp_path: Path
) -> None:
    assert run(capsys, "build", "--quiet")[0] == 0
    good = tmp_path / "good.jsonl"
    good.write_text(
        json.dumps(
            {
                "id": "g1",
                "question": "Who won the women's omnium?",
                "expect": [["Valente"]],
                "class": "winner",
            }
        )
        + "\n"
        + json.dumps(
            {
                "id": "g2",
                "question": "Who won the women's Madison?",
                "answerable": False,
                "class": "nearmiss",
            }
        )
        + "\n",
        encoding="utf-8",
    )
    bad = tmp_path / "bad.jsonl"
    bad.write_text(
        json.dumps(
            {
                "id": "b1",
                "question": "Who won the men's omnium?",
                "expect": [["Valente"]],
                "class": "winner",
            }
        )
        + "\n",
        encoding="utf-8",
    )
    code, out, _ = run(capsys, "eval", "--by-class", str(good), str(bad))
    assert code == 1  # a row failed
    assert f"== {good}" in out and f"== {bad}" in out
    assert "2 passed, 0 failed (0 wrong answers)" in out
    assert "0 passed, 1 failed (1 wrong answer)" in out
    assert "FAIL b1: reply lacks one of ['Valente']" in out
    by_class = out.split("by class")[-1]
    assert "winner" in by_class and "structured p50" in out
