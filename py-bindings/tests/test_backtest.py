"""scoreline.backtest: walk-forward backtests and the market report on real Premier League data."""

from __future__ import annotations

import sys
import types
from typing import Any, ClassVar

import numpy as np
import pandas as pd
import pytest

import scoreline
from conftest import data_dir, load_season

SEASONS = ["2223", "2324"]
# Promoted sides have no Premier League history; a small ridge keeps a side
# that has not scored yet finite (see test_a_failed_fold_fit_is_a_fit_error).
OPTIONS: dict[str, Any] = {"seasons": SEASONS, "ridge": 1e-3, "progress": False}


@pytest.fixture(scope="module")
def e0() -> pd.DataFrame:
    """E0 2021-22 (history only) to 2023-24, read by pandas, with a non-default index."""
    df = pd.concat([load_season(s) for s in ["2122", *SEASONS]], ignore_index=True)
    df.index = df.index + 1000
    return df


@pytest.fixture(scope="module")
def result(e0: pd.DataFrame) -> scoreline.backtest.BacktestResult:
    return scoreline.backtest.walk_forward(e0, **OPTIONS)


def _rps(probs: np.ndarray, outcomes: np.ndarray) -> float:
    """Mean RPS computed here: Σ over the first k − 1 cumulative probabilities of (P − O)², over k − 1."""
    observed = np.eye(3)[outcomes]
    diff = np.cumsum(probs, axis=1)[:, :2] - np.cumsum(observed, axis=1)[:, :2]
    return float(np.mean(np.sum(diff**2, axis=1) / 2))


def _probs(frame: pd.DataFrame) -> np.ndarray:
    return frame[["p_home", "p_draw", "p_away"]].to_numpy()


def test_predicts_exactly_the_target_matches(e0: pd.DataFrame, result: scoreline.backtest.BacktestResult) -> None:
    p = result.predictions
    target = e0.index[e0["Date"] >= "2022-07-01"]
    assert result.skipped == 0
    assert sorted(p.index) == sorted(target) and len(p) == 760
    assert p["date"].is_monotonic_increasing
    np.testing.assert_allclose(_probs(p).sum(axis=1), 1.0, atol=1e-12)
    assert ((_probs(p) > 0) & (_probs(p) < 1)).all()
    # The input's index joins the predictions back to the matches.
    joined = e0.loc[p.index]
    assert (joined["HomeTeam"] == p["home_team"]).all() and (joined["AwayTeam"] == p["away_team"]).all()
    assert (joined["Date"] == p["date"]).all()
    expected = np.select([joined["FTHG"] > joined["FTAG"], joined["FTHG"] == joined["FTAG"]], [0, 1], 2)
    np.testing.assert_array_equal(p["outcome"], expected)
    assert set(p["season"]) == set(SEASONS) and set(p["division"]) == {"E0"}
    assert (p["xg_home"] > 0).all() and p["p_over_2_5"].between(0, 1).all() and p["p_btts"].between(0, 1).all()
    # Promoted sides are priced with the prior until they have played.
    assert p["prior_teams"].iloc[:10].sum() >= 3 and p["prior_teams"].iloc[-10:].sum() == 0
    assert list(p.columns) == [
        "date", "season", "division", "home_team", "away_team", "p_home", "p_draw", "p_away",
        "xg_home", "xg_away", "p_over_2_5", "p_btts", "outcome", "fold", "prior_teams",
    ]  # fmt: skip


def test_folds_train_only_on_the_past(e0: pd.DataFrame, result: scoreline.backtest.BacktestResult) -> None:
    folds, p = result.folds, result.predictions
    assert folds["predicted"].sum() == len(p)
    assert set(p["fold"]) == set(range(len(folds)))
    for _, fold in folds.iterrows():
        assert fold["training_matches"] == int((e0["Date"] < fold["start"]).sum())
    # Matchday folds: a run of dates within 3 days of the fold's start.
    span = p.groupby("fold")["date"].agg(["min", "max"])
    assert ((span["max"] - span["min"]).dt.days <= 3).all()
    assert (span["min"].to_numpy() == folds["start"].to_numpy()).all()
    assert folds["warm"].iloc[1:].any() and not folds["warm"].iloc[0]
    assert result.elapsed_s > 0


