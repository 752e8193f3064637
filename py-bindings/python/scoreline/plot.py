"""Plots for notebooks and reports, drawn with matplotlib (an optional
dependency: ``pip install "scoreline[plot]"``; without it, importing this
module raises :class:`scoreline.OptionalDependencyError`).

Every function draws on ``ax`` when given (a new figure otherwise) and
returns the axes:

- :func:`score_grid`: one fixture's score probabilities, in percent;
- :func:`ratings`: attack and defence per team with standard-error bars;
- :func:`reliability`: a reliability diagram of 1X2 forecasts;
- :func:`rps_by_season`: the walk-forward RPS of the model against the
  market per season (from a backtest or its ``market_report``);
- :func:`bankroll`: the bankroll curve of a betting simulation;
- :func:`xi_curve`: the out-of-sample log-likelihood (and RPS) against the
  time-decay rate ξ (from :func:`scoreline.backtest.tune_xi`).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ._optional import missing

try:
    from matplotlib.axes import Axes
except ModuleNotFoundError as _exc:
    if _exc.name != "matplotlib":
        raise
    raise missing("scoreline.plot", "matplotlib", "plot") from _exc

from ._scoreline import DataError, ScoreGrid

__all__ = ["bankroll", "ratings", "reliability", "rps_by_season", "score_grid", "xi_curve"]

OUTCOME_LABELS = ("home", "draw", "away")


def _axes(ax: Axes | None, figsize: tuple[float, float] = (6.0, 5.0)) -> Axes:
    if ax is not None:
        return ax
    import matplotlib.pyplot as plt

    _, new = plt.subplots(figsize=figsize)
    return new


def _frame(obj: Any, what: str) -> Any:
    """``obj`` as a pandas DataFrame (a dict of columns or records is accepted)."""
    from ._optional import require

    pd = require("pandas", f"scoreline.plot.{what}", "plot")
    return obj if isinstance(obj, pd.DataFrame) else pd.DataFrame(obj)


def _need(frame: Any, columns: list[str], what: str) -> None:
    absent = [c for c in columns if c not in frame.columns]
    if absent:
        raise DataError(f"{what}: missing column(s) {absent} (columns: {list(frame.columns)})")


def score_grid(
    grid: ScoreGrid,
    *,
    home: str | None = None,
    away: str | None = None,
    max_goals: int = 6,
    ax: Axes | None = None,
    title: str | None = None,
) -> Axes:
    """A heatmap of score probabilities (home goals down, away goals across),
    each cell and the colour bar in percent; the title names the teams
    (``home``, ``away``) and their home/draw/away probabilities."""
    if max_goals < 0:
        raise DataError(f"max_goals must be ≥ 0, got {max_goals}")
    ax = _axes(ax)
    percent = 100.0 * grid.to_numpy()[: max_goals + 1, : max_goals + 1]
    image = ax.imshow(percent, cmap="viridis", origin="upper")
    for i in range(percent.shape[0]):
        for j in range(percent.shape[1]):
            colour = "white" if percent[i, j] < 0.6 * percent.max() else "black"
            ax.text(j, i, f"{percent[i, j]:.1f}", ha="center", va="center", fontsize=8, color=colour)
    home_name, away_name = home or "home", away or "away"
    ax.set_xlabel(f"{away_name} goals")
    ax.set_ylabel(f"{home_name} goals")
    ax.set_xticks(range(percent.shape[1]))
    ax.set_yticks(range(percent.shape[0]))
    h, d, a = grid.home_draw_away
    ax.set_title(
        title or f"{home_name} v {away_name}: {home_name} {h:.1%} · draw {d:.1%} · {away_name} {a:.1%}", fontsize=10
    )
    ax.figure.colorbar(image, ax=ax, label="probability (%)")
    return ax


def ratings(
    model_or_ratings: Any,
    *,
    top: int | None = None,
    z: float = 1.96,
    ax: Axes | None = None,
    title: str | None = None,
) -> Axes:
    """Attack and defence per team (strongest at the top) with error bars of
    ± ``z`` standard errors (1.96: 95% intervals). Takes a fitted
    :class:`scoreline.DixonColes` or its ``ratings()`` DataFrame; ``top``
    keeps the strongest teams. Teams without standard errors get no bars."""
    frame = model_or_ratings.ratings() if hasattr(model_or_ratings, "ratings") else _frame(model_or_ratings, "ratings")
    _need(frame, ["team", "attack", "defence"], "ratings")
    if "strength" not in frame.columns:
        frame = frame.assign(strength=frame["attack"] + frame["defence"])
    frame = frame.sort_values("strength", ascending=False)
    if top is not None:
        frame = frame.head(top)
    frame = frame.iloc[::-1]  # strongest at the top of the axes
    ax = _axes(ax, figsize=(7.0, max(3.0, 0.28 * len(frame) + 1.0)))
    y = np.arange(len(frame), dtype=np.float64)
    for offset, name, colour in ((0.15, "attack", "tab:red"), (-0.15, "defence", "tab:blue")):
        se = frame[f"{name}_se"].to_numpy(dtype=np.float64) if f"{name}_se" in frame.columns else None
        ax.errorbar(
            frame[name].to_numpy(dtype=np.float64),
            y + offset,
            xerr=None if se is None else np.nan_to_num(z * se, nan=0.0),
            fmt="o",
            color=colour,
            capsize=2,
            markersize=4,
            label=f"{name} ± {z:g} se",
        )
    ax.axvline(0.0, color="grey", linewidth=1, linestyle="--")
    ax.set_yticks(y)
    ax.set_yticklabels([str(t) for t in frame["team"]])
    ax.set_xlabel("rating (log scale, average 0; larger defence concedes less)")
    ax.legend(loc="lower right", fontsize=8)
    ax.set_title(title or "team ratings")
    return ax


def reliability(
    probs: Any,
    outcomes: Any,
    *,
    labels: tuple[str, ...] = OUTCOME_LABELS,
    n_bins: int = 10,
    strategy: str = "uniform",
    ax: Axes | None = None,
    title: str | None = None,
) -> Axes:
    """A reliability diagram: observed frequency against mean forecast per
    bin, one line per outcome, with the diagonal of perfect calibration.
    ``probs`` is (n, k), ``outcomes`` integer indices. Returns the axes."""
    from .metrics import calibration_curve

    ax = _axes(ax)
    probs = np.asarray(probs, dtype=np.float64)
    ax.plot([0, 1], [0, 1], color="grey", linestyle="--", linewidth=1)
    for k, label in enumerate(labels[: probs.shape[1]]):
        curve = calibration_curve(probs, outcomes, outcome=k, n_bins=n_bins, strategy=strategy)
        keep = np.asarray(curve["count"]) > 0
        ax.plot(np.asarray(curve["mean_forecast"])[keep], np.asarray(curve["observed"])[keep], marker="o", label=label)
    ax.set_xlabel("forecast probability")
    ax.set_ylabel("observed frequency")
    ax.set_xlim(0, 1)
    ax.set_ylim(0, 1)
    ax.legend()
    if title:
        ax.set_title(title)
    return ax


def rps_by_season(
    result_or_report: Any,
    *,
    league: str | None = None,
    ax: Axes | None = None,
    title: str | None = None,
) -> Axes:
    """The walk-forward mean RPS (lower is better) per season: the model, the
    calibrated model and the model–market blend against the market's closing
    line, from a :class:`scoreline.backtest.BacktestResult` (its
    ``market_report()`` is computed) or a ``market_report`` /
    ``football_data_report`` DataFrame. Per-league and overall rows
    (season ``"all"``) are left out; ``league`` keeps one league. A season
    where the Diebold–Mariano test of model against market has p < 0.05 is
    marked with a star."""
    report = result_or_report.market_report() if hasattr(result_or_report, "market_report") else result_or_report
    report = _frame(report, "rps_by_season")
    _need(report, ["league", "season", "model_rps", "market_rps"], "rps_by_season")
    rows = report[(report["season"] != "all") & (report["league"] != "all")]
    if league is not None:
        rows = rows[rows["league"] == league]
    if not len(rows):
        raise DataError(f"rps_by_season: no season rows{'' if league is None else f' for league {league!r}'}")
    several = rows["league"].nunique() > 1
    ticks = [f"{lg} {s}" if several else str(s) for lg, s in zip(rows["league"], rows["season"])]
    x = np.arange(len(rows))
    ax = _axes(ax, figsize=(max(6.0, 0.6 * len(rows) + 2.0), 4.5))
    series = [
        ("market_rps", "market (closing line)", "black", "s"),
        ("model_rps", "model", "tab:blue", "o"),
        ("calibrated_rps", "model, calibrated", "tab:green", "^"),
        ("blend_rps", "model–market blend", "tab:orange", "v"),
    ]
    for column, label, colour, marker in series:
        if column in rows.columns and rows[column].notna().any():
            ax.plot(x, rows[column].to_numpy(dtype=np.float64), marker=marker, color=colour, label=label)
    if "dm_p_value" in rows.columns:
        significant = rows["dm_p_value"].to_numpy(dtype=np.float64) < 0.05
        if significant.any():
            ax.plot(
                x[significant],
                rows["model_rps"].to_numpy(dtype=np.float64)[significant],
                linestyle="none",
                marker="*",
                markersize=12,
                color="tab:red",
                label="model ≠ market (DM p < 0.05)",
            )
    ax.set_xticks(x)
    ax.set_xticklabels(ticks, rotation=45 if len(ticks) > 6 else 0, ha="right" if len(ticks) > 6 else "center")
    ax.set_xlabel("season")
    ax.set_ylabel("mean RPS (lower is better)")
    ax.legend(fontsize=8)
    ax.set_title(title or "walk-forward RPS against the market")
    return ax


def bankroll(result: Any, *, ax: Axes | None = None, title: str | None = None) -> Axes:
    """The bankroll after each bet of a betting simulation
    (:func:`scoreline.betting.simulate`), from the starting bankroll, with
    that start as a dashed line; the title gives bets, ROI and the maximum
    drawdown."""
    bets = result.bets
    _need(bets, ["bankroll", "profit"], "bankroll")
    curve = bets["bankroll"].to_numpy(dtype=np.float64)
    start = float(curve[0] - bets["profit"].iloc[0]) if len(curve) else float("nan")
    ax = _axes(ax, figsize=(7.0, 4.0))
    ax.plot(np.arange(len(curve) + 1), np.concatenate([[start], curve]), color="tab:blue", label="bankroll")
    ax.axhline(start, color="grey", linestyle="--", linewidth=1, label="start")
    ax.set_xlabel("bets placed")
    ax.set_ylabel("bankroll")
    ax.legend(fontsize=8)
    ax.set_title(
        title or f"{result.n_bets} bets · ROI {result.roi:+.1%} · max drawdown {result.max_drawdown:.1%}", fontsize=10
    )
    return ax


def xi_curve(tuning: Any, *, ax: Axes | None = None, title: str | None = None) -> Axes:
    """The mean out-of-sample log-likelihood of the 1X2 outcome against the
    time-decay rate ξ (per day), with the best ξ marked, and the mean RPS on
    a second y axis; from :func:`scoreline.backtest.tune_xi` (or any table
    with columns xi, log_likelihood[, rps])."""
    curve = _frame(tuning, "xi_curve")
    _need(curve, ["xi", "log_likelihood"], "xi_curve")
    curve = curve.sort_values("xi")
    xi = curve["xi"].to_numpy(dtype=np.float64)
    ll = curve["log_likelihood"].to_numpy(dtype=np.float64)
    best = int(np.nanargmax(ll))
    ax = _axes(ax, figsize=(7.0, 4.0))
    ax.plot(xi, ll, marker="o", color="tab:blue", label="log-likelihood")
    ax.axvline(xi[best], color="tab:blue", linestyle=":", linewidth=1)
    ax.annotate(f"best ξ = {xi[best]:.4g}", (xi[best], ll[best]), textcoords="offset points", xytext=(5, -12))
    ax.set_xlabel("ξ (time decay per day)")
    ax.set_ylabel("mean log-likelihood (higher is better)", color="tab:blue")
    if "rps" in curve.columns:
        twin = ax.twinx()
        twin.plot(xi, curve["rps"].to_numpy(dtype=np.float64), marker="s", color="tab:orange", linestyle="--")
        twin.set_ylabel("mean RPS (lower is better)", color="tab:orange")
    ax.set_title(title or "choosing ξ: out-of-sample fit against time decay")
    return ax

