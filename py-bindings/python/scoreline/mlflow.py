"""An MLflow pyfunc flavour for scoreline models, and automated retraining
with statistically tested promotion.

``log_model`` stores the model file (and an optional calibrator) as artifacts
of a ``mlflow.pyfunc.PythonModel`` whose ``predict`` takes a DataFrame with
columns ``home_team, away_team[, neutral]`` and returns ``p_home, p_draw,
p_away, xg_home, xg_away, p_over_2_5, p_btts``.

``log_models`` stores the models of many leagues in one artifact; its
``predict`` takes ``league, home_team, away_team[, neutral]``, picks each
row's model by its league, and returns the same columns plus ``error``: a
row whose league or team is unknown gets NaN probabilities (null in Spark)
and the reason in ``error``, and the other rows are still scored, with an
empty ``error``. (Empty rather than null: ``spark_udf`` turns a null string
in a struct field into the text ``"None"`` whenever a batch also holds a
non-null one.) Scored through ``mlflow.pyfunc.spark_udf`` its output is one
struct column.

``neutral`` is optional in both: a missing value (``None``, NaN — what
``spark_udf`` sends for an optional column it was not given) means a home
fixture.
"""

from __future__ import annotations

import json
import math
import os
import tempfile
from collections.abc import Mapping
from typing import Any

import numpy as np

from ._optional import missing

try:
    import pandas as pd
except ModuleNotFoundError as _exc:
    if _exc.name != "pandas":
        raise
    raise missing("scoreline.mlflow", "pandas", "mlflow") from _exc
try:
    import mlflow
    import mlflow.pyfunc
    from mlflow.models import ModelSignature, infer_signature
    from mlflow.types import ColSpec, Schema
    from mlflow.types.schema import AnyType
except ModuleNotFoundError as _exc:
    if _exc.name != "mlflow":
        raise
    raise missing("scoreline.mlflow", "mlflow", "mlflow") from _exc

from ._scoreline import DataError, ScorelineError
from .model import GoalModel, load_model, model_class, model_from_json

OUTPUT_COLUMNS = ["p_home", "p_draw", "p_away", "xg_home", "xg_away", "p_over_2_5", "p_btts"]

#: The file format of the artifact that holds the models of many groups.
MODEL_SET_FORMAT = "scoreline-model-set"
MODEL_SET_VERSION = 1


def _neutral_flag(value: Any) -> bool | None:
    """``neutral`` of one row: missing (None, NaN) is a home fixture; None for a value that is not a boolean."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return False
    if isinstance(value, (bool, np.bool_)):
        return bool(value)
    if isinstance(value, (int, float, np.integer, np.floating)) and value in (0, 1):
        return bool(value)
    if isinstance(value, str) and value.strip().lower() in ("true", "false", "1", "0"):
        return value.strip().lower() in ("true", "1")
    return None


def neutral_flags(fixtures: pd.DataFrame) -> tuple[np.ndarray, list[str | None]]:
    """The ``neutral`` column as booleans, and per row the error of a value
    that is not one (``None`` where fine). A missing column or value means a
    home fixture."""
    n = len(fixtures)
    if "neutral" not in fixtures.columns:
        return np.zeros(n, dtype=bool), [None] * n
    column = fixtures["neutral"]
    if column.dtype == np.bool_:
        return column.to_numpy(dtype=bool), [None] * n
    errors: list[str | None] = [None] * n
    if column.dtype.kind == "f":
        values = column.to_numpy(dtype=np.float64)
        missing = np.isnan(values)
        flags = ~missing & (values == 1.0)
        for i in np.flatnonzero(~missing & (values != 0.0) & (values != 1.0)):
            errors[i] = f"neutral = {values[i]!r}: expected true or false"
        return flags, errors
    listed = column.tolist()
    flags = np.zeros(n, dtype=bool)
    for i, value in enumerate(listed):
        flag = _neutral_flag(value)
        if flag is None:
            errors[i] = f"neutral = {value!r}: expected true or false"
        else:
            flags[i] = flag
    return flags, errors


def _require_columns(fixtures: pd.DataFrame, names: list[str]) -> None:
    absent = [c for c in names if c not in fixtures.columns]
    if absent:
        raise DataError(f"model input lacks column(s) {absent}; expected {', '.join(names)}[, neutral]")


def predict_frame(model: GoalModel, fixtures: pd.DataFrame, calibrator: Any = None) -> pd.DataFrame:
    """The flavour's output for a DataFrame of fixtures (``home_team, away_team[, neutral]``)."""
    _require_columns(fixtures, ["home_team", "away_team"])
    neutral, errors = neutral_flags(fixtures)
    bad = next((i for i, e in enumerate(errors) if e is not None), None)
    if bad is not None:
        raise DataError(f"row {bad}: {errors[bad]}")
    columns = model._summary_columns(fixtures["home_team"], fixtures["away_team"], neutral)
    out = pd.DataFrame({c: columns[c] for c in OUTPUT_COLUMNS})
    if calibrator is not None:
        calibrated = np.asarray(calibrator.predict(out[["p_home", "p_draw", "p_away"]].to_numpy()))
        out[["p_home", "p_draw", "p_away"]] = calibrated
    return out


