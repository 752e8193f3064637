"""Betting simulation: value bets, Kelly or flat stakes, settlement, the
bankroll curve and closing-line value — computed in Rust.

For each match, in the order given (sort by date), the bettor may back one
outcome. The *edge* of outcome i is ``pᵢ·oᵢ − 1`` (model probability times
the decimal odds offered, minus one); a bet goes on the outcome with the
largest edge when that edge exceeds ``min_edge`` and ``pᵢ ≥ min_probability``.
Stakes::

    flat:        stake = unit
    Kelly:       f* = (p·o − 1) / (o − 1)
    fractional:  stake = min(kelly_fraction · f*, cap) · bankroll before the bet

A winning bet returns ``stake·(o − 1)``, a losing one costs the stake.
Closing-line value is ``o_taken / o_closing − 1`` (positive: the bettor beat
the closing price). Bad input raises ``scoreline.BettingError`` (a
``ValueError``) naming the row.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from . import _columns as col
from . import _optional
from . import _scoreline as _native

__all__ = ["BettingResult", "kelly_fraction", "simulate"]

_OUTCOME_CODES = {"H": 0, "D": 1, "A": 2}


@dataclass(frozen=True, eq=False)
class BettingResult:
    """A simulation's summary and its bets.

    Attributes
    ----------
    n_bets, hit_rate : bets placed and the share won.
    total_staked, profit : Σ stakes and Σ profit.
    roi : profit / initial bankroll.
    yield_per_stake : profit / total staked.
    final_bankroll : the bankroll after the last bet.
    max_drawdown : the largest fall from a peak, as a share of that peak.
    mean_clv : mean closing-line value over bets with closing odds (None without).
    bets : one row per bet, indexed like the input rows it was placed on:
        outcome (0 home, 1 draw, 2 away), odds, probability, stake, profit and
        bankroll after settlement — the bankroll curve.
    """

    n_bets: int
    hit_rate: float
    total_staked: float
    profit: float
    roi: float
    yield_per_stake: float
    final_bankroll: float
    max_drawdown: float
    mean_clv: float | None
    bets: Any = field(repr=False)

    def summary(self) -> dict[str, Any]:
        """The summary fields as a dict (everything but ``bets``)."""
        return {k: getattr(self, k) for k in self.__dataclass_fields__ if k != "bets"}


def _table(values: Any, name: str) -> np.ndarray:
    try:
        arr = np.asarray(values.to_numpy(dtype=np.float64) if hasattr(values, "to_numpy") else values, dtype=np.float64)
    except (TypeError, ValueError) as exc:
        raise _native.BettingError(f"{name}: cannot be read as numbers ({exc})") from None
    if arr.ndim != 2 or arr.shape[1] != 3:
        raise _native.BettingError(f"{name} must be an (n, 3) home/draw/away table, got shape {arr.shape}")
    return np.ascontiguousarray(arr)


def _outcomes(values: Any) -> np.ndarray:
    arr = np.asarray(values.to_numpy() if hasattr(values, "to_numpy") else values)
    if arr.ndim != 1:
        raise _native.BettingError(f"outcomes must be one value per row, got shape {arr.shape}")
    if arr.dtype.kind in "iu":
        return np.ascontiguousarray(arr.astype(np.int64))
    if arr.dtype.kind == "f":
        bad = ~np.isfinite(arr) | (np.mod(arr, 1) != 0)
        if bad.any():
            i = int(np.argmax(bad))
            raise _native.BettingError(f"row {i}: outcome {arr[i]} is not 0, 1 or 2")
        return np.ascontiguousarray(arr.astype(np.int64))
    out = np.empty(len(arr), dtype=np.int64)
    for i, v in enumerate(arr.tolist()):
        code = _OUTCOME_CODES.get(v) if isinstance(v, str) else v if isinstance(v, int) else None
        if code is None:
            raise _native.BettingError(f"row {i}: outcome {v!r} is not 0, 1, 2 or H, D, A")
        out[i] = code
    return out


def simulate(
    probabilities: Any,
    odds: Any,
    outcomes: Any,
    *,
    closing_odds: Any = None,
    min_edge: float = 0.1,
    min_probability: float = 0.6,
    staking: str = "kelly",
    kelly_fraction: float = 0.25,
    cap: float = 0.05,
    unit: float = 1.0,
    initial_bankroll: float = 100.0,
) -> BettingResult:
    """Simulates value betting over matches in the order given (sort by date).

    Parameters
    ----------
    probabilities : the model's home/draw/away probabilities, (n, 3) — an
        array or a DataFrame such as ``result.predictions[["p_home", "p_draw", "p_away"]]``.
    odds : the decimal odds available when betting, (n, 3), each finite and > 1.
    outcomes : what happened: 0 home win, 1 draw, 2 away win (or ``"H"``,
        ``"D"``, ``"A"`` as in football-data's ``FTR``).
    closing_odds : closing decimal odds (n, 3) for closing-line value; a row
        of NaN means unknown.
    min_edge, min_probability : bet when ``p·o − 1 > min_edge`` and ``p ≥ min_probability``.
    staking : ``"kelly"`` (``min(kelly_fraction·f*, cap)`` of the bankroll;
        the default is quarter Kelly capped at 5%) or ``"flat"`` (``unit`` a bet).
    initial_bankroll : the starting bankroll.

    The defaults are the engine's ``Strategy::default()``: edge 0.1,
    probability 0.6, quarter Kelly capped at 5% of a bankroll of 100.

    Example
    -------
    >>> import scoreline
    >>> r = scoreline.betting.simulate([[0.7, 0.2, 0.1]], [[1.8, 4.0, 6.0]], [0])
    >>> r.n_bets, float(r.bets["stake"].iloc[0])   # min(0.25 · (0.7·1.8 − 1)/0.8, 0.05) · 100
    (1, 5.0)
    >>> round(r.final_bankroll, 6)
    104.0
    """
    pd = _optional.pandas("scoreline.betting.simulate")

    probs = _table(probabilities, "probabilities")
    prices = _table(odds, "odds")
    closing = None if closing_odds is None else _table(closing_odds, "closing_odds")
    results = _outcomes(outcomes)
    n = len(results)
    for name, table in (("probabilities", probs), ("odds", prices), ("closing_odds", closing)):
        if table is not None and table.shape[0] != n:
            raise _native.BettingError(f"{name} has {table.shape[0]} rows, expected {n} (one per outcome)")
    out = _native.betting_simulate(
        probs,
        prices,
        results,
        closing,
        min_edge=min_edge,
        min_probability=min_probability,
        staking=staking,
        unit=unit,
        kelly_fraction=kelly_fraction,
        cap=cap,
        initial_bankroll=initial_bankroll,
    )
    bets = dict(out.pop("bets"))
    rows = bets.pop("row")
    source = next((v for v in (probabilities, odds, outcomes) if col.is_pandas(v)), None)
    index = source.index[rows] if source is not None else pd.Index(rows)
    return BettingResult(bets=pd.DataFrame(bets, index=index), **out)


def kelly_fraction(probability: Any, odds: Any) -> Any:
    """The Kelly fraction ``f* = (p·o − 1)/(o − 1)`` of the bankroll to stake
    on an outcome of probability p ∈ [0, 1] at decimal odds o > 1 (0 when
    ``p·o ≤ 1``). Scalars give a float, arrays an array (broadcast).

    >>> kelly_fraction(0.5, 2.5)
    0.16666666666666666
    >>> kelly_fraction([0.3, 0.75], 2.0).tolist()
    [0.0, 0.5]
    """
    try:
        p, o = np.broadcast_arrays(np.asarray(probability, dtype=np.float64), np.asarray(odds, dtype=np.float64))
    except (TypeError, ValueError) as exc:
        raise _native.BettingError(f"kelly_fraction: {exc}") from None
    out = np.asarray(
        _native.betting_kelly_fraction(np.ascontiguousarray(p.ravel()), np.ascontiguousarray(o.ravel()))
    ).reshape(p.shape)
    return float(out) if out.ndim == 0 else out
