# The two commands in README.md: `make` (check everything, build the site) and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin

.PHONY: all check site test bench clean

all: site

$(BIN)/samhandling: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $@

check: $(BIN)/samhandling
	$(BIN)/samhandling check

site: check
	$(BIN)/mkdocs build --strict --site-dir site

test: $(BIN)/samhandling
	$(BIN)/python -m pytest -q

bench: $(BIN)/samhandling
	$(BIN)/python scripts/bench.py

clean:
	rm -rf $(VENV) site
