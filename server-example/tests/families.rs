//! The server serves a model file of any goal-model family: `/v1/model`
//! names the family and its extra parameters, and `/v1/predict` prices
//! exactly what `FittedModel::predict` does for that model.

mod common;

use common::{client, family_model, TestServer};
use reqwest::StatusCode;
use scoreline_dixon_coles::model::options::Family;
use scoreline_dixon_coles::model::FittedModel;
use scoreline_server::ModelSource;
use serde_json::{json, Value};

const LIMIT: usize = 4 * 1024 * 1024;

/// Fits `family` to the test league, saves it, serves the file and
/// returns the server, the model as fitted and the model as read back.
async fn serve(family: Family) -> (TestServer, FittedModel, FittedModel, tempfile::TempDir) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join(format!("{}.json", family.name()));
    let fitted = family_model(family, 3, 4);
    assert_eq!(fitted.family(), family);
    fitted.save(&path).unwrap();
    let loaded = FittedModel::load(&path).unwrap();
    let server = TestServer::start(ModelSource::File(path), LIMIT).await;
    (server, fitted, loaded, dir)
}

async fn get(server: &TestServer, path: &str) -> Value {
    let response = client().get(server.url(path)).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    response.json().await.unwrap()
}

async fn predict(server: &TestServer, body: Value) -> Value {
    let response = client()
        .post(server.url("/v1/predict"))
        .json(&body)
        .send()
        .await
        .unwrap();
    let status = response.status();
    let body: Value = response.json().await.unwrap();
    assert_eq!(status, StatusCode::OK, "{body}");
    body
}

fn close(a: f64, b: f64, what: &str) {
    assert!(
        (a - b).abs() <= 1e-12 * (1.0 + b.abs()),
        "{what}: served {a}, FittedModel {b}"
    );
}

/// `/v1/model` for `model`: the family by name, its extras by name with
/// the fitted values, and `rho` only for Dixon–Coles.
fn check_model_info(info: &Value, model: &FittedModel) {
    let family = model.family();
    assert_eq!(info["family"], family.name(), "{info}");
    let extras = info["extra_parameters"]
        .as_object()
        .unwrap_or_else(|| panic!("extra_parameters is an object: {info}"));
    let names: Vec<&str> = family.extra_parameters().iter().map(|p| p.name).collect();
    let mut served: Vec<&str> = extras.keys().map(String::as_str).collect();
    let mut expected = names.clone();
    served.sort_unstable();
    expected.sort_unstable();
    assert_eq!(served, expected, "{info}");
    for (name, value) in names.iter().zip(family.extra_values(model.parameters())) {
        close(extras[*name].as_f64().unwrap(), value, name);
    }
    if family == Family::DixonColes {
        close(info["rho"].as_f64().unwrap(), model.parameters().rho, "rho");
        assert_eq!(info["rho"], info["extra_parameters"]["rho"]);
    } else {
        assert!(info.get("rho").is_none(), "only Dixon–Coles has ρ: {info}");
    }
    let at_boundary: Vec<&str> = info["fit"]["at_boundary"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap())
        .collect();
    assert_eq!(at_boundary, model.summary().at_boundary, "{info}");
}

