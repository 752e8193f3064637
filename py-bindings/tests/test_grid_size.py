"""Score grids are exact by default: adaptive size, errors for explicit grids
that leave mass outside, truncation only when asked for by name."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import scoreline


@pytest.fixture(scope="module")
def lopsided() -> scoreline.DixonColes:
    """A simulated league where one side scores about nine a game against the
    weakest (Germany v San Marino)."""
    rng = np.random.default_rng(7)
    strength = {"Germany": 1.6, "Malta": 0.0, "Andorra": -0.2, "San Marino": -0.9}
    teams = list(strength)
    rows = []
    day = pd.Timestamp("2024-01-01")
    for _ in range(15):
        for home in teams:
            for away in teams:
                if home != away:
                    lam = np.exp(0.2 + strength[home] - strength[away])
                    nu = np.exp(strength[away] - strength[home])
                    rows.append((day + pd.Timedelta(days=len(rows)), home, away, rng.poisson(lam), rng.poisson(nu)))
    df = pd.DataFrame(rows, columns=["Date", "HomeTeam", "AwayTeam", "FTHG", "FTAG"])
    return scoreline.DixonColes(xi=0.0, ridge=1e-3).fit(df)


def test_the_default_grid_holds_all_but_1e12(lopsided: scoreline.DixonColes) -> None:
    grid = lopsided.predict("Germany", "San Marino")
    assert grid.home_rate > 5
    assert grid.mass_outside < 1e-12
    assert grid.max_goals > 10
    wide = lopsided.fitted_model.predict("Germany", "San Marino", False, 50)
    assert np.allclose(grid.home_draw_away, wide.home_draw_away, atol=1e-12, rtol=0)
    probs = lopsided.predict_proba(["Germany"], ["San Marino"])
    assert np.allclose(probs[0], wide.home_draw_away, atol=1e-12, rtol=0)


def test_an_explicit_small_grid_is_an_error_unless_truncation_is_asked_for(lopsided: scoreline.DixonColes) -> None:
    small = scoreline.DixonColes(max_goals=10)
    small._model = lopsided.fitted_model
    with pytest.raises(scoreline.PredictError, match=r"max_goals ≥ \d+"):
        small.predict("Germany", "San Marino")
    with pytest.raises(ValueError):
        small.predict_proba(["Germany"], ["San Marino"])
    cut = scoreline.DixonColes(max_goals=10, truncate=True)
    cut._model = lopsided.fitted_model
    grid = cut.predict("Germany", "San Marino")
    assert grid.max_goals == 10
    assert grid.mass_outside > 1e-3
