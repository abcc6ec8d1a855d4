# audiopaper — two entry points: `make demo` and `make test`. Everything else is a helper
# (`make check` is the fast tier of `make test`, `make docs` regenerates the generated docs).
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
DEV    := $(VENV)/.installed-dev
PAGE   ?= examples/page-2025-03-14.md

.PHONY: demo test check lint docs bench bench-archive clean

# The runtime alone for `make demo` (what a user gets from pipx); the dev, cluster and ocr
# extras (linters, test oracles, Dask, rapidocr) on top of it for `make test` and the benches.
$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e .
	touch $(STAMP)

$(DEV): $(STAMP)
	$(BIN)/pip install --quiet -e '.[dev,cluster,ocr]'
	touch $(DEV)

## make demo: install, then render the bundled example page into out/ with the offline voice
demo: $(STAMP)
	$(BIN)/audiopaper render $(PAGE) --date 2025-03-14 --out out --engine offline --paper 青梅日报

## make test: install, then lint, types and the whole test suite, as CI runs it. Lint
## findings and test results are both reported; it fails if either failed.
test: $(DEV)
	@lint=0; tests=0; \
	$(MAKE) --no-print-directory lint || lint=1; \
	$(BIN)/pytest -q || tests=1; \
	$(call summary)

## make check: lint, types and the fast tests (not those marked slow), for the edit loop;
## the tests run on two processes (pytest-xdist): on 2 cores that halves their wall time
check: $(DEV)
	@lint=0; tests=0; \
	$(MAKE) --no-print-directory lint || lint=1; \
	$(BIN)/pytest -q -m "not slow" -n 2 || tests=1; \
	$(call summary)

# One line saying what failed, after both have run; the exit status is non-zero if either did.
summary = echo "lint: $$([ $$lint = 0 ] && echo passed || echo FAILED), tests: $$([ $$tests = 0 ] && echo passed || echo FAILED)"; \
	[ $$lint = 0 ] && [ $$tests = 0 ]

## make lint: ruff (rules and formatting) on audiopaper/, tests/ and scripts/, and mypy --strict;
## each runs even when an earlier one fails
lint: $(DEV)
	@status=0; \
	$(BIN)/ruff check audiopaper tests scripts || status=1; \
	$(BIN)/ruff format --check audiopaper tests scripts || status=1; \
	$(BIN)/mypy || status=1; \
	exit $$status

## make docs: regenerate what docs/ generates from the code with cog: the command-line
## reference (docs/cli.md, from --help) and the module map (docs/development.md)
docs: $(DEV)
	$(BIN)/cog -r -I scripts $$(grep -l '\[\[\[cog' docs/*.md)

clean:
	rm -rf $(VENV) out/editions out/feed.xml

## make bench [PAGE=…] [LONG=1]: cold, warm and one-article-changed renders, and the peak
## memory of a six-hour synthetic edition (fake voice, about 2.5 min); prints JSON
bench: $(DEV)
	$(BIN)/python scripts/bench.py $(PAGE) $(if $(LONG),--long)
	$(BIN)/python scripts/bench_script.py
	$(BIN)/python scripts/bench_long.py --hours 6
	$(BIN)/python scripts/bench_long.py --hours 1.1 --article-chars 19500
	$(BIN)/python scripts/bench_pdf.py
	$(BIN)/python scripts/bench_briefing.py $(PAGE)

## make bench-archive [EDITIONS=6]: archive throughput on a local cluster of 1 and 2 workers, and the scaling
bench-archive: $(DEV)
	$(BIN)/python scripts/bench_archive.py --editions $(or $(EDITIONS),6)