/// `/v1/predict` of every fixture of the league with every market against
/// `FittedModel::predict` of the model read back from the file (exactly)
/// and as fitted (to 1e-12).
async fn check_predictions(server: &TestServer, fitted: &FittedModel, loaded: &FittedModel) {
    for (home, away, neutral) in [
        ("Arsenal", "Chelsea", false),
        ("Wolves", "Arsenal", false),
        ("Fulham", "Everton", true),
    ] {
        let p = predict(
            server,
            json!({"home": home, "away": away, "neutral": neutral,
                   "markets": {"over_under": [1.5, 2.5, 3.25], "asian_handicap": [-0.5, 0.25], "correct_scores": 3, "grid": true}}),
        )
        .await;
        let grid = loaded.predict(home, away, neutral).unwrap();
        let reference = fitted.predict(home, away, neutral).unwrap();
        let outcomes = grid.outcome_probabilities();
        for (name, want) in [
            ("home", outcomes.home),
            ("draw", outcomes.draw),
            ("away", outcomes.away),
        ] {
            assert_eq!(p["outcomes"][name].as_f64().unwrap(), want, "{name}");
        }
        let fitted_outcomes = reference.outcome_probabilities();
        close(
            p["outcomes"]["home"].as_f64().unwrap(),
            fitted_outcomes.home,
            "home",
        );
        close(
            p["outcomes"]["away"].as_f64().unwrap(),
            fitted_outcomes.away,
            "away",
        );
        assert_eq!(
            p["expected_goals"]["home"].as_f64().unwrap(),
            grid.home_rate()
        );
        assert_eq!(
            p["expected_goals"]["away"].as_f64().unwrap(),
            grid.away_rate()
        );
        assert_eq!(p["max_goals"].as_u64().unwrap() as usize, grid.max_goals());
        assert_eq!(
            p["mass_outside_grid"].as_f64().unwrap(),
            grid.mass_outside()
        );
        for (i, line) in [1.5, 2.5, 3.25].into_iter().enumerate() {
            let over = grid.over(line).unwrap();
            assert_eq!(
                p["over_under"][i]["over"]["win"].as_f64().unwrap(),
                over.win
            );
        }
        let home_ah = grid.asian_handicap_home(0.25).unwrap();
        assert_eq!(
            p["asian_handicap"][1]["home"]["half_win"].as_f64().unwrap(),
            home_ah.half_win
        );
        assert_eq!(
            p["both_teams_to_score"]["yes"].as_f64().unwrap(),
            grid.both_teams_to_score().yes
        );
        let size = grid.size();
        let rows = p["grid"].as_array().unwrap();
        assert_eq!(rows.len(), size);
        for (h, row) in rows.iter().enumerate() {
            for (a, cell) in row.as_array().unwrap().iter().enumerate() {
                assert_eq!(cell.as_f64().unwrap(), grid.probability(h, a), "{h}-{a}");
            }
        }
    }
}

#[tokio::test]
async fn serves_a_negative_binomial_model_file() {
    let (server, fitted, loaded, _dir) = serve(Family::NegativeBinomial).await;
    check_model_info(&get(&server, "/v1/model").await, &fitted);
    check_predictions(&server, &fitted, &loaded).await;
    server.stop().await;
}

#[tokio::test]
async fn serves_a_weibull_copula_model_file() {
    let (server, fitted, loaded, _dir) = serve(Family::WeibullCopula).await;
    let info = get(&server, "/v1/model").await;
    check_model_info(&info, &fitted);
    assert_eq!(info["options"]["family"], "weibull_copula", "{info}");
    check_predictions(&server, &fitted, &loaded).await;
    // A Weibull copula prices differently from Dixon–Coles on the same data.
    let dc = family_model(Family::DixonColes, 3, 4);
    let p = predict(&server, json!({"home": "Arsenal", "away": "Chelsea"})).await;
    let dc_home = dc
        .predict("Arsenal", "Chelsea", false)
        .unwrap()
        .outcome_probabilities()
        .home;
    assert!((p["outcomes"]["home"].as_f64().unwrap() - dc_home).abs() > 1e-6);
    server.stop().await;
}

#[tokio::test]
async fn dixon_coles_models_keep_rho() {
    let (server, fitted, loaded, _dir) = serve(Family::DixonColes).await;
    let info = get(&server, "/v1/model").await;
    check_model_info(&info, &fitted);
    assert!(info["rho"].is_f64(), "{info}");
    check_predictions(&server, &fitted, &loaded).await;
    server.stop().await;
}

#[tokio::test]
async fn every_family_names_itself() {
    for family in Family::ALL {
        let (server, fitted, _loaded, _dir) = serve(family).await;
        check_model_info(&get(&server, "/v1/model").await, &fitted);
        server.stop().await;
    }
}
