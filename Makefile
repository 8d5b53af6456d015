# GasGuard: `make run` serves the demo district on SQLite; `make test` runs the whole suite.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: install migrate demo run test lint bench clean

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
	@echo "GasGuard: http://$(HOST):$(PORT)/  (演示账号见 README)"
	$(BIN)/gasguard runserver $(HOST):$(PORT) --noreload

lint: install
	$(BIN)/ruff check gasguard

test: lint
	$(BIN)/python -m pytest

clean:
	rm -rf $(VENV) var
