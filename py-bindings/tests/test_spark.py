"""scoreline on Spark (local[2]): fitting by group, scoring many leagues
through ``mlflow.pyfunc.spark_udf`` and distributed backtest grids, each
against the single-process result; corrupt rows and cancelled jobs.

Spark runs with the test interpreter on the executors (``PYSPARK_PYTHON``)
and one session for the module, stopped at the end."""

from __future__ import annotations

import os
import sys
import threading
import time
import warnings
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import mlflow
import numpy as np
import pandas as pd
import pytest

import scoreline
import scoreline.mlflow as scoreline_mlflow
from conftest import data_dir

os.environ["PYSPARK_PYTHON"] = sys.executable
os.environ["PYSPARK_DRIVER_PYTHON"] = sys.executable
from pyspark.sql import SparkSession

import scoreline.spark as scoreline_spark

LEAGUES = ["D1", "E0", "E1", "F1", "I1", "SP1"]
COLUMNS = ["Div", "Season", "Date", "HomeTeam", "AwayTeam", "FTHG", "FTAG"]

# pyspark 4.3 warns that pandas 3 is "not yet fully supported"; everything used here is tested below.
# and passes pandas 3 a deprecated copy= keyword inside its Arrow conversion.
pytestmark = [
    pytest.mark.filterwarnings("ignore:PySpark does not yet fully support pandas:FutureWarning"),
    pytest.mark.filterwarnings("ignore:The copy keyword is deprecated"),
]


@pytest.fixture(scope="module")
def spark() -> Iterator[SparkSession]:
    session = (
        SparkSession.builder.master("local[2]")
        .appName("scoreline-tests")
        .config("spark.ui.enabled", "false")
        .config("spark.sql.shuffle.partitions", "4")
        .config("spark.driver.host", "127.0.0.1")
        .config("spark.driver.bindAddress", "127.0.0.1")
        .getOrCreate()
    )
    session.sparkContext.setLogLevel("ERROR")
    yield session
    session.stop()


