"""Wall-clock timings of penaltyblog's Dixon–Coles model, the peer side of ``make bench``.

What it measures (penaltyblog, ``DixonColesGoalModel`` with its default
``fit()``; each fit time covers model construction from the arrays plus
``fit()``, with the time-decay weights precomputed by
``penaltyblog.models.dixon_coles_weights(dates, xi=0.0018)``, i.e.
exp(−ξ·days) from the latest date in the fitted data):

Every number is the median of at least 3 timed runs after a warm-up of the
same call (``common.warm_up``: at least 3 calls and 1 s, at most 20 s), as
on our side of each row; penaltyblog's first fits of a session are several
times slower than its warm ones. BLAS runs on one thread
(``common.one_thread``), as our single-threaded fits do.

* ``fit_one_season_weighted``: E0 2023-24 (380 matches), median of 7 fits
  (3 with ``--quick``);
* ``fit_ten_seasons_weighted``: E0 2014-15 … 2023-24 as one data set (3,800
  matches), median of 3 fits;
* ``fit_three_seasons_weighted``: E0 2021-22 … 2023-24 (one walk-forward
  refit's window), median of 5 fits (3 with ``--quick``);
* ``fit_international_since_2010``: ``international/results.csv`` from
  2010-01-01 with both scores present, restricted to the largest connected
  component of the team graph, ``neutral`` passed as ``neutral_venue``, weighted
  from the last date; median of 3 fits (10-20 s each on a quiet machine, far
  more when the cores are busy), omitted with ``--skip-international``;
* ``predict_one_fixture``: median of 200 single ``predict(home, away,
  max_goals=11)`` calls (0..10 goals, normalised grid) on the one-season model,
  each followed by reading ``home_draw_away`` (the 1X2 probabilities);
* ``predict_10000_fixtures``: median of 3 timed loops of 10,000 such calls
  cycling over the season's 380 fixtures (with ``--quick``: loops of 1,000
  calls × 10, said in ``notes``).

Progress goes to stderr; the last line of stdout is one JSON object with the
median seconds, ``version`` and ``notes``.

Rerun
-----
    .venv/bin/python benches/peers/bench_penaltyblog.py [--quick] [--skip-international]
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import statistics
import sys
import time
from collections.abc import Callable
from typing import Any

import penaltyblog
from penaltyblog.models import DixonColesGoalModel, dixon_coles_weights

from common import (
    XI,
    Matches,
    largest_component,
    load_football_data,
    load_international,
    one_thread,
    warm_up,
)

TEN_SEASONS = [
    "1415",
    "1516",
    "1617",
    "1718",
    "1819",
    "1920",
    "2021",
    "2122",
    "2223",
    "2324",
]
PREDICT_MAX_GOALS = 11  # penaltyblog's grid is 0..max_goals-1, i.e. 0..10 like ours


def log(msg: str) -> None:
    print(msg, file=sys.stderr, flush=True)


def build_and_fit(m: Matches, use_neutral: bool = False) -> DixonColesGoalModel:
    weights = dixon_coles_weights(m.dates, xi=XI)
    model = DixonColesGoalModel(
        m.home_goals,
        m.away_goals,
        m.home,
        m.away,
        weights=weights,
        neutral_venue=m.neutral.astype(int) if use_neutral else None,
    )
    model.fit()
    return model


def time_fits(
    label: str, m: Matches, runs: int, use_neutral: bool = False
) -> tuple[float, int]:
    """Median seconds of ``runs`` (≥ 3) warm (construction + fit) runs, and SLSQP's iteration count."""
    weights = dixon_coles_weights(m.dates, xi=XI)
    neutral = m.neutral.astype(int) if use_neutral else None
    models: list[DixonColesGoalModel] = []

    def one() -> None:
        model = DixonColesGoalModel(
            m.home_goals,
            m.away_goals,
            m.home,
            m.away,
            weights=weights,
            neutral_venue=neutral,
        )
        model.fit()
        models[:] = [model]

    log(f"  {label}: {warm_up(one)} warm-up fit(s)")
    times = []
    for i in range(max(runs, 3)):
        t0 = time.perf_counter()
        one()
        times.append(time.perf_counter() - t0)
        log(
            f"  {label} run {i + 1}: {times[-1]:.3f} s (loglik {models[0].loglikelihood:.3f})"
        )
    return statistics.median(times), int(models[0]._res.nit)


