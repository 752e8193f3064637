"""scoreline.betting: stakes, settlement, the bankroll curve, closing-line value and typed errors."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import scoreline
from conftest import load_season


def _random_book(n: int = 400, seed: int = 7) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Model probabilities, odds with a margin around a noisy 'truth', closing odds and outcomes."""
    rng = np.random.default_rng(seed)
    truth = rng.dirichlet([4, 2.5, 3], size=n)
    model = 0.7 * truth + 0.3 * rng.dirichlet([4, 2.5, 3], size=n)
    odds = 1 / (truth * 1.05) * rng.uniform(0.9, 1.2, size=(n, 3))
    odds = np.maximum(odds, 1.01)
    closing = odds * rng.uniform(0.95, 1.05, size=(n, 3))
    closing = np.maximum(closing, 1.01)
    outcomes = np.array([rng.choice(3, p=p) for p in truth])
    return model, odds, closing, outcomes


def test_one_kelly_bet_stakes_the_closed_form() -> None:
    p, o = 0.65, 1.9
    full = (p * o - 1) / (o - 1)
    cases = [(0.25, 0.1, 0.25 * full * 100), (0.25, 0.05, 5.0), (1.0, 1.0, full * 100), (0.5, 0.01, 1.0)]
    for fraction, cap, stake in cases:
        r = scoreline.betting.simulate(
            [[p, 0.2, 0.15]], [[o, 3.5, 6.0]], [0], kelly_fraction=fraction, cap=cap, min_probability=0.6
        )
        assert r.n_bets == 1
        bet = r.bets.iloc[0]
        assert bet["stake"] == pytest.approx(stake, rel=1e-12)
        assert bet["profit"] == pytest.approx(stake * (o - 1), rel=1e-12)
        assert r.final_bankroll == pytest.approx(100 + stake * (o - 1), rel=1e-12)
        assert (bet["outcome"], bet["odds"], bet["probability"]) == (0, o, p)
    lost = scoreline.betting.simulate([[p, 0.2, 0.15]], [[o, 3.5, 6.0]], [2], staking="flat", unit=3.0)
    assert lost.bets["profit"].tolist() == [-3.0] and lost.final_bankroll == 97.0 and lost.hit_rate == 0.0
    assert lost.roi == pytest.approx(-0.03) and lost.yield_per_stake == pytest.approx(-1.0)
    assert lost.max_drawdown == pytest.approx(0.03)


def test_bankroll_curve_and_summary_are_consistent() -> None:
    model, odds, closing, outcomes = _random_book()
    r = scoreline.betting.simulate(model, odds, outcomes, closing_odds=closing, min_edge=0.05, min_probability=0.3)
    b = r.bets
    assert 20 < r.n_bets == len(b) < len(outcomes)
    bankroll = b["bankroll"].to_numpy()
    before = np.concatenate([[100.0], bankroll[:-1]])
    np.testing.assert_allclose(bankroll, before + b["profit"].to_numpy(), rtol=0, atol=1e-9)
    assert r.final_bankroll == pytest.approx(bankroll[-1]) and r.profit == pytest.approx(b["profit"].sum())
    assert r.total_staked == pytest.approx(b["stake"].sum())
    assert r.roi == pytest.approx(r.profit / 100) and r.yield_per_stake == pytest.approx(r.profit / r.total_staked)
    assert r.hit_rate == pytest.approx(np.mean(b["profit"] > 0))
    peak = np.maximum.accumulate(np.concatenate([[100.0], bankroll]))
    assert r.max_drawdown == pytest.approx(np.max((peak[1:] - bankroll) / peak[1:]))
    # Stakes: quarter Kelly of the bankroll before the bet, capped at 5%.
    f = scoreline.betting.kelly_fraction(b["probability"].to_numpy(), b["odds"].to_numpy())
    np.testing.assert_allclose(b["stake"], np.minimum(0.25 * f, 0.05) * before, rtol=1e-12)
    # Selection: the largest edge above 0.05 among outcomes with p ≥ 0.3, on every row that has one.
    edge = np.where(model >= 0.3, model * odds - 1, -np.inf)
    eligible = np.flatnonzero(edge.max(axis=1) > 0.05)
    np.testing.assert_array_equal(b.index.to_numpy(), eligible)
    np.testing.assert_array_equal(b["outcome"], edge[eligible].argmax(axis=1))
    won = outcomes[eligible] == b["outcome"].to_numpy()
    np.testing.assert_allclose(b["profit"], np.where(won, b["stake"] * (b["odds"] - 1), -b["stake"]), rtol=1e-12)
    clv = odds[eligible, b["outcome"]] / closing[eligible, b["outcome"]] - 1
    assert r.mean_clv == pytest.approx(clv.mean())
    assert set(r.summary()) == {
        "n_bets", "hit_rate", "total_staked", "profit", "roi", "yield_per_stake",
        "final_bankroll", "max_drawdown", "mean_clv",
    }  # fmt: skip


def test_closing_odds_rows_of_nan_are_unknown() -> None:
    probs, odds = [[0.7, 0.2, 0.1]] * 2, [[1.8, 4.0, 6.0]] * 2
    r = scoreline.betting.simulate(probs, odds, [0, 1], closing_odds=[[1.7, 4.0, 7.0], [np.nan] * 3])
    assert r.n_bets == 2 and r.mean_clv == pytest.approx(1.8 / 1.7 - 1)
    assert scoreline.betting.simulate(probs, odds, [0, 1]).mean_clv is None


