# Two commands for a fresh machine (see README.md):
#   make run    – install into .venv, run the baseline with its summary, then compare three
#                 interventions with it over a few paired seeds (a few minutes)
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
	$(BIN)/dugnad run scenarios/baseline.toml --force --quiet
	$(BIN)/dugnad compare scenarios/baseline.toml scenarios/leisure_card_outreach.toml \
		scenarios/open_recruitment.toml scenarios/language_course.toml \
		--seeds 4 --posterior 4 --persons 3000 --months 60 --horizons 12,60 --quiet

baseline: install
	$(BIN)/dugnad run scenarios/baseline.toml --force

app: install
	$(BIN)/solara run app.py

# two worker processes (one per core; a test file stays on one worker): about 5 min on 2 idle cores
test: install
	$(BIN)/python -m pytest -n 2 --dist loadfile

.PHONY: install run test baseline app