class ScorelineModel(mlflow.pyfunc.PythonModel):  # type: ignore[misc]
    """The pyfunc wrapper: loads the model (and calibrator) from artifacts."""

    def load_context(self, context: Any) -> None:
        """Reads the artifacts."""
        self._model = load_model(context.artifacts["model"])
        self._calibrator = None
        path = context.artifacts.get("calibrator")
        if path:
            from .calibration import OutcomeCalibrator

            with open(path, encoding="utf-8") as fh:
                self._calibrator = OutcomeCalibrator.from_json(fh.read())

    def predict(self, context: Any, model_input: pd.DataFrame, params: dict[str, Any] | None = None) -> pd.DataFrame:
        """Probabilities and expected goals per fixture."""
        return predict_frame(self._model, pd.DataFrame(model_input), self._calibrator)


def log_model(
    model: GoalModel,
    name: str,
    calibrator: Any = None,
    input_example: pd.DataFrame | None = None,
    registered_model_name: str | None = None,
) -> Any:
    """Logs ``model`` (of any family) to the active run (starting one if
    needed) as a pyfunc model called ``name`` (its ``load_context`` reads the
    file with :func:`scoreline.load_model`, so the family's class comes back), with a signature and input example; returns
    MLflow's ``ModelInfo``."""
    if input_example is None:
        teams = model.teams
        input_example = pd.DataFrame({"home_team": [teams[0]], "away_team": [teams[1]], "neutral": [False]})
    output = predict_frame(model, input_example, calibrator)
    signature = ModelSignature(inputs=_input_schema(), outputs=infer_signature(input_example, output).outputs)
    with tempfile.TemporaryDirectory() as tmp:
        artifacts = {"model": os.path.join(tmp, "model.json")}
        model.save(artifacts["model"])
        if calibrator is not None:
            artifacts["calibrator"] = os.path.join(tmp, "calibrator.json")
            with open(artifacts["calibrator"], "w", encoding="utf-8") as fh:
                fh.write(calibrator.to_json())
        return mlflow.pyfunc.log_model(
            name=name,
            python_model=ScorelineModel(),
            artifacts=artifacts,
            signature=signature,
            input_example=input_example,
            registered_model_name=registered_model_name,
            pip_requirements=["scoreline", "pandas", "numpy", f"mlflow-skinny=={mlflow.__version__}"],
        )


def _input_schema(group_column: str | None = None) -> Schema:
    """``[group,] home_team, away_team`` (strings) and an optional ``neutral``.

    ``neutral`` is typed as any value rather than a boolean: ``spark_udf``
    fills an optional column it was not given with NaN, which MLflow's
    boolean check rejects for every row; :func:`neutral_flags` reads it."""
    columns = [ColSpec("string", group_column)] if group_column else []
    columns += [ColSpec("string", "home_team"), ColSpec("string", "away_team"), ColSpec(AnyType(), "neutral", required=False)]
    return Schema(columns)


