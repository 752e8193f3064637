"""DixonColes from Python: inputs, outputs, errors, persistence and threads."""

from __future__ import annotations

import json
import pickle
import threading
import time
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import scoreline
from scoreline._scoreline import FittedModel

FIXTURES = Path(__file__).resolve().parents[2] / "dixon-coles" / "tests" / "fixtures" / "model-files"


@pytest.fixture(scope="module")
def model(season_2324: pd.DataFrame) -> scoreline.DixonColes:
    return scoreline.DixonColes().fit(season_2324)


def test_fit_reports_a_converged_maximum(model: scoreline.DixonColes) -> None:
    s = model.summary()
    assert model.converged and s["converged"]
    assert s["gradient_norm"] < 1e-7
    assert model.n_iter == s["iterations"] >= 1
    assert model.loglik == pytest.approx(s["log_likelihood"])
    assert s["matches_used"] == 380 and s["n_teams"] == 20
    assert 0.1 < s["home_advantage"] < 0.4
    assert s["home_advantage_se"] > 0
    assert s["rho_at_bound"] is False


def test_pandas_numpy_and_list_inputs_agree(season_2324: pd.DataFrame, model: scoreline.DixonColes) -> None:
    cols = {k: season_2324[k].tolist() for k in ["HomeTeam", "AwayTeam", "FTHG", "FTAG"]}
    cols["Date"] = season_2324["Date"].dt.strftime("%Y-%m-%d").tolist()
    from_lists = scoreline.DixonColes().fit(cols)
    from_arrays = scoreline.DixonColes().fit(
        None,
        home=season_2324["HomeTeam"].to_numpy(),
        away=season_2324["AwayTeam"].to_numpy(),
        home_goals=season_2324["FTHG"].to_numpy(),
        away_goals=season_2324["FTAG"].to_numpy(),
        date=season_2324["Date"].to_numpy(),
    )
    for other in (from_lists, from_arrays):
        assert other.loglik == model.loglik
        np.testing.assert_array_equal(
            other.predict_proba(["Arsenal", "Luton"], ["Chelsea", "Fulham"]),
            model.predict_proba(["Arsenal", "Luton"], ["Chelsea", "Fulham"]),
        )


def test_predict_proba_returns_arrays_or_frames(season_2324: pd.DataFrame, model: scoreline.DixonColes) -> None:
    arr = model.predict_proba(["Arsenal"], ["Chelsea"])
    assert isinstance(arr, np.ndarray) and arr.shape == (1, 3)
    frame = model.predict_proba(season_2324["HomeTeam"], season_2324["AwayTeam"])
    assert isinstance(frame, pd.DataFrame) and list(frame.columns) == ["home", "draw", "away"]
    assert frame.index.equals(season_2324.index)
    np.testing.assert_allclose(frame.sum(axis=1), 1.0, atol=1e-12)
    grid = model.predict("Arsenal", "Chelsea")
    np.testing.assert_allclose(arr[0], grid.home_draw_away, atol=0)
    neutral = model.predict_proba(["Arsenal"], ["Chelsea"], neutral=[True])
    assert neutral[0, 0] < arr[0, 0]


def test_score_grid_markets_are_consistent(model: scoreline.DixonColes) -> None:
    g = model.predict("Arsenal", "Chelsea")
    m = g.to_numpy()
    # The adaptive grid: as many goals a side as keep all but 1e-12 of the mass.
    assert m.shape == (g.max_goals + 1, g.max_goals + 1) and g.max_goals > 10
    assert g.mass_outside < 1e-12 and m.sum() == pytest.approx(1.0, abs=1e-12)
    assert g.home_win == pytest.approx(np.tril(m, -1).sum(), abs=1e-12)
    over = g.over(2.5)
    assert over["win"] + g.under(2.5)["win"] == pytest.approx(1.0, abs=1e-12)
    assert g.btts[0] == pytest.approx(m[1:, 1:].sum(), abs=1e-12)
    ah = g.asian_handicap_home(-0.25)
    assert ah["half_loss"] == pytest.approx(g.draw, abs=1e-12)
    assert g.exact_score(1, 0) == pytest.approx(m[1, 0])
    assert g.most_likely_scores(1)[0][2] == pytest.approx(m.max())
    assert g.total_goals_distribution().sum() == pytest.approx(1.0, abs=1e-12)
    big = model.fitted_model.predict("Arsenal", "Chelsea", False, 50)
    assert big.to_numpy().shape == (51, 51)


