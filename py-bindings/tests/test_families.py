"""The seven goal-model families in Python: one API, every family fitted on
E0 2023-24, persisted, backtested and served through MLflow."""

from __future__ import annotations

import json
import math
import pickle
from pathlib import Path
from typing import Any

import cloudpickle
import numpy as np
import pandas as pd
import pytest

import scoreline
from conftest import load_season

CLASSES: list[type[scoreline.GoalModel]] = [
    scoreline.Poisson,
    scoreline.DixonColes,
    scoreline.NegativeBinomial,
    scoreline.ZeroInflatedPoisson,
    scoreline.BivariatePoisson,
    scoreline.WeibullCopula,
    scoreline.ConwayMaxwellPoisson,
]
NAMES = [
    "poisson",
    "dixon_coles",
    "negative_binomial",
    "zero_inflated_poisson",
    "bivariate_poisson",
    "weibull_copula",
    "conway_maxwell_poisson",
]
FIXTURES = (["Arsenal", "Luton", "Everton", "Man City"], ["Chelsea", "Fulham", "Brighton", "Liverpool"])


@pytest.fixture(scope="module")
def fitted(season_2324: pd.DataFrame) -> dict[str, scoreline.GoalModel]:
    return {cls.family: cls().fit(season_2324) for cls in CLASSES}


def test_every_family_is_exported_under_its_engine_name() -> None:
    assert [cls.family for cls in CLASSES] == NAMES
    assert list(scoreline.FAMILIES) == NAMES
    assert all(scoreline.FAMILIES[name] is cls for name, cls in zip(NAMES, CLASSES))
    assert all(issubclass(cls, scoreline.GoalModel) for cls in CLASSES)
    assert scoreline.model_class("weibull_copula") is scoreline.WeibullCopula
    with pytest.raises(scoreline.FitError, match="expected one of poisson, dixon_coles, negative_binomial"):
        scoreline.model_class("weibull")
    with pytest.raises(TypeError, match="shared base"):
        scoreline.GoalModel()


@pytest.mark.parametrize("family", NAMES)
def test_every_family_fits_and_its_probabilities_agree(
    fitted: dict[str, scoreline.GoalModel], season_2324: pd.DataFrame, family: str
) -> None:
    model = fitted[family]
    assert type(model) is scoreline.FAMILIES[family]
    assert model.fitted_model.family == family
    assert model.converged
    params = model.params
    assert list(model.fitted_model.extra_names) == list(model.extra_names)
    for name in model.extra_names:
        assert math.isfinite(params[name])
    if family != "dixon_coles":
        assert "rho" not in params
    probs = model.predict_proba(season_2324["HomeTeam"], season_2324["AwayTeam"])
    np.testing.assert_allclose(probs.sum(axis=1), 1.0, atol=1e-12)
    markets = model.predict_markets(season_2324)
    np.testing.assert_array_equal(markets[["p_home", "p_draw", "p_away"]].to_numpy(), probs.to_numpy())
    grid = model.predict(season_2324["HomeTeam"].iloc[0], season_2324["AwayTeam"].iloc[0])
    np.testing.assert_allclose(grid.home_draw_away, probs.iloc[0].to_numpy(), atol=1e-12)


@pytest.mark.parametrize("family", NAMES)
def test_loglik_aic_and_bic_follow_their_formulas(fitted: dict[str, scoreline.GoalModel], family: str) -> None:
    model = fitted[family]
    native = json.loads(model.fitted_model.summary_json())
    assert model.loglik == native["log_likelihood"] == model.summary()["log_likelihood"]
    n_teams = len(model.teams)
    k = 2 * n_teams - 2 + 1 + 1 + len(model.extra_names)
    assert model.n_params == k
    assert model.aic == pytest.approx(2 * k - 2 * native["log_likelihood"], rel=1e-15)
    assert model.bic == pytest.approx(k * math.log(native["matches_used"]) - 2 * native["log_likelihood"], rel=1e-15)
    assert native["matches_used"] == 380
    summary = model.summary()
    assert summary["family"] == family and summary["aic"] == model.aic and summary["bic"] == model.bic
    assert summary["at_boundary"] == native.get("at_boundary", [])
    for name in model.extra_names:
        assert summary[name] == model.params[name]
        if name in summary["at_boundary"]:
            assert summary[f"{name}_se"] is None
    # Fixing ρ (or γ) takes it out of k.
    assert scoreline.DixonColes(rho=False, home_advantage=False).fit(load_season("2324")).n_params == 2 * n_teams - 1


