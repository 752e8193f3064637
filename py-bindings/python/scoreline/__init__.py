"""scoreline: a football probability engine — exact, fast Dixon–Coles fits,
score grids and betting markets, with metrics and calibration.

Every computation runs in Rust (the native module ``scoreline._scoreline``);
this package adds pandas and numpy conveniences.
"""

from ._scoreline import (
    DataError,
    FitError,
    FittedModel,
    ModelFileError,
    PredictError,
    ScoreGrid,
    ScorelineError,
    UnknownTeamError,
    __version__,
)
from .model import DixonColes, NotFittedError

__all__ = [
    "DataError",
    "DixonColes",
    "FitError",
    "FittedModel",
    "ModelFileError",
    "NotFittedError",
    "PredictError",
    "ScoreGrid",
    "ScorelineError",
    "UnknownTeamError",
    "__version__",
]
