"""An MLflow pyfunc flavour for scoreline models, and automated retraining
with statistically tested promotion.

``log_model`` stores the model file (and an optional calibrator) as artifacts
of a ``mlflow.pyfunc.PythonModel`` whose ``predict`` takes a DataFrame with
columns ``home_team, away_team[, neutral]`` and returns ``p_home, p_draw,
p_away, xg_home, xg_away, p_over_2_5, p_btts``.
"""

from __future__ import annotations

import json
import os
import tempfile
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
except ModuleNotFoundError as _exc:
    if _exc.name != "mlflow":
        raise
    raise missing("scoreline.mlflow", "mlflow", "mlflow") from _exc

from ._scoreline import DataError
from .model import DixonColes

OUTPUT_COLUMNS = ["p_home", "p_draw", "p_away", "xg_home", "xg_away", "p_over_2_5", "p_btts"]


def predict_frame(model: DixonColes, fixtures: pd.DataFrame, calibrator: Any = None) -> pd.DataFrame:
    """The flavour's output for a DataFrame of fixtures (``home_team, away_team[, neutral]``)."""
    missing = [c for c in ("home_team", "away_team") if c not in fixtures.columns]
    if missing:
        raise DataError(f"model input lacks column(s) {missing}; expected home_team, away_team[, neutral]")
    neutral = "neutral" if "neutral" in fixtures.columns else None
    markets = model.predict_markets(fixtures, home="home_team", away="away_team", neutral=neutral)
    out = markets[OUTPUT_COLUMNS].reset_index(drop=True)
    if calibrator is not None:
        calibrated = np.asarray(calibrator.predict(out[["p_home", "p_draw", "p_away"]].to_numpy()))
        out[["p_home", "p_draw", "p_away"]] = calibrated
    return out


class ScorelineModel(mlflow.pyfunc.PythonModel):  # type: ignore[misc]
    """The pyfunc wrapper: loads the model (and calibrator) from artifacts."""

    def load_context(self, context: Any) -> None:
        """Reads the artifacts."""
        self._model = DixonColes.load(context.artifacts["model"])
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
    model: DixonColes,
    name: str,
    calibrator: Any = None,
    input_example: pd.DataFrame | None = None,
    registered_model_name: str | None = None,
) -> Any:
    """Logs ``model`` to the active run (starting one if needed) as a pyfunc
    model called ``name``, with a signature and input example; returns
    MLflow's ``ModelInfo``."""
    if input_example is None:
        teams = model.teams
        input_example = pd.DataFrame({"home_team": [teams[0]], "away_team": [teams[1]], "neutral": [False]})
    output = predict_frame(model, input_example, calibrator)
    inputs = Schema(
        [
            ColSpec("string", "home_team"),
            ColSpec("string", "away_team"),
            ColSpec("boolean", "neutral", required=False),
        ]
    )
    signature = ModelSignature(inputs=inputs, outputs=infer_signature(input_example, output).outputs)
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


def _options_json(model: DixonColes) -> str:
    return json.dumps(model._options())


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
    **model_options: Any,
) -> dict[str, Any]:
    """Fits a model on all but the latest ``holdout_fraction`` of matches (by
    date), scores that holdout (RPS, Brier, log loss, accuracy, ECE), logs
    params and metrics to an MLflow run, registers a new version of ``name``,
    and moves the ``champion`` alias to it only when its holdout RPS beats
    the current champion's on the same matches with a Diebold–Mariano
    p-value below ``p_value_threshold`` (or when there is no champion yet).
    Returns what it decided and why."""
    from . import metrics

    if not 0.0 < holdout_fraction < 1.0:
        raise DataError(f"holdout_fraction must be in (0, 1), got {holdout_fraction}")
    data = df.sort_values(date, kind="stable").reset_index(drop=True)
    cut = round(len(data) * (1.0 - holdout_fraction))
    train, holdout = data.iloc[:cut], data.iloc[cut:]
    model = DixonColes(**model_options).fit(train, home=home, away=away, home_goals=home_goals, away_goals=away_goals, date=date)
    known = set(model.teams)
    holdout = holdout[holdout[home].isin(known) & holdout[away].isin(known)].reset_index(drop=True)
    if len(holdout) < 10:
        raise DataError(f"only {len(holdout)} holdout matches between teams seen in training; use more data")
    outcomes = _outcomes(holdout[home_goals], holdout[away_goals])
    probs = model.predict_proba(holdout[home].tolist(), holdout[away].tolist())
    scores = {
        "holdout_rps": metrics.rps(probs, outcomes),
        "holdout_brier": metrics.brier(probs, outcomes),
        "holdout_log_loss": metrics.log_loss(probs, outcomes),
        "holdout_accuracy": metrics.accuracy(probs, outcomes),
        "holdout_ece": metrics.ece(probs, outcomes),
    }
    client = mlflow.MlflowClient()
    with mlflow.start_run() as run:
        mlflow.log_params({**model._options(), "train_matches": len(train), "holdout_matches": len(holdout)})
        mlflow.log_metrics({**scores, "train_log_likelihood": model.loglik})
        info = log_model(model, "model", registered_model_name=name)
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
