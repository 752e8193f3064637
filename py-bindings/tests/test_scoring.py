"""scoreline.metrics and scoreline.calibration against scikit-learn and penaltyblog, from Python."""

from __future__ import annotations

import numpy as np
import pytest
from penaltyblog.metrics import ignorance_score, multiclass_brier_score, rps_array, rps_average
from sklearn.isotonic import IsotonicRegression as SkIsotonic
from sklearn.metrics import log_loss as sk_log_loss

import scoreline
from scoreline import calibration, metrics


@pytest.fixture(scope="module")
def forecasts() -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(3)
    raw = rng.gamma([3.0, 2.0, 2.5], size=(5000, 3))
    return raw / raw.sum(axis=1, keepdims=True), rng.integers(0, 3, 5000)


def test_metrics_match_the_peers(forecasts: tuple[np.ndarray, np.ndarray]) -> None:
    p, y = forecasts
    assert metrics.rps(p, y) == pytest.approx(rps_average(p, y), rel=1e-12)
    np.testing.assert_allclose(metrics.rps_array(p, y), rps_array(p, y), rtol=1e-12)
    assert metrics.brier(p, y) == pytest.approx(multiclass_brier_score(p, y), rel=1e-12)
    assert metrics.ignorance(p, y) == pytest.approx(ignorance_score(p, y), rel=1e-12)
    w = np.linspace(0.1, 2.0, len(y))
    assert metrics.log_loss(p, y, sample_weight=w) == pytest.approx(sk_log_loss(y, p, labels=[0, 1, 2], sample_weight=w), rel=1e-12)
    # Lists and pandas give the same answer as numpy.
    import pandas as pd

    assert metrics.rps(p.tolist(), y.tolist()) == metrics.rps(pd.DataFrame(p), pd.Series(y)) == metrics.rps(p, y)


def test_isotonic_matches_scikit_learn(forecasts: tuple[np.ndarray, np.ndarray]) -> None:
    p, y = forecasts
    x = p[:, 0]
    target = (y == 0).astype(float)
    w = np.linspace(0.0, 2.0, len(x))
    for params in ({}, {"increasing": "auto"}, {"out_of_bounds": "clip", "y_min": 0.1, "y_max": 0.9}):
        ours = calibration.IsotonicRegression(**params).fit(x, target, sample_weight=w)
        theirs = SkIsotonic(**params).fit(x, target, sample_weight=w)
        query = np.linspace(x.min(), x.max(), 333)
        np.testing.assert_allclose(ours.predict(query), theirs.predict(query), rtol=0, atol=1e-12)
        np.testing.assert_array_equal(ours.X_thresholds_, theirs.X_thresholds_)
        assert ours.get_params() == {k: theirs.get_params()[k] for k in ours.get_params()}


def test_outcome_calibrator_and_errors(forecasts: tuple[np.ndarray, np.ndarray]) -> None:
    p, y = forecasts
    cal = calibration.OutcomeCalibrator().fit(p, y)
    q = cal.predict(p[:10])
    np.testing.assert_allclose(q.sum(axis=1), 1.0, atol=1e-12)
    again = calibration.OutcomeCalibrator.from_json(cal.to_json())
    np.testing.assert_array_equal(again.predict(p[:10]), q)
    with pytest.raises(scoreline.MetricsError, match="row 1"):
        metrics.rps([[0.5, 0.3, 0.2], [0.9, 0.3, 0.2]], [0, 1])
    with pytest.raises(scoreline.MetricsError, match="outcome 3"):
        metrics.brier(p[:2], [0, 3])
    with pytest.raises(ValueError, match="integer"):
        metrics.brier(p[:2], [0.5, 1.0])
    with pytest.raises(scoreline.CalibrationError, match="not finite"):
        calibration.IsotonicRegression().fit([1.0, np.nan], [1.0, 2.0])
    with pytest.raises(scoreline.CalibrationError):
        calibration.IsotonicRegression(out_of_bounds="raise").fit([1.0, 2.0], [1.0, 2.0]).predict([3.0])


def test_comparison_and_reliability(forecasts: tuple[np.ndarray, np.ndarray]) -> None:
    p, y = forecasts
    flat = np.full_like(p, 1 / 3)
    dm = metrics.diebold_mariano(metrics.rps_array(p, y), metrics.rps_array(flat, y))
    assert set(dm) == {"statistic", "p_value", "mean_difference", "variance"}
    ci = metrics.bootstrap_mean_difference(metrics.rps_array(p, y), metrics.rps_array(flat, y), seed=1)
    assert ci["lower"] <= ci["mean_difference"] <= ci["upper"]
    curve = metrics.calibration_curve(p, y, outcome=0, n_bins=5)
    assert curve["count"].sum() == len(y)
    assert 0 <= metrics.ece(p, y) <= metrics.mce(p, y) <= 1