def test_predict_markets_frame(season_2324: pd.DataFrame, model: scoreline.DixonColes) -> None:
    frame = model.predict_markets(season_2324.head(5))
    assert len(frame) == 5
    for column in ["p_home", "p_draw", "p_away", "xg_home", "xg_away", "p_over_2_5", "p_btts", "most_likely_score"]:
        assert column in frame.columns
    np.testing.assert_allclose(frame[["p_home", "p_draw", "p_away"]].sum(axis=1), 1.0, atol=1e-12)


def test_errors_are_value_errors_that_name_the_fault(season_2324: pd.DataFrame, model: scoreline.DixonColes) -> None:
    with pytest.raises(scoreline.UnknownTeamError, match="closest known teams: Arsenal"):
        model.predict("Arsenl", "Chelsea")
    with pytest.raises(ValueError):
        model.predict("Arsenl", "Chelsea")
    with pytest.raises(scoreline.PredictError, match="both"):
        model.predict("Arsenal", "Arsenal")
    with pytest.raises(scoreline.UnknownTeamError, match="fixture 1"):
        model.predict_proba(["Arsenal", "Nobody"], ["Chelsea", "Fulham"])
    with pytest.raises(scoreline.PredictError, match="cap of 50"):
        model.fitted_model.predict("Arsenal", "Chelsea", False, 51)
    with pytest.raises(scoreline.PredictError, match="multiple of 0.25"):
        model.predict("Arsenal", "Chelsea").over(2.3)
    bad = season_2324.copy()
    bad.loc[7, "FTHG"] = -1
    with pytest.raises(scoreline.DataError, match="row 7: home_goals = -1"):
        scoreline.DixonColes().fit(bad)
    bad["FTHG"] = bad["FTHG"].astype(float)
    bad.loc[7, "FTHG"] = 1.5
    with pytest.raises(scoreline.DataError, match="row 7"):
        scoreline.DixonColes().fit(bad)
    with pytest.raises(scoreline.DataError, match="no column 'Goals'"):
        scoreline.DixonColes().fit(season_2324, home_goals="Goals")
    with pytest.raises(scoreline.DataError, match="rows"):
        scoreline.DixonColes().fit(None, home=["A", "B"], away=["B"], home_goals=[1, 2], away_goals=[0, 0], date=None)
    same = season_2324.copy()
    same.loc[3, "AwayTeam"] = same.loc[3, "HomeTeam"]
    with pytest.raises(scoreline.DataError, match="home team and away team"):
        scoreline.DixonColes().fit(same)
    with pytest.raises(scoreline.FitError, match="ridge"):
        scoreline.DixonColes(ridge=-1).fit(season_2324)
    with pytest.raises(scoreline.NotFittedError):
        scoreline.DixonColes().predict("A", "B")
    missing = season_2324.copy()
    missing.loc[5, "AwayTeam"] = None
    with pytest.raises(scoreline.DataError, match="row 5: away is missing"):
        scoreline.DixonColes().fit(missing)
    with pytest.raises(scoreline.DataError, match="3 is not a team name"):
        model.predict_proba(["Arsenal", 3], ["Chelsea", "Fulham"])
    with pytest.raises(scoreline.DataError, match="dates"):
        scoreline.DixonColes().fit(season_2324.assign(Date="yesterday"))


