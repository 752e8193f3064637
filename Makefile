# scoreline: every developer and CI entry point.
SHELL := /bin/bash
.SHELLFLAGS := -euo pipefail -c

PYTHON ?= python3.11
VENV := $(CURDIR)/.venv
VPY := $(VENV)/bin/python
export SCORELINE_DATA_DIR ?= $(abspath $(CURDIR)/../shared/data)
PEERS_OUT := $(CURDIR)/target/peers
export SCORELINE_PEERS_DIR := $(PEERS_OUT)

.PHONY: demo test bench bench-server chaos chaos-short fuzz lint fmt venv build-venv peer-refs rust-test server-test wheel test-wheel python-test \
	preflight docs docs-venv docs-wheel-venv docs-test doc-blocks docs-screenshots

## demo: fit the Premier League + Championship and print ratings and predictions,
## then the walk-forward backtest against the closing line with value betting, per season,
## and the same report for every league and season in the data, then the
## leaderboard of every model (the goal-model families, the dynamic, shots,
## rating-system and pooled forecasters; per league and overall, with a plot
## of each league's gap to the closing line; about two minutes on 2 cores;
## DEMO_FAMILIES=dixon_coles,gas_dixon_coles for a short one)
DEMO_FAMILIES ?= all
demo:
	@echo "make demo: building the release examples (the first build takes several minutes on 2 cores) ..."
	cargo build --release -p scoreline-dixon-coles --features fetch --examples
	@echo
	cargo run --release -q -p scoreline-dixon-coles --features fetch --example demo
	@echo
	@if [ -f "$$SCORELINE_DATA_DIR/football-data/mmz4281/1920/E0.csv" ]; then \
	    cargo run --release -q -p scoreline-dixon-coles --features fetch --example backtest -- --tune-xi --bet; \
	    echo; cargo run --release -q -p scoreline-dixon-coles --features fetch --example report -- --models $(DEMO_FAMILIES); \
	else \
	    cargo run --release -q -p scoreline-dixon-coles --features fetch --example backtest -- --data data --seasons 2324,2425 --bet; \
	    echo; cargo run --release -q -p scoreline-dixon-coles --features fetch --example report -- --data data --models $(DEMO_FAMILIES); \
	fi

## test: lint + every test (Rust, peer parity, Python), then the documentation:
## the site is built (strict, links checked), every documented command runs, and
## the rendered pages are screenshot-tested
test: preflight lint peer-refs rust-test server-test chaos-short python-test docs docs-test

## preflight: what `make test` needs beyond a Rust toolchain and $(PYTHON):
## adds missing rustup components, names any missing system package
preflight:
	PYTHON=$(PYTHON) bash tests/docs/preflight.sh

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
	OMP_NUM_THREADS=1 $(VPY) benches/peers/reference_families.py --self-check
	OMP_NUM_THREADS=1 $(VPY) benches/peers/reference_families.py
	OMP_NUM_THREADS=1 $(VPY) benches/peers/penaltyblog_families.py

rust-test:
	cargo test --workspace --all-targets --features scoreline-dixon-coles/fetch
	cargo test --workspace --doc

## server-test: schemathesis against /openapi.json of a live server (no 5xx,
## responses conform to the schema, invalid input rejected)
server-test: venv
	cargo build -q -p scoreline-server
	$(VPY) server-example/contract_test.py

## chaos: the release server on 127.0.0.1 under 30 s of closed-loop predicts
## while attackers send amplification batches, slow heads, cancelled reloads,
## corrupt model files and junk methods (all bounded); fails unless no normal
## request failed, their p99 < 10 ms, peak RSS < 512 MB and SIGTERM exits in time.
## The load generator is the Rust example server-example/examples/chaos.rs (no wrk).
chaos:
	cargo build --release -q -p scoreline-server --bin scoreline-server --example chaos
	target/release/examples/chaos --server target/release/scoreline-server --seconds 30

## chaos-short: the same for 10 s on the debug build (about 20 s in all; for make test)
chaos-short:
	cargo build -q -p scoreline-server --bin scoreline-server --example chaos
	target/debug/examples/chaos --server target/debug/scoreline-server --seconds 10 --connections 8 --slow 50

