# One-command entry points. Each target creates .venv on first use and reinstalls only
# when pyproject.toml or a lock file changes (stamp files inside .venv record what was
# installed).

PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP_RUN := $(VENV)/.installed-run
STAMP_DEV := $(VENV)/.installed-dev
CHECKED := src tests benchmarks

.DEFAULT_GOAL := help
.PHONY: help demo test lint format bench lock clean distclean

help:  ## List the targets.
	@grep -E '^[a-z]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-10s %s\n", $$1, $$2}'

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

# Installs come from the lock files (requirements/*.lock, pip-tools with hashes), so a fresh
# clone gets exactly what CI tested. llama-cpp-python is built first, portably, by
# scripts/build-local-model.sh (once per machine; the wheel stays in pip's cache) and then
# counts as installed when pip reads the lock.
# One install recipe for both locks: check the lock is current, install the lock's own pip
# (the one venv bundles cannot read every hashed lock: see scripts/lock.py), build/install
# the portable llama-cpp-python, install the lock with hashes, then personae itself, then
# check the llama.cpp build. $(1): the lock file.
define install_from_lock
	@$(PYTHON) scripts/lock.py check
	$(PYTHON) scripts/lock.py pip $(1) > $(VENV)/pip.lock
	$(BIN)/python -m pip install --quiet --require-hashes --no-deps -r $(VENV)/pip.lock
	$(BIN)/python -m pip install --quiet --no-deps "$$(scripts/build-local-model.sh $(BIN)/python)"
	$(BIN)/python -m pip install --quiet --require-hashes -r $(1)
	$(BIN)/python -m pip install --quiet --no-deps -e .
	$(BIN)/python scripts/check_llama_build.py
endef

$(STAMP_RUN): pyproject.toml requirements/demo.lock | $(BIN)/python
	$(call install_from_lock,requirements/demo.lock)
	touch $@

# The development install also satisfies the runtime one.
$(STAMP_DEV): pyproject.toml requirements/dev.lock | $(BIN)/python
	$(call install_from_lock,requirements/dev.lock)
	touch $@ $(STAMP_RUN)

# Recompile the locks from pyproject.toml (+ requirements/constraints.txt), then record what
# they were compiled from; commit all three files.
LOCK_FLAGS := --quiet --generate-hashes --allow-unsafe --strip-extras --no-emit-index-url \
	--no-emit-find-links -c requirements/constraints.txt
lock: | $(BIN)/python  ## Refresh requirements/*.lock from pyproject.toml.
	$(BIN)/python -m pip install --quiet pip-tools==7.7.0
	$(BIN)/pip-compile $(LOCK_FLAGS) --extra local --extra embeddings \
		-o requirements/demo.lock pyproject.toml
	$(BIN)/pip-compile $(LOCK_FLAGS) --extra local --extra embeddings --extra postgres \
		--extra redis --extra providers --extra dev -o requirements/dev.lock pyproject.toml
	$(PYTHON) scripts/lock.py stamp

demo: $(STAMP_RUN)  ## Set up .venv and run the demo on the bundled sample writers.
	$(BIN)/personae demo

lint: $(STAMP_DEV)  ## Format check, lint, type check and the layer contracts (.importlinter).
	$(BIN)/ruff format --check $(CHECKED)
	$(BIN)/ruff check $(CHECKED)
	$(BIN)/mypy
	$(BIN)/lint-imports

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
	$(BIN)/python benchmarks/writing_quality.py
	$(BIN)/python benchmarks/chat_eval.py
	eval "$$(scripts/test-services.sh)" && $(BIN)/python benchmarks/chaos_bench.py

clean:  ## Remove caches and build output (keeps .venv).
	rm -rf build dist src/*.egg-info .pytest_cache .mypy_cache .ruff_cache .hypothesis
	find . -path ./$(VENV) -prune -o -name __pycache__ -type d -prune -exec rm -rf {} +

distclean: clean  ## Also remove .venv.
	rm -rf $(VENV)
