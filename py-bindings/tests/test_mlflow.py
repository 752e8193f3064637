"""The MLflow flavour against real MLflow with a sqlite tracking store."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import scoreline

mlflow = pytest.importorskip("mlflow")
import scoreline.mlflow as slmlflow


@pytest.fixture()
def tracking(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    uri = f"sqlite:///{tmp_path / 'mlflow.db'}"
    monkeypatch.setenv("MLFLOW_SKIP_PIP_REQUIREMENTS_CHECK", "true")
    monkeypatch.chdir(tmp_path)
    mlflow.set_tracking_uri(uri)
    mlflow.set_registry_uri(uri)
    mlflow.set_experiment("scoreline-tests")
    yield uri
    mlflow.set_tracking_uri(None)


@pytest.fixture(scope="module")
def fitted(season_2324: pd.DataFrame) -> scoreline.DixonColes:
    return scoreline.DixonColes().fit(season_2324)


def fixtures_frame(df: pd.DataFrame) -> pd.DataFrame:
    return pd.DataFrame({"home_team": df["HomeTeam"], "away_team": df["AwayTeam"], "neutral": False}).reset_index(drop=True)


def test_log_load_predict_parity(tracking: str, fitted: scoreline.DixonColes, season_2324: pd.DataFrame) -> None:
    with mlflow.start_run():
        info = slmlflow.log_model(fitted, "model", registered_model_name="scoreline-e0")
    loaded = mlflow.pyfunc.load_model(info.model_uri)
    frame = fixtures_frame(season_2324)
    got = loaded.predict(frame)
    expected = fitted.predict_proba(frame["home_team"], frame["away_team"]).to_numpy()
    np.testing.assert_array_equal(got[["p_home", "p_draw", "p_away"]].to_numpy(), expected)
    assert list(got.columns) == slmlflow.OUTPUT_COLUMNS
    assert loaded.metadata.signature is not None
    versions = mlflow.MlflowClient().search_model_versions("name='scoreline-e0'")
    assert [int(v.version) for v in versions] == [1]
    with pytest.raises(Exception, match="home_team"):
        loaded.predict(pd.DataFrame({"home": ["Arsenal"], "away_team": ["Chelsea"]}))


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_mlflow_models_serve_answers_with_the_same_probabilities(
    tracking: str, fitted: scoreline.DixonColes, tmp_path: Path
) -> None:
    with mlflow.start_run():
        info = slmlflow.log_model(fitted, "model")
    port = free_port()
    # The scoring server runs `uvicorn` from the environment's bin folder.
    path = os.pathsep.join([os.path.dirname(sys.executable), os.environ.get("PATH", "")])
    env = dict(os.environ, PATH=path, MLFLOW_TRACKING_URI=tracking, MLFLOW_SKIP_PIP_REQUIREMENTS_CHECK="true")
    mlflow_cli = [sys.executable, "-m", "mlflow"]
    server = subprocess.Popen(
        [*mlflow_cli, "models", "serve", "-m", info.model_uri, "--env-manager", "local", "-h", "127.0.0.1", "-p", str(port)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    try:
        body = json.dumps({"dataframe_split": {"columns": ["home_team", "away_team"], "data": [["Arsenal", "Chelsea"], ["Luton", "Fulham"]]}})
        deadline = time.time() + 120
        answer = None
        while time.time() < deadline and answer is None:
            if server.poll() is not None:
                raise AssertionError(server.stdout.read().decode() if server.stdout else "server exited")
            try:
                req = urllib.request.Request(
                    f"http://127.0.0.1:{port}/invocations", data=body.encode(), headers={"Content-Type": "application/json"}
                )
                with urllib.request.urlopen(req, timeout=5) as resp:
                    answer = json.loads(resp.read())
            except urllib.error.HTTPError as exc:
                raise AssertionError(f"/invocations answered {exc.code}: {exc.read()[:500]!r}") from None
            except OSError:
                time.sleep(0.5)
        assert answer is not None, "mlflow models serve did not answer in time"
        rows = pd.DataFrame(answer["predictions"])
        expected = fitted.predict_proba(["Arsenal", "Luton"], ["Chelsea", "Fulham"])
        np.testing.assert_allclose(rows[["p_home", "p_draw", "p_away"]].to_numpy(), expected, rtol=0, atol=1e-15)
    finally:
        server.terminate()
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()


def test_train_and_register_promotes_only_real_improvements(tracking: str) -> None:
    from conftest import load_season

    df = pd.concat([load_season("2223"), load_season("2324")], ignore_index=True)
    first = slmlflow.train_and_register(df, "e0-promotion", holdout_fraction=0.25, xi=0.0018)
    assert first["promoted"] and first["reason"] == "no champion yet" and first["version"] == "1"
    assert 0.15 < first["metrics"]["holdout_rps"] < 0.3
    # A crippled model (no home advantage, heavy ridge) is not promoted.
    worse = slmlflow.train_and_register(
        df, "e0-promotion", holdout_fraction=0.25, xi=0.0018, home_advantage=False, ridge=50.0
    )
    assert not worse["promoted"] and worse["champion_version"] == "1", worse["reason"]
    assert worse["diebold_mariano"]["mean_difference"] > 0
    # The same model again is no significant improvement either.
    same = slmlflow.train_and_register(df, "e0-promotion", holdout_fraction=0.25, xi=0.0018)
    assert not same["promoted"], same["reason"]
    client = mlflow.MlflowClient()
    assert str(client.get_model_version_by_alias("e0-promotion", "champion").version) == "1"
    # Against a crippled champion, the good model wins with a significant test.
    bad = slmlflow.train_and_register(df, "e0-bad", holdout_fraction=0.25, home_advantage=False, ridge=50.0)
    assert bad["promoted"]
    good = slmlflow.train_and_register(df, "e0-bad", holdout_fraction=0.25, xi=0.0018)
    assert good["promoted"], good["reason"]
    assert good["diebold_mariano"]["p_value"] < 0.05
    assert str(client.get_model_version_by_alias("e0-bad", "champion").version) == "2"


def test_log_model_with_a_calibrator(tracking: str, fitted: scoreline.DixonColes, season_2324: pd.DataFrame) -> None:
    from scoreline.calibration import OutcomeCalibrator

    frame = fixtures_frame(season_2324)
    probs = fitted.predict_proba(frame["home_team"], frame["away_team"]).to_numpy()
    outcome = np.select([season_2324["FTHG"] > season_2324["FTAG"], season_2324["FTHG"] == season_2324["FTAG"]], [0, 1], 2)
    calibrator = OutcomeCalibrator().fit(probs, outcome)
    with mlflow.start_run():
        info = slmlflow.log_model(fitted, "calibrated", calibrator=calibrator)
    got = mlflow.pyfunc.load_model(info.model_uri).predict(frame)
    np.testing.assert_array_equal(got[["p_home", "p_draw", "p_away"]].to_numpy(), calibrator.predict(probs))
