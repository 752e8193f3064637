"""scoreline.plot under the Agg backend: each plot draws what it says, in consistent units, from the
objects the package returns (a score grid, a model, a backtest, a betting simulation, a ξ curve)."""

from __future__ import annotations

from typing import Any

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest
from matplotlib.axes import Axes
from matplotlib.container import ErrorbarContainer
from matplotlib.image import AxesImage

import scoreline
from conftest import load_season

SEASONS = ["2223", "2324"]
OPTIONS: dict[str, Any] = {"seasons": SEASONS, "ridge": 1e-3, "progress": False}


@pytest.fixture(autouse=True)
def _close_figures() -> Any:
    yield
    plt.close("all")


@pytest.fixture(scope="module")
def e0() -> pd.DataFrame:
    return pd.concat([load_season(s) for s in ["2122", *SEASONS]], ignore_index=True)


@pytest.fixture(scope="module")
def model(season_2324: pd.DataFrame) -> scoreline.DixonColes:
    return scoreline.DixonColes().fit(season_2324)


@pytest.fixture(scope="module")
def result(e0: pd.DataFrame) -> scoreline.backtest.BacktestResult:
    return scoreline.backtest.walk_forward(e0, **OPTIONS)


def test_runs_under_agg() -> None:
    assert matplotlib.get_backend().lower() == "agg"


def test_score_grid_in_percent_with_the_teams_in_the_title(model: scoreline.DixonColes) -> None:
    """Issue 15 item 10: cells in % and a colour bar in fractions; no team names in the title."""
    grid = model.predict("Arsenal", "Chelsea")
    ax = scoreline.plot.score_grid(grid, home="Arsenal", away="Chelsea", max_goals=5)
    assert isinstance(ax, Axes)
    (image,) = [a for a in ax.get_children() if isinstance(a, AxesImage)]
    expected = 100 * grid.to_numpy()[:6, :6]
    np.testing.assert_allclose(image.get_array(), expected)
    cells = [float(t.get_text()) for t in ax.texts]
    np.testing.assert_allclose(cells, expected.ravel(), atol=0.05 + 1e-12)
    colorbar = image.colorbar
    assert colorbar is not None and colorbar.ax.get_ylabel() == "probability (%)"
    # The colour bar spans the cells' numbers, not fractions of them.
    _low, high = colorbar.ax.get_ylim()
    assert high == pytest.approx(expected.max())
    title = ax.get_title()
    h, _d, a = grid.home_draw_away
    assert "Arsenal" in title and "Chelsea" in title and f"{h:.1%}" in title and f"{a:.1%}" in title
    assert ax.get_ylabel() == "Arsenal goals" and ax.get_xlabel() == "Chelsea goals"


def test_ratings_with_standard_error_bars(model: scoreline.DixonColes) -> None:
    ax = scoreline.plot.ratings(model, top=8, z=1.96)
    containers = [c for c in ax.containers if isinstance(c, ErrorbarContainer)]
    assert [c.get_label() for c in containers] == ["attack ± 1.96 se", "defence ± 1.96 se"]
    ratings = model.ratings().head(8)
    # Strongest team at the top of the axes.
    assert [t.get_text() for t in ax.get_yticklabels()] == ratings["team"].tolist()[::-1]
    for container, name in zip(containers, ["attack", "defence"]):
        line, _, (bars,) = container.lines
        np.testing.assert_allclose(line.get_xdata(), ratings[name].to_numpy()[::-1])
        half_widths = np.array([abs(seg[1, 0] - seg[0, 0]) / 2 for seg in bars.get_segments()])
        np.testing.assert_allclose(half_widths, 1.96 * ratings[f"{name}_se"].to_numpy()[::-1], rtol=1e-12)
    with pytest.raises(scoreline.DataError, match="missing column"):
        scoreline.plot.ratings(pd.DataFrame({"team": ["A"]}))


def test_reliability_diagram(result: scoreline.backtest.BacktestResult) -> None:
    p = result.predictions
    ax = scoreline.plot.reliability(p[["p_home", "p_draw", "p_away"]], p["outcome"], n_bins=5)
    assert [line.get_label() for line in ax.lines[1:]] == ["home", "draw", "away"]
    curve = scoreline.metrics.calibration_curve(p[["p_home", "p_draw", "p_away"]], p["outcome"], outcome=1, n_bins=5)
    keep = np.asarray(curve["count"]) > 0
    np.testing.assert_allclose(ax.lines[2].get_ydata(), np.asarray(curve["observed"])[keep])


