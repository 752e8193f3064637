"""Bookmaker odds → probabilities with the margin (overround) removed.

``implied(odds, method="shin")`` takes decimal odds for one market or many:
a sequence of k odds, an (n, k) array, or a pandas DataFrame (rows kept, same
index and columns). The methods are penaltyblog's: ``multiplicative``,
``additive``, ``power``, ``shin``, ``odds_ratio``, ``logarithmic`` and
``differential_margin_weighting``; every one matches its ``calculate_implied``
to 1e-9. Odds ≤ 1, missing or not finite raise ``scoreline.OddsError`` (a
``ValueError``) naming the row.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from . import _scoreline as _native

METHODS = (
    "multiplicative",
    "additive",
    "power",
    "shin",
    "odds_ratio",
    "logarithmic",
    "differential_margin_weighting",
)


def implied(odds: Any, method: str = "shin") -> Any:
    """Probabilities implied by decimal ``odds`` with the margin removed by ``method``.

    >>> import numpy as np
    >>> p = implied([2.7, 2.3, 4.4], method="multiplicative")
    >>> bool(abs(p.sum() - 1.0) < 1e-12)
    True
    """
    if method not in METHODS:
        raise _native.OddsError(f"unknown margin method {method!r}; expected one of {', '.join(METHODS)}")
    frame = odds if isinstance(odds, pd.DataFrame) else None
    arr = np.asarray(odds.to_numpy(dtype=np.float64) if frame is not None else odds, dtype=np.float64)
    one_row = arr.ndim == 1
    table = np.ascontiguousarray(arr.reshape(1, -1) if one_row else arr)
    if table.ndim != 2 or table.shape[1] < 2:
        raise _native.OddsError(f"odds must have at least two outcomes per row, got shape {arr.shape}")
    probs = np.asarray(_native.odds_implied(table, method))
    if frame is not None:
        return pd.DataFrame(probs, index=frame.index, columns=frame.columns)
    return probs[0] if one_row else probs