def test_families_that_nest_poisson_are_at_least_as_likely(fitted: dict[str, scoreline.GoalModel]) -> None:
    poisson = fitted["poisson"].loglik
    for family in ["dixon_coles", "negative_binomial", "zero_inflated_poisson", "bivariate_poisson", "conway_maxwell_poisson"]:
        assert fitted[family].loglik >= poisson - 1e-9, family
    # The Poisson family is Dixon–Coles with ρ fixed at 0.
    assert fitted["poisson"].loglik == pytest.approx(scoreline.DixonColes(rho=False).fit(load_season("2324")).loglik, abs=1e-9)
    assert fitted["dixon_coles"].loglik > poisson + 1e-6


@pytest.mark.parametrize("family", NAMES)
def test_save_load_json_and_pickles_round_trip(tmp_path: Path, fitted: dict[str, scoreline.GoalModel], family: str) -> None:
    model = fitted[family]
    expected = model.predict_proba(*FIXTURES)
    path = tmp_path / f"{family}.json"
    model.save(path)
    copies = [
        type(model).load(path),
        scoreline.load_model(path),
        type(model).from_json(model.to_json()),
        scoreline.model_from_json(model.to_json()),
        pickle.loads(pickle.dumps(model)),
        cloudpickle.loads(cloudpickle.dumps(model)),
    ]
    for copy in copies:
        assert type(copy) is type(model)
        assert copy.params == model.params
        np.testing.assert_array_equal(copy.predict_proba(*FIXTURES), expected)
    unfitted = pickle.loads(pickle.dumps(type(model)(xi=0.001)))
    assert type(unfitted) is type(model) and unfitted.xi == 0.001
    assert family in repr(model).lower().replace(" ", "_").replace("-", "_") or model.display_name in repr(model)
    assert "<table>" in model._repr_html_()
    assert "not fitted" in repr(type(model)())


def test_a_file_of_another_family_is_a_typed_error_that_points_to_load_model(
    tmp_path: Path, fitted: dict[str, scoreline.GoalModel]
) -> None:
    path = tmp_path / "nb.json"
    fitted["negative_binomial"].save(path)
    with pytest.raises(scoreline.ModelFileError, match=r"negative_binomial model, not dixon_coles.*scoreline\.load_model"):
        scoreline.DixonColes.load(path)
    with pytest.raises(scoreline.ModelFileError, match="NegativeBinomial.load"):
        scoreline.Poisson.from_json(fitted["negative_binomial"].to_json())
    assert type(scoreline.load_model(path)) is scoreline.NegativeBinomial


def test_an_unknown_family_is_a_fit_error_listing_the_families(season_2324: pd.DataFrame) -> None:
    import scoreline._columns as col

    columns = col.match_arrays(
        season_2324, home="HomeTeam", away="AwayTeam", home_goals="FTHG", away_goals="FTAG", date="Date", neutral=None, weights=None
    )
    args = [columns[k] for k in ["teams", "home", "away", "home_goals", "away_goals", "dates"]]
    with pytest.raises(scoreline.FitError, match="unknown family \"weibull\"; expected one of poisson, dixon_coles"):
        scoreline.FittedModel.fit(*args, family="weibull")
    assert scoreline.FittedModel.fit(*args, family="negative_binomial").family == "negative_binomial"
    assert scoreline.FittedModel.fit(*args).family == "dixon_coles"


@pytest.fixture(scope="module")
def e0() -> pd.DataFrame:
    return pd.concat([load_season(s) for s in ["2223", "2324"]], ignore_index=True)


BACKTEST: dict[str, Any] = {"seasons": "2324", "ridge": 1e-3, "xi": 0.0018, "progress": False}


@pytest.mark.parametrize("family", ["poisson", "negative_binomial"])
def test_walk_forward_by_family_name_equals_walk_forward_of_an_instance(e0: pd.DataFrame, family: str) -> None:
    by_name = scoreline.backtest.walk_forward(e0, model=family, **BACKTEST)
    cls = scoreline.FAMILIES[family]
    by_class = scoreline.backtest.walk_forward(e0, model=cls, **BACKTEST)
    # An instance's options replace the keyword arguments.
    instance = cls(xi=0.0018, ridge=1e-3)
    by_instance = scoreline.backtest.walk_forward(e0, model=instance, seasons="2324", xi=0.5, ridge=0.0, progress=False)
    columns = ["p_home", "p_draw", "p_away"]
    assert len(by_name.predictions) == 380
    for other in (by_class, by_instance):
        pd.testing.assert_frame_equal(other.predictions[columns], by_name.predictions[columns])
    # The family is really the one fitted: the last fold's model is that family's fit.
    dixon_coles = scoreline.backtest.walk_forward(e0, **BACKTEST)
    assert not np.array_equal(dixon_coles.predictions[columns].to_numpy(), by_name.predictions[columns].to_numpy())
    last = by_name.predictions.iloc[-1]
    fold_start = pd.Timestamp(by_name.folds["start"].iloc[-1])
    history = e0[e0["Date"] < fold_start]
    refit = cls(xi=0.0018, ridge=1e-3).fit(history, reference_date=fold_start)
    np.testing.assert_allclose(
        refit.predict_proba([last["home_team"]], [last["away_team"]])[0], last[columns].to_numpy(dtype=float), atol=1e-6
    )


