"""Wall-clock fit timings of every penaltyblog 1.13.1 goal-model family, the peer side of the family rows of ``make bench``.

What it measures: for each family penaltyblog has (``MODELS`` of
``penaltyblog_families.py``: Poisson, Dixon–Coles, negative binomial,
zero-inflated Poisson, bivariate Poisson, Weibull copula; it has no
Conway–Maxwell–Poisson model), one fit of E0 2023-24 (380 matches) weighted
by ``penaltyblog.models.dixon_coles_weights(dates, xi=0.0018)`` (exp(−ξ·days)
from the season's last match, precomputed): model construction from the
arrays plus its DEFAULT ``fit()`` (scipy SLSQP with its own bounds).

Every number is the median of timed runs after a warm-up of the same call
(``common.warm_up``: at least 3 calls and 1 s, at most 20 s), as on our
side of each row: 7 runs (3 for the Weibull copula, whose fit takes
seconds; 3 for every family with ``--quick``). BLAS runs on one thread
(``common.one_thread``), as our single-threaded fits do.

Progress goes to stderr; the last line of stdout is one JSON object:
``{"peer", "version", "fit_one_season_weighted": {family: seconds},
"loglik": {family: its log-likelihood}, "notes"}``.

Rerun
-----
    .venv/bin/python benches/peers/bench_penaltyblog_families.py [--quick]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
import warnings

import penaltyblog
from penaltyblog.models import dixon_coles_weights

from common import XI, load_football_data, one_thread, warm_up
from penaltyblog_families import MODELS


def log(msg: str) -> None:
    print(msg, file=sys.stderr, flush=True)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="fewer repetitions")
    args = parser.parse_args()

    season = load_football_data("E0", "2324")
    weights = dixon_coles_weights(season.dates, xi=XI)
    load_start = os.getloadavg()[0]
    times: dict[str, float] = {}
    logliks: dict[str, float] = {}
    for family, cls in MODELS.items():
        fitted: list[object] = []

        def one(cls: type = cls, fitted: list[object] = fitted) -> None:
            model = cls(season.home_goals, season.away_goals, season.home, season.away, weights=weights)
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                model.fit()
            fitted[:] = [model]

        calls = warm_up(one)
        runs = 3 if args.quick or family == "weibull_copula" else 7
        samples = []
        for _ in range(runs):
            t0 = time.perf_counter()
            one()
            samples.append(time.perf_counter() - t0)
        times[family] = statistics.median(samples)
        logliks[family] = float(fitted[0].loglikelihood)  # type: ignore[attr-defined]
        log(
            f"  {family}: {calls} warm-up fit(s), median of {runs}: {times[family]:.4f} s "
            f"(loglik {logliks[family]:.4f})"
        )
    out = {
        "peer": "penaltyblog",
        "version": penaltyblog.__version__,
        "fit_one_season_weighted": times,
        "loglik": logliks,
        "notes": [
            "fit = model construction + default fit() (SLSQP), weights precomputed",
            "medians of warm runs (common.warm_up), BLAS on one thread (common.one_thread)",
            "penaltyblog has no Conway-Maxwell-Poisson model",
            (
                f"1-min load average {load_start:.2f} at start, {os.getloadavg()[0]:.2f} at end "
                f"on {os.cpu_count()} cores"
            ),
        ],
    }
    print(json.dumps(out))
    return 0


if __name__ == "__main__":
    with one_thread():
        sys.exit(main())
