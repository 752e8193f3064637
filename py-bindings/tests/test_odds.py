"""scoreline.odds.implied against penaltyblog's calculate_implied on real Pinnacle odds."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import scoreline
from conftest import load_season

penaltyblog = pytest.importorskip("penaltyblog")
from penaltyblog.implied import calculate_implied


@pytest.mark.parametrize("method", scoreline.odds.METHODS)
def test_every_method_matches_penaltyblog(method: str) -> None:
    df = load_season("2324")
    odds = df[["PSH", "PSD", "PSA"]].dropna().head(60)
    ours = scoreline.odds.implied(odds, method=method)
    assert isinstance(ours, pd.DataFrame) and list(ours.index) == list(odds.index)
    assert list(ours.columns) == ["home", "draw", "away"]
    theirs = np.array([calculate_implied(list(row), method=method).probabilities for row in odds.to_numpy()])
    assert np.abs(ours.to_numpy() - theirs).max() < 1e-9
    np.testing.assert_allclose(ours.sum(axis=1), 1.0, atol=1e-12)


def test_shapes_and_errors() -> None:
    one = scoreline.odds.implied([1.9, 1.95])
    assert one.shape == (2,) and abs(one.sum() - 1.0) < 1e-12
    table = scoreline.odds.implied(np.array([[2.7, 2.3, 4.4], [1.5, 4.2, 7.0]]), method="power")
    assert table.shape == (2, 3)
    with pytest.raises(scoreline.OddsError, match="row 1"):
        scoreline.odds.implied([[2.7, 2.3, 4.4], [1.5, 0.9, 7.0]])
    with pytest.raises(scoreline.OddsError, match="row 0"):
        scoreline.odds.implied([[2.7, float("nan"), 4.4]])
    with pytest.raises(scoreline.OddsError, match="unknown margin method"):
        scoreline.odds.implied([2.0, 2.0], method="magic")
    with pytest.raises(ValueError, match="two outcomes"):
        scoreline.odds.implied([2.0])


def test_frames_are_named_like_predict_proba(season_2324: pd.DataFrame) -> None:
    """Issue 15 item 9: implied probabilities under the outcome names predict_proba and the markets
    use, not under the odds columns (PSCH/PSCD/PSCA)."""
    model = scoreline.DixonColes().fit(season_2324)
    proba = model.predict_proba(season_2324["HomeTeam"].head(5), season_2324["AwayTeam"].head(5))
    implied = scoreline.odds.implied(season_2324[["PSCH", "PSCD", "PSCA"]].head(5))
    assert list(implied.columns) == list(proba.columns) == ["home", "draw", "away"]
    assert list((implied - proba).columns) == ["home", "draw", "away"]  # aligned, not all-NaN
    assert (implied - proba).notna().all().all()
    over_under = scoreline.odds.implied(season_2324[["B365>2.5", "B365<2.5"]].head(5), method="multiplicative")
    assert list(over_under.columns) == ["over", "under"]
    np.testing.assert_allclose(over_under["over"], 1 - over_under["under"], atol=1e-12)
    assert list(scoreline.odds.implied(pd.DataFrame({"b": [1.9], "a": [2.0]})).columns) == ["home", "away"]
