# Crucible: `make run` starts the app, `make test` runs everything CI runs.
# The first Python 3.11+ found; override with `make PYTHON=/path/to/python3 ...`.
PYTHON ?= $(firstword $(foreach v,3.11 3.12 3.13,$(shell command -v python$(v) 2>/dev/null)) python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test lint typecheck layers unit bench bench-scale boris-env clean freeze-vault wheel clean-venv-test bundle bundle-smoke

$(BIN)/python:
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null || { echo "Crucible needs Python 3.11 or newer ($(PYTHON) is not; set PYTHON=...)"; exit 2; }
	$(PYTHON) -m venv $(VENV)

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test,lint,dist]'
	@touch $(STAMP)

run: $(STAMP)
	$(BIN)/crucible

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: $(STAMP)
	$(BIN)/mypy

layers: $(STAMP)
	$(BIN)/lint-imports

unit: $(STAMP)
	QT_QPA_PLATFORM=offscreen $(BIN)/python -m pytest -n 2

test: lint typecheck layers unit

bench: $(STAMP)
	$(BIN)/python bench/run_all.py

# Issue 16: every figure of a ten-year practice against its budget (the vault is
# generated once, a few minutes, and cached in $$CRUCIBLE_BENCH_CACHE or ~/.cache).
bench-scale: $(STAMP)
	QT_QPA_PLATFORM=offscreen $(BIN)/python bench/scale.py

# BORIS, in an environment of its own, for the test that opens an exported
# project with BORIS's own reader (tests/services/test_boris_export.py).
BORIS_VENV := .venv-boris
BORIS_VERSION := 8.27.4

boris-env: $(BORIS_VENV)/.installed

$(BORIS_VENV)/.installed:
	$(PYTHON) -m venv $(BORIS_VENV)
	$(BORIS_VENV)/bin/python -m pip install --quiet boris-behav-obs==$(BORIS_VERSION)
	@touch $@

# The wheel (python -m build) into dist/, and the check that it works installed alone.
wheel: $(STAMP)
	$(BIN)/python -m build --wheel --outdir dist .

clean-venv-test: $(STAMP)
	$(BIN)/python -m tests.wheel.clean_venv

# The desktop bundle (decision 0023): dist/crucible/, one folder, no Python needed.
bundle: $(STAMP)
	$(BIN)/python packaging/build_bundle.py

# Drives the bundle under Xvfb (tests/bundle/smoke.py); `make bundle` first.
bundle-smoke: $(STAMP)
	$(BIN)/python -m tests.bundle.smoke

clean:
	rm -rf $(VENV) $(BORIS_VENV) .pytest_cache .mypy_cache .ruff_cache .hypothesis dist build

# A vault frozen at the current head schema, for tests/store/test_frozen_vaults.py:
# run once after adding a migration, and commit tests/data/vaults/schema-<head>/.
freeze-vault: $(STAMP)
	$(BIN)/python tests/data/vaults/freeze_head.py
