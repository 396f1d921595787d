# The two commands in README.md: `make` (check everything, build the site) and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin

.PHONY: all check site serve test test-fast chromium editor-tools bench fuzz clean

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

# Preview on http://127.0.0.1:8000/; a changed YAML file rebuilds only the pages it touches.
serve: $(BIN)/samhandling
	$(BIN)/mkdocs serve --dirty

# The browser tests drive Debian's Chromium; no test tool downloads a browser.
chromium:
	@command -v chromium >/dev/null 2>&1 || { \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && $$SUDO apt-get install -y -qq --no-install-recommends chromium; }

# The YAML language server VS Code runs, for the editor test (tests/test_editor.py), from the lock file.
LSP := tools/yaml-language-server/node_modules/.bin/yaml-language-server
editor-tools: $(LSP)
$(LSP): tools/yaml-language-server/package.json tools/yaml-language-server/package-lock.json
	cd tools/yaml-language-server && npm ci --no-audit --no-fund
	touch $@

test: $(BIN)/samhandling chromium editor-tools
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
