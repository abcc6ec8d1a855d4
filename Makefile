# audiopaper — two entry points: `make demo` and `make test`. Everything else is a helper.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
DEV    := $(VENV)/.installed-dev
PAGE   ?= examples/page-2025-03-14.md

.PHONY: demo test lint bench bench-archive clean

# The runtime alone for `make demo` (what a user gets from pipx); the dev and cluster
# extras (linters, test oracles, Dask) on top of it for `make test` and the benches.
$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e .
	touch $(STAMP)

$(DEV): $(STAMP)
	$(BIN)/pip install --quiet -e '.[dev,cluster]'
	touch $(DEV)

## make demo: install, then render the bundled example page into out/ with the offline voice
demo: $(STAMP)
	$(BIN)/audiopaper render $(PAGE) --date 2025-03-14 --out out --engine offline --paper 青梅日报

## make test: install, then run the linters and the whole test suite
test: lint
	$(BIN)/pytest -q

## make lint: ruff (rules and formatting) and mypy, strict
lint: $(DEV)
	$(BIN)/ruff check audiopaper tests scripts
	$(BIN)/ruff format --check audiopaper tests scripts
	$(BIN)/mypy

clean:
	rm -rf $(VENV) out/editions out/feed.xml

## make bench [PAGE=…] [LONG=1]: cold, warm and one-article-changed renders; prints JSON
bench: $(DEV)
	$(BIN)/python scripts/bench.py $(PAGE) $(if $(LONG),--long)
	$(BIN)/python scripts/bench_script.py

## make bench-archive [EDITIONS=6]: archive throughput on a local cluster of 1 and 2 workers, and the scaling
bench-archive: $(DEV)
	$(BIN)/python scripts/bench_archive.py --editions $(or $(EDITIONS),6)