def predict_groups(models: Mapping[str, GoalModel], fixtures: pd.DataFrame, group_column: str = "league") -> pd.DataFrame:
    """The model set's output: per row, the model of its ``group_column``
    value prices ``home_team`` v ``away_team`` (``neutral`` optional);
    columns :data:`OUTPUT_COLUMNS` and ``error``. A row that cannot be
    priced (unknown league or team, the same team twice, a missing name, a
    ``neutral`` that is not a boolean) gets NaN and its reason in ``error``;
    the others are unaffected and have an empty ``error``. A missing column
    raises ``DataError``."""
    _require_columns(fixtures, [group_column, "home_team", "away_team"])
    n = len(fixtures)
    out = {c: np.full(n, np.nan) for c in OUTPUT_COLUMNS}
    errors: list[str] = [""] * n
    neutral, neutral_errors = neutral_flags(fixtures)
    neutral_ok = np.array([e is None for e in neutral_errors], dtype=bool)
    home_series, away_series = fixtures["home_team"], fixtures["away_team"]
    homes, aways = home_series.tolist(), away_series.tolist()
    codes, groups = pd.factorize(fixtures[group_column], use_na_sentinel=True)
    for i in np.flatnonzero(codes < 0):
        errors[i] = f"{group_column} is missing"
    known = ", ".join(sorted(models))
    for k, group in enumerate(groups):
        rows = np.flatnonzero(codes == k)
        model = models.get(str(group))
        if model is None:
            for i in rows:
                errors[i] = f"unknown {group_column} {group!r} (models: {known})"
            continue
        home_names, away_names = home_series.iloc[rows], away_series.iloc[rows]
        priceable = (
            home_names.isin(model.teams).to_numpy()
            & away_names.isin(model.teams).to_numpy()
            & (home_names.to_numpy() != away_names.to_numpy())
            & neutral_ok[rows]
        )
        good = rows[priceable]
        reasons: dict[tuple[Any, Any], str] = {}
        for i in rows[~priceable]:
            home, away = homes[i], aways[i]
            reason = neutral_errors[i]
            if reason is not None:
                errors[i] = reason
            elif not isinstance(home, str) or not isinstance(away, str):
                errors[i] = "home_team or away_team is missing"
            else:
                if (home, away) not in reasons:
                    try:
                        model.predict(home, away)
                        reasons[(home, away)] = "cannot be priced"
                    except ScorelineError as exc:
                        reasons[(home, away)] = str(exc)
                errors[i] = reasons[(home, away)]
        if len(good):
            chosen = {"home_team": home_names.to_numpy()[priceable], "away_team": away_names.to_numpy()[priceable]}
            priced = predict_frame(model, pd.DataFrame({**chosen, "neutral": neutral[good]}))
            for c in OUTPUT_COLUMNS:
                out[c][good] = priced[c].to_numpy()
    frame = pd.DataFrame(out)
    frame["error"] = pd.Series(errors, dtype=object)
    return frame


def _model_set_json(models: Mapping[Any, GoalModel], group_column: str) -> str:
    return json.dumps(
        {
            "format": MODEL_SET_FORMAT,
            "format_version": MODEL_SET_VERSION,
            "group_column": group_column,
            "models": {str(k): m.to_json() for k, m in models.items()},
        }
    )


def load_model_set(text: str) -> tuple[dict[str, GoalModel], str]:
    """The models and the group column of a model-set artifact (``ModelFileError`` if it is not one)."""
    from ._scoreline import ModelFileError

    try:
        doc = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ModelFileError(f"invalid model set: {exc}") from exc
    if not isinstance(doc, dict) or doc.get("format") != MODEL_SET_FORMAT:
        raise ModelFileError(f"invalid model set: format is not {MODEL_SET_FORMAT!r}")
    if doc.get("format_version") != MODEL_SET_VERSION:
        raise ModelFileError(f"model set format_version {doc.get('format_version')!r}: this scoreline reads {MODEL_SET_VERSION}")
    models = doc.get("models")
    if not isinstance(models, dict) or not models:
        raise ModelFileError("invalid model set: models must be a non-empty object")
    return {str(k): model_from_json(v) for k, v in models.items()}, str(doc.get("group_column", "league"))


