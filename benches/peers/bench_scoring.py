"""Peer timings for the scoring rows of ``make bench``: scikit-learn's
``IsotonicRegression.fit``/``predict`` on 1,000,000 weighted points, and
penaltyblog's ``rps_average`` / ``multiclass_brier_score`` and scikit-learn's
``log_loss`` on 1,000,000 three-way forecasts. The inputs are generated from
fixed seeds with the same distributions as the Rust side (uniform x, y =
Bernoulli(x), weights uniform on [0.1, 2]; Dirichlet-like rows). Prints one
JSON line of median seconds.

Rerun: ``.venv/bin/python benches/peers/bench_scoring.py [--quick]``
"""

from __future__ import annotations

import json
import sys

import numpy as np
import sklearn
from penaltyblog.metrics import multiclass_brier_score, rps_average
from sklearn.isotonic import IsotonicRegression
from sklearn.metrics import log_loss

from common import median_time


def main() -> None:
    runs = 3 if "--quick" in sys.argv else 7
    rng = np.random.default_rng(1)
    n = 1_000_000
    x = rng.uniform(0, 1, n)
    y = (rng.uniform(0, 1, n) < x).astype(float)
    w = rng.uniform(0.1, 2.0, n)
    iso = IsotonicRegression(out_of_bounds="clip").fit(x, y, sample_weight=w)
    raw = rng.gamma([3.0, 2.0, 2.5], size=(n, 3))
    probs = raw / raw.sum(axis=1, keepdims=True)
    outcomes = rng.integers(0, 3, n)
    out = {
        "isotonic_fit": median_time(lambda: IsotonicRegression(out_of_bounds="clip").fit(x, y, sample_weight=w), runs),
        "isotonic_predict": median_time(lambda: iso.predict(x), runs),
        "rps": median_time(lambda: rps_average(probs, outcomes), runs),
        "brier": median_time(lambda: multiclass_brier_score(probs, outcomes), runs),
        "log_loss": median_time(lambda: log_loss(outcomes, probs, labels=[0, 1, 2]), runs),
        "sklearn_version": sklearn.__version__,
    }
    print(json.dumps(out))


if __name__ == "__main__":
    main()
