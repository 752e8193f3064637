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

import mlflow
import mlflow.pyfunc
import numpy as np
import pandas as pd
from mlflow.models import ModelSignature, infer_signature
from mlflow.types import ColSpec, Schema

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
