"""scoreline on Spark: one model per group fitted with ``applyInPandas``,
many leagues scored through ``mlflow.pyfunc.spark_udf``, and walk-forward
backtest grids with one combination per Spark task — the Rust engine inside
every task, nothing distributed by hand.

Needs ``pip install "scoreline[spark]"`` (pyspark, pyarrow, pandas, MLflow).

- :func:`fit_by_group` fits one model per group (``by="Div"``) and returns a
  Spark DataFrame of model files, one row per group;
  :func:`load_models` brings them back as ``{group: model}`` (each of its
  family's class: ``DixonColes``, ``NegativeBinomial``, …).
- :func:`scoreline.mlflow.log_models` logs those models as one MLflow model
  whose ``spark_udf`` picks each row's model by its league and returns a
  struct ``p_home, p_draw, p_away, xg_home, xg_away, p_over_2_5, p_btts,
  error``; an unknown league or team gives nulls and the reason in
  ``error`` for that row (empty for a priced row), never a failed job.
- :func:`backtest_grid` runs league × season × parameter combinations, each
  a :func:`scoreline.backtest.walk_forward` in its own Spark task with one
  engine thread, and returns the metrics table: the numbers
  ``walk_forward`` gives for the same combination on one machine.

Spark cancels a task by killing its Python worker, which stops the engine
with it; in a plain Python session Ctrl-C stops a backtest within a second.
"""

from __future__ import annotations

import itertools
import json
import time
from collections.abc import Iterable, Mapping
from typing import Any

from ._optional import missing

try:
    import pandas as pd
except ModuleNotFoundError as _exc:
    if _exc.name != "pandas":
        raise
    raise missing("scoreline.spark", "pandas", "spark") from _exc
try:
    from pyspark.sql import DataFrame as SparkDataFrame
    from pyspark.sql import SparkSession
    from pyspark.sql import types as T
except ModuleNotFoundError as _exc:
    if _exc.name != "pyspark":
        raise
    raise missing("scoreline.spark", "pyspark", "spark") from _exc

from . import backtest as _backtest
from ._scoreline import BacktestError, DataError, FitError, ScorelineError
from .model import FAMILIES as _MODEL_CLASSES
from .model import GoalModel, model_from_json

__all__ = ["FAMILIES", "GRID_METRICS", "backtest_grid", "fit_by_group", "load_models", "plan_grid", "run_combination"]

#: Every model family the engine fits, by name, as its class
#: (``scoreline.FAMILIES``): the values of ``backtest_grid``'s
#: ``params={"family": [...]}`` and of ``fit_by_group``'s ``model``.
FAMILIES: dict[str, type[GoalModel]] = dict(_MODEL_CLASSES)

#: What :func:`fit_by_group` adds to the group key columns.
FIT_COLUMNS = [
    ("family", T.StringType()),
    ("fingerprint", T.StringType()),
    ("matches", T.LongType()),
    ("log_likelihood", T.DoubleType()),
    ("summary", T.StringType()),
    ("model", T.StringType()),
    ("error", T.StringType()),
]

#: The scores of each :func:`backtest_grid` row.
GRID_METRICS = ["rps", "brier", "log_loss", "accuracy", "ece"]


def _family_class(family: str) -> type[GoalModel]:
    try:
        return FAMILIES[family]
    except (KeyError, TypeError):
        raise DataError(f"unknown model family {family!r}; available: {', '.join(FAMILIES)}") from None


def _model_options(model: Any, options: Mapping[str, Any]) -> tuple[type[GoalModel], dict[str, Any]]:
    """The model class and its options of a ``model`` argument (a family
    name, a class such as ``NegativeBinomial``, or an unfitted or fitted
    instance whose options are used), with ``options`` on top."""
    if isinstance(model, str):
        return _family_class(model), dict(options)
    if isinstance(model, type) and issubclass(model, GoalModel) and model.family:
        return model, dict(options)
    if isinstance(model, GoalModel):
        return type(model), {**model._options(), **options}
    raise DataError(f"model = {model!r}: expected a family name ({', '.join(FAMILIES)}), a model class or instance")


def _keys(by: str | Iterable[str]) -> list[str]:
    keys = [by] if isinstance(by, str) else [str(k) for k in by]
    if not keys:
        raise DataError("by: give at least one group column")
    return keys