def test_metrics_equal_scores_recomputed_from_the_predictions(result: scoreline.backtest.BacktestResult) -> None:
    p, m = result.predictions, result.metrics
    assert list(m.columns) == ["league", "season", "matches", "rps", "brier", "log_loss", "accuracy", "ece"]
    assert m[["league", "season"]].values.tolist() == [["all", "all"], ["all", "2223"], ["all", "2324"]]
    for _, row in m.iterrows():
        rows = p if row["season"] == "all" else p[p["season"] == row["season"]]
        probs, outcomes = _probs(rows), rows["outcome"].to_numpy()
        assert row["matches"] == len(rows)
        assert row["rps"] == pytest.approx(_rps(probs, outcomes), abs=1e-12)
        assert row["rps"] == pytest.approx(scoreline.metrics.rps(probs, outcomes), abs=1e-12)
        assert row["log_loss"] == pytest.approx(-np.mean(np.log(probs[np.arange(len(rows)), outcomes])), abs=1e-12)
        assert row["brier"] == pytest.approx(np.mean(np.sum((probs - np.eye(3)[outcomes]) ** 2, axis=1)), abs=1e-12)
        assert row["accuracy"] == pytest.approx(np.mean(np.argmax(probs, axis=1) == outcomes), abs=1e-12)
        assert row["ece"] == pytest.approx(scoreline.metrics.ece(probs, outcomes), abs=1e-12)
    assert 0.18 < m["rps"].iloc[0] < 0.22


def test_threads_do_not_change_the_predictions(e0: pd.DataFrame, result: scoreline.backtest.BacktestResult) -> None:
    for threads in (1, 2):
        other = scoreline.backtest.walk_forward(e0, threads=threads, **OPTIONS)
        pd.testing.assert_frame_equal(other.predictions, result.predictions, check_exact=True)
        pd.testing.assert_frame_equal(other.metrics, result.metrics, check_exact=True)
    # Shorter warm-start chains change where fits start, not where they end (to the solver's tolerance).
    short = scoreline.backtest.walk_forward(e0, chain_length=4, **OPTIONS)
    pd.testing.assert_frame_equal(short.predictions, result.predictions, check_exact=False, rtol=0, atol=1e-6)


def test_target_mask_leagues_and_refit_schedules(e0: pd.DataFrame, result: scoreline.backtest.BacktestResult) -> None:
    arsenal = e0["HomeTeam"].eq("Arsenal")
    only = scoreline.backtest.walk_forward(e0, target=arsenal, refit="date", **OPTIONS)
    assert sorted(only.predictions.index) == sorted(e0.index[arsenal & (e0["Date"] >= "2022-07-01")])
    each_date = scoreline.backtest.walk_forward(e0, refit="date", **OPTIONS)
    # Refitting before every date, a prediction depends only on the matches before its date
    # (to the solver's tolerance: the warm starts differ), not on the other targets.
    pd.testing.assert_frame_equal(
        only.predictions[["p_home", "p_draw", "p_away"]],
        each_date.predictions.loc[only.predictions.index, ["p_home", "p_draw", "p_away"]],
        check_exact=False,
        rtol=0,
        atol=1e-6,
    )
    weekly = scoreline.backtest.walk_forward(e0, refit=7, **OPTIONS)
    assert len(weekly.folds) <= len(result.folds) < len(each_date.folds)
    assert each_date.folds["start"].is_unique
    for other in (each_date, weekly):
        assert sorted(other.predictions.index) == sorted(result.predictions.index)
    none = scoreline.backtest.walk_forward(e0, leagues="E1", **OPTIONS)
    assert len(none.predictions) == 0 and len(none.metrics) == 0 and len(none.folds) == 0
    short = scoreline.backtest.walk_forward(e0, window_days=200, min_training_matches=250, **OPTIONS)
    assert short.skipped > 0 and len(short.predictions) + short.skipped == 760


