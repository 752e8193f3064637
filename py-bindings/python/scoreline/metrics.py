"""Scoring rules for probability forecasts, computed in Rust.

Every function takes ``(probs, outcomes, *, sample_weight=None)`` in
penaltyblog's order: ``probs`` an (n, k) array-like of probabilities (k = 3
for home/draw/away), ``outcomes`` integer indices (0 home, 1 draw, 2 away).
Bad input raises ``scoreline.MetricsError`` (a ``ValueError``) naming the row.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from . import _scoreline as _native


def _probs(probs: Any) -> np.ndarray:
    arr = np.ascontiguousarray(np.asarray(probs, dtype=np.float64))
    if arr.ndim != 2:
        raise _native.MetricsError(f"probs must be an (n, k) array, got shape {arr.shape}")
    return arr


def _outcomes(outcomes: Any) -> np.ndarray:
    arr = np.asarray(outcomes)
    if arr.dtype.kind not in "iu":
        if arr.dtype.kind == "f" and np.all(np.mod(arr, 1) == 0):
            arr = arr.astype(np.int64)
        else:
            raise _native.MetricsError(f"outcomes must be integer indices, got dtype {arr.dtype}")
    return np.ascontiguousarray(arr.astype(np.int64).ravel())


def _weights(sample_weight: Any) -> np.ndarray | None:
    return None if sample_weight is None else np.ascontiguousarray(np.asarray(sample_weight, dtype=np.float64).ravel())


def rps(probs: Any, outcomes: Any, *, sample_weight: Any = None) -> float:
    """Mean ranked probability score: per forecast Σⱼ₌₁ᵏ⁻¹ (Pⱼ − Oⱼ)² / (k − 1) on cumulative probabilities."""
    return float(_native.rps(_probs(probs), _outcomes(outcomes), _weights(sample_weight)))


def brier(probs: Any, outcomes: Any, *, sample_weight: Any = None) -> float:
    """Mean multi-class Brier score Σⱼ (pⱼ − oⱼ)² (range 0–2)."""
    return float(_native.brier(_probs(probs), _outcomes(outcomes), _weights(sample_weight)))


def log_loss(probs: Any, outcomes: Any, *, sample_weight: Any = None) -> float:
    """Log loss −mean ln p(outcome), clipped to [ε, 1 − ε] as scikit-learn."""
    return float(_native.log_loss(_probs(probs), _outcomes(outcomes), _weights(sample_weight)))


def ignorance(probs: Any, outcomes: Any, *, sample_weight: Any = None) -> float:
    """Ignorance −mean log₂ p(outcome), clipped at 1e-15 as penaltyblog."""
    return float(_native.ignorance(_probs(probs), _outcomes(outcomes), _weights(sample_weight)))


def accuracy(probs: Any, outcomes: Any, *, sample_weight: Any = None) -> float:
    """Share of forecasts whose most probable outcome happened (ties to the lower index)."""
    return float(_native.accuracy(_probs(probs), _outcomes(outcomes), _weights(sample_weight)))


def rps_array(probs: Any, outcomes: Any) -> np.ndarray:
    """The RPS of each forecast."""
    return np.asarray(_native.per_forecast("rps", _probs(probs), _outcomes(outcomes)))


def brier_array(probs: Any, outcomes: Any) -> np.ndarray:
    """The Brier score of each forecast."""
    return np.asarray(_native.per_forecast("brier", _probs(probs), _outcomes(outcomes)))


def log_loss_array(probs: Any, outcomes: Any) -> np.ndarray:
    """The log loss of each forecast."""
    return np.asarray(_native.per_forecast("log_loss", _probs(probs), _outcomes(outcomes)))


def brier_components(probs: Any, outcomes: Any, *, sample_weight: Any = None) -> list[float]:
    """The Brier score split by outcome (brier_home, brier_draw, brier_away for 1X2)."""
    return list(_native.brier_components(_probs(probs), _outcomes(outcomes), _weights(sample_weight)))


def calibration_curve(
    probs: Any, outcomes: Any, *, outcome: int = 0, n_bins: int = 10, strategy: str = "uniform", sample_weight: Any = None
) -> dict[str, np.ndarray]:
    """One outcome's reliability curve: per bin lower, upper, mean_forecast, observed, count."""
    return dict(
        _native.calibration_curve(_probs(probs), _outcomes(outcomes), outcome, n_bins, strategy, _weights(sample_weight))
    )


def ece(probs: Any, outcomes: Any, *, n_bins: int = 10, strategy: str = "uniform", sample_weight: Any = None) -> float:
    """Expected calibration error, averaged over the outcomes (one-vs-rest)."""
    return float(_native.calibration_error(_probs(probs), _outcomes(outcomes), n_bins, strategy, _weights(sample_weight))[0])


def mce(probs: Any, outcomes: Any, *, n_bins: int = 10, strategy: str = "uniform", sample_weight: Any = None) -> float:
    """Maximum calibration error over outcomes and non-empty bins."""
    return float(_native.calibration_error(_probs(probs), _outcomes(outcomes), n_bins, strategy, _weights(sample_weight))[1])


def diebold_mariano(scores_a: Any, scores_b: Any, *, lag: int = 0) -> dict[str, float]:
    """Diebold–Mariano test on per-match scores (e.g. ``rps_array``): statistic,
    two-sided p_value, mean_difference (a − b; negative means A is better for a
    loss) and the Newey–West variance."""
    a = np.ascontiguousarray(np.asarray(scores_a, dtype=np.float64))
    b = np.ascontiguousarray(np.asarray(scores_b, dtype=np.float64))
    statistic, p_value, mean_difference, variance = _native.diebold_mariano(a, b, lag)
    return {"statistic": statistic, "p_value": p_value, "mean_difference": mean_difference, "variance": variance}


def bootstrap_mean_difference(
    scores_a: Any, scores_b: Any, *, resamples: int = 2000, confidence: float = 0.95, seed: int = 0
) -> dict[str, float]:
    """A paired bootstrap percentile interval for mean(a − b), repeatable by seed."""
    a = np.ascontiguousarray(np.asarray(scores_a, dtype=np.float64))
    b = np.ascontiguousarray(np.asarray(scores_b, dtype=np.float64))
    mean, lower, upper = _native.bootstrap_mean_difference(a, b, resamples, confidence, seed)
    return {"mean_difference": mean, "lower": lower, "upper": upper}
