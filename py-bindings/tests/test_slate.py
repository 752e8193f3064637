"""scoreline.slate from Python: evaluation, the exact optimiser, explanations."""

from __future__ import annotations

import itertools

import numpy as np
import pandas as pd
import pytest

import scoreline
from scoreline import slate


@pytest.fixture(scope="module")
def model(season_2324: pd.DataFrame) -> scoreline.DixonColes:
    return scoreline.DixonColes().fit(season_2324)


@pytest.fixture(scope="module")
def fixtures(season_2324: pd.DataFrame) -> pd.DataFrame:
    return pd.DataFrame({"home": season_2324["HomeTeam"][:6], "away": season_2324["AwayTeam"][:6]})


def test_evaluate_matches_predict_proba(model: scoreline.DixonColes, fixtures: pd.DataFrame) -> None:
    frame = slate.evaluate(model, fixtures)
    expected = model.predict_proba(fixtures["home"].tolist(), fixtures["away"].tolist())
    np.testing.assert_array_equal(frame[["p_home", "p_draw", "p_away"]].to_numpy(), expected)
    assert (frame["entropy"] > 0).all()


def test_optimise_is_the_brute_force_best(model: scoreline.DixonColes, fixtures: pd.DataFrame) -> None:
    ticket = slate.optimise(model, fixtures, budget=12)
    probs = slate.evaluate(model, fixtures)[["p_home", "p_draw", "p_away"]].to_numpy()
    best = 0.0
    for sizes in itertools.product([1, 2, 3], repeat=len(probs)):
        if np.prod(sizes) <= 12:
            best = max(best, float(np.prod([np.sort(p)[::-1][:s].sum() for p, s in zip(probs, sizes)])))
    assert ticket.attrs["probability_all"] == pytest.approx(best, abs=1e-12)
    assert ticket.attrs["combinations"] <= 12
    at_least = slate.optimise(model, fixtures, budget=12, at_least=5)
    assert at_least.attrs["at_least"][5] >= ticket.attrs["at_least"][5] - 1e-12


def test_explain_adds_up_and_errors_are_typed(model: scoreline.DixonColes) -> None:
    frame = slate.explain(model, "Arsenal", "Chelsea")
    final = frame.iloc[-1][["p_home", "p_draw", "p_away"]].to_numpy(dtype=float)
    np.testing.assert_allclose(final, model.predict("Arsenal", "Chelsea").home_draw_away, atol=1e-12)
    with pytest.raises(scoreline.UnknownTeamError, match="fixture 0"):
        slate.explain(model, "Arsenl", "Chelsea")
    with pytest.raises(scoreline.PredictError, match="budget"):
        slate.optimise(model, pd.DataFrame({"home": ["Arsenal"], "away": ["Chelsea"]}), budget=0)
