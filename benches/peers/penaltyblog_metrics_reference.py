"""Reference values from penaltyblog 1.13.1's metrics for the metrics crate.

Writes ``$SCORELINE_PEERS_DIR/penaltyblog_metrics.json``: for several
generated sets of 1X2 forecasts (numpy seed 5; n = 1, 2, 1,000 and 100,000;
some zero probabilities) penaltyblog's ``rps_average``, ``rps_array``,
``multiclass_brier_score`` and ``ignorance_score``.

Rerun: ``.venv/bin/python benches/peers/penaltyblog_metrics_reference.py``
"""

from __future__ import annotations

from typing import Any

import numpy as np
import penaltyblog
from penaltyblog.metrics import ignorance_score, multiclass_brier_score, rps_array, rps_average

from common import write_json


def main() -> None:
    rng = np.random.default_rng(5)
    cases: list[dict[str, Any]] = []
    for name, n in (("n1", 1), ("n2", 2), ("1000", 1000), ("100k", 100_000)):
        raw = rng.gamma([3.0, 2.0, 2.5], size=(n, 3))
        raw[: max(1, n // 20), 2] = 0.0
        p = raw / raw.sum(axis=1, keepdims=True)
        y = rng.integers(0, 3, n)
        cases.append(
            {
                "name": name,
                "probs": [float(v) for v in p.ravel()],
                "outcomes": [int(v) for v in y],
                "rps_average": float(rps_average(p, y)),
                "rps_array": [float(v) for v in rps_array(p, y)[:1000]],
                "brier": float(multiclass_brier_score(p, y)),
                "ignorance": float(ignorance_score(p, y)),
            }
        )
    path = write_json(
        "penaltyblog_metrics.json",
        {"generator": "benches/peers/penaltyblog_metrics_reference.py", "penaltyblog_version": penaltyblog.__version__, "cases": cases},
    )
    print(f"wrote {path}")


if __name__ == "__main__":
    main()
