"""`qa bench` at a small scale: every section is measured and every target is reported."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
from _app_server import REPO


@pytest.mark.slow
def test_bench_reports_every_figure_at_small_scale(tmp_path) -> None:
    run = subprocess.run(
        [sys.executable, "-m", "qa.cli", "bench", "--corpus", str(REPO / "corpus")]
        + ["--passages", "300", "--repeat", "1", "--json"],
        capture_output=True,
        text=True,
        cwd=REPO,
        timeout=600,
    )
    assert run.returncode == 0, run.stderr[-2000:]
    report = json.loads(run.stdout)
    assert report["encode"]["onnx_encoder"] == "OnnxEncoder"
    assert report["encode"]["onnx_median_ms"] > 0
    assert {"structured", "retrieval", "all"} <= set(report["ask"])
    assert report["build"]["noop_published"] is False
    assert report["build"]["one_document_embedded"] == 100
    for name in ("import_st", "st_script", "qa_ask_structured", "qa_ask_retrieval"):
        assert report["cold"][name]["seconds"] > 0 and report["cold"][name]["peak_mb"] > 0
    scale = report["scale"]
    assert scale["passages"] == 300 and scale["one_document_embedded"] == 100
    assert scale["recall_at_10"] == 1.0  # exact search at this size
    assert all(t["value"] is not None for t in report["targets"].values())
    # The question path stays far lighter than sentence-transformers in any run.
    assert report["cold"]["qa_ask_retrieval"]["peak_mb"] < report["cold"]["st_script"]["peak_mb"]
