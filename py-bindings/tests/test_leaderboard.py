"""scoreline.backtest.leaderboard and scoreline.backtest.forecast: the goal-model
families and the sequential models side by side, and the sequential models on
a DataFrame of the caller's own matches."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest

import scoreline
from conftest import data_dir

MODELS = ["dixon_coles", "elo", "gas_dixon_coles", "log_pool"]


def _football_data(root: Path) -> Path:
    """A data folder of links: football-data/mmz4281/<season>/<div>.csv for I1 and SP1, 2223 and 2324."""
    source = data_dir() / "football-data" / "mmz4281"
    for season in ["2223", "2324"]:
        for division in ["I1", "SP1"]:
            if not (source / season / f"{division}.csv").is_file():
                pytest.skip(f"no {season}/{division}.csv under {source}")
            to = root / "football-data" / "mmz4281" / season / f"{division}.csv"
            to.parent.mkdir(parents=True, exist_ok=True)
            to.symlink_to(source / season / f"{division}.csv")
    return root


@pytest.fixture(scope="module")
def data_folder(tmp_path_factory: Any) -> Path:
    return _football_data(tmp_path_factory.mktemp("leaderboard"))


@pytest.fixture(scope="module")
def board(data_folder: Path) -> pd.DataFrame:
    return scoreline.backtest.leaderboard(data_folder, models=MODELS, refit_days=30)


def test_leaderboard_has_a_row_per_model_and_league_and_one_overall_row(board: pd.DataFrame) -> None:
    assert list(board.columns) == scoreline.backtest.LEADERBOARD_COLUMNS
    assert list(board[~board["blend"]]["model"].unique()) == MODELS
    # The pool's blend with the market is a separately labelled row.
    assert list(board[board["blend"]]["model"].unique()) == ["log_pool+market"]
    for model in MODELS:
        rows = board[board["model"] == model]
        assert list(rows["league"]) == ["I1", "SP1", "overall"]
        overall = rows[rows["league"] == "overall"].iloc[0]
        # Every model prices the same matches: the second season of each league.
        assert overall["matches"] == rows[rows["league"] != "overall"]["matches"].sum() == 760
        assert overall["refits"] > 0
    assert board["matches"].dtype == np.int64
    assert board["refits"].dtype == np.int64


def test_leaderboard_scores_are_plausible(board: pd.DataFrame) -> None:
    assert ((board["rps"] > 0.15) & (board["rps"] < 0.3)).all()
    assert np.allclose(board["gap"], board["rps"] - board["market_rps"])
    dixon_coles = board[board["model"] == "dixon_coles"]
    assert (dixon_coles["dm_p_vs_dixon_coles"] == 1.0).all()
    p = board[["dm_p_vs_dixon_coles", "dm_p_vs_market"]].to_numpy()
    assert ((p >= 0) & (p <= 1)).all()
    # The market is the same for every model on the same matches.
    for league, rows in board.groupby("league"):
        assert rows["market_rps"].nunique() == 1, league


def test_leaderboard_takes_the_football_data_folder_itself(data_folder: Path, board: pd.DataFrame) -> None:
    same = scoreline.backtest.leaderboard(data_folder / "football-data", models=["elo"], leagues="SP1", refit_days=30)
    # Dixon–Coles is always run: it is the baseline.
    assert list(same["model"].unique()) == ["dixon_coles", "elo"]
    assert list(same["league"].unique()) == ["SP1", "overall"]
    mine = same[(same["model"] == "elo") & (same["league"] == "SP1")].iloc[0]
    before = board[(board["model"] == "elo") & (board["league"] == "SP1")].iloc[0]
    assert mine["rps"] == pytest.approx(before["rps"], abs=1e-12)


def test_an_unknown_model_is_a_value_error_naming_it_and_the_valid_names(data_folder: Path) -> None:
    with pytest.raises(scoreline.BacktestError, match="'?\"?no_such_model") as info:
        scoreline.backtest.leaderboard(data_folder, models=["elo", "no_such_model"])
    assert isinstance(info.value, ValueError)
    message = str(info.value)
    for valid in ["poisson", "dixon_coles", "elo", "gas_dixon_coles", "log_pool", "pi_ratings"]:
        assert valid in message
    with pytest.raises(scoreline.BacktestError, match="nope"):
        scoreline.backtest.forecast(_simulated(), "nope")


def _simulated(seed: int = 7, weeks: int = 60) -> pd.DataFrame:
    """A double round robin of 10 teams with Poisson goals and shots on target, one round a week."""
    rng = np.random.default_rng(seed)
    teams = [f"T{i}" for i in range(10)]
    strength = rng.normal(0, 0.4, len(teams))
    rows = []
    start = pd.Timestamp("2021-08-07")
    for week in range(weeks):
        order = rng.permutation(len(teams))
        for k in range(0, len(teams), 2):
            h, a = order[k], order[k + 1]
            hg = rng.poisson(np.exp(0.3 + strength[h] - strength[a]))
            ag = rng.poisson(np.exp(0.1 + strength[a] - strength[h]))
            rows.append(
                {
                    "Date": start + pd.Timedelta(days=7 * week + int(rng.integers(0, 2))),
                    "HomeTeam": teams[h],
                    "AwayTeam": teams[a],
                    "FTHG": hg,
                    "FTAG": ag,
                    "HST": hg + rng.poisson(3),
                    "AST": ag + rng.poisson(2),
                }
            )
    df = pd.DataFrame(rows).sample(frac=1.0, random_state=seed)  # not in date order
    df.index = df.index + 500
    return df


@pytest.mark.parametrize("model", ["elo", "pi_ratings", "gas_dixon_coles", "shots_dixon_coles", "log_pool"])
def test_forecast_probabilities_sum_to_one_on_the_input_index(model: str) -> None:
    df = _simulated()
    targets = df["Date"] >= pd.Timestamp("2022-03-01")
    p = scoreline.backtest.forecast(df, model, targets=targets)
    assert list(p.columns) == ["p_home", "p_draw", "p_away"]
    assert list(p.index) == list(df.index[targets.to_numpy()])
    probs = p.to_numpy()
    assert np.isfinite(probs).all() and (probs >= 0).all()
    assert np.allclose(probs.sum(axis=1), 1.0, atol=1e-9)


@pytest.mark.parametrize("model", ["elo", "gas_dixon_coles", "shots_dixon_coles"])
def test_forecast_does_not_peek(model: str) -> None:
    df = _simulated()
    cut = pd.Timestamp("2022-02-01")
    before = df["Date"] < cut
    p = scoreline.backtest.forecast(df, model)
    changed = df.copy()
    after = ~before.to_numpy()
    changed.loc[after, "FTHG"] = changed.loc[after, "FTAG"] + 3
    changed.loc[after, "HST"] = changed.loc[after, "HST"] + 5
    q = scoreline.backtest.forecast(changed, model)
    early = df.index[before.to_numpy()]
    pd.testing.assert_frame_equal(p.loc[early], q.loc[early], check_exact=True)
    assert not np.allclose(p.loc[~before].to_numpy(), q.loc[~before].to_numpy())


def test_forecast_passes_shots_on_target_and_takes_a_target_column() -> None:
    df = _simulated()
    with_shots = scoreline.backtest.forecast(df, "shots_dixon_coles")
    # Without the HST/AST columns the model has goals alone (the engine's fallback).
    goals_only = scoreline.backtest.forecast(df.drop(columns=["HST", "AST"]), "shots_dixon_coles")
    assert not np.allclose(with_shots.to_numpy(), goals_only.to_numpy())
    ignored = scoreline.backtest.forecast(df, "shots_dixon_coles", stats=False)
    pd.testing.assert_frame_equal(ignored, goals_only)
    df["late"] = df["Date"] >= pd.Timestamp("2022-06-01")
    p = scoreline.backtest.forecast(df, "massey", targets="late", refit=14)
    assert len(p) == int(df["late"].sum())
    with pytest.raises(scoreline.DataError, match="shots_on_target"):
        scoreline.backtest.forecast(df.assign(HST=-1.5), "elo")


def test_forecast_passes_expected_goals() -> None:
    df = _simulated()
    rng = np.random.default_rng(3)
    df["home_xg"] = df["FTHG"] * 0.5 + rng.uniform(0.2, 1.5, len(df))
    df["away_xg"] = df["FTAG"] * 0.5 + rng.uniform(0.2, 1.2, len(df))
    df.loc[df.index[:40], "home_xg"] = np.nan  # a match without xG: goals alone there
    with_xg = scoreline.backtest.forecast(df, "xg_dixon_coles")
    without = scoreline.backtest.forecast(df.drop(columns=["home_xg", "away_xg"]), "xg_dixon_coles")
    assert np.allclose(with_xg.sum(axis=1), 1.0)
    assert not np.allclose(with_xg.to_numpy(), without.to_numpy())