class _FakeBar:
    bars: ClassVar[list[_FakeBar]] = []

    def __init__(self, total: int | None = None, **kwargs: Any) -> None:
        self.total, self.kwargs, self.n, self.updates, self.closed = total, kwargs, 0, [], False
        _FakeBar.bars.append(self)

    def update(self, k: int) -> None:
        self.updates.append(k)
        self.n += k

    def close(self) -> None:
        self.closed = True


def test_progress_drives_a_tqdm_bar_when_tqdm_is_installed(
    e0: pd.DataFrame, monkeypatch: pytest.MonkeyPatch, result: scoreline.backtest.BacktestResult
) -> None:
    fake = types.ModuleType("tqdm")
    auto = types.ModuleType("tqdm.auto")
    auto.tqdm = _FakeBar  # type: ignore[attr-defined]
    fake.auto = auto  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "tqdm", fake)
    monkeypatch.setitem(sys.modules, "tqdm.auto", auto)
    _FakeBar.bars.clear()
    scoreline.backtest.walk_forward(e0, **{**OPTIONS, "progress": True})
    assert len(_FakeBar.bars) == 1
    bar = _FakeBar.bars[0]
    assert bar.total == len(result.folds) and bar.n == bar.total and bar.closed
    assert len(bar.updates) >= 1 and all(k > 0 for k in bar.updates)


def test_no_tqdm_means_no_bar_and_no_error(e0: pd.DataFrame, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "tqdm", None)
    monkeypatch.setitem(sys.modules, "tqdm.auto", None)
    out = scoreline.backtest.walk_forward(e0, **{**OPTIONS, "seasons": "2324", "progress": True})
    assert len(out.predictions) == 380


def test_progress_callbacks_and_their_exceptions(e0: pd.DataFrame) -> None:
    calls: list[tuple[int, int]] = []
    out = scoreline.backtest.walk_forward(e0, **{**OPTIONS, "progress": lambda d, t: calls.append((d, t))})
    total = len(out.folds)
    assert sorted(d for d, _ in calls) == list(range(1, total + 1)) and {t for _, t in calls} == {total}

    def boom(done: int, total: int) -> None:
        raise RuntimeError(f"stop at {done}")

    with pytest.raises(RuntimeError, match="stop at"):
        scoreline.backtest.walk_forward(e0, **{**OPTIONS, "progress": boom})


def test_errors_are_typed(e0: pd.DataFrame) -> None:
    with pytest.raises(scoreline.BacktestError, match="refit"):
        scoreline.backtest.walk_forward(e0, refit="weekly", **OPTIONS)
    with pytest.raises(scoreline.BacktestError, match="refit"):
        scoreline.backtest.walk_forward(e0, refit=0, **OPTIONS)
    with pytest.raises(scoreline.BacktestError, match="threads"):
        scoreline.backtest.walk_forward(e0, threads=0, **OPTIONS)
    bad = e0.copy()
    bad.loc[bad.index[7], "FTHG"] = -1
    with pytest.raises(scoreline.DataError, match="row 7"):
        scoreline.backtest.walk_forward(bad, **OPTIONS)
    same = e0.copy()
    same.loc[same.index[9], "AwayTeam"] = same.loc[same.index[9], "HomeTeam"]
    with pytest.raises(scoreline.DataError, match="#9"):
        scoreline.backtest.walk_forward(same, **OPTIONS)
    with pytest.raises(scoreline.DataError, match="target"):
        scoreline.backtest.walk_forward(e0, target=[True, False], **OPTIONS)
    with pytest.raises(scoreline.DataError, match="target"):
        scoreline.backtest.walk_forward(e0, target=e0["FTHG"].reset_index(drop=True) > 0, **OPTIONS)
    with pytest.raises(scoreline.DataError, match="NoSuchColumn"):
        scoreline.backtest.walk_forward(e0, division="NoSuchColumn", **OPTIONS)
    assert issubclass(scoreline.BacktestError, ValueError)