class ScorelineModelSet(mlflow.pyfunc.PythonModel):  # type: ignore[misc]
    """The pyfunc wrapper of many models, one per group (e.g. league)."""

    def load_context(self, context: Any) -> None:
        """Reads the model-set artifact."""
        with open(context.artifacts["models"], encoding="utf-8") as fh:
            self._models, self._group_column = load_model_set(fh.read())

    def predict(self, context: Any, model_input: pd.DataFrame, params: dict[str, Any] | None = None) -> pd.DataFrame:
        """Probabilities, expected goals and an error column per fixture."""
        return predict_groups(self._models, pd.DataFrame(model_input), self._group_column)


def log_models(
    models: Mapping[Any, GoalModel],
    name: str,
    *,
    group_column: str = "league",
    input_example: pd.DataFrame | None = None,
    registered_model_name: str | None = None,
) -> Any:
    """Logs the models of many groups (``{"E0": model, "E1": model}``, e.g.
    from :func:`scoreline.spark.load_models`) as one pyfunc model called
    ``name`` in the active run, with a signature whose output is
    :data:`OUTPUT_COLUMNS` (doubles) and ``error`` (string, empty when
    the row was priced); returns
    MLflow's ``ModelInfo``.

    Example (Spark; ``fixtures`` has league, home_team and away_team)::

        info = scoreline.mlflow.log_models(models, "leagues")
        score = mlflow.pyfunc.spark_udf(spark, info.model_uri, env_manager="local")
        scored = fixtures.withColumn("p", score("league", "home_team", "away_team"))
        scored.select("p.p_home", "p.p_draw", "p.p_away", "p.error")  # error == "" when priced
    """
    if not models:
        raise DataError("log_models: no models given")
    if input_example is None:
        group, model = next(iter(models.items()))
        teams = model.teams
        input_example = pd.DataFrame({group_column: [str(group)], "home_team": [teams[0]], "away_team": [teams[1]]})
    fitted = {str(k): m for k, m in models.items()}
    output = predict_groups(fitted, input_example, group_column)
    outputs = Schema([ColSpec("double", c) for c in OUTPUT_COLUMNS] + [ColSpec("string", "error", required=False)])
    signature = ModelSignature(inputs=_input_schema(group_column), outputs=outputs)
    if (output["error"] != "").any():
        raise DataError(f"log_models: the input example cannot be priced: {output.loc[output['error'] != '', 'error'].iloc[0]}")
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "models.json")
        with open(path, "w", encoding="utf-8") as fh:
            fh.write(_model_set_json(fitted, group_column))
        return mlflow.pyfunc.log_model(
            name=name,
            python_model=ScorelineModelSet(),
            artifacts={"models": path},
            signature=signature,
            input_example=input_example,
            registered_model_name=registered_model_name,
            pip_requirements=["scoreline", "pandas", "numpy", f"mlflow-skinny=={mlflow.__version__}"],
        )


def _options_json(model: GoalModel) -> str:
    return json.dumps(model._options())


def _model_spec(model: Any, options: Mapping[str, Any]) -> tuple[type[GoalModel], dict[str, Any]]:
    """The class and options of ``train_and_register``'s ``model``."""
    if isinstance(model, GoalModel):
        return type(model), {**model._options(), **options}
    if isinstance(model, type) and issubclass(model, GoalModel) and model.family:
        return model, dict(options)
    if isinstance(model, str):
        return model_class(model), dict(options)
    raise DataError(f"model = {model!r}: give a family name, a model class or an unfitted instance")


def _outcomes(home_goals: Any, away_goals: Any) -> np.ndarray:
    h = np.asarray(home_goals, dtype=np.float64)
    a = np.asarray(away_goals, dtype=np.float64)
    return np.where(h > a, 0, np.where(h == a, 1, 2)).astype(np.int64)


