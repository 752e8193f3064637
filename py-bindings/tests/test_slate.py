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
    return season_2324[["HomeTeam", "AwayTeam"]].head(6).reset_index(drop=True)


def test_evaluate_matches_predict_proba(model: scoreline.DixonColes, fixtures: pd.DataFrame) -> None:
    frame = slate.evaluate(model, fixtures)
    expected = model.predict_proba(fixtures["HomeTeam"].tolist(), fixtures["AwayTeam"].tolist())
    np.testing.assert_array_equal(frame[["p_home", "p_draw", "p_away"]].to_numpy(), expected)
    assert (frame["entropy"] > 0).all()


def test_evaluate_speaks_the_fit_and_markets_vocabulary(model: scoreline.DixonColes, fixtures: pd.DataFrame) -> None:
    """Issue 15 item 9: the same default columns as fit/predict_markets (HomeTeam/AwayTeam) and the
    same output names as predict_markets (home_team/away_team) and predict_proba (home/draw/away)."""
    frame = slate.evaluate(model, fixtures)
    markets = model.predict_markets(fixtures)
    assert frame["home_team"].tolist() == markets["home_team"].tolist() == fixtures["HomeTeam"].tolist()
    assert frame["away_team"].tolist() == markets["away_team"].tolist()
    np.testing.assert_allclose(frame["p_home"], markets["p_home"], rtol=0, atol=1e-12)
    proba = model.predict_proba(fixtures["HomeTeam"], fixtures["AwayTeam"])
    assert set(frame["most_likely"]) <= set(proba.columns)
    renamed = fixtures.rename(columns={"HomeTeam": "h", "AwayTeam": "a"})
    pd.testing.assert_frame_equal(slate.evaluate(model, renamed, home="h", away="a"), frame)


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
    np.testing.assert_allclose(
        frame[["change_home", "change_draw", "change_away"]].sum().to_numpy(),
        final - frame.iloc[0][["p_home", "p_draw", "p_away"]].to_numpy(dtype=float),
        atol=1e-12,
    )
    with pytest.raises(scoreline.UnknownTeamError, match="fixture 0"):
        slate.explain(model, "Arsenl", "Chelsea")
    with pytest.raises(scoreline.PredictError, match="budget"):
        slate.optimise(model, pd.DataFrame({"HomeTeam": ["Arsenal"], "AwayTeam": ["Chelsea"]}), budget=0)


def test_explain_says_which_rate_each_term_enters(model: scoreline.DixonColes) -> None:
    """Issue 15 item 10: the server's ``rate`` is kept, and a defence is labelled as minus the
    defence on the other side's rate (not just ``home defence (Arsenal) -0.744``)."""
    frame = slate.explain(model, "Arsenal", "Chelsea").set_index("term")
    params = model.params
    assert frame.loc["league average μ (both rates)", "rate"] == "both"
    assert frame.loc["league average μ (both rates)", "value"] == pytest.approx(params["intercept"])
    home_defence = frame.loc["−defence of Arsenal (away rate)"]
    assert home_defence["rate"] == "away"
    assert home_defence["value"] == pytest.approx(-params["defence"]["Arsenal"], abs=1e-15)
    away_defence = frame.loc["−defence of Chelsea (home rate)"]
    assert away_defence["rate"] == "home"
    assert away_defence["value"] == pytest.approx(-params["defence"]["Chelsea"], abs=1e-15)
    assert frame.loc["attack of Arsenal (home rate)", "rate"] == "home"
    assert frame.loc["attack of Chelsea (away rate)", "rate"] == "away"
    assert frame.loc["home advantage γ (home rate)", "rate"] == "home"
