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

## Scan the bundled example application with the embedded defaults, lint its Dockerfile, scan
## its image (built offline) against the bundled advisories, and run the detection rules over its
## audit log.
demo: $(STAMP)
	$(BIN)/kubeguard scan examples/eks-shop/ ; status=$$?; \
	  echo "kubeguard exited with $$status (1: findings at or above --fail-on)"; \
	  test $$status -le 1
	$(BIN)/kubeguard dockerfile lint examples/eks-shop/Dockerfile --show-suppressed ; status=$$?; \
	  echo "kubeguard dockerfile lint exited with $$status (1: findings at or above --fail-on)"; \
	  test $$status -le 1
	scratch=$$(mktemp -d) && trap 'rm -rf "$$scratch"' EXIT && \
	  $(BIN)/python examples/eks-shop/image/build.py "$$scratch/orders.tar" && \
	  $(BIN)/kubeguard db import examples/eks-shop/image/advisories/ --db "$$scratch/demo.db" && \
	  { $(BIN)/kubeguard image scan "$$scratch/orders.tar" --db "$$scratch/demo.db" \
	      --vex examples/eks-shop/image/orders.openvex.json --show-suppressed ; status=$$?; \
	    echo "kubeguard image scan exited with $$status (1: findings at or above --fail-on)"; \
	    test $$status -le 1; }
	$(BIN)/kubeguard detect examples/eks-shop/audit.log ; status=$$?; \
	  echo "kubeguard detect exited with $$status (1: findings at or above --fail-on)"; \
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
