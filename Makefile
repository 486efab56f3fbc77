# Overblik: `make run` starts the dashboard on the demo data; `make test` runs ruff and every test.
SHELL := /bin/bash
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
DB ?= data/overblik.sqlite
PORT ?= 8501

.PHONY: run test test-postgres demo bench bench-quick fuzz lint format sysdeps messages clean

$(BIN)/python:
	$(PY) -m venv $(VENV)

# Reinstall only when the requirements change.
$(VENV)/.stamp-req: requirements.txt | $(BIN)/python
	$(BIN)/pip install -q --disable-pip-version-check -r requirements.txt
	touch $@

$(VENV)/.stamp-dev: requirements-dev.txt $(VENV)/.stamp-req
	$(BIN)/pip install -q --disable-pip-version-check -r requirements-dev.txt
	touch $@

# The English catalog, compiled (the app reads the .po itself when this is missing or older).
MO := translations/en/LC_MESSAGES/messages.mo
$(MO): translations/en/LC_MESSAGES/messages.po | $(VENV)/.stamp-req
	$(BIN)/python -m translations compile >/dev/null

# After changing a text in the code: extract every marked text, merge them into the English
# catalog (new ones arrive untranslated; tests/test_translations.py fails until they are), compile.
messages: $(VENV)/.stamp-req
	$(BIN)/python -m translations all

# Built from data/demo/ when absent, never over a store that exists (it may hold real uploads).
$(DB): | $(VENV)/.stamp-req
	$(MAKE) --no-print-directory demo DB=$(DB)

run: $(VENV)/.stamp-req $(MO) | $(DB)
	OVERBLIK_DB=$(DB) $(BIN)/streamlit run app.py --server.port $(PORT)

# Rebuild the demo store through the same loader path an upload takes: the catalog $(DB) and its
# data folder beside it ($(basename $(DB)).lake/).
INGEST = OVERBLIK_USER=demo $(BIN)/python -m loaders ingest --db $(DB)
demo: $(VENV)/.stamp-req
	rm -rf $(DB) $(DB)-wal $(DB)-shm $(DB).lock $(basename $(DB)).lake
	$(INGEST) data/demo/netvaerk.xlsx data/demo/organisationer.xlsx
	$(INGEST) data/demo/deltagere_ai_netvaerk.xlsx --set network="AI-Innovationsnetværket" --set region="Region Hovedstaden"
	$(INGEST) data/demo/udvalg_og_projekter_deltagere.xlsx data/demo/moeder.xlsx data/demo/eu_projekter.xlsx
	$(INGEST) data/demo/puljer.xlsx data/demo/bevillinger.xlsx data/demo/projektdeltagere.xlsx

# Only what is missing is installed, command by command (and library by library: WeasyPrint, the
# annex's PDF, needs Pango and HarfBuzz's subsetter): a machine whose Node.js comes from
# NodeSource already has npm, and Debian's npm package conflicts with that nodejs.
SYSDEPS := chromium:chromium chromedriver:chromium-driver node:nodejs npm:npm pdftoppm:poppler-utils fc-list:fonts-dejavu-core soffice:libreoffice-calc-nogui
sysdeps:
	@missing=""; \
	for pair in $(SYSDEPS); do c=$${pair%%:*}; pkg=$${pair##*:}; \
	  command -v $$c >/dev/null || missing="$$missing $$pkg"; done; \
	[ -f /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf ] || missing="$$missing fonts-dejavu-core"; \
	for pair in libpango-1.0.so.0:libpango-1.0-0 libpangoft2-1.0.so.0:libpangoft2-1.0-0 \
	  libharfbuzz-subset.so.0:libharfbuzz-subset0; do lib=$${pair%%:*}; pkg=$${pair##*:}; \
	  ls /usr/lib/*/$$lib >/dev/null 2>&1 || missing="$$missing $$pkg"; done; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ]; then \
	    echo "Installing system packages for the tests:$$missing"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null; \
	  else \
	    echo "The tests need system packages that are missing:$$missing"; \
	    echo "Run:  sudo apt-get install -y$$missing"; exit 1; \
	  fi; \
	fi

node_modules/.stamp: package.json package-lock.json | sysdeps
	npm ci --silent --no-audit --no-fund
	touch $@

lint: $(VENV)/.stamp-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(VENV)/.stamp-dev
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

# Two workers, each test file on one of them (a file's servers and fixtures are shared by its tests).
test: $(VENV)/.stamp-dev $(MO) sysdeps node_modules/.stamp lint
	$(BIN)/python -m pytest -q -n 2 --dist loadfile --no-loadscope-reorder

# The store tests and the many-process test against a real PostgreSQL catalog: Debian's PostgreSQL
# started on a loopback port by .ci/postgres (installed with apt-get when missing), stopped after.
PGPORT ?= 54329
test-postgres: $(VENV)/.stamp-dev $(MO) sysdeps node_modules/.stamp
	PGPORT=$(PGPORT) .ci/postgres start
	trap 'PGPORT=$(PGPORT) .ci/postgres stop' EXIT; \
	OVERBLIK_TEST_PG="$$(PGPORT=$(PGPORT) .ci/postgres url)" $(BIN)/python -m pytest -q -m postgres

bench: $(VENV)/.stamp-dev
	$(BIN)/python -m benchmarks

# The same targets on smaller sizes with fewer turns, for development (not the figures to quote).
bench-quick: $(VENV)/.stamp-dev
	$(BIN)/python -m benchmarks --quick

# Hypothesis drives the readers with mutated workbooks and CSVs for FUZZ_MINUTES (not part of
# make test); each input that finds a bug is kept in tests/fuzz_regressions/, replayed by make test.
FUZZ_MINUTES ?= 10
fuzz: $(VENV)/.stamp-dev
	$(BIN)/python -m tests.fuzz_readers --minutes $(FUZZ_MINUTES)

clean:
	rm -rf $(VENV) node_modules .pytest_cache .ruff_cache tests/artifacts