FUZZ_SECONDS ?= 120
## fuzz: cargo fuzz on the request JSON → prediction path for FUZZ_SECONDS
## (not part of `make test`); crashes land in server-example/fuzz/artifacts/:
## copy them to server-example/fuzz/regressions/predict_json/ as regression tests
fuzz:
	command -v cargo-fuzz >/dev/null || cargo install cargo-fuzz --locked
	mkdir -p server-example/fuzz/corpus/predict_json
	cd server-example/fuzz && RUSTC_BOOTSTRAP=1 cargo fuzz run predict_json \
		corpus/predict_json seeds/predict_json regressions/predict_json -- -max_total_time=$(FUZZ_SECONDS)

## build-venv: a small virtual environment with only maturin (the version
## pinned in requirements-dev.txt), all that building a wheel needs
BUILD_VENV := $(CURDIR)/.venv-build
MATURIN_PIN := $(shell grep -E '^maturin==' requirements-dev.txt)

build-venv: $(BUILD_VENV)/.installed

$(BUILD_VENV)/.installed: requirements-dev.txt
	@command -v $(PYTHON) >/dev/null || { echo "need $(PYTHON) on PATH (set PYTHON=...)"; exit 1; }
	[ -x $(BUILD_VENV)/bin/python ] || $(PYTHON) -m venv $(BUILD_VENV)
	$(BUILD_VENV)/bin/python -m pip install -q '$(MATURIN_PIN)'
	touch $@

## wheel: the release wheel of the Python package, in target/wheels
wheel: build-venv
	rm -f target/wheels/scoreline-*.whl
	$(BUILD_VENV)/bin/maturin build --release -q -m py-bindings/Cargo.toml -o target/wheels

WHEEL_VENV := $(CURDIR)/.venv-wheel
MINIMAL_VENV := $(CURDIR)/.venv-minimal

## test-wheel: the wheel python-test installs, in target/test-wheels: the same
## code as `make wheel`, built with the wheel-test profile (no fat LTO)
test-wheel: build-venv
	rm -f target/test-wheels/scoreline-*.whl
	$(BUILD_VENV)/bin/maturin build --profile wheel-test -q -m py-bindings/Cargo.toml -o target/test-wheels

## python-test: install a built wheel (what users get) into a fresh virtual
## environment with only its declared dependencies and check that every
## module imports and optional features name their extra; then into one with
## the dev requirements and run pytest, mypy --strict and the notebooks
## (executed from their folder, figures kept, copies in target/notebooks)
python-test: test-wheel
	rm -rf $(MINIMAL_VENV)
	$(PYTHON) -m venv $(MINIMAL_VENV)
	$(MINIMAL_VENV)/bin/python -m pip install -q target/test-wheels/scoreline-*.whl
	$(MINIMAL_VENV)/bin/python py-bindings/tests/check_install.py
	rm -rf $(WHEEL_VENV)
	$(PYTHON) -m venv $(WHEEL_VENV)
	$(WHEEL_VENV)/bin/python -m pip install -q --upgrade pip
	$(WHEEL_VENV)/bin/python -m pip install -q -r requirements-dev.txt target/test-wheels/scoreline-*.whl
	cd py-bindings && $(WHEEL_VENV)/bin/python -m pytest -q tests
	$(WHEEL_VENV)/bin/mypy --strict py-bindings/typecheck/example.py
	$(WHEEL_VENV)/bin/python py-bindings/notebooks/run_notebooks.py --output-dir target/notebooks

## bench: side-by-side timings against the peers, written to target/bench/report.json
##   (BENCH_ARGS: --quick, --only AREA, --skip AREA; e.g. --skip leaderboard leaves out its ~100 s run)
bench: venv wheel
	$(VPY) -m pip install -q --force-reinstall --no-deps target/wheels/scoreline-*.whl
	cargo run --release -q -p scoreline-benches --bin compare -- $(BENCH_ARGS)
	$(MAKE) --no-print-directory bench-server

## bench-server: load test of POST /v1/predict with wrk (64 connections, 20 s)
bench-server:
	command -v wrk >/dev/null || { echo "bench-server needs wrk: apt-get install wrk"; exit 1; }
	cargo build --release -q -p scoreline-server
	$(PYTHON) benches/server/bench_server.py

