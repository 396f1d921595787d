# The two commands in README.md: `make` (check everything, build the site) and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin

.PHONY: all check site test test-fast chromium bench fuzz clean

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

# The browser tests drive Debian's Chromium; no test tool downloads a browser.
chromium:
	@command -v chromium >/dev/null 2>&1 || { \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && $$SUDO apt-get install -y -qq --no-install-recommends chromium; }

test: $(BIN)/samhandling chromium
	$(BIN)/python -m pytest -q

# Everything but the browser tests, for before each commit.
test-fast: $(BIN)/samhandling
	$(BIN)/python -m pytest -q -m "not browser"

bench: $(BIN)/samhandling
	$(BIN)/python scripts/bench.py

fuzz: $(BIN)/samhandling
	$(BIN)/python scripts/fuzz.py --count 100000

clean:
	rm -rf $(VENV) site
