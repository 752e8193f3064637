# scoreline: every developer and CI entry point.
SHELL := /bin/bash
.SHELLFLAGS := -euo pipefail -c

PYTHON ?= python3.11
VENV := $(CURDIR)/.venv
VPY := $(VENV)/bin/python
export SCORELINE_DATA_DIR ?= $(abspath $(CURDIR)/../shared/data)
PEERS_OUT := $(CURDIR)/target/peers
export SCORELINE_PEERS_DIR := $(PEERS_OUT)

.PHONY: demo test bench lint fmt venv peer-refs rust-test wheel python-test

## demo: fit the Premier League + Championship and print ratings and predictions
demo:
	cargo run --release -q -p scoreline-dixon-coles --features fetch --example demo

## test: lint + every test (Rust, peer parity, Python)
test: lint peer-refs rust-test python-test

venv: $(VENV)/.installed

$(VENV)/.installed: requirements-dev.txt
	@command -v $(PYTHON) >/dev/null || { echo "need $(PYTHON) on PATH (set PYTHON=...)"; exit 1; }
	[ -x $(VPY) ] || $(PYTHON) -m venv $(VENV)
	$(VPY) -m pip install -q --upgrade pip
	$(VPY) -m pip install -q -r requirements-dev.txt
	touch $@

lint: venv
	cargo fmt --all -- --check
	cargo clippy --workspace --all-targets --features scoreline-dixon-coles/fetch -- -D warnings
	$(VENV)/bin/ruff check .

fmt:
	cargo fmt --all

## peer-refs: regenerate every reference number from the peer scripts in benches/peers/
peer-refs: venv
	mkdir -p $(PEERS_OUT)
	$(VPY) benches/peers/reference_mle.py
	$(VPY) benches/peers/penaltyblog_fit.py
	$(VPY) benches/peers/penaltyblog_implied.py
	$(VPY) -W ignore benches/peers/sklearn_reference.py
	$(VPY) benches/peers/penaltyblog_metrics_reference.py

rust-test:
	cargo test --workspace --all-targets --features scoreline-dixon-coles/fetch
	cargo test --workspace --doc

## wheel: the release wheel of the Python package, in target/wheels
wheel: venv
	rm -f target/wheels/scoreline-*.whl
	$(VENV)/bin/maturin build --release -q -m py-bindings/Cargo.toml -o target/wheels

WHEEL_VENV := $(CURDIR)/.venv-wheel

## python-test: install the built wheel (what users get) into a fresh virtual
## environment and run pytest, mypy --strict and the notebooks there
python-test: wheel
	rm -rf $(WHEEL_VENV)
	$(PYTHON) -m venv $(WHEEL_VENV)
	$(WHEEL_VENV)/bin/python -m pip install -q --upgrade pip
	$(WHEEL_VENV)/bin/python -m pip install -q -r requirements-dev.txt target/wheels/scoreline-*.whl
	cd py-bindings && $(WHEEL_VENV)/bin/python -m pytest -q tests
	$(WHEEL_VENV)/bin/mypy --strict py-bindings/typecheck/example.py
	MPLBACKEND=Agg $(WHEEL_VENV)/bin/python py-bindings/notebooks/run_notebooks.py

## bench: side-by-side timings against the peers, written to target/bench/report.json
bench: venv wheel
	$(VPY) -m pip install -q --force-reinstall --no-deps target/wheels/scoreline-*.whl
	cargo run --release -q -p scoreline-benches --bin compare -- $(BENCH_ARGS)
