"""scoreline: a football probability engine — exact, fast fits of seven
goal-model families (Dixon–Coles and six more),
score grids and betting markets, with metrics and calibration.

Every computation runs in Rust (the native module ``scoreline._scoreline``);
this package adds pandas and numpy conveniences. Only numpy is required:
functions that return DataFrames need pandas (``pip install "scoreline[pandas]"``),
``scoreline.plot`` needs matplotlib (``scoreline[plot]``) and
``scoreline.mlflow`` needs MLflow (``scoreline[mlflow]``) and ``scoreline.spark``
needs pyspark (``scoreline[spark]``); without them they raise
:class:`OptionalDependencyError` (an ``ImportError``) naming the extra.
``scoreline.plot``, ``scoreline.mlflow`` and ``scoreline.spark`` are imported
on first use.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from . import backtest, betting, calibration, metrics, odds, slate
from ._optional import OptionalDependencyError
from ._scoreline import (
    BacktestError,
    BettingError,
    CalibrationError,
    DataError,
    FitError,
    FittedModel,
    MetricsError,
    ModelFileError,
    OddsError,
    PredictError,
    ScoreGrid,
    ScorelineError,
    UnknownTeamError,
    __version__,
)
from .data import read_football_data
from .model import (
    FAMILIES,
    BivariatePoisson,
    ConwayMaxwellPoisson,
    DixonColes,
    GoalModel,
    NegativeBinomial,
    NotFittedError,
    Poisson,
    WeibullCopula,
    ZeroInflatedPoisson,
    load_model,
    model_class,
    model_from_json,
)

if TYPE_CHECKING:
    from . import mlflow as mlflow
    from . import plot as plot
    from . import spark as spark

#: Submodules imported on first attribute access (they need optional extras).
_LAZY_SUBMODULES = ("mlflow", "plot", "spark")

__all__ = [
    "FAMILIES",
    "BacktestError",
    "BettingError",
    "BivariatePoisson",
    "CalibrationError",
    "ConwayMaxwellPoisson",
    "DataError",
    "DixonColes",
    "FitError",
    "FittedModel",
    "GoalModel",
    "MetricsError",
    "ModelFileError",
    "NegativeBinomial",
    "NotFittedError",
    "OddsError",
    "OptionalDependencyError",
    "Poisson",
    "PredictError",
    "ScoreGrid",
    "ScorelineError",
    "UnknownTeamError",
    "WeibullCopula",
    "ZeroInflatedPoisson",
    "__version__",
    "backtest",
    "betting",
    "calibration",
    "load_model",
    "metrics",
    "model_class",
    "model_from_json",
    "odds",
    "read_football_data",
    "slate",
]


def __getattr__(name: str) -> Any:
    """``scoreline.plot``, ``scoreline.mlflow`` and ``scoreline.spark`` without an explicit import;
    a missing extra raises :class:`OptionalDependencyError`."""
    if name in _LAZY_SUBMODULES:
        return importlib.import_module(f"{__name__}.{name}")
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_LAZY_SUBMODULES))
