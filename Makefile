# GasGuard: `make run` serves the demo district on SQLite; `make test` runs the whole suite.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: install migrate demo run test lint system-deps bench clean

# A development machine: keys generated once into var/ (production sets SECRET_KEY, PII_KEYS and AUDIT_HMAC_KEY; see
# README 生产部署); `make run` also turns DEBUG on (scripts/run.sh).
migrate demo run bench: export GASGUARD_DEV = 1

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e ".[test]"
	touch $@

install: $(VENV)/.installed

migrate: install
	mkdir -p var
	$(BIN)/gasguard migrate --noinput

demo: migrate
	$(BIN)/gasguard load_demo --if-empty

run: demo
	BIN=$(BIN) HOST=$(HOST) PORT=$(PORT) bash scripts/run.sh

# ruff, then the import contracts of pyproject.toml ([tool.importlinter]: apps import only from the layers below).
lint: install
	$(BIN)/ruff check gasguard
	$(BIN)/lint-imports

# Chromium and the CJK fonts for the browser tests (gasguard/web/tests); a no-op when they are there.
system-deps:
	bash scripts/install-system-deps.sh

test: lint system-deps
	$(BIN)/python -m pytest

# Benchmarks at district scale (gasguard/bench): JSON in bench-results/<suite>-<db>.json. PostgreSQL: a throw-away
# database gasguard_bench on 127.0.0.1:5432 (user postgres), or BENCH_PG_ARGS="--database-url postgres://…".
BENCH := $(BIN)/gasguard bench
BENCH_HAZARDS ?= 1000000
BENCH_SQLITE_HAZARDS ?= 100000
BENCH_PG_ARGS ?=
# gasguard bench gate: 5,000,000 cylinders and 50,000,000 events by default (e.g. "--cylinders 500000 --events 5000000").
BENCH_GATE_ARGS ?=
# gasguard bench load: the demo district under Locust at 10, 20, 40 … users, 30 s each (e.g. "--users 10,20,40 --seconds 60").
BENCH_LOAD_ARGS ?=

bench: install
	mkdir -p bench-results var
	$(BENCH) ledger --db sqlite --hazards $(BENCH_SQLITE_HAZARDS) --baseline 0 --out bench-results/ledger-sqlite.json
	$(BENCH) ledger --db postgresql --hazards $(BENCH_HAZARDS) $(BENCH_PG_ARGS) --out bench-results/ledger-postgresql.json
	$(BENCH) ingest --out bench-results/ingest-postgresql.json
	$(BENCH) gate $(BENCH_GATE_ARGS) --out bench-results/gate-postgresql.json
	$(BENCH) load $(BENCH_LOAD_ARGS) --out bench-results/load-postgresql.json

clean:
	rm -rf $(VENV) var