def fit_by_group(
    df: SparkDataFrame,
    by: str | Iterable[str] = "Div",
    model: Any = "dixon_coles",
    *,
    home: str = "HomeTeam",
    away: str = "AwayTeam",
    home_goals: str = "FTHG",
    away_goals: str = "FTAG",
    date: str = "Date",
    neutral: str | None = None,
    weights: str | None = None,
    **options: Any,
) -> SparkDataFrame:
    """Fits one model per group of ``df`` (grouped by ``by``) with
    ``groupBy(by).applyInPandas``: each group is one pandas frame on an
    executor, fitted by the Rust engine there.

    ``model`` is a family name (a key of :data:`FAMILIES`: ``"dixon_coles"``,
    ``"negative_binomial"``, …), a model class (``scoreline.Poisson``), or an
    instance whose options are used; ``options`` are the class's options
    (``xi``, ``ridge``…) on top. Rows with unplayed
    fixtures (null goals) are left out of each fit.

    Returns a Spark DataFrame with the key columns and ``family``,
    ``fingerprint`` (SHA-256 of the training data), ``matches``,
    ``log_likelihood``, ``summary`` (the fit summary as JSON), ``model`` (the
    model file as JSON) and ``error``: a group whose data cannot be fitted
    gets nulls and the reason in ``error`` instead of failing the job.
    Nothing runs until the result is used (Spark is lazy).
    """
    keys = _keys(by)
    model_cls, model_options = _model_options(model, options)
    family = model_cls.family
    model_cls(**model_options)  # bad options fail here, on the driver
    columns = {"home": home, "away": away, "home_goals": home_goals, "away_goals": away_goals, "date": date}
    if neutral is not None:
        columns["neutral"] = neutral
    if weights is not None:
        columns["weights"] = weights
    missing_columns = [c for c in [*keys, *columns.values()] if c not in df.columns]
    if missing_columns:
        raise DataError(f"fit_by_group: no column(s) {missing_columns} in the DataFrame (columns: {df.columns})")
    schema = T.StructType([df.schema[k] for k in keys] + [T.StructField(n, t) for n, t in FIT_COLUMNS])

    def fit_group(frame: pd.DataFrame) -> pd.DataFrame:
        row: dict[str, Any] = {k: frame[k].iloc[0] for k in keys}
        row.update({n: None for n, _ in FIT_COLUMNS}, family=family)
        played = frame.dropna(subset=[home_goals, away_goals])
        try:
            fitted = model_cls(**model_options).fit(played, **columns)
            fingerprint = json.loads(fitted.fitted_model.fingerprint_json())
            row.update(
                fingerprint=None if fingerprint is None else fingerprint.get("sha256"),
                matches=int(fitted.summary()["matches_used"]),
                log_likelihood=float(fitted.loglik),
                summary=fitted.fitted_model.summary_json(),
                model=fitted.to_json(),
            )
        except (ScorelineError, ValueError) as exc:
            row["error"] = f"{type(exc).__name__}: {exc}"
        return pd.DataFrame([row])

    return df.select(*keys, *columns.values()).groupBy(*keys).applyInPandas(fit_group, schema=schema)


def load_models(fits: Any, *, errors: str = "raise") -> dict[Any, GoalModel]:
    """The models of :func:`fit_by_group`'s result (a Spark or pandas
    DataFrame, or its collected rows) as ``{group: model}``, each of its
    family's class (as :func:`scoreline.load_model` picks it); the group
    is the key value, or a tuple of them with several key columns.

    A group whose fit failed raises ``FitError`` naming it (``errors="raise"``)
    or is left out (``errors="skip"``)."""
    if errors not in ("raise", "skip"):
        raise DataError(f"errors = {errors!r}: expected 'raise' or 'skip'")
    if isinstance(fits, SparkDataFrame):
        rows = [r.asDict() for r in fits.collect()]
    elif isinstance(fits, pd.DataFrame):
        rows = fits.to_dict("records")
    else:
        rows = [r.asDict() if hasattr(r, "asDict") else dict(r) for r in fits]
    result_names = {n for n, _ in FIT_COLUMNS}
    models: dict[Any, GoalModel] = {}
    for row in rows:
        if "model" not in row:
            raise DataError(f"load_models: a row without a model column ({sorted(row)}); pass fit_by_group's result")
        key_values = [v for k, v in row.items() if k not in result_names]
        key = key_values[0] if len(key_values) == 1 else tuple(key_values)
        if not isinstance(row.get("model"), str):
            if errors == "raise":
                raise FitError(f"group {key!r}: {row.get('error')}")
            continue
        models[key] = model_from_json(row["model"])
    return models


