"""A small typed program using the public API; `mypy --strict` must pass on it."""

from __future__ import annotations

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


if __name__ == "__main__":
    print(fit_and_price(["A", "B", "C", "A"], ["B", "C", "A", "C"], [2, 1, 0, 3], [1, 1, 2, 0]))
