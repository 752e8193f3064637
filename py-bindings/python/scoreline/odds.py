"""Bookmaker odds → probabilities with the margin (overround) removed.

``implied(odds, method="shin")`` takes decimal odds for one market or many:
a sequence of k odds, an (n, k) array, or a pandas DataFrame (rows kept, same
index). A DataFrame's probabilities are named like ``predict_proba``'s: three
columns are ``home, draw, away``; two are ``over, under`` for over/under
columns (``B365>2.5``, ``P<2.5``, …) and ``home, away`` otherwise. The methods are penaltyblog's: ``multiplicative``,
``additive``, ``power``, ``shin``, ``odds_ratio``, ``logarithmic`` and
``differential_margin_weighting``; every one matches its ``calculate_implied``
to 1e-9. Odds ≤ 1, missing or not finite raise ``scoreline.OddsError`` (a
``ValueError``) naming the row.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from . import _columns as col
from . import _optional
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
    frame = odds if col.is_pandas(odds) and getattr(odds, "ndim", 1) == 2 else None
    arr = np.asarray(odds.to_numpy(dtype=np.float64) if frame is not None else odds, dtype=np.float64)
    one_row = arr.ndim == 1
    table = np.ascontiguousarray(arr.reshape(1, -1) if one_row else arr)
    if table.ndim != 2 or table.shape[1] < 2:
        raise _native.OddsError(f"odds must have at least two outcomes per row, got shape {arr.shape}")
    probs = np.asarray(_native.odds_implied(table, method))
    if frame is not None:
        pd = _optional.pandas("scoreline.odds.implied")  # the input is a DataFrame, so pandas is there
        return pd.DataFrame(probs, index=frame.index, columns=outcome_names([str(c) for c in frame.columns]))
    return probs[0] if one_row else probs


def outcome_names(odds_columns: list[str]) -> list[str]:
    """The outcome names for odds columns, the vocabulary of ``predict_proba``
    and the markets: ``home, draw, away`` for three columns; ``over, under``
    for two over/under columns (``>``/``<`` or ``over``/``under`` in their
    names, in their order); ``home, away`` for two others. More columns keep
    their names.

    >>> outcome_names(["PSCH", "PSCD", "PSCA"])
    ['home', 'draw', 'away']
    >>> outcome_names(["B365<2.5", "B365>2.5"])
    ['under', 'over']
    """
    if len(odds_columns) == 3:
        return ["home", "draw", "away"]
    if len(odds_columns) == 2:
        sides = [_over_under(c) for c in odds_columns]
        if None not in sides and sides[0] != sides[1]:
            return [str(s) for s in sides]
        return ["home", "away"]
    return list(odds_columns)


def _over_under(name: str) -> str | None:
    lowered = name.lower()
    if ">" in lowered or "over" in lowered:
        return "over"
    if "<" in lowered or "under" in lowered:
        return "under"
    return None
