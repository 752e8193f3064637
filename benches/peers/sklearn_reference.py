"""Reference values from scikit-learn 1.9 for the calibration and metrics crates.

Writes ``$SCORELINE_PEERS_DIR/sklearn_reference.json`` with, for each case,
the inputs (generated here from fixed numpy seeds) and scikit-learn's outputs:

* ``isotonic``: ``IsotonicRegression(increasing, y_min, y_max, out_of_bounds)``
  fitted on (x, y, sample_weight): thresholds and predictions at query points —
  random data, many ties, zero and tiny weights, decreasing data, constant y,
  n = 1 and 2, ``increasing="auto"``, clipping, and 100,000 points;
* ``outcome_calibration``: ``CalibratedClassifierCV(FrozenEstimator(...),
  method="isotonic")`` over a pass-through classifier whose ``predict_proba``
  returns the given 1X2 probabilities;
* ``metrics``: ``log_loss(labels=[0, 1, 2])`` and multi-class
  ``brier_score_loss`` with and without sample weights.

Rerun: ``.venv/bin/python benches/peers/sklearn_reference.py``
"""

from __future__ import annotations

from typing import Any

import numpy as np
import sklearn
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.calibration import CalibratedClassifierCV
from sklearn.frozen import FrozenEstimator
from sklearn.isotonic import IsotonicRegression
from sklearn.metrics import brier_score_loss, log_loss

from common import write_json


def floats(a: Any) -> list[float]:
    return [float(v) for v in np.asarray(a, dtype=np.float64).ravel()]


def isotonic_case(name: str, x: Any, y: Any, w: Any = None, query: Any = None, **params: Any) -> dict[str, Any]:
    x = np.asarray(x, dtype=np.float64)
    y = np.asarray(y, dtype=np.float64)
    model = IsotonicRegression(**params).fit(x, y, sample_weight=w)
    if query is None:
        lo, hi = float(x.min()), float(x.max())
        span = hi - lo if hi > lo else 1.0
        query = np.concatenate([x[:200], np.linspace(lo - 0.1 * span, hi + 0.1 * span, 101)])
    query = np.asarray(query, dtype=np.float64)
    if params.get("out_of_bounds") == "raise":
        inside = (query >= model.X_min_) & (query <= model.X_max_)
        query = query[inside]
    return {
        "name": name,
        "x": floats(x),
        "y": floats(y),
        "w": None if w is None else floats(w),
        "increasing": params.get("increasing", True),
        "y_min": params.get("y_min"),
        "y_max": params.get("y_max"),
        "out_of_bounds": params.get("out_of_bounds", "nan"),
        "increasing_fitted": bool(model.increasing_),
        "x_thresholds": floats(model.X_thresholds_),
        "y_thresholds": floats(model.y_thresholds_),
        "query": floats(query),
        "predictions": [None if np.isnan(v) else float(v) for v in model.predict(query)],
    }


def isotonic_cases() -> list[dict[str, Any]]:
    rng = np.random.default_rng(20261124)
    cases = []
    x = rng.uniform(0, 1, 500)
    cases.append(isotonic_case("random", x, x + rng.normal(0, 0.3, 500)))
    cases.append(isotonic_case("random-weighted", x, x + rng.normal(0, 0.3, 500), rng.uniform(0, 3, 500)))
    ties = rng.integers(0, 20, 1000) / 20.0
    cases.append(isotonic_case("many-ties", ties, ties + rng.normal(0, 0.2, 1000), rng.uniform(0.5, 1.5, 1000)))
    w = rng.uniform(0, 1, 300)
    w[::3] = 0.0
    w[1::7] = 1e-12
    xs = rng.uniform(-5, 5, 300)
    cases.append(isotonic_case("zero-and-tiny-weights", xs, np.sin(xs) + xs, w))
    xd = np.sort(rng.uniform(0, 10, 200))
    cases.append(isotonic_case("decreasing", xd, -xd + rng.normal(0, 1, 200), increasing=False))
    cases.append(isotonic_case("auto-decreasing", xd, -xd + rng.normal(0, 1, 200), increasing="auto"))
    cases.append(isotonic_case("auto-increasing", xd, xd + rng.normal(0, 3, 200), increasing="auto"))
    cases.append(isotonic_case("constant-y", xd, np.full(200, 0.25)))
    cases.append(isotonic_case("constant-y-auto", xd, np.full(200, 0.25), increasing="auto"))
    cases.append(isotonic_case("single-unique-x", np.full(10, 3.0), rng.uniform(0, 1, 10), query=[1.0, 3.0, 5.0]))
    cases.append(isotonic_case("n1", [0.4], [0.7], query=[0.0, 0.4, 1.0]))
    cases.append(isotonic_case("n2", [0.2, 0.8], [0.9, 0.1], query=[0.1, 0.2, 0.5, 0.8, 0.9]))
    xc = rng.uniform(0, 1, 400)
    cases.append(isotonic_case("clip-y", xc, 2 * xc - 0.5 + rng.normal(0, 0.2, 400), y_min=0.0, y_max=1.0))
    cases.append(isotonic_case("out-of-bounds-clip", xc, xc + rng.normal(0, 0.2, 400), out_of_bounds="clip"))
    cases.append(isotonic_case("out-of-bounds-raise", xc, xc + rng.normal(0, 0.2, 400), out_of_bounds="raise"))
    xb = rng.uniform(0, 1, 100_000)
    yb = (rng.uniform(0, 1, 100_000) < xb).astype(float)
    cases.append(isotonic_case("100k-binary-weighted", xb, yb, rng.uniform(0.1, 2.0, 100_000), query=xb[:2000]))
    return cases