def test_rps_by_season_from_a_backtest(result: scoreline.backtest.BacktestResult) -> None:
    report = result.market_report()
    ax = scoreline.plot.rps_by_season(result)
    seasons = report[report["season"] != "all"]
    assert [t.get_text() for t in ax.get_xticklabels()] == seasons["season"].tolist() == SEASONS
    lines = {line.get_label(): line for line in ax.lines}
    np.testing.assert_allclose(lines["model"].get_ydata(), seasons["model_rps"])
    np.testing.assert_allclose(lines["market (closing line)"].get_ydata(), seasons["market_rps"])
    # The same plot from the report itself; a league filter that matches nothing is an error.
    again = scoreline.plot.rps_by_season(report)
    np.testing.assert_allclose(again.lines[1].get_ydata(), lines["model"].get_ydata())
    with pytest.raises(scoreline.DataError, match="no season rows"):
        scoreline.plot.rps_by_season(report, league="SP1")


def test_bankroll_curve_of_a_betting_simulation(e0: pd.DataFrame, result: scoreline.backtest.BacktestResult) -> None:
    p = result.predictions
    bets = scoreline.betting.simulate(
        p[["p_home", "p_draw", "p_away"]],
        e0.loc[p.index, ["B365H", "B365D", "B365A"]],
        p["outcome"],
        min_edge=0.02,
        min_probability=0.3,
        initial_bankroll=250.0,
    )
    assert bets.n_bets > 5
    ax = scoreline.plot.bankroll(bets)
    (curve, start) = ax.lines
    np.testing.assert_allclose(curve.get_ydata(), np.concatenate([[250.0], bets.bets["bankroll"].to_numpy()]))
    assert curve.get_ydata()[-1] == pytest.approx(bets.final_bankroll)
    assert start.get_ydata()[0] == pytest.approx(250.0)
    assert f"{bets.n_bets} bets" in ax.get_title()


def test_tune_xi_and_its_curve(e0: pd.DataFrame, result: scoreline.backtest.BacktestResult) -> None:
    xis = [0.0, 0.0018, 0.004]
    curve = scoreline.backtest.tune_xi(e0, xis, **OPTIONS)
    assert curve["xi"].tolist() == xis
    # The ξ = 0.0018 point is the backtest above, scored here by hand.
    p = result.predictions
    probs = p[["p_home", "p_draw", "p_away"]].to_numpy()
    row = curve.set_index("xi").loc[0.0018]
    assert row["log_likelihood"] == pytest.approx(np.mean(np.log(probs[np.arange(len(p)), p["outcome"]])), rel=1e-12)
    assert row["rps"] == pytest.approx(result.metrics["rps"].iloc[0], rel=1e-12)
    assert curve.attrs["best_xi"] == curve["xi"][curve["log_likelihood"].idxmax()]
    ax = scoreline.plot.xi_curve(curve)
    np.testing.assert_allclose(ax.lines[0].get_xdata(), xis)
    np.testing.assert_allclose(ax.lines[0].get_ydata(), curve["log_likelihood"])
    assert ax.lines[1].get_xdata()[0] == curve.attrs["best_xi"]  # the vertical marker
    (twin,) = [other for other in ax.figure.axes if other is not ax and other.get_ylabel().startswith("mean RPS")]
    np.testing.assert_allclose(twin.lines[0].get_ydata(), curve["rps"])
    with pytest.raises(scoreline.BacktestError, match="strictly increasing"):
        scoreline.backtest.tune_xi(e0, [0.002, 0.001], **OPTIONS)


def test_plots_draw_on_given_axes(model: scoreline.DixonColes) -> None:
    fig, axes = plt.subplots(1, 2)
    assert scoreline.plot.score_grid(model.predict("Arsenal", "Chelsea"), ax=axes[0]) is axes[0]
    assert scoreline.plot.ratings(model.ratings(), ax=axes[1]) is axes[1]
    fig.canvas.draw()  # renders without error under Agg
