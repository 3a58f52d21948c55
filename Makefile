# One obvious command for each thing people do. `make run` and `make test` create .venv.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test lint check clean benchmark

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)

run: $(STAMP)
	$(BIN)/stance train data/labels --output models/stance.joblib --force
	$(BIN)/stance tag seeds --model models/stance.joblib --format table
	mkdir -p reports
	$(BIN)/stance tag seeds --model models/stance.joblib --format html --output reports/seeds.html --force

test: $(STAMP)
	$(BIN)/ruff check src tests benchmarks scripts
	$(BIN)/python -m pytest

check: clean test

benchmark: $(STAMP)
	$(BIN)/python benchmarks/accuracy.py --corpora ../shared/corpora

clean:
	rm -rf .pytest_cache .ruff_cache build src/*.egg-info
