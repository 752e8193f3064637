"""Python-side timings, ours and the peer's in the same process: scoreline's
``DixonColes().fit`` against penaltyblog's ``DixonColesGoalModel`` fit on the
same one-season DataFrame (E0 2023-24, time-decay weights ξ = 0.0018), and
``predict_proba`` for 10,000 fixtures against a loop of penaltyblog's
``predict``. Uses the scoreline wheel installed in the environment. Prints one
JSON line of median seconds of warm calls on both sides (``common.median_time``:
a warm-up of at least 3 calls and 1 s, then the median), with BLAS on one
thread as our side runs (``common.one_thread``), and the first, cold call of
each fit for the record.

Rerun: ``.venv/bin/python benches/peers/bench_python.py [--quick]``
"""

from __future__ import annotations

import json
import sys
import time
from typing import Any

import numpy as np
import pandas as pd
import penaltyblog
from penaltyblog.models import DixonColesGoalModel, dixon_coles_weights

import scoreline
from common import data_dir, median_time, one_thread


def _once(fn: Any) -> float:
    t0 = time.perf_counter()
    fn()
    return time.perf_counter() - t0


def main() -> None:
    quick = "--quick" in sys.argv
    df = pd.read_csv(data_dir() / "football-data" / "mmz4281" / "2324" / "E0.csv", encoding="latin-1")
    df["Date"] = pd.to_datetime(df["Date"], dayfirst=True)

    def ours_fit() -> Any:
        return scoreline.DixonColes(xi=0.0018).fit(df)

    def peer_fit() -> Any:
        weights = dixon_coles_weights(df["Date"], xi=0.0018)
        model = DixonColesGoalModel(df["FTHG"], df["FTAG"], df["HomeTeam"], df["AwayTeam"], weights=weights)
        model.fit()
        return model

    # The first call of each, cold, for the record: penaltyblog's first fits
    # are several times slower than its warm ones, which the rows compare.
    cold_ours, cold_peer = _once(ours_fit), _once(peer_fit)
    ours = ours_fit()
    peer = peer_fit()
    home = np.resize(df["HomeTeam"].to_numpy(), 10_000)
    away = np.resize(df["AwayTeam"].to_numpy(), 10_000)
    peer_calls = 1_000 if quick else 10_000

    def peer_predict() -> Any:
        return [peer.predict(h, a, max_goals=11).home_draw_away for h, a in zip(home[:peer_calls], away[:peer_calls])]

    runs = 3 if quick else 7
    out = {
        "scoreline_fit": median_time(ours_fit, 20 if not quick else 5),
        "penaltyblog_fit": median_time(peer_fit, runs),
        "scoreline_predict_10000": median_time(lambda: ours.predict_proba(home.tolist(), away.tolist()), runs),
        "penaltyblog_predict_10000": median_time(peer_predict, 3) * (10_000 / peer_calls),
        "scoreline_fit_first_call": cold_ours,
        "penaltyblog_fit_first_call": cold_peer,
        "penaltyblog_version": penaltyblog.__version__,
        "notes": "medians of warm calls on both sides (see common.warm_up), BLAS on one thread (common.one_thread)"
        + ("" if not quick else "; penaltyblog predict: 1,000 calls scaled to 10,000"),
    }
    print(json.dumps(out))


if __name__ == "__main__":
    with one_thread():
        main()
