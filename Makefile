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

browser-deps:
	@sh scripts/system-deps.sh browser

translations: $(STAMP)
	@$(BIN)/pybabel compile -d kipp/translations -D messages

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

format: $(STAMP)
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

clean:
	rm -rf $(VENV) instance .pytest_cache .ruff_cache
