"""Calibrators computed in Rust: a drop-in ``IsotonicRegression`` with
scikit-learn's parameters and semantics, and the 1X2 ``OutcomeCalibrator``."""

from __future__ import annotations

from typing import Any

import numpy as np

from . import _scoreline as _native


def _vector(values: Any, name: str) -> np.ndarray:
    arr = np.asarray(values, dtype=np.float64)
    if arr.ndim == 2 and arr.shape[1] == 1:
        arr = arr[:, 0]
    if arr.ndim != 1:
        raise _native.CalibrationError(f"{name} must be 1-D (or a single column), got shape {arr.shape}")
    return np.ascontiguousarray(arr)


class IsotonicRegression:
    """Isotonic regression with scikit-learn 1.9's parameters and results
    (``fit(X, y, sample_weight)``, ``predict``, ``transform``,
    ``get_params``/``set_params``), so it can replace scikit-learn's in a
    pipeline.

    >>> from scoreline.calibration import IsotonicRegression
    >>> IsotonicRegression().fit([1, 2, 3, 4], [1, 3, 2, 4]).predict([2.5]).tolist()
    [2.5]
    """

    def __init__(
        self, *, y_min: float | None = None, y_max: float | None = None, increasing: bool | str = True, out_of_bounds: str = "nan"
    ) -> None:
        self.y_min = y_min
        self.y_max = y_max
        self.increasing = increasing
        self.out_of_bounds = out_of_bounds

    def get_params(self, deep: bool = True) -> dict[str, Any]:
        """The constructor parameters."""
        return {"y_min": self.y_min, "y_max": self.y_max, "increasing": self.increasing, "out_of_bounds": self.out_of_bounds}

    def set_params(self, **params: Any) -> IsotonicRegression:
        """Sets constructor parameters; returns self."""
        for key, value in params.items():
            if key not in self.get_params():
                raise _native.CalibrationError(f"unknown parameter {key!r}")
            setattr(self, key, value)
        return self

    def fit(self, X: Any, y: Any, sample_weight: Any = None) -> IsotonicRegression:
        """Fits (GIL released); returns self."""
        increasing = {True: "true", False: "false", "auto": "auto"}.get(self.increasing)  # type: ignore[call-overload]
        if increasing is None:
            raise _native.CalibrationError(f"increasing must be True, False or 'auto', got {self.increasing!r}")
        weights = None if sample_weight is None else _vector(sample_weight, "sample_weight")
        self._fitted = _native.FittedIsotonic.fit(
            _vector(X, "X"),
            _vector(y, "y"),
            weights,
            increasing=increasing,
            y_min=self.y_min,
            y_max=self.y_max,
            out_of_bounds=self.out_of_bounds,
        )
        x_min, x_max, increasing_fitted = self._fitted.bounds
        self.X_min_, self.X_max_, self.increasing_ = x_min, x_max, increasing_fitted
        self.X_thresholds_ = self._fitted.x_thresholds
        self.y_thresholds_ = self._fitted.y_thresholds
        return self

    def predict(self, T: Any) -> np.ndarray:
        """Fitted values at T (linear interpolation between thresholds)."""
        if not hasattr(self, "_fitted"):
            raise _native.CalibrationError("call fit() first")
        return np.asarray(self._fitted.predict(_vector(T, "T")))

    def transform(self, T: Any) -> np.ndarray:
        """The same as ``predict``."""
        return self.predict(T)

    def fit_transform(self, X: Any, y: Any, sample_weight: Any = None) -> np.ndarray:
        """``fit`` then ``predict`` on X."""
        return self.fit(X, y, sample_weight).predict(X)

    def to_json(self) -> str:
        """The fitted map as JSON."""
        return str(self._fitted.to_json())

    def __repr__(self) -> str:
        params = ", ".join(f"{k}={v!r}" for k, v in self.get_params().items())
        return f"IsotonicRegression({params})"


class OutcomeCalibrator:
    """Calibrates (n, k) forecasts (1X2): an isotonic map per outcome fitted
    one-vs-rest, then each row renormalised (scikit-learn's
    ``CalibratedClassifierCV(method="isotonic")`` on given probabilities)."""

    def __init__(self) -> None:
        self._fitted: Any = None

    def fit(self, probs: Any, outcomes: Any, sample_weight: Any = None) -> OutcomeCalibrator:
        """Fits; returns self."""
        p = np.ascontiguousarray(np.asarray(probs, dtype=np.float64))
        y = np.ascontiguousarray(np.asarray(outcomes).astype(np.int64))
        w = None if sample_weight is None else _vector(sample_weight, "sample_weight")
        self._fitted = _native.OutcomeCalibrator.fit(p, y, w)
        return self

    def predict(self, probs: Any) -> np.ndarray:
        """Calibrated probabilities, rows summing to 1."""
        if self._fitted is None:
            raise _native.CalibrationError("call fit() first")
        return np.asarray(self._fitted.predict(np.ascontiguousarray(np.asarray(probs, dtype=np.float64))))

    def to_json(self) -> str:
        """The calibrator as JSON."""
        return str(self._fitted.to_json())

    @classmethod
    def from_json(cls, text: str) -> OutcomeCalibrator:
        """A calibrator from ``to_json``."""
        obj = cls()
        obj._fitted = _native.OutcomeCalibrator.from_json(text)
        return obj
