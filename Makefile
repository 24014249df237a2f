# Every target installs what it needs into .venv first, so each works on a fresh machine.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo test lint typecheck contracts unit bench docs clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

## Scan the bundled example application with the embedded defaults, then lint its Dockerfile.
demo: $(STAMP)
	$(BIN)/kubeguard scan examples/eks-shop/ ; status=$$?; \
	  echo "kubeguard exited with $$status (1: findings at or above --fail-on)"; \
	  test $$status -le 1
	$(BIN)/kubeguard dockerfile lint examples/eks-shop/Dockerfile --show-suppressed ; status=$$?; \
	  echo "kubeguard dockerfile lint exited with $$status (1: findings at or above --fail-on)"; \
	  test $$status -le 1

## Everything CI checks: linters, type checker, import contracts, tests.
test: lint typecheck contracts unit

lint: $(STAMP)
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench

typecheck: $(STAMP)
	$(BIN)/mypy

contracts: $(STAMP)
	$(BIN)/lint-imports

unit: $(STAMP)
	$(BIN)/pytest -q

## Peer comparison on the shared manifest corpus (slow; installs Checkov and Trivy).
bench: $(STAMP)
	$(BIN)/python bench/bench_manifests.py

## Regenerate the generated reference (docs/reference/).
docs: $(STAMP)
	$(BIN)/kubeguard controls --format markdown > docs/reference/controls.md

clean:
	rm -rf $(VENV) .mypy_cache .pytest_cache .ruff_cache