def test_a_failed_fold_fit_is_a_fit_error(e0: pd.DataFrame) -> None:
    # Burnley lose 0-3 on the opening day of 2023-24: without a ridge their attack has no finite
    # estimate, which is why the default ridge is 1e-3.
    with pytest.raises(scoreline.FitError, match="ridge"):
        scoreline.backtest.walk_forward(e0, seasons="2324", ridge=0.0, progress=False)
    result = scoreline.backtest.walk_forward(e0, seasons="2324", progress=False)
    assert len(result.predictions) > 300


def _market(frame: pd.DataFrame) -> np.ndarray:
    """Pinnacle closing odds, else the market average, with the margin removed by Shin's method."""
    closing = frame[["PSCH", "PSCD", "PSCA"]].to_numpy(dtype=float)
    average = frame[["AvgH", "AvgD", "AvgA"]].to_numpy(dtype=float)
    usable = np.isfinite(closing).all(axis=1) & (closing > 1).all(axis=1)
    return np.asarray(scoreline.odds.implied(np.where(usable[:, None], closing, average), method="shin"))


def test_market_report_matches_the_odds(e0: pd.DataFrame, result: scoreline.backtest.BacktestResult) -> None:
    report = result.market_report()
    assert report[["league", "season"]].values.tolist() == [["E0", "2223"], ["E0", "2324"], ["all", "all"]]
    for _, row in report.iterrows():
        p = (
            result.predictions
            if row["season"] == "all"
            else result.predictions[result.predictions["season"] == row["season"]]
        )
        market = _market(e0.loc[p.index])
        outcomes = p["outcome"].to_numpy()
        assert row["matches"] == len(p)
        assert row["market_rps"] == pytest.approx(_rps(market, outcomes), abs=1e-12)
        assert row["market_log_loss"] == pytest.approx(scoreline.metrics.log_loss(market, outcomes), abs=1e-12)
        assert row["model_rps"] == pytest.approx(_rps(_probs(p), outcomes), abs=1e-12)
        dm = scoreline.metrics.diebold_mariano(
            scoreline.metrics.rps_array(_probs(p), outcomes), scoreline.metrics.rps_array(market, outcomes)
        )
        assert row["dm_statistic"] == pytest.approx(dm["statistic"], abs=1e-9)
        assert row["dm_p_value"] == pytest.approx(dm["p_value"], abs=1e-9)
        assert 0 <= row["dm_p_value"] <= 1
    first, second = report.iloc[0], report.iloc[1]
    # The calibrator and the blend need an earlier season of the same league.
    assert np.isnan(first["calibrated_rps"]) and np.isnan(first["blend_rps"]) and np.isnan(first["blend_weight"])
    assert np.isfinite(second[["calibrated_rps", "blend_rps", "blend_log_loss", "calibrated_ece"]].astype(float)).all()
    assert 0 <= second["blend_weight"] <= 1
    # The market is sharper than the model.
    assert (report["market_rps"] < report["model_rps"]).all()
    only = scoreline.backtest.market_report(result, seasons="2324")
    assert only[["league", "season"]].values.tolist() == [["E0", "2324"], ["all", "all"]]
    pd.testing.assert_series_equal(only.iloc[0], report.iloc[1], check_names=False)


