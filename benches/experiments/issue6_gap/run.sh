#!/usr/bin/env bash
# Reruns the issue-6 gap experiment: ~3 min without penaltyblog, ~8 min with
# (PEER=1). Needs the repo's .venv (make venv). Results: README.md.
set -euo pipefail
cd "$(dirname "$0")"
export SCORELINE_DATA_DIR="${SCORELINE_DATA_DIR:-$(cd ../../.. && pwd)/../shared/data}"
PY=../../../.venv/bin/python
BIN="${CARGO_TARGET_DIR:-target}/release/issue6-gap"
mkdir -p out
cargo build --release -q
$BIN out/goals.csv
$BIN out/goals_xi0.0018.csv --xi 0.0018
$BIN out/goals_xi0.0045.csv --xi 0.0045
$BIN out/goals_ridge0.3.csv --ridge 0.3
$BIN out/goals_ridge1.csv --ridge 1
$BIN out/goals_date.csv --refit date
$BIN out/goals_date_xi0.0018.csv --refit date --xi 0.0018
$BIN out/sot.csv --signal HST,AST
$BIN out/shots.csv --signal HS,AS
[ -f out/market_xg_inputs.csv ] || $PY market_xg.py out/market_xg_inputs.csv
$BIN out/market_xg.csv --signal market:out/market_xg_inputs.csv --xi 0.01 --ridge 0
if [ "${PEER:-0}" = 1 ] && [ ! -f out/penaltyblog_2324.csv ]; then
    $PY penaltyblog_backtest.py out/penaltyblog_2324.csv 2324 0.0018
fi
OUT=out $PY analyse.py