def _grid_values(params: Mapping[str, Any] | None) -> list[dict[str, Any]]:
    """Every combination of ``params`` (name → list of values), in order."""
    if not params:
        return [{}]
    names = list(params)
    values = []
    for name in names:
        given = params[name]
        listed = [given] if isinstance(given, (str, bytes)) or not isinstance(given, Iterable) else list(given)
        if not listed:
            raise BacktestError(f"params[{name!r}]: give at least one value")
        values.append(listed)
    return [dict(zip(names, combo)) for combo in itertools.product(*values)]


def _spark_type(values: list[Any]) -> T.DataType:
    if all(isinstance(v, bool) for v in values):
        return T.BooleanType()
    if all(isinstance(v, int) and not isinstance(v, bool) for v in values):
        return T.LongType()
    if all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in values):
        return T.DoubleType()
    return T.StringType()


def _walk_forward_options(combo: Mapping[str, Any], fixed: Mapping[str, Any]) -> dict[str, Any]:
    """``walk_forward`` keywords of one combination (``family`` becomes ``model``)."""
    options = {**fixed, **combo}
    family = options.pop("family", None)
    if family is not None:
        options["model"] = _family_class(str(family)).family
    return options


def run_combination(
    frame: pd.DataFrame, league: str, season: str, combo: Mapping[str, Any], fixed: Mapping[str, Any]
) -> dict[str, Any]:
    """One grid row: the walk-forward of ``league`` in ``season`` with the
    combination's options, on one engine thread; what each Spark task runs
    (and what the single-machine comparison calls)."""
    row: dict[str, Any] = {"league": league, "season": season, **combo}
    row.update(dict.fromkeys(["matches", "skipped", *GRID_METRICS, "elapsed_s", "error"]))
    started = time.perf_counter()
    try:
        result = _backtest.walk_forward(
            frame,
            leagues=[league],
            seasons=[season],
            threads=1,
            progress=False,
            **_walk_forward_options(combo, fixed),
        )
        row["skipped"] = int(result.skipped)
        row["matches"] = len(result.predictions)
        if len(result.predictions):
            overall = result.metrics.iloc[0]
            row.update({m: float(overall[m]) for m in GRID_METRICS})
    except (ScorelineError, ValueError) as exc:
        row["error"] = f"{type(exc).__name__}: {exc}"
    row["elapsed_s"] = time.perf_counter() - started
    return row


def backtest_grid(
    df: SparkDataFrame | pd.DataFrame,
    *,
    leagues: str | Iterable[str] | None = None,
    seasons: str | Iterable[str] | Mapping[str, Any] | None = None,
    params: Mapping[str, Any] | None = None,
    spark: SparkSession | None = None,
    division: str = "Div",
    season: str = "Season",
    **options: Any,
) -> SparkDataFrame:
    """Walk-forward backtests of every league × season × parameter
    combination, one Spark task each, with the Rust engine on one thread in
    the task; returns a Spark DataFrame with one row per combination:
    league, season, one column per parameter, matches, skipped, rps, brier,
    log_loss, accuracy, ece, elapsed_s and error (a combination that fails
    gets nulls and the reason, the others still run).

    ``df`` holds played matches with a division and a season column (e.g.
    :func:`scoreline.read_football_data`'s columns, as a Spark or pandas
    DataFrame); it is collected to the driver and broadcast, one league's
    matches per task. A combination predicts its season's matches of its
    league, trained on that league's earlier matches, exactly as
    ``walk_forward(df[df.Div == league], leagues=league, seasons=season,
    **params, **options)`` does on one machine.

    ``leagues`` and ``seasons`` default to every league and, per league,
    every season after its first; ``seasons`` is one season code, several,
    or a dict of them per league (``{"E0": ["2223", "2324"], "SP1": "2324"}``). ``params`` maps ``walk_forward`` option
    names to lists of values (``{"xi": [0.001, 0.002], "family":
    ["dixon_coles", "poisson"]}``); ``options`` are fixed ``walk_forward``
    options for every combination (``ridge``, ``refit``, column names…).
    """
    spark = spark or SparkSession.getActiveSession()
    if spark is None:
        raise BacktestError("backtest_grid: no active SparkSession; pass spark=")
    frame = df.toPandas() if isinstance(df, SparkDataFrame) else pd.DataFrame(df)
    by_league, tasks, combos = plan_grid(
        frame, leagues=leagues, seasons=seasons, params=params, division=division, season=season, **options
    )
    context = spark.sparkContext
    shared = context.broadcast(by_league)
    fixed = dict(options, division=division, season=season)

    def run(task: tuple[str, str, dict[str, Any]]) -> dict[str, Any]:
        lg, s, combo = task
        return run_combination(shared.value[lg], lg, s, combo, fixed)

    try:
        rows = context.parallelize(tasks, numSlices=len(tasks)).map(run).collect()
    finally:
        shared.unpersist()
    param_fields = [T.StructField(name, _spark_type([c[name] for c in combos])) for name in combos[0]]
    schema = T.StructType(
        [T.StructField("league", T.StringType()), T.StructField("season", T.StringType()), *param_fields]
        + [T.StructField("matches", T.LongType()), T.StructField("skipped", T.LongType())]
        + [T.StructField(m, T.DoubleType()) for m in GRID_METRICS]
        + [T.StructField("elapsed_s", T.DoubleType()), T.StructField("error", T.StringType())]
    )
    ordered = [[row[f.name] for f in schema.fields] for row in rows]
    return spark.createDataFrame(ordered, schema=schema)


