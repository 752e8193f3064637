"""scoreline: a football probability engine — exact, fast Dixon–Coles fits,
score grids and betting markets, with metrics and calibration.

Every computation runs in Rust (the native module ``scoreline._scoreline``);
this package adds pandas and numpy conveniences.
"""

from . import backtest, betting, calibration, metrics, odds, slate
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
from .model import DixonColes, NotFittedError

__all__ = [
    "BacktestError",
    "BettingError",
    "CalibrationError",
    "DataError",
    "DixonColes",
    "FitError",
    "FittedModel",
    "MetricsError",
    "ModelFileError",
    "NotFittedError",
    "OddsError",
    "PredictError",
    "ScoreGrid",
    "ScorelineError",
    "UnknownTeamError",
    "__version__",
    "backtest",
    "betting",
    "calibration",
    "metrics",
    "odds",
    "read_football_data",
    "slate",
]