def test_walk_forward_rejects_an_unknown_model(e0: pd.DataFrame) -> None:
    with pytest.raises(scoreline.FitError, match="expected one of poisson, dixon_coles"):
        scoreline.backtest.walk_forward(e0, model="weibull", **BACKTEST)
    with pytest.raises(scoreline.BacktestError, match="model = 3"):
        scoreline.backtest.walk_forward(e0, model=3, **BACKTEST)


mlflow = pytest.importorskip("mlflow")


@pytest.fixture()
def tracking(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Any:
    uri = f"sqlite:///{tmp_path / 'mlflow.db'}"
    monkeypatch.setenv("MLFLOW_SKIP_PIP_REQUIREMENTS_CHECK", "true")
    monkeypatch.chdir(tmp_path)
    mlflow.set_tracking_uri(uri)
    mlflow.set_registry_uri(uri)
    mlflow.set_experiment("scoreline-families")
    yield uri
    mlflow.set_tracking_uri(None)


def test_mlflow_logs_and_serves_a_negative_binomial(
    tracking: str, fitted: dict[str, scoreline.GoalModel], season_2324: pd.DataFrame
) -> None:
    import scoreline.mlflow as slmlflow

    model = fitted["negative_binomial"]
    with mlflow.start_run():
        info = slmlflow.log_model(model, "model")
    loaded = mlflow.pyfunc.load_model(info.model_uri)
    assert type(loaded.unwrap_python_model()._model) is scoreline.NegativeBinomial
    frame = pd.DataFrame({"home_team": season_2324["HomeTeam"], "away_team": season_2324["AwayTeam"]})
    got = loaded.predict(frame)[["p_home", "p_draw", "p_away"]].to_numpy()
    np.testing.assert_array_equal(got, model.predict_proba(frame["home_team"], frame["away_team"]).to_numpy())


def test_mlflow_model_sets_and_train_and_register_take_any_family(
    tracking: str, fitted: dict[str, scoreline.GoalModel], season_2324: pd.DataFrame
) -> None:
    import scoreline.mlflow as slmlflow

    models = {"NB": fitted["negative_binomial"], "CMP": fitted["conway_maxwell_poisson"]}
    with mlflow.start_run():
        info = slmlflow.log_models(models, "leagues")
    loaded = mlflow.pyfunc.load_model(info.model_uri)
    frame = pd.DataFrame({"league": ["NB", "CMP"], "home_team": ["Arsenal", "Arsenal"], "away_team": ["Chelsea", "Chelsea"]})
    got = loaded.predict(frame)
    for i, key in enumerate(["NB", "CMP"]):
        np.testing.assert_array_equal(
            got.loc[i, ["p_home", "p_draw", "p_away"]].to_numpy(dtype=float),
            models[key].predict_proba(["Arsenal"], ["Chelsea"])[0],
        )
    outcome = slmlflow.train_and_register(season_2324, "scoreline-zip", model="zero_inflated_poisson", xi=0.001)
    assert outcome["promoted"]
    champion = mlflow.pyfunc.load_model("models:/scoreline-zip@champion").unwrap_python_model()._model
    assert type(champion) is scoreline.ZeroInflatedPoisson and champion.xi == 0.001
    run = mlflow.MlflowClient().get_run(outcome["run_id"])
    assert run.data.params["family"] == "zero_inflated_poisson"


def test_k_counts_what_the_fit_estimated_even_for_a_file_without_python_options(season_2324: pd.DataFrame) -> None:
    model = scoreline.DixonColes(rho=False, home_advantage=False).fit(season_2324)
    n_teams = len(model.teams)
    assert model.n_params == 2 * n_teams - 1
    # The engine's own file (no python_options): the class's defaults say ρ
    # and γ are estimated, but this fit held both at 0.
    bare = scoreline.model_from_json(model.fitted_model.to_json())
    assert bare.rho is True and bare.home_advantage is True
    assert bare.n_params == 2 * n_teams - 1
    assert bare.aic == pytest.approx(2 * (2 * n_teams - 1) - 2 * model.loglik, rel=1e-15)
    nb = scoreline.NegativeBinomial(home_advantage=False).fit(season_2324)
    assert scoreline.model_from_json(nb.fitted_model.to_json()).n_params == 2 * n_teams - 2 + 1 + 1