def test_json_pickle_and_file_round_trips_are_exact(tmp_path, model: scoreline.DixonColes) -> None:
    fixtures = (["Arsenal", "Luton", "Everton"], ["Chelsea", "Fulham", "Brighton"])
    expected = model.predict_proba(*fixtures)
    for other in (
        scoreline.DixonColes.from_json(model.to_json()),
        pickle.loads(pickle.dumps(model)),
    ):
        np.testing.assert_array_equal(other.predict_proba(*fixtures), expected)
    path = tmp_path / "model.json"
    model.save(path)
    np.testing.assert_array_equal(scoreline.DixonColes.load(path).predict_proba(*fixtures), expected)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["model.json"]
    doc = json.loads(path.read_text())
    doc["model"]["parameters"]["rho"] = 0.5
    path.write_text(json.dumps(doc))
    with pytest.raises(scoreline.ModelFileError, match="checksum"):
        scoreline.DixonColes.load(path)
    path.write_text(model.to_json()[:100])
    with pytest.raises(scoreline.ModelFileError):
        scoreline.DixonColes.load(path)


def test_a_saved_model_is_a_rust_model_file_with_its_options(tmp_path, season_2324: pd.DataFrame) -> None:
    model = scoreline.DixonColes(max_goals=12, truncate=True, xi=0.001).fit(season_2324)
    path = tmp_path / "m.json"
    model.save(path)
    # One format: the Rust loader (which the server and MLflow use) reads it.
    doc = json.loads(path.read_text())
    assert doc["format"] == "scoreline-dixon-coles" and doc["format_version"] == 3 and doc["family"] == "dixon_coles"
    rust = FittedModel.load(path)
    assert rust.teams == model.teams
    _native, version, metadata = FittedModel.load_model_file(path)
    assert version == 3
    assert json.loads(metadata)["python_options"]["max_goals"] == 12
    again = scoreline.DixonColes.load(path)
    assert (again.max_goals, again.truncate, again.xi) == (12, True, 0.001)
    assert sum(again.predict("Arsenal", "Chelsea").home_draw_away) == pytest.approx(1.0)
    # The options are under the checksum.
    path.write_text(path.read_text().replace('"max_goals": 12', '"max_goals": 40'))
    with pytest.raises(scoreline.ModelFileError, match="checksum"):
        scoreline.DixonColes.load(path)


def test_files_of_the_former_python_format_keep_loading() -> None:
    old = scoreline.DixonColes.load(FIXTURES / "python-wrapped-v1.json")
    # Files from before exact grids keep their truncated grid.
    assert old.max_goals == 12 and old.truncate
    assert old.teams == FittedModel.load(FIXTURES / "rust-v1.json").teams
    assert sum(old.predict("T00", "T01").home_draw_away) == pytest.approx(1.0)
    assert scoreline.DixonColes.from_json((FIXTURES / "python-v2.json").read_text()).max_goals == 12


def test_repr_and_html(model: scoreline.DixonColes) -> None:
    text = repr(model)
    assert "Dixon and Coles" in text and "Arsenal" in text and "Rho:" in text
    assert "<table>" in model._repr_html_()
    assert "not fitted" in repr(scoreline.DixonColes())
    ratings = model.ratings()
    assert list(ratings.columns) == ["team", "attack", "defence", "strength", "attack_se", "defence_se"]
    assert ratings["attack"].sum() == pytest.approx(0.0, abs=1e-9)


def test_ratings_call_the_total_strength_as_the_server_does(model: scoreline.DixonColes) -> None:
    """Issue 15 item 9: one name for attack + defence (the server's ``strength``), strongest first."""
    ratings = model.ratings()
    assert "overall" not in ratings.columns
    np.testing.assert_allclose(ratings["strength"], ratings["attack"] + ratings["defence"], rtol=0, atol=1e-15)
    assert ratings["strength"].is_monotonic_decreasing


def test_fit_releases_the_gil(season_2324: pd.DataFrame) -> None:
    big = pd.concat([season_2324.assign(Date=season_2324["Date"] - pd.Timedelta(days=365 * k)) for k in range(40)])
    ticks = 0
    done = threading.Event()

    def spin() -> None:
        nonlocal ticks
        while not done.is_set():
            ticks += 1
            time.sleep(0)

    spinner = threading.Thread(target=spin)
    spinner.start()
    fits = []
    start = time.perf_counter()
    while time.perf_counter() - start < 0.5:
        before = ticks
        scoreline.DixonColes().fit(big)
        fits.append(ticks - before)
    done.set()
    spinner.join()
    # The other thread kept running Python code while Rust fitted.
    assert sum(fits) > 10 * len(fits)