def plan_grid(
    frame: pd.DataFrame,
    *,
    leagues: str | Iterable[str] | None = None,
    seasons: str | Iterable[str] | Mapping[str, Any] | None = None,
    params: Mapping[str, Any] | None = None,
    division: str = "Div",
    season: str = "Season",
    **options: Any,
) -> tuple[dict[str, pd.DataFrame], list[tuple[str, str, dict[str, Any]]], list[dict[str, Any]]]:
    """What :func:`backtest_grid` runs, checked on the driver: each league's
    matches, the tasks ``(league, season, combination)`` in order, and the
    parameter combinations. ``run_combination(by_league[league], league,
    season, combination, {**options, "division": division, "season":
    season})`` is one task; run one after another, they are the
    single-process grid."""
    for name in (division, season):
        if name not in frame.columns:
            raise DataError(f"backtest_grid: no column {name!r} (columns: {list(frame.columns)})")
    for reserved in ("leagues", "seasons", "threads", "progress", "target"):
        if reserved in options or (params and reserved in params):
            raise BacktestError(f"backtest_grid: {reserved!r} is set per combination, not as an option")
    combos = _grid_values(params)
    for combo in combos:
        _walk_forward_options(combo, options)  # an unknown family fails here
    frame = frame.assign(**{season: frame[season].astype(str), division: frame[division].astype(str)})
    present = sorted(frame[division].unique())
    wanted = present if leagues is None else ([leagues] if isinstance(leagues, str) else list(leagues))
    unknown = [lg for lg in wanted if lg not in present]
    if unknown:
        raise DataError(f"backtest_grid: no matches of league(s) {unknown} (leagues: {', '.join(present)})")
    by_league = {lg: frame[frame[division] == lg].reset_index(drop=True) for lg in wanted}
    tasks = []
    for lg in wanted:
        league_seasons = sorted(by_league[lg][season].unique(), key=_backtest_season_key)
        chosen = _season_filter(seasons, lg)
        for s in league_seasons[1:]:
            if chosen is None or s in chosen:
                tasks.extend((lg, s, combo) for combo in combos)
    if not tasks:
        raise BacktestError("backtest_grid: no league-season to backtest (a league's first season is history only)")
    return by_league, tasks, combos


def _season_filter(seasons: str | Iterable[str] | Mapping[str, Any] | None, league: str) -> set[str] | None:
    """The seasons asked for in ``league`` (``None``: every one)."""
    if seasons is None:
        return None
    if isinstance(seasons, Mapping):
        given = seasons.get(league, ())
        return {given} if isinstance(given, str) else {str(s) for s in given}
    return {seasons} if isinstance(seasons, str) else {str(s) for s in seasons}


def _backtest_season_key(code: str) -> int:
    """``"9394"`` → 1993, ``"2324"`` → 2023 (football-data season codes); others last."""
    if len(code) == 4 and code.isdigit():
        start = int(code[:2])
        return 1900 + start if start >= 50 else 2000 + start
    return 10_000