def train_and_register(
    df: pd.DataFrame,
    name: str,
    holdout_fraction: float = 0.2,
    *,
    p_value_threshold: float = 0.05,
    home: str = "HomeTeam",
    away: str = "AwayTeam",
    home_goals: str = "FTHG",
    away_goals: str = "FTAG",
    date: str = "Date",
    model: str | type[GoalModel] | GoalModel = "dixon_coles",
    **model_options: Any,
) -> dict[str, Any]:
    """Fits a model on all but the latest ``holdout_fraction`` of matches (by
    date), scores that holdout (RPS, Brier, log loss, accuracy, ECE), logs
    params and metrics to an MLflow run, registers a new version of ``name``,
    and moves the ``champion`` alias to it only when its holdout RPS beats
    the current champion's on the same matches with a Diebold–Mariano
    p-value below ``p_value_threshold`` (or when there is no champion yet).
    ``model`` is the family (a name such as ``"negative_binomial"``, a class
    or an unfitted instance whose options are used); ``model_options`` are
    its class's options on top. The champion may be of another family.
    Returns what it decided and why."""
    from . import metrics

    if not 0.0 < holdout_fraction < 1.0:
        raise DataError(f"holdout_fraction must be in (0, 1), got {holdout_fraction}")
    data = df.sort_values(date, kind="stable").reset_index(drop=True)
    cut = round(len(data) * (1.0 - holdout_fraction))
    train, holdout = data.iloc[:cut], data.iloc[cut:]
    model_cls, options = _model_spec(model, model_options)
    fitted = model_cls(**options).fit(train, home=home, away=away, home_goals=home_goals, away_goals=away_goals, date=date)
    known = set(fitted.teams)
    holdout = holdout[holdout[home].isin(known) & holdout[away].isin(known)].reset_index(drop=True)
    if len(holdout) < 10:
        raise DataError(f"only {len(holdout)} holdout matches between teams seen in training; use more data")
    outcomes = _outcomes(holdout[home_goals], holdout[away_goals])
    probs = fitted.predict_proba(holdout[home].tolist(), holdout[away].tolist())
    scores = {
        "holdout_rps": metrics.rps(probs, outcomes),
        "holdout_brier": metrics.brier(probs, outcomes),
        "holdout_log_loss": metrics.log_loss(probs, outcomes),
        "holdout_accuracy": metrics.accuracy(probs, outcomes),
        "holdout_ece": metrics.ece(probs, outcomes),
    }
    client = mlflow.MlflowClient()
    with mlflow.start_run() as run:
        mlflow.log_params({"family": fitted.family, **fitted._options(), "train_matches": len(train), "holdout_matches": len(holdout)})
        mlflow.log_metrics({**scores, "train_log_likelihood": fitted.loglik})
        info = log_model(fitted, "model", registered_model_name=name)
        version = str(info.registered_model_version)
    try:
        champion = client.get_model_version_by_alias(name, "champion")
    except mlflow.exceptions.MlflowException:
        champion = None
    comparison: dict[str, Any] | None = None
    if champion is None:
        promote, reason = True, "no champion yet"
    else:
        champion_model = mlflow.pyfunc.load_model(f"models:/{name}@champion")
        frame = pd.DataFrame({"home_team": holdout[home], "away_team": holdout[away]})
        try:
            champion_probs = champion_model.predict(frame)[["p_home", "p_draw", "p_away"]].to_numpy()
        except ValueError as exc:
            champion_probs = None
            promote, reason = True, f"the champion cannot predict this holdout ({exc})"
        if champion_probs is not None:
            ours = metrics.rps_array(probs, outcomes)
            theirs = metrics.rps_array(champion_probs, outcomes)
            comparison = metrics.diebold_mariano(ours, theirs)
            better = comparison["mean_difference"] < 0
            promote = bool(better and comparison["p_value"] < p_value_threshold)
            reason = (
                f"holdout RPS {ours.mean():.5f} vs champion v{champion.version} {theirs.mean():.5f}; "
                f"Diebold–Mariano p = {comparison['p_value']:.4f} (threshold {p_value_threshold})"
            )
    if promote:
        client.set_registered_model_alias(name, "champion", version)
    return {
        "decision": "promoted" if promote else "kept champion",
        "promoted": promote,
        "reason": reason,
        "version": version,
        "champion_version": version if promote else (str(champion.version) if champion else None),
        "run_id": run.info.run_id,
        "metrics": scores,
        "diebold_mariano": comparison,
    }
