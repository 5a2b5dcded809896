# The few commands people type. `make run` and `make test` set up everything they need.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-stamp
PORT ?= 8501
HOST ?= 127.0.0.1
DB ?= $(or $(PASSMAP_DB),data/passmap.duckdb)

.PHONY: run test lint venv demo system-deps bench clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install -q --upgrade pip
	$(VENV)/bin/pip install -q -e '.[test]'
	touch $(STAMP)

venv: $(STAMP)

## Build the demo database if it does not exist yet.
demo: venv
	$(PY) -m passmap.cli demo --if-missing --db $(DB)

## Run the app with the demo district on http://localhost:$(PORT) (HOST=0.0.0.0 listens on every interface)
## (`passmap serve`, the same command an installed package runs; it builds the demo if $(DB) is missing)
run: venv
	$(VENV)/bin/passmap serve --demo-if-missing --db $(DB) --host $(HOST) --port $(PORT)

## Install Debian's chromium, mosquitto and poppler when missing (as root), else say what to install.
system-deps:
	@bash scripts/system-deps.sh

## Lint, format check and the import contracts (pyproject.toml); fails on any violation.
lint: venv
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports --no-cache

## The whole test suite, as CI runs it: the checks above first, then pytest.
test: lint system-deps
	$(VENV)/bin/pytest -n 2 -q --durations=15

## Benchmarks (not part of the test suite); results go to bench/RESULTS.md.
bench: venv system-deps
	for b in bench/bench_*.py; do $(PY) $$b || exit 1; done

clean:
	rm -rf $(VENV) data/passmap.duckdb data/passmap.duckdb.wal