def time_calls(fn: Callable[[], Any], n: int) -> float:
    warm_up(fn)
    times = []
    for _ in range(n):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--quick", action="store_true", help="fewer repetitions")
    parser.add_argument(
        "--skip-international", action="store_true", help="omit the international fit"
    )
    args = parser.parse_args()

    notes: list[str] = [
        "fit times = DixonColesGoalModel(...) construction + default fit() (SLSQP), weights precomputed",
        "medians of warm runs (common.warm_up), BLAS on one thread (common.one_thread)",
        f"predict = model.predict(home, away, max_goals={PREDICT_MAX_GOALS}) + .home_draw_away",
    ]
    out: dict[str, Any] = {"peer": "penaltyblog", "version": penaltyblog.__version__}
    load_start = os.getloadavg()[0]

    season = load_football_data("E0", "2324")
    log(f"E0 2324: {len(season)} matches; fitting the model the predict rows use")
    model = build_and_fit(season)
    one_runs = 3 if args.quick else 7
    out["fit_one_season_weighted"], _ = time_fits("one season", season, one_runs)

    ten = load_football_data("E0", TEN_SEASONS[0])
    for s in TEN_SEASONS[1:]:
        ten = ten.concat(load_football_data("E0", s))
    log(
        f"E0 {TEN_SEASONS[0]}..{TEN_SEASONS[-1]}: {len(ten)} matches, {len(set(ten.home))} teams"
    )
    out["fit_ten_seasons_weighted"], _ = time_fits("ten seasons", ten, 3)

    three = load_football_data("E0", "2122")
    for s in ("2223", "2324"):
        three = three.concat(load_football_data("E0", s))
    log(f"E0 2122..2324: {len(three)} matches (one walk-forward refit's training window)")
    out["fit_three_seasons_weighted"], _ = time_fits("three seasons", three, 3 if args.quick else 5)

    if not args.skip_international:
        intl = largest_component(load_international(dt.date(2010, 1, 1)))
        log(
            f"international since 2010 (largest component): {len(intl)} matches, "
            f"{len(set(intl.home) | set(intl.away))} teams, {int(intl.neutral.sum())} neutral"
        )
        runs = 3
        out["fit_international_since_2010"], nit = time_fits(
            "international", intl, runs, use_neutral=True
        )
        notes.append(
            f"fit_international_since_2010: {len(intl)} matches, "
            f"{len(set(intl.home) | set(intl.away))} teams, {runs} fit(s), {nit} SLSQP iterations"
        )

    fixtures = list(zip(season.home, season.away))
    home, away = fixtures[0]

    def one() -> list[float]:
        return model.predict(home, away, max_goals=PREDICT_MAX_GOALS).home_draw_away

    n_single = 50 if args.quick else 200
    out["predict_one_fixture"] = time_calls(one, n_single)
    log(
        f"predict_one_fixture: median of {n_single}: {out['predict_one_fixture'] * 1e6:.1f} us"
    )

    n_loop = 1_000 if args.quick else 10_000
    last: list[float] = []

    def loop() -> None:
        nonlocal last
        for i in range(n_loop):
            h, a = fixtures[i % len(fixtures)]
            last = model.predict(h, a, max_goals=PREDICT_MAX_GOALS).home_draw_away

    loop_s = time_calls(loop, 3)
    assert abs(sum(last) - 1.0) < 1e-12
    out["predict_10000_fixtures"] = loop_s * (10_000 / n_loop)
    if n_loop != 10_000:
        notes.append(
            f"predict_10000_fixtures extrapolated from loops of {n_loop} calls (x{10_000 // n_loop})"
        )
    log(f"predict loop of {n_loop}: median of 3 warm loops {loop_s:.3f} s")

    notes.append(
        f"1-min load average {load_start:.2f} at start, {os.getloadavg()[0]:.2f} at end "
        f"on {os.cpu_count()} cores: timings (the international fit most, through "
        "SLSQP's BLAS work on ~600 parameters) slow down a lot on a busy machine"
    )
    out["notes"] = notes
    print(json.dumps(out))
    return 0


if __name__ == "__main__":
    with one_thread():
        sys.exit(main())
