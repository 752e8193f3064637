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
