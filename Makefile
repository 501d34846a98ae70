# Two commands for a newcomer: `make run` and `make test`. Everything else is set up on the way.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.install-stamp
export HF_HUB_OFFLINE := 1
export TRANSFORMERS_OFFLINE := 1

.PHONY: install index run test test-fast lint chromium bench eval stress clean

install: $(STAMP)

# torch first, pinned to the CPU build that lies on this disk: an unpinned resolve pulls CUDA.
$(STAMP): pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --disable-pip-version-check torch==2.13.0
	$(PY) -m pip install -q --disable-pip-version-check -e '.[test]'
	touch $(STAMP)

# Build the index; a no-op (nothing to publish) when it already matches corpus, model and code.
index: install
	@$(VENV)/bin/qa build

run: index
	$(PY) app.py

test: install chromium
	$(PY) -m pytest

test-fast: install
	$(PY) -m pytest -m "not slow and not browser"

lint: install
	$(VENV)/bin/ruff format --check qa tests app.py
	$(VENV)/bin/ruff check qa tests app.py
	$(VENV)/bin/mypy qa

# Browser tests drive Debian's chromium; a fresh machine does not have it.
chromium:
	@command -v chromium >/dev/null 2>&1 || { apt-get update -qq && apt-get install -y -qq chromium; }

# Speed and memory, each figure beside its reference in the same run (about 10 minutes:
# it builds a synthetic corpus of 100,000 passages). `qa bench --passages 2000` is quicker.
bench: index
	$(VENV)/bin/qa bench

eval: index
	$(VENV)/bin/qa eval ../shared/eval/dev.jsonl

# The long reliability run: 32 users while a rebuild publishes, 2,000 requests of memory,
# 20 random kills of a build (CI runs the same code small, in tests/reliability/).
stress: install
	$(PY) tests/reliability/stress.py

clean:
	rm -rf $(VENV) index
