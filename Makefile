# Set-up is part of every target: a fresh clone needs nothing installed beforehand.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: samples test lint bench setup clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

setup: $(STAMP)

## Extract every source under raw/ (the bundled samples in raw/samples among them) into structured/.
samples: $(STAMP)
	$(BIN)/extract run raw -o structured

## The whole test suite (tests reading ../shared skip with a reason when it is absent).
test: $(STAMP)
	$(BIN)/python -m pytest -q

lint: $(STAMP)
	$(BIN)/ruff check extract tests bench
	$(BIN)/mypy

## Benchmarks need the peers: pip install -e '.[bench]'.
bench: $(STAMP)
	$(BIN)/pip install --quiet -e '.[bench]'
	$(BIN)/python bench/periods.py
	$(BIN)/python bench/ingest.py
	$(BIN)/python bench/startup.py
	$(BIN)/python bench/scale.py

clean:
	rm -rf $(VENV)
