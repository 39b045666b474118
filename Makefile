# KIPP — two commands: `make run` (demo on SQLite) and `make test` (the whole suite).
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
HOST   ?= 127.0.0.1
PORT   ?= 5000
export FLASK_APP := wsgi

.PHONY: install system-deps browser-deps translations run test lint format clean

$(STAMP): pyproject.toml requirements.lock
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -r requirements.lock
	$(BIN)/python -m pip install -q --no-deps -e .
	@touch $@

install: $(STAMP) system-deps translations

# Libraries WeasyPrint needs (HarfBuzz subsetting keeps PDFs fast), installed with apt when missing.
system-deps:
	@sh scripts/system-deps.sh pdf

# Debian's chromium (apt) and axe-core (npm, pinned in package-lock.json) for the browser tests.
browser-deps:
	@sh scripts/system-deps.sh browser
	@test -f node_modules/axe-core/axe.min.js || npm ci --no-audit --no-fund --silent

translations: $(STAMP)
	@$(BIN)/pybabel compile -d kipp/translations -D messages

# The demo runs with the development defaults (published keys, seed-demo); KIPP_ENV must say
# so explicitly, since anything else is production.
run: export KIPP_ENV = development
run: install
	@mkdir -p instance
	$(BIN)/flask db upgrade
	$(BIN)/flask seed-demo
	@echo "KIPP is starting on http://$(HOST):$(PORT)/ with a document worker (Ctrl+C stops both)"
	@BIN=$(BIN) HOST=$(HOST) PORT=$(PORT) sh scripts/run-dev.sh

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

test: install browser-deps lint
	$(BIN)/pytest -o addopts="-p no:cacheprovider" -q --durations=5

# Schemathesis against a live app on PostgreSQL (scripts/fuzz.py; not part of `make test`).
# FUZZ_SECONDS per login and round; fuzz-short is the CI version (at least 2,000 requests).
.PHONY: fuzz fuzz-short
fuzz: $(STAMP)
	$(BIN)/python scripts/fuzz.py

fuzz-short: $(STAMP)
	FUZZ_SECONDS=$${FUZZ_SECONDS:-80} FUZZ_MIN_REQUESTS=$${FUZZ_MIN_REQUESTS:-2000} \
		$(BIN)/python scripts/fuzz.py

format: $(STAMP)
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

clean:
	rm -rf $(VENV) instance .pytest_cache .ruff_cache
