"""A small typed program using the public API; `mypy --strict` must pass on it."""

from __future__ import annotations

from typing import Any

import numpy as np
import numpy.typing as npt

import scoreline


def fit_and_price(home: list[str], away: list[str], home_goals: list[int], away_goals: list[int]) -> float:
    """Fits a model and returns P(over 2.5) for the first fixture."""
    columns = {"HomeTeam": home, "AwayTeam": away, "FTHG": home_goals, "FTAG": away_goals}
    model: scoreline.DixonColes = scoreline.DixonColes(xi=0.0, ridge=0.01).fit(columns, date=None)
    grid: scoreline.ScoreGrid = model.predict(home[0], away[0])
    probs: npt.NDArray[np.float64] = grid.to_numpy()
    over: dict[str, float] = grid.over(2.5)
    assert probs.shape[0] == grid.max_goals + 1
    try:
        model.predict("nobody", away[0])
    except scoreline.UnknownTeamError as err:
        print(err)
    return over["win"]


def backtest_and_bet(matches: Any) -> float:
    """Backtests a DataFrame of matches (pandas has no stubs here, hence ``Any``)."""
    calls: list[tuple[int, int]] = []
    result: scoreline.backtest.BacktestResult = scoreline.backtest.walk_forward(
        matches, refit=7, ridge=1e-3, threads=2, progress=lambda done, total: calls.append((done, total))
    )
    rps: float = float(result.metrics["rps"].iloc[0])
    report = result.market_report(seasons=["2324"])
    print(rps, result.elapsed_s, result.skipped, report[["model_rps", "market_rps", "dm_p_value"]])
    predictions = result.predictions
    betting: scoreline.betting.BettingResult = scoreline.betting.simulate(
        predictions[["p_home", "p_draw", "p_away"]],
        matches.loc[predictions.index, ["B365H", "B365D", "B365A"]],
        predictions["outcome"],
        staking="kelly",
        kelly_fraction=0.25,
    )
    stake: float = scoreline.betting.kelly_fraction(0.55, 2.1)
    try:
        scoreline.betting.simulate([[0.5, 0.3, 0.2]], [[0.9, 3.0, 4.0]], [0])
    except scoreline.BettingError as err:
        print(err, stake)
    return betting.final_bankroll


def compare_families(matches: Any, path: str) -> dict[str, float]:
    """Fits every family, ranks them by AIC, backtests one by name and reloads a file of any family."""
    aic: dict[str, float] = {}
    for name, cls in scoreline.FAMILIES.items():
        model: scoreline.GoalModel = cls(xi=0.0, ridge=0.01).fit(matches, date=None)
        aic[name] = model.aic
        boundary: list[str] = model.summary()["at_boundary"]
        print(name, model.loglik, model.bic, model.n_params, boundary, model.params)
    nb: scoreline.NegativeBinomial = scoreline.NegativeBinomial(xi=0.0).fit(matches, date=None)
    nb.save(path)
    loaded: scoreline.GoalModel = scoreline.load_model(path)
    same: scoreline.NegativeBinomial = scoreline.NegativeBinomial.load(path)
    family: str = loaded.fitted_model.family
    result = scoreline.backtest.walk_forward(matches, model="poisson", ridge=1e-3)
    by_class = scoreline.backtest.walk_forward(matches, model=scoreline.ConwayMaxwellPoisson)
    by_instance = scoreline.backtest.walk_forward(matches, model=scoreline.ZeroInflatedPoisson(xi=0.001))
    print(family, same.family, result.skipped, by_class.skipped, by_instance.skipped)
    return aic


def leaderboard_and_forecast(data: str, matches: Any) -> float:
    """The leaderboard of two families and two sequential models, and Elo's forecasts of some matches."""
    columns: list[str] = scoreline.backtest.LEADERBOARD_COLUMNS
    board = scoreline.backtest.leaderboard(data, models=["dixon_coles", "poisson", "elo", "log_pool"], refit_days=30)
    overall = board[board["league"] == "overall"]
    forecasts = scoreline.backtest.forecast(matches, "elo", targets=None, refit=7)
    both = scoreline.backtest.forecast(matches, "gas_dixon_coles", refit="matchday", stats=False)
    print(columns, len(forecasts), len(both))
    return float(overall["rps"].min())


def plot_fixture(model: scoreline.DixonColes, home: str, away: str) -> str:
    """Draws a score grid through the lazily loaded ``scoreline.plot``; returns the title."""
    from matplotlib.axes import Axes

    ax: Axes = scoreline.plot.score_grid(model.predict(home, away), home=home, away=away)
    return ax.get_title()


if __name__ == "__main__":
    print(fit_and_price(["A", "B", "C", "A"], ["B", "C", "A", "C"], [2, 1, 0, 3], [1, 1, 2, 0]))
