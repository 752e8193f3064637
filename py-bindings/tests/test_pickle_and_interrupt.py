"""Everything that crosses to Spark executors pickles (pickle and cloudpickle)
with identical predictions, and Ctrl-C stops a long backtest within a second."""

from __future__ import annotations

import pickle
import signal
import subprocess
import sys
import textwrap
import time
from typing import Any

import cloudpickle
import numpy as np
import pandas as pd
import pytest

import scoreline
from conftest import data_dir, load_season

DUMPERS = [pytest.param(pickle.dumps, id="pickle"), pytest.param(cloudpickle.dumps, id="cloudpickle")]


@pytest.fixture(scope="module")
def e0() -> pd.DataFrame:
    return pd.concat([load_season("2223"), load_season("2324")], ignore_index=True)


@pytest.fixture(scope="module")
def model(e0: pd.DataFrame) -> scoreline.DixonColes:
    return scoreline.DixonColes().fit(e0)


@pytest.mark.parametrize("dumps", DUMPERS)
def test_models_and_their_native_parts_round_trip(dumps: Any, model: scoreline.DixonColes, e0: pd.DataFrame) -> None:
    home, away = e0["HomeTeam"].tolist()[:50], e0["AwayTeam"].tolist()[:50]
    copy = pickle.loads(dumps(model))
    np.testing.assert_array_equal(copy.predict_proba(home, away), model.predict_proba(home, away))
    pd.testing.assert_frame_equal(
        copy.predict_markets(pd.DataFrame({"HomeTeam": home, "AwayTeam": away})),
        model.predict_markets(pd.DataFrame({"HomeTeam": home, "AwayTeam": away})),
    )
    native = pickle.loads(dumps(model.fitted_model))
    assert isinstance(native, scoreline.FittedModel)
    assert native.to_json() == model.fitted_model.to_json()
    grid = model.predict("Arsenal", "Chelsea")
    grid_copy = pickle.loads(dumps(grid))
    assert isinstance(grid_copy, scoreline.ScoreGrid)
    np.testing.assert_array_equal(grid_copy.to_numpy(), grid.to_numpy())
    assert grid_copy.over(2.5) == grid.over(2.5)
    unfitted = pickle.loads(dumps(scoreline.DixonColes(xi=0.001)))
    assert unfitted.xi == 0.001


@pytest.mark.parametrize("dumps", DUMPERS)
def test_backtest_results_round_trip_with_their_market_report(dumps: Any, e0: pd.DataFrame) -> None:
    result = scoreline.backtest.walk_forward(e0, seasons="2324", progress=False)
    copy = pickle.loads(dumps(result))
    pd.testing.assert_frame_equal(copy.predictions, result.predictions)
    pd.testing.assert_frame_equal(copy.metrics, result.metrics)
    pd.testing.assert_frame_equal(copy.market_report(), result.market_report())
    assert (copy.skipped, copy.elapsed_s) == (result.skipped, result.elapsed_s)


@pytest.mark.parametrize("dumps", DUMPERS)
def test_calibrators_round_trip(dumps: Any) -> None:
    rng = np.random.default_rng(3)
    probs = rng.dirichlet([4.0, 2.5, 3.0], size=400)
    outcomes = np.array([rng.choice(3, p=p) for p in probs])
    calibrator = scoreline.calibration.OutcomeCalibrator().fit(probs, outcomes)
    np.testing.assert_array_equal(pickle.loads(dumps(calibrator)).predict(probs), calibrator.predict(probs))
    x = rng.uniform(size=200)
    iso = scoreline.calibration.IsotonicRegression().fit(x, x + rng.normal(scale=0.1, size=200))
    np.testing.assert_array_equal(pickle.loads(dumps(iso)).predict(x), iso.predict(x))


INTERRUPTED = textwrap.dedent(
    """
    import sys, time
    import scoreline
    frame = scoreline.read_football_data({root!r}, divisions=["E0", "E1"])
    print("ready", flush=True)
    try:
        {call}
    except KeyboardInterrupt:
        print("interrupted", repr(time.time()), flush=True)
        sys.exit(0)
    print("finished", flush=True)
    """
)

LONG_RUNS = [
    pytest.param(
        "scoreline.backtest.walk_forward(frame, refit='date', threads=1, progress=False)", 1.0, id="walk_forward"
    ),
    pytest.param(
        "scoreline.backtest.football_data_report({root!r}, refit_days=1, window_days=20000)",
        1.0,
        id="football_data_report",
    ),
    # Every family and sequential model at once on 2 cores: each stops at its
    # next fold, but a sequential model's fold refits its candidates (and the
    # data loading before the first fold is not interruptible), so it may
    # take longer than a second.
    pytest.param(
        "scoreline.backtest.leaderboard({root!r}, models='all', refit_days=1, window_days=20000)",
        3.0,
        id="leaderboard",
    ),
]


@pytest.mark.parametrize(("call", "within"), LONG_RUNS)
def test_ctrl_c_stops_a_long_backtest_within_a_second(call: str, within: float) -> None:
    root = str(data_dir() / "football-data")
    script = INTERRUPTED.format(root=root, call=call.format(root=root))
    child = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        assert child.stdout is not None
        assert child.stdout.readline().strip() == "ready"
        time.sleep(1.5)  # well into the run (each takes minutes uninterrupted)
        sent = time.time()
        child.send_signal(signal.SIGINT)
        out, err = child.communicate(timeout=60)
    finally:
        child.kill()
    words = out.split()
    assert words[:1] == ["interrupted"], (out, err)
    assert float(words[1]) - sent < within, f"stopped {float(words[1]) - sent:.2f} s after Ctrl-C"