@pytest.fixture(scope="module")
def matches() -> pd.DataFrame:
    """Six leagues, 2022-23 (history) and 2023-24."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # data-quality notes are tested in test_data.py
        frame = scoreline.read_football_data(data_dir() / "football-data", divisions=LEAGUES, seasons=["2223", "2324"])
    return frame[COLUMNS]


@pytest.fixture(scope="module")
def spark_matches(spark: SparkSession, matches: pd.DataFrame) -> Any:
    return spark.createDataFrame(matches)


@pytest.fixture(scope="module")
def models(spark_matches: Any) -> dict[Any, scoreline.DixonColes]:
    return scoreline_spark.load_models(scoreline_spark.fit_by_group(spark_matches, by="Div", xi=0.0018))


@pytest.fixture()
def tracking(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    uri = f"sqlite:///{tmp_path / 'mlflow.db'}"
    monkeypatch.chdir(tmp_path)
    mlflow.set_tracking_uri(uri)
    mlflow.set_registry_uri(uri)
    mlflow.set_experiment("scoreline-spark-tests")  # not an experiment id of another test's store
    yield
    mlflow.set_tracking_uri(None)


def test_fit_by_group_equals_a_fit_per_league(models: dict[Any, scoreline.DixonColes], matches: pd.DataFrame) -> None:
    assert sorted(models) == LEAGUES
    for league, model in models.items():
        alone = scoreline.DixonColes(xi=0.0018).fit(matches[matches["Div"] == league])
        assert model.teams == alone.teams
        assert model.loglik == pytest.approx(alone.loglik, rel=1e-12, abs=1e-9)
        home, away = alone.teams[:-1], alone.teams[1:]
        np.testing.assert_allclose(model.predict_proba(home, away), alone.predict_proba(home, away), rtol=0, atol=1e-9)


def test_a_group_that_cannot_be_fitted_gets_an_error_not_a_failed_job(spark: SparkSession) -> None:
    rows = pd.DataFrame(
        {
            "Div": ["OK"] * 6 + ["TWO"] * 2,
            "Date": pd.to_datetime(["2024-08-01", "2024-08-02", "2024-08-03", "2024-08-04", "2024-08-05", "2024-08-06"] * 1 + ["2024-08-01", "2024-08-02"]),
            "HomeTeam": ["A", "B", "C", "A", "B", "C", "X", "Y"],
            "AwayTeam": ["B", "C", "A", "C", "A", "B", "Y", "X"],
            "FTHG": [2.0, 1.0, 0.0, 3.0, 1.0, 2.0, 1.0, 0.0],
            "FTAG": [1.0, 1.0, 2.0, 0.0, 1.0, 2.0, 1.0, 2.0],
        }
    )
    fits = scoreline_spark.fit_by_group(spark.createDataFrame(rows), by="Div", xi=0.0, ridge=0.01).toPandas()
    by_group = fits.set_index("Div")
    assert pd.isna(by_group.loc["OK", "error"]) and by_group.loc["OK", "matches"] == 6
    assert "DataError" in by_group.loc["TWO", "error"] and "at least three teams" in by_group.loc["TWO", "error"]
    assert pd.isna(by_group.loc["TWO", "model"])
    with pytest.raises(scoreline.FitError, match="group 'TWO'"):
        scoreline_spark.load_models(fits)
    assert list(scoreline_spark.load_models(fits, errors="skip")) == ["OK"]
    with pytest.raises(scoreline.DataError, match="unknown model family 'weibull'"):
        scoreline_spark.fit_by_group(spark.createDataFrame(rows), by="Div", model="weibull")


def test_fit_by_group_fits_any_family_and_load_models_returns_its_class(spark_matches: Any, matches: pd.DataFrame) -> None:
    assert list(scoreline_spark.FAMILIES) == list(scoreline.FAMILIES)
    for model in ("negative_binomial", scoreline.ConwayMaxwellPoisson, scoreline.ZeroInflatedPoisson(xi=0.001)):
        fits = scoreline_spark.fit_by_group(spark_matches.filter("Div = 'E0'"), by="Div", model=model).toPandas()
        cls = scoreline.FAMILIES[model] if isinstance(model, str) else (model if isinstance(model, type) else type(model))
        assert fits["family"].tolist() == [cls.family]
        loaded = scoreline_spark.load_models(fits)["E0"]
        assert type(loaded) is cls
        options = model._options() if isinstance(model, scoreline.GoalModel) else {}
        alone = cls(**options).fit(matches[matches["Div"] == "E0"])
        assert loaded.loglik == pytest.approx(alone.loglik, rel=1e-12, abs=1e-9)


def test_the_single_model_flavour_scores_through_spark_udf_without_neutral(
    spark: SparkSession, models: dict[Any, scoreline.DixonColes], tracking: None
) -> None:
    """The reported bug: the optional ``neutral`` arrived as NaN and failed every row."""
    model = models["E0"]
    example = pd.DataFrame({"home_team": ["Arsenal"], "away_team": ["Chelsea"]})
    with mlflow.start_run():
        info = scoreline_mlflow.log_model(model, "model", input_example=example)
    score = mlflow.pyfunc.spark_udf(spark, info.model_uri, env_manager="local")
    teams = model.teams
    fixtures = pd.DataFrame({"home_team": teams[:-1], "away_team": teams[1:]})
    out = spark.createDataFrame(fixtures).withColumn("p", score("home_team", "away_team")).select("p.*").toPandas()
    expected = model.predict_proba(fixtures["home_team"].tolist(), fixtures["away_team"].tolist())
    np.testing.assert_allclose(out[["p_home", "p_draw", "p_away"]].to_numpy(), expected, rtol=0, atol=1e-12)
    with_neutral = spark.createDataFrame(fixtures.assign(neutral=True))
    out = with_neutral.withColumn("p", score("home_team", "away_team", "neutral")).select("p.*").toPandas()
    expected = model.predict_proba(fixtures["home_team"].tolist(), fixtures["away_team"].tolist(), [True] * len(fixtures))
    np.testing.assert_allclose(out[["p_home", "p_draw", "p_away"]].to_numpy(), expected, rtol=0, atol=1e-12)


def test_many_leagues_score_through_one_spark_udf_as_predict_proba_does(
    spark: SparkSession, models: dict[Any, scoreline.DixonColes], matches: pd.DataFrame, tracking: None
) -> None:
    with mlflow.start_run():
        info = scoreline_mlflow.log_models(models, "leagues")
    score = mlflow.pyfunc.spark_udf(spark, info.model_uri, env_manager="local")
    season = matches[matches["Season"] == "2324"]
    fixtures = pd.DataFrame({"league": season["Div"], "home_team": season["HomeTeam"], "away_team": season["AwayTeam"]})
    scored = spark.createDataFrame(fixtures).withColumn("p", score("league", "home_team", "away_team"))
    out = scored.select("league", "home_team", "away_team", "p.*").toPandas()
    assert len(out) == len(fixtures) and (out["error"] == "").all()
    for league, rows in out.groupby("league"):
        model = models[league]
        probs = model.predict_proba(rows["home_team"].tolist(), rows["away_team"].tolist())
        np.testing.assert_allclose(rows[["p_home", "p_draw", "p_away"]].to_numpy(), probs, rtol=0, atol=1e-12)
        markets = model.predict_markets(rows, home="home_team", away="away_team")
        for column in ["xg_home", "xg_away", "p_over_2_5", "p_btts"]:
            np.testing.assert_allclose(rows[column].to_numpy(), markets[column].to_numpy(), rtol=0, atol=1e-12)


def test_corrupt_rows_get_nulls_and_an_error_the_rest_are_scored(
    spark: SparkSession, models: dict[Any, scoreline.DixonColes], tracking: None
) -> None:
    with mlflow.start_run():
        info = scoreline_mlflow.log_models(models, "leagues")
    score = mlflow.pyfunc.spark_udf(spark, info.model_uri, env_manager="local")
    fixtures = pd.DataFrame(
        {
            "league": ["E0", "E0", "XX", None, "E0", "E0", "E1"],
            "home_team": ["Arsenal", "Arsenal", "Arsenal", "Arsenal", "Arsenal", None, "Leeds"],
            "away_team": ["Chelsea", "Chelsy", "Chelsea", "Chelsea", "Arsenal", "Chelsea", "Hull"],
            "neutral": ["false", "false", "false", "false", "false", "false", "maybe"],
        }
    )
    scored = spark.createDataFrame(fixtures).withColumn("p", score("league", "home_team", "away_team", "neutral"))
    assert scored.filter("p.p_home IS NULL AND p.p_btts IS NULL").count() == 6
    out = scored.select("p.*").toPandas()
    errors = out["error"].tolist()
    assert errors[0] == "" and out["p_home"].iloc[0] == pytest.approx(models["E0"].predict_proba(["Arsenal"], ["Chelsea"])[0, 0], abs=1e-12)
    assert "Chelsy" in errors[1] and "Chelsea" in errors[1]
    assert "unknown league 'XX'" in errors[2]
    assert errors[3] == "league is missing"
    assert "Arsenal" in errors[4]
    assert errors[5] == "home_team or away_team is missing"
    assert errors[6] == "neutral = 'maybe': expected true or false"
    assert out.loc[1:, "p_home"].isna().all()


def test_backtest_grid_gives_what_walk_forward_gives_for_every_combination(spark: SparkSession, matches: pd.DataFrame) -> None:
    params = {"xi": [0.001, 0.003], "family": ["dixon_coles", "poisson"]}
    grid = scoreline_spark.backtest_grid(matches, leagues=["E0", "I1"], params=params, spark=spark).toPandas()
    assert len(grid) == 2 * 1 * 4 and grid["error"].isna().all()
    for row in grid.itertuples():
        league_matches = matches[matches["Div"] == row.league]
        alone = scoreline.backtest.walk_forward(
            league_matches, leagues=row.league, seasons=row.season, xi=row.xi, model=row.family, progress=False
        )
        overall = alone.metrics.iloc[0]
        assert row.matches == len(alone.predictions) == 380
        for metric in scoreline_spark.GRID_METRICS:
            assert getattr(row, metric) == pytest.approx(overall[metric], abs=1e-12), (row, metric)
    with pytest.raises(scoreline.DataError, match="unknown model family 'weibull'"):
        scoreline_spark.backtest_grid(matches, params={"family": ["weibull"]}, spark=spark)


def test_cancelling_a_spark_job_stops_the_engine_in_its_tasks(spark: SparkSession) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        history = scoreline.read_football_data(data_dir() / "football-data", divisions=["E0", "E1"])[COLUMNS]
    context = spark.sparkContext
    outcome: dict[str, Any] = {}

    def run() -> None:
        context.setJobGroup("scoreline-cancel-test", "a long grid", interruptOnCancel=True)
        try:
            # six combinations of a daily refit over all of E0 + E1: minutes of
            # engine work (one combination alone no longer outlasts the 8 s below)
            xi = [0.0005, 0.001, 0.0015, 0.002, 0.0025, 0.003]
            outcome["rows"] = scoreline_spark.backtest_grid(
                history, params={"refit": [1], "xi": xi}, window_days=None, spark=spark
            )
        except Exception as exc:  # noqa: BLE001 - the cancellation surfaces as a Py4J/Spark error
            outcome["error"] = exc
        outcome["ended"] = time.perf_counter()

    worker = threading.Thread(target=run)
    worker.start()
    time.sleep(8.0)  # Spark up, tasks running the engine
    assert worker.is_alive(), outcome
    cancelled = time.perf_counter()
    context.cancelJobGroup("scoreline-cancel-test")
    worker.join(timeout=60)
    assert not worker.is_alive()
    assert "error" in outcome and "cancel" in str(outcome["error"]).lower()
    assert outcome["ended"] - cancelled < 5.0, f"the job took {outcome['ended'] - cancelled:.1f} s to stop"
    # No Python worker keeps computing: Spark killed the workers that ran the engine.
    time.sleep(1.0)
    before = _worker_cpu_seconds()
    time.sleep(2.0)
    busy = _worker_cpu_seconds() - before
    assert busy < 0.5, f"Spark's Python workers used {busy:.2f} CPU seconds in 2 s after the cancellation"
    # The session is still usable.
    assert spark.range(10).count() == 10


def _worker_cpu_seconds() -> float:
    """CPU time (user + system) of every live PySpark Python worker process, from /proc."""
    total = 0
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            cmdline = (entry / "cmdline").read_bytes()
            if b"pyspark.daemon" not in cmdline and b"pyspark.worker" not in cmdline:
                continue
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += int(fields[11]) + int(fields[12])  # utime, stime (fields 14 and 15 of stat)
    return total / os.sysconf("SC_CLK_TCK")


def test_the_grid_plan_takes_seasons_per_league(matches: pd.DataFrame) -> None:
    _, tasks, combos = scoreline_spark.plan_grid(matches, seasons={"E0": "2324", "I1": ["2223", "2324"]}, params={"xi": [0.001, 0.002]})
    assert combos == [{"xi": 0.001}, {"xi": 0.002}]
    # I1 2022-23 is its first season here: history only.
    assert [(lg, s) for lg, s, _ in tasks] == [("E0", "2324"), ("E0", "2324"), ("I1", "2324"), ("I1", "2324")]
    with pytest.raises(scoreline.BacktestError, match="'threads' is set per combination"):
        scoreline_spark.plan_grid(matches, threads=2)