DOCS_VENV := $(CURDIR)/.venv-docs
DOCS_GEN := $(CURDIR)/docs/generated
RUST_DOC_CRATES := -p scoreline-dixon-coles -p scoreline-metrics -p scoreline-calibration

docs-venv: $(DOCS_VENV)/.installed

$(DOCS_VENV)/.installed: requirements-docs.txt
	@command -v $(PYTHON) >/dev/null || { echo "need $(PYTHON) on PATH (set PYTHON=...)"; exit 1; }
	[ -x $(DOCS_VENV)/bin/python ] || $(PYTHON) -m venv $(DOCS_VENV)
	$(DOCS_VENV)/bin/python -m pip install -q --upgrade pip
	$(DOCS_VENV)/bin/python -m pip install -q -r requirements-docs.txt
	touch $@

## docs-wheel-venv: the wheel venv python-test makes (scoreline installed from
## a built wheel); made here only when it is missing, so `make docs` works alone
docs-wheel-venv:
	@if ! $(WHEEL_VENV)/bin/python -c 'import scoreline' 2>/dev/null; then \
	    $(MAKE) --no-print-directory test-wheel; \
	    rm -rf $(WHEEL_VENV); \
	    $(PYTHON) -m venv $(WHEEL_VENV); \
	    $(WHEEL_VENV)/bin/python -m pip install -q --upgrade pip; \
	    $(WHEEL_VENV)/bin/python -m pip install -q -r requirements-dev.txt target/test-wheels/scoreline-*.whl; \
	fi

## docs: the documentation site in target/site. Generated first, into
## docs/generated/: the executed notebooks and their figure gallery (wheel
## venv), the server API from a live server's /openapi.json, the `make bench`
## table (target/bench/report.json, when there), rustdoc of the crates. Then
## mkdocs --strict (every warning is an error, internal links and anchors
## checked) and a check of every internal link of the built HTML.
docs: docs-venv docs-wheel-venv
	rm -rf $(DOCS_GEN) target/site
	mkdir -p $(DOCS_GEN)
	$(WHEEL_VENV)/bin/python docs/scripts/execute_notebooks.py $(DOCS_GEN)
	cargo build -q -p scoreline-server
	$(DOCS_VENV)/bin/python docs/scripts/server_api.py target/debug/scoreline-server "$$SCORELINE_DATA_DIR" $(DOCS_GEN)
	$(DOCS_VENV)/bin/python docs/scripts/performance.py target/bench/report.json $(DOCS_GEN)/performance.md
	RUSTDOCFLAGS="-D warnings" cargo doc -q --no-deps $(RUST_DOC_CRATES)
	cp -r target/doc $(DOCS_GEN)/rust
	NO_MKDOCS_2_WARNING=1 $(DOCS_VENV)/bin/mkdocs build --strict
	$(DOCS_VENV)/bin/python docs/scripts/check_links.py target/site --skip generated/rust

## docs-test: every documented command, then the site's own tests
docs-test: doc-blocks docs-screenshots

## doc-blocks: run every sh/python/rust block of README.md, py-bindings/README.md
## and docs/*.md in a fresh checkout with ../shared beside it
## (tests/docs/run_doc_blocks.py; `<!-- doc-test: skip — reason -->` skips a block).
## --release builds there use the wheel-test profile's settings (no fat LTO) to
## keep CI in budget; DOC_BLOCKS_ARGS= runs them with the real release profile
DOC_BLOCKS_ARGS ?= --fast-release
doc-blocks: venv docs-venv docs-wheel-venv
	$(DOCS_VENV)/bin/python tests/docs/run_doc_blocks.py $(DOC_BLOCKS_ARGS)

## docs-screenshots: the built site in headless Chromium (installed with apt-get
## when missing): home page not blank, the notebook page's figures all there and
## drawn; the preflight's messages. Screenshots are kept in target/docs-screenshots
docs-screenshots: docs-venv
	@command -v chromium >/dev/null || { echo "installing chromium (apt-get)"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; }
	[ -f target/site/index.html ] || $(MAKE) --no-print-directory docs
	$(DOCS_VENV)/bin/python -m pytest -q tests/docs