class PassThrough(ClassifierMixin, BaseEstimator):
    """A "classifier" whose probabilities are its input features."""

    def fit(self, X: Any, y: Any) -> PassThrough:
        self.classes_ = np.unique(y)
        return self

    def predict_proba(self, X: Any) -> Any:
        return np.asarray(X, dtype=np.float64)

    def predict(self, X: Any) -> Any:
        return self.classes_[np.argmax(np.asarray(X), axis=1)]


def probability_rows(rng: np.random.Generator, n: int) -> np.ndarray:
    raw = rng.gamma([3.0, 2.0, 2.5], size=(n, 3))
    return raw / raw.sum(axis=1, keepdims=True)


def outcomes_for(rng: np.random.Generator, p: np.ndarray) -> np.ndarray:
    u = rng.uniform(size=len(p))
    return (u > p[:, 0]).astype(int) + (u > p[:, 0] + p[:, 1]).astype(int)


def outcome_calibration_cases() -> list[dict[str, Any]]:
    rng = np.random.default_rng(7)
    cases = []
    for name, n, weighted in (("3000", 3000, False), ("3000-weighted", 3000, True), ("40", 40, False)):
        truth = probability_rows(rng, n)
        forecast = truth**1.6
        forecast /= forecast.sum(axis=1, keepdims=True)
        y = outcomes_for(rng, truth)
        w = rng.uniform(0.2, 2.0, n) if weighted else None
        calibrated = CalibratedClassifierCV(FrozenEstimator(PassThrough().fit(forecast, y)), method="isotonic")
        calibrated.fit(forecast, y, sample_weight=w)
        query = np.vstack([forecast[:300], probability_rows(rng, 100)])
        cases.append(
            {
                "name": name,
                "probs": floats(forecast),
                "outcomes": [int(v) for v in y],
                "w": None if w is None else floats(w),
                "query": floats(query),
                "calibrated": floats(calibrated.predict_proba(query)),
            }
        )
    return cases


def metric_cases() -> list[dict[str, Any]]:
    rng = np.random.default_rng(11)
    cases = []
    for name, n in (("n1", 1), ("n2", 2), ("1000", 1000), ("100k", 100_000)):
        p = probability_rows(rng, n)
        p[: max(1, n // 10), 1] = 0.0
        p /= p.sum(axis=1, keepdims=True)
        y = outcomes_for(rng, p)
        y[0] = 1  # a zero-probability outcome: exercises the log-loss clip
        w = rng.uniform(0, 3, n)
        labels = [0, 1, 2]
        cases.append(
            {
                "name": name,
                "probs": floats(p),
                "outcomes": [int(v) for v in y],
                "w": floats(w),
                "log_loss": float(log_loss(y, p, labels=labels)),
                "log_loss_weighted": float(log_loss(y, p, labels=labels, sample_weight=w)),
                "brier": float(brier_score_loss(y, p, labels=labels)),
                "brier_weighted": float(brier_score_loss(y, p, labels=labels, sample_weight=w)),
            }
        )
    return cases


def main() -> None:
    path = write_json(
        "sklearn_reference.json",
        {
            "generator": "benches/peers/sklearn_reference.py",
            "sklearn_version": sklearn.__version__,
            "isotonic": isotonic_cases(),
            "outcome_calibration": outcome_calibration_cases(),
            "metrics": metric_cases(),
        },
    )
    print(f"wrote {path}")


if __name__ == "__main__":
    main()
