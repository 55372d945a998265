# Two commands for a fresh machine (see README.md):
#   make run    – install into .venv and run the baseline with its summary
#   make test   – install into .venv (with test extras) and run the test suite
PY ?= python3.12
VENV := .venv
BIN := $(VENV)/bin

$(BIN)/python:
	$(PY) -m venv $(VENV) || python -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

install: $(BIN)/python
	$(BIN)/python -m pip install --quiet -e ".[test]"

run: install
	$(BIN)/dugnad run scenarios/baseline.toml --force

test: install
	$(BIN)/python -m pytest

.PHONY: install run test
