# Set-up is part of every target: a fresh clone needs nothing installed beforehand.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: samples test lint bench setup system clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

setup: $(STAMP)

# What the browser and OCR tests use from Debian: Chromium and its driver, CJK fonts for
# readable screenshots, Tesseract with Japanese. Installed when missing and this is root with
# apt-get; otherwise those tests skip and say why.
SYSTEM_PACKAGES := chromium chromium-driver fonts-noto-cjk tesseract-ocr tesseract-ocr-jpn \
	tesseract-ocr-jpn-vert

system:
	@if dpkg -s $(SYSTEM_PACKAGES) >/dev/null 2>&1; then \
		: ; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
		export DEBIAN_FRONTEND=noninteractive; \
		( apt-get update -q >/dev/null && apt-get install -y -q --no-install-recommends \
			$(SYSTEM_PACKAGES) >/dev/null ) \
		|| echo "could not install $(SYSTEM_PACKAGES): the browser and OCR tests will skip"; \
	else \
		echo "not root with apt-get: install $(SYSTEM_PACKAGES) for the browser and OCR tests"; \
	fi

## Extract every source under raw/ (the bundled samples in raw/samples among them) into structured/.
samples: $(STAMP)
	$(BIN)/extract run raw -o structured

## The whole test suite (tests reading ../shared skip with a reason when it is absent).
test: $(STAMP) system
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
