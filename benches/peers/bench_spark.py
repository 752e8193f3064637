"""Spark side by side with one process (``make bench``, area ``spark``).

What it times
-------------
* Scoring: 1,000,000 fixtures of six leagues (random pairs of each league's
  teams) through ``mlflow.pyfunc.spark_udf`` of a ``scoreline.mlflow.log_models``
  model on ``local[2]`` (Arrow batches, the struct of 1X2, expected goals, over
  2.5, both teams to score and an error field), against ``predict_proba`` of
  the same fixtures in this process (one call per league), and against the
  pyfunc's own ``predict`` in this process (the same work as each Spark batch,
  all markets): Spark's overhead is the difference between the first and the
  last.
* Backtest grids: 6 leagues × the last 20 seasons × 5 values of ξ (600
  walk-forwards, each one season predicted from all earlier matches of its
  league) through ``scoreline.spark.backtest_grid`` on ``local[2]``, against
  the same 600 combinations run one after another in this process
  (``scoreline.spark.run_combination``, one engine thread each).

Each timing is the median of warm runs (``--quick``: 100,000 fixtures, 2
leagues × 3 seasons × 2 ξ, one timed run). Prints one JSON line.

Rerun: ``.venv/bin/python benches/peers/bench_spark.py [--quick]``
"""

from __future__ import annotations

import json
import logging
import os
import statistics
import sys
import tempfile
import time
import warnings
from typing import Any, Callable

import numpy as np
import pandas as pd

os.environ["PYSPARK_PYTHON"] = sys.executable
os.environ.setdefault("SPARK_LOCAL_IP", "127.0.0.1")
os.environ["MLFLOW_ENABLE_ARTIFACTS_PROGRESS_BAR"] = "false"
warnings.filterwarnings("ignore")
logging.getLogger("mlflow").setLevel(logging.ERROR)

import mlflow
from pyspark.sql import SparkSession
from pyspark.sql import functions as F

import scoreline
import scoreline.mlflow
import scoreline.spark
from common import data_dir

LEAGUES = ["D1", "E0", "E1", "F1", "I1", "SP1"]


def median_of(fn: Callable[[], Any], runs: int) -> float:
    """One untimed warm-up call, then the median wall time of ``runs`` calls."""
    fn()
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        fn()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def main() -> None:
    quick = "--quick" in sys.argv
    n_fixtures = 100_000 if quick else 1_000_000
    leagues = LEAGUES[:2] if quick else LEAGUES
    n_seasons, xis = (3, [0.0012, 0.0024]) if quick else (20, [0.0, 0.0006, 0.0012, 0.0018, 0.0024])
    runs = 1 if quick else 3
    frame = scoreline.read_football_data(data_dir() / "football-data", divisions=leagues)
    frame = frame.dropna(subset=["FTHG"])[["Div", "Season", "Date", "HomeTeam", "AwayTeam", "FTHG", "FTAG"]]
    spark = (
        SparkSession.builder.master("local[2]")
        .config("spark.ui.enabled", "false")
        .config("spark.ui.showConsoleProgress", "false")
        .config("spark.sql.execution.arrow.pyspark.enabled", "true")
        .config("spark.driver.memory", "4g")
        .getOrCreate()
    )
    spark.sparkContext.setLogLevel("ERROR")
    out: dict[str, Any] = {"spark_version": spark.version, "fixtures": n_fixtures}
    try:
        # --- scoring -------------------------------------------------------------
        last = frame[frame["Season"] == "2324"]
        models = {lg: scoreline.DixonColes().fit(last[last["Div"] == lg]) for lg in leagues}
        rng = np.random.default_rng(1)
        league_of = rng.choice(leagues, size=n_fixtures)
        home, away = np.empty(n_fixtures, dtype=object), np.empty(n_fixtures, dtype=object)
        for lg in leagues:
            rows = np.flatnonzero(league_of == lg)
            teams = np.array(models[lg].teams, dtype=object)
            h = rng.integers(0, len(teams), size=len(rows))
            a = (h + rng.integers(1, len(teams), size=len(rows))) % len(teams)
            home[rows], away[rows] = teams[h], teams[a]
        fixtures = pd.DataFrame({"league": league_of, "home_team": home, "away_team": away})
        mlflow.set_tracking_uri(f"sqlite:///{tempfile.mkdtemp()}/mlflow.db")
        with mlflow.start_run():
            info = scoreline.mlflow.log_models(models, "leagues")
        score = mlflow.pyfunc.spark_udf(spark, info.model_uri, env_manager="local")
        table = spark.createDataFrame(fixtures).repartition(2).cache()
        table.count()
        scored = table.withColumn("p", score("league", "home_team", "away_team"))

        def through_spark() -> None:
            row = scored.agg(F.sum("p.p_home"), F.count(F.when(F.col("p.error") != "", 1))).collect()[0]
            assert row[1] == 0, f"{row[1]} fixtures failed"

        def predict_proba() -> None:
            for lg in leagues:
                rows = fixtures[fixtures["league"] == lg]
                models[lg].predict_proba(rows["home_team"].tolist(), rows["away_team"].tolist())

        pyfunc = mlflow.pyfunc.load_model(info.model_uri)
        out["spark_udf_s"] = median_of(through_spark, runs)
        out["predict_proba_s"] = median_of(predict_proba, runs)
        out["pyfunc_predict_s"] = median_of(lambda: pyfunc.predict(fixtures), runs)

        # --- backtest grid -------------------------------------------------------
        # Each league's last n_seasons seasons (the leagues' histories have different gaps).
        seasons = {
            lg: sorted(frame.loc[frame["Div"] == lg, "Season"].unique(), key=scoreline.spark._backtest_season_key)[-n_seasons:]
            for lg in leagues
        }
        params = {"xi": xis}
        started = time.perf_counter()
        grid = scoreline.spark.backtest_grid(frame, leagues=leagues, seasons=seasons, params=params, spark=spark)
        rows = grid.collect()
        out["grid_spark_s"] = time.perf_counter() - started
        out["grid_combinations"] = len(rows)
        assert all(r["error"] is None for r in rows), [r["error"] for r in rows if r["error"]][:3]
        by_league, tasks, _ = scoreline.spark.plan_grid(frame, leagues=leagues, seasons=seasons, params=params)
        fixed = {"division": "Div", "season": "Season"}
        started = time.perf_counter()
        serial = [scoreline.spark.run_combination(by_league[lg], lg, s, combo, fixed) for lg, s, combo in tasks]
        out["grid_serial_s"] = time.perf_counter() - started
        by_key = {(r["league"], r["season"], r["xi"]): r["rps"] for r in rows}
        out["grid_max_rps_difference"] = max(abs(by_key[(r["league"], r["season"], r["xi"])] - r["rps"]) for r in serial)
        out["grid_leagues"], out["grid_seasons"], out["grid_xis"] = len(leagues), n_seasons, len(xis)
    finally:
        spark.stop()
    print(json.dumps(out))


if __name__ == "__main__":
    main()
