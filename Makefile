# Everything a new user needs: `make demo` runs the whole pipeline on the demo estate,
# `make test` runs the tests. Both create the local virtualenv (.venv) first, and both are
# safe to run again. `make test` also installs the system packages the tests need (chromium,
# postgresql) when it may, or says what to run (scripts/test-system-packages), and the prod extra
# (dagster-postgres), so dagster.prod.yaml is tested against a real server.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
export DAGSTER_HOME ?= $(CURDIR)/.dagster_home

.PHONY: install system-packages demo test ui bench clean

install: $(STAMP)

$(STAMP): pyproject.toml Makefile
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip uv
	$(BIN)/uv pip install --quiet --python $(BIN)/python -e '.[dev,prod]'
	touch $(STAMP)

demo: install
	$(BIN)/customer-unification demo

system-packages:
	scripts/test-system-packages

test: install system-packages
	$(BIN)/python -m pytest -n 2 --dist loadfile -q

ui: install
	mkdir -p $(DAGSTER_HOME) && ln -sf $(CURDIR)/dagster.yaml $(DAGSTER_HOME)/dagster.yaml
	$(BIN)/dagster dev -w workspace.yaml

bench: install
	$(BIN)/python bench/bench_staging.py

clean:
	rm -rf data .dagster_home