def test_data_frames_keep_their_index_and_ftr_letters_work() -> None:
    index = pd.Index([10, 20, 30], name="match_id")
    probs = pd.DataFrame([[0.7, 0.2, 0.1], [0.3, 0.3, 0.4], [0.1, 0.2, 0.7]], index=index)
    odds = pd.DataFrame([[1.8, 4.0, 6.0], [3.0, 3.0, 3.0], [6.0, 4.0, 1.8]], index=index)
    r = scoreline.betting.simulate(probs, odds, pd.Series(["H", "D", "A"], index=index))
    assert r.bets.index.tolist() == [10, 30] and r.bets.index.name == "match_id"
    assert r.bets["outcome"].tolist() == [0, 2] and r.hit_rate == 1.0
    assert list(r.bets.columns) == ["outcome", "odds", "probability", "stake", "profit", "bankroll"]


def test_bad_input_raises_betting_error_naming_the_row() -> None:
    good_p, good_o = [[0.5, 0.3, 0.2]] * 4, [[2.0, 3.3, 5.0]] * 4
    cases = [
        (good_p, [[2.0, 3.3, 5.0], [2.0, 3.3, 5.0], [2.0, 3.3, 5.0], [2.0, 1.0, 5.0]], [0, 1, 2, 0], "row 3"),
        (good_p, [[2.0, 3.3, 5.0], [np.nan, 3.3, 5.0], [2.0, 3.3, 5.0], [2.0, 3.3, 5.0]], [0, 1, 2, 0], "row 1"),
        ([[0.5, 0.3, 0.2], [0.5, 0.3, 0.2], [1.2, 0.0, 0.0], [0.5, 0.3, 0.2]], good_o, [0, 1, 2, 0], "row 2"),
        ([[0.5, 0.3, 0.2], [np.nan, 0.3, 0.2], [0.5, 0.3, 0.2], [0.5, 0.3, 0.2]], good_o, [0, 1, 2, 0], "row 1"),
        (good_p, good_o, [0, 1, 3, 0], "row 2"),
        (good_p, good_o, [0, -1, 2, 0], "row 1"),
        (good_p, good_o, [0, 1, 2, 0.5], "row 3"),
        (good_p, good_o, ["H", "X", "A", "D"], "row 1"),
        (good_p, good_o, [0, 1, 2], "rows"),
        ([[0.5, 0.5]] * 4, good_o, [0, 1, 2, 0], r"\(n, 3\)"),
    ]
    for probs, odds, outcomes, message in cases:
        with pytest.raises(scoreline.BettingError, match=message):
            scoreline.betting.simulate(probs, odds, outcomes)
    with pytest.raises(scoreline.BettingError, match="row 0"):
        scoreline.betting.simulate(good_p, good_o, [0, 1, 2, 0], closing_odds=[[0.5, 3.0, 3.0]] + good_o[1:])
    with pytest.raises(scoreline.BettingError, match="staking"):
        scoreline.betting.simulate(good_p, good_o, [0, 1, 2, 0], staking="martingale")
    with pytest.raises(scoreline.BettingError, match="strategy"):
        scoreline.betting.simulate(good_p, good_o, [0, 1, 2, 0], initial_bankroll=0)
    with pytest.raises(ValueError):
        scoreline.betting.simulate(good_p, good_o, [0, 1, 2, 0], cap=2.0)
    assert issubclass(scoreline.BettingError, scoreline.ScorelineError)


def test_kelly_fraction() -> None:
    assert scoreline.betting.kelly_fraction(0.5, 2.5) == pytest.approx((0.5 * 2.5 - 1) / 1.5)
    assert isinstance(scoreline.betting.kelly_fraction(0.5, 2.5), float)
    assert scoreline.betting.kelly_fraction(0.3, 2.0) == 0.0
    np.testing.assert_allclose(scoreline.betting.kelly_fraction([[0.5], [0.6]], [2.5, 3.0]).shape, (2, 2))
    with pytest.raises(scoreline.BettingError, match="row 1"):
        scoreline.betting.kelly_fraction([0.5, 0.5], [2.0, 1.0])
    with pytest.raises(scoreline.BettingError, match="row 0"):
        scoreline.betting.kelly_fraction(1.5, 2.0)


def test_betting_on_a_backtest() -> None:
    df = pd.concat([load_season("2223"), load_season("2324")], ignore_index=True)
    result = scoreline.backtest.walk_forward(df, seasons="2324", ridge=1e-3, progress=False)
    p = result.predictions
    odds = df.loc[p.index, ["B365H", "B365D", "B365A"]]
    r = scoreline.betting.simulate(
        p[["p_home", "p_draw", "p_away"]], odds, p["outcome"], closing_odds=df.loc[p.index, ["PSCH", "PSCD", "PSCA"]]
    )
    assert set(r.bets.index) <= set(p.index) and r.n_bets == len(r.bets)
    assert (r.bets["probability"] >= 0.6).all() and r.max_drawdown < 1
    assert (r.bets["odds"].to_numpy() == odds.to_numpy()[p.index.get_indexer(r.bets.index), r.bets["outcome"]]).all()