def test_market_report_from_a_data_frame_and_without_odds(e0: pd.DataFrame) -> None:
    # From a DataFrame: every season is backtested (2021-22 after its first 100 matches), 2023-24 reported.
    direct = scoreline.backtest.market_report(e0, seasons="2324", ridge=1e-3, progress=False)
    assert direct["season"].tolist() == ["2324", "all"]
    assert direct["matches"].tolist() == [380, 380] and np.isfinite(direct["calibrated_rps"]).all()
    no_odds = e0[["Date", "Div", "HomeTeam", "AwayTeam", "FTHG", "FTAG"]]
    bare = scoreline.backtest.walk_forward(no_odds, **OPTIONS)
    with pytest.raises(scoreline.BacktestError, match="market price"):
        bare.market_report()


def test_the_season_column_of_read_football_data_is_used() -> None:
    # 2019-20 finished in July 2020: the file's season, not the date's, is the match's season.
    df = scoreline.read_football_data(data_dir() / "football-data", divisions=["E0"], seasons=["1920"])
    assert set(df["Season"]) == {"1920"} and (df["Date"] >= "2020-07-01").sum() > 0
    out = scoreline.backtest.walk_forward(df, seasons="1920", refit=14, ridge=1e-3, progress=False)
    assert set(out.predictions["season"]) == {"1920"}
    assert (out.predictions["date"] >= "2020-07-01").sum() > 0
    assert len(out.predictions) + out.skipped == 380
    by_date = scoreline.backtest.walk_forward(df, season=None, refit=14, ridge=1e-3, progress=False)
    assert set(by_date.predictions["season"]) == {"1920", "2021"}


def test_football_data_report_backtests_every_league_with_its_country_history(tmp_path: Any) -> None:
    # A folder of links: E0 and E1 2122–2324, SP1 2223–2324.
    files = [(s, d) for s in ["2122", *SEASONS] for d in ["E0", "E1"]] + [(s, "SP1") for s in SEASONS]
    for season, division in files:
        to = tmp_path / "mmz4281" / season / f"{division}.csv"
        to.parent.mkdir(parents=True, exist_ok=True)
        to.symlink_to(data_dir() / "football-data" / "mmz4281" / season / f"{division}.csv")
    report = scoreline.backtest.football_data_report(tmp_path / "mmz4281")
    keys = list(zip(report["league"], report["season"]))
    assert keys == [
        ("E0", "2223"), ("E0", "2324"), ("E0", "all"),
        ("E1", "2223"), ("E1", "2324"), ("E1", "all"),
        ("SP1", "2324"), ("SP1", "all"),
        ("all", "all"),
    ]  # fmt: skip
    seasons = report[report["season"] != "all"]
    assert report["matches"].iloc[-1] == seasons["matches"].sum() == 380 * 3 + 552 * 2
    # E0 is the walk-forward of E0 on E0 + E1 with the same options.
    history = read_with_e1(tmp_path)
    direct = scoreline.backtest.walk_forward(
        history, leagues="E0", seasons=SEASONS, window_days=1461, progress=False
    ).market_report()
    np.testing.assert_allclose(report["model_rps"].iloc[:2], direct["model_rps"].iloc[:2], rtol=0, atol=1e-12)
    np.testing.assert_allclose(report["market_rps"].iloc[:2], direct["market_rps"].iloc[:2], rtol=0, atol=1e-12)
    only = scoreline.backtest.football_data_report(tmp_path, leagues=["SP1"], seasons="2324")
    assert list(only["league"]) == ["SP1", "SP1", "all"]
    with pytest.raises(scoreline.BacktestError, match="no D1 file"):
        scoreline.backtest.football_data_report(tmp_path, leagues="D1")
    with pytest.raises(scoreline.BacktestError, match="window_days"):
        scoreline.backtest.football_data_report(tmp_path, window_days=0)


def read_with_e1(folder: Any) -> pd.DataFrame:
    """E0 and E1 of the folder, through scoreline's reader."""
    return scoreline.read_football_data(folder, divisions=["E0", "E1"])
