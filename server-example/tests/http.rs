//! Every endpoint and error path of the server, over real HTTP on 127.0.0.1.

mod common;

use common::{client, model_file, TestServer, TEAMS};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use reqwest::StatusCode;
use scoreline_server::error::ErrorBody;
use scoreline_server::{AppState, ModelSource, MAX_BATCH};
use serde_json::{json, Value};

const LIMIT: usize = 4 * 1024 * 1024;

async fn server() -> (TestServer, tempfile::TempDir) {
    let dir = tempfile::tempdir().unwrap();
    let path = model_file(dir.path(), "model.json", 1);
    (TestServer::start(ModelSource::File(path), LIMIT).await, dir)
}

async fn post(server: &TestServer, path: &str, body: Value) -> (StatusCode, Value) {
    let response = client()
        .post(server.url(path))
        .bearer_auth(common::ADMIN_TOKEN)
        .json(&body)
        .send()
        .await
        .unwrap();
    let status = response.status();
    (status, response.json().await.unwrap())
}

async fn post_raw(
    server: &TestServer,
    path: &str,
    body: &str,
    content_type: &str,
) -> (StatusCode, ErrorBody) {
    let response = client()
        .post(server.url(path))
        .header("content-type", content_type)
        .body(body.to_owned())
        .send()
        .await
        .unwrap();
    let status = response.status();
    (status, response.json().await.unwrap())
}

fn error(body: &Value) -> ErrorBody {
    serde_json::from_value(body.clone()).unwrap()
}

#[tokio::test]
async fn probes_model_and_teams() {
    let (server, _dir) = server().await;
    let c = client();
    let health: Value = c
        .get(server.url("/health"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(health["status"], "ok");
    let ready = c.get(server.url("/ready")).send().await.unwrap();
    assert_eq!(ready.status(), StatusCode::OK);
    let ready: Value = ready.json().await.unwrap();
    let model: Value = c
        .get(server.url("/v1/model"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(model["format"], "scoreline-dixon-coles");
    assert_eq!(
        model["format_version"],
        scoreline_dixon_coles::model::file::FORMAT_VERSION
    );
    assert_eq!(model["teams"], 6);
    assert_eq!(model["fit"]["converged"], true);
    assert!(model["fit"]["log_likelihood"].as_f64().unwrap() < 0.0);
    assert_eq!(model["fingerprint"]["matches"], 120);
    assert_eq!(ready["fingerprint"], model["fingerprint"]["sha256"]);
    assert_eq!(model["options"]["time_decay"]["xi_per_day"], 0.0018);

    let teams: Value = c
        .get(server.url("/v1/teams"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let names: Vec<&str> = teams["teams"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["team"].as_str().unwrap())
        .collect();
    assert_eq!(names, TEAMS.to_vec(), "default sort is by name");
    let by_attack: Value = c
        .get(server.url("/v1/teams?sort=attack"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let attack: Vec<f64> = by_attack["teams"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["attack"].as_f64().unwrap())
        .collect();
    assert!(
        attack.windows(2).all(|w| w[0] >= w[1]),
        "ratings sort descending by default: {attack:?}"
    );
    assert_eq!(
        by_attack["teams"][0]["team"], "Arsenal",
        "the strong attack of the test data"
    );
    assert!(by_attack["teams"][0]["attack_se"].as_f64().unwrap() > 0.0);
    let asc: Value = c
        .get(server.url("/v1/teams?sort=strength&order=asc"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let strength: Vec<f64> = asc["teams"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["strength"].as_f64().unwrap())
        .collect();
    assert!(strength.windows(2).all(|w| w[0] <= w[1]));

    let bad = c
        .get(server.url("/v1/teams?sort=height"))
        .send()
        .await
        .unwrap();
    assert_eq!(bad.status(), StatusCode::BAD_REQUEST);
    let bad: ErrorBody = bad.json().await.unwrap();
    assert_eq!(bad.error, "invalid_query");
    assert!(bad.message.contains("height"), "{}", bad.message);
}

#[tokio::test]
async fn not_ready_before_a_model_is_loaded() {
    let state = AppState::new(
        ModelSource::File("/nonexistent/model.json".into()),
        common::options(LIMIT),
    );
    let server = TestServer::start_with(state).await;
    let c = client();
    assert_eq!(
        c.get(server.url("/health")).send().await.unwrap().status(),
        StatusCode::OK
    );
    let ready = c.get(server.url("/ready")).send().await.unwrap();
    assert_eq!(ready.status(), StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(ready.json::<ErrorBody>().await.unwrap().error, "not_ready");
    let (status, body) = post(&server, "/v1/predict", json!({"home": "A", "away": "B"})).await;
    assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(error(&body).error, "not_ready");
    let (status, body) = post(&server, "/v1/model/reload", json!({})).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    let e = error(&body);
    assert_eq!(e.error, "reload_failed");
    assert!(
        e.message.contains("no model is serving") && !e.message.contains("/nonexistent"),
        "the path is logged, not returned: {}",
        e.message
    );
}

#[tokio::test]
async fn predict_prices_every_market() {
    let (server, _dir) = server().await;
    let (status, p) = post(
        &server,
        "/v1/predict",
        json!({"home": "Arsenal", "away": "Chelsea", "markets": {"over_under": [2.5, 2.25], "asian_handicap": [-0.5, -0.75, 0.0], "correct_scores": 3, "grid": true}}),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{p}");
    let o = &p["outcomes"];
    let (h, d, a) = (
        o["home"].as_f64().unwrap(),
        o["draw"].as_f64().unwrap(),
        o["away"].as_f64().unwrap(),
    );
    assert!((h + d + a - 1.0).abs() < 1e-12);
    assert!(
        p["expected_goals"]["home"].as_f64().unwrap()
            > p["expected_goals"]["away"].as_f64().unwrap()
    );
    let ou = p["over_under"].as_array().unwrap();
    assert_eq!(ou.len(), 2);
    let over = &ou[0]["over"];
    let under = &ou[0]["under"];
    assert!((over["win"].as_f64().unwrap() + under["win"].as_f64().unwrap() - 1.0).abs() < 1e-12);
    assert!(
        (over["fair_odds"].as_f64().unwrap() - 1.0 / over["win"].as_f64().unwrap()).abs() < 1e-9
    );
    assert!(
        ou[1]["over"]["half_loss"].as_f64().unwrap() > 0.0,
        "2.25 is a quarter line"
    );
    let ah = p["asian_handicap"].as_array().unwrap();
    assert_eq!(ah.len(), 3);
    assert!(
        (ah[0]["home"]["win"].as_f64().unwrap() - h).abs() < 1e-12,
        "home −0.5 wins on a home win"
    );
    assert!(
        (ah[2]["home"]["push"].as_f64().unwrap() - d).abs() < 1e-12,
        "level handicap pushes on a draw"
    );
    assert!(
        (ah[0]["away"]["win"].as_f64().unwrap() - (d + a)).abs() < 1e-12,
        "away +0.5 wins unless home wins"
    );
    let btts = &p["both_teams_to_score"];
    assert!((btts["yes"].as_f64().unwrap() + btts["no"].as_f64().unwrap() - 1.0).abs() < 1e-12);
    let scores = p["correct_scores"].as_array().unwrap();
    assert_eq!(scores.len(), 3);
    let grid = p["grid"].as_array().unwrap();
    // The adaptive grid: max_goals + 1 rows, as many as it needed.
    assert_eq!(grid.len() as u64, p["max_goals"].as_u64().unwrap() + 1);
    let total: f64 = grid
        .iter()
        .flat_map(|r| r.as_array().unwrap())
        .map(|v| v.as_f64().unwrap())
        .sum();
    assert!((total - 1.0).abs() < 1e-12);
    let best = &scores[0];
    let cell = grid[best["home_goals"].as_u64().unwrap() as usize]
        [best["away_goals"].as_u64().unwrap() as usize]
        .as_f64()
        .unwrap();
    assert_eq!(cell, best["probability"].as_f64().unwrap());

    // Defaults: the 2.5 line, no handicaps, no correct scores, no grid.
    let (status, p) = post(
        &server,
        "/v1/predict",
        json!({"home": "Fulham", "away": "Wolves", "neutral": true, "max_goals": 6, "truncate": true}),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    let lines: Vec<f64> = p["over_under"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l["line"].as_f64().unwrap())
        .collect();
    assert_eq!(lines, vec![2.5]);
    assert_eq!(p["asian_handicap"].as_array().unwrap().len(), 0);
    assert_eq!(p["correct_scores"].as_array().unwrap().len(), 0);
    assert!(p["grid"].is_null());
    assert_eq!(p["max_goals"], 6);
    assert!(p["mass_outside_grid"].as_f64().unwrap() > 0.0);
    let (_, home_venue) = post(
        &server,
        "/v1/predict",
        json!({"home": "Fulham", "away": "Wolves", "max_goals": 6, "truncate": true}),
    )
    .await;
    assert!(
        home_venue["expected_goals"]["home"].as_f64().unwrap()
            > p["expected_goals"]["home"].as_f64().unwrap()
    );
}

#[tokio::test]
async fn predictions_are_exact_by_default() {
    let (server, _dir) = server().await;
    let (status, p) = post(
        &server,
        "/v1/predict",
        json!({"home": "Fulham", "away": "Wolves"}),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    // The adaptive grid leaves less than 1e-12 outside (the old default of
    // 10 goals a side left about 1e-7 and renormalised silently).
    assert!(p["mass_outside_grid"].as_f64().unwrap() < 1e-12, "{p}");
    assert!(p["max_goals"].as_u64().unwrap() > 10, "{p}");
    let (status, wide) = post(
        &server,
        "/v1/predict",
        json!({"home": "Fulham", "away": "Wolves", "max_goals": 50}),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    for outcome in ["home", "draw", "away"] {
        let (a, b) = (
            p["outcomes"][outcome].as_f64().unwrap(),
            wide["outcomes"][outcome].as_f64().unwrap(),
        );
        assert!((a - b).abs() < 1e-12, "{outcome}: {a} v {b}");
    }
}

#[tokio::test]
async fn predict_errors_are_json_4xx_naming_the_field() {
    let (server, _dir) = server().await;
    let cases: Vec<(Value, StatusCode, &str, Option<&str>)> = vec![
        (
            json!({"home": "Arsenl", "away": "Chelsea"}),
            StatusCode::UNPROCESSABLE_ENTITY,
            "unknown_team",
            Some("home"),
        ),
        (
            json!({"home": "Arsenal", "away": "Chelsea FC"}),
            StatusCode::UNPROCESSABLE_ENTITY,
            "unknown_team",
            Some("away"),
        ),
        (
            json!({"home": "Arsenal", "away": "Arsenal"}),
            StatusCode::UNPROCESSABLE_ENTITY,
            "same_team",
            Some("away"),
        ),
        (
            json!({"home": "Arsenal", "away": "Chelsea", "max_goals": 51}),
            StatusCode::UNPROCESSABLE_ENTITY,
            "max_goals_too_large",
            Some("max_goals"),
        ),
        (
            // A grid of 0-0 only used to answer P(draw) = 1.
            json!({"home": "Arsenal", "away": "Chelsea", "max_goals": 0}),
            StatusCode::UNPROCESSABLE_ENTITY,
            "mass_outside_grid",
            Some("max_goals"),
        ),
        (
            json!({"home": "Arsenal", "away": "Chelsea", "max_goals": 6}),
            StatusCode::UNPROCESSABLE_ENTITY,
            "mass_outside_grid",
            Some("max_goals"),
        ),
        (
            json!({"home": "Arsenal", "away": "Chelsea", "max_goals": -1}),
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid_field",
            Some("max_goals"),
        ),
        (
            json!({"home": "Arsenal", "away": 7}),
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid_field",
            Some("away"),
        ),
        (
            json!({"home": "Arsenal"}),
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid_field",
            None,
        ),
        (
            json!({"home": "Arsenal", "away": "Chelsea", "nuetral": true}),
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid_field",
            Some("nuetral"),
        ),
        (
            json!({"home": "Arsenal", "away": "Chelsea", "markets": {"over_under": [2.3]}}),
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid_line",
            Some("markets.over_under[0]"),
        ),
        (
            json!({"home": "Arsenal", "away": "Chelsea", "markets": {"asian_handicap": [0.5, 0.1]}}),
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid_line",
            Some("markets.asian_handicap[1]"),
        ),
        (
            json!({"home": "Arsenal", "away": "Chelsea", "markets": {"over_under": vec![2.5; 65]}}),
            StatusCode::UNPROCESSABLE_ENTITY,
            "too_many_lines",
            Some("markets.over_under"),
        ),
        (
            json!({"home": "Arsenal", "away": "Chelsea", "markets": {"correct_scores": 21}}),
            StatusCode::UNPROCESSABLE_ENTITY,
            "too_many_scores",
            Some("markets.correct_scores"),
        ),
        (
            json!({"home": "x".repeat(201), "away": "Chelsea"}),
            StatusCode::UNPROCESSABLE_ENTITY,
            "name_too_long",
            Some("home"),
        ),
        (
            json!(["Arsenal", "Chelsea"]),
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid_field",
            None,
        ),
    ];
    for (body, status, code, field) in cases {
        let (got, response) = post(&server, "/v1/predict", body.clone()).await;
        assert_eq!(got, status, "{body} → {response}");
        let e = error(&response);
        assert_eq!(e.error, code, "{body} → {response}");
        assert_eq!(e.field.as_deref(), field, "{body} → {response}");
        assert!(!e.message.is_empty());
    }
    let (_, unknown) = post(
        &server,
        "/v1/predict",
        json!({"home": "Arsenl", "away": "Chelsea"}),
    )
    .await;
    let e = error(&unknown);
    assert_eq!(e.closest.first().map(String::as_str), Some("Arsenal"));
    assert!(
        e.message.contains("closest known teams: Arsenal"),
        "{}",
        e.message
    );
    let (_, missing) = post(&server, "/v1/predict", json!({"home": "Arsenal"})).await;
    assert!(error(&missing).message.contains("missing field `away`"));
    let (_, typo) = post(
        &server,
        "/v1/predict",
        json!({"home": "Arsenal", "away": "Chelsea", "nuetral": true}),
    )
    .await;
    assert!(error(&typo).message.contains("nuetral"));

    for (body, content_type, status, code) in [
        (
            "{\"home\": \"Arsenal\",",
            "application/json",
            StatusCode::BAD_REQUEST,
            "malformed_json",
        ),
        (
            "{\"home\": \"Arsenal\", \"away\": \"Chelsea\"} trailing",
            "application/json",
            StatusCode::BAD_REQUEST,
            "malformed_json",
        ),
        (
            "",
            "application/json",
            StatusCode::BAD_REQUEST,
            "malformed_json",
        ),
        (
            "\u{fffd}\u{0}",
            "application/json",
            StatusCode::BAD_REQUEST,
            "malformed_json",
        ),
        (
            "{\"home\": \"Arsenal\", \"away\": \"Chelsea\"}",
            "text/plain",
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "unsupported_media_type",
        ),
    ] {
        let (got, e) = post_raw(&server, "/v1/predict", body, content_type).await;
        assert_eq!((got, e.error.as_str()), (status, code), "{body:?}");
    }

    let c = client();
    let missing = c.get(server.url("/v2/predict")).send().await.unwrap();
    assert_eq!(missing.status(), StatusCode::NOT_FOUND);
    assert_eq!(
        missing.json::<ErrorBody>().await.unwrap().error,
        "not_found"
    );
    let wrong_method = c.get(server.url("/v1/predict")).send().await.unwrap();
    assert_eq!(wrong_method.status(), StatusCode::METHOD_NOT_ALLOWED);
    assert_eq!(
        wrong_method.json::<ErrorBody>().await.unwrap().error,
        "method_not_allowed"
    );
}

#[tokio::test]
async fn oversized_bodies_are_413() {
    let dir = tempfile::tempdir().unwrap();
    let path = model_file(dir.path(), "model.json", 1);
    let server = TestServer::start(ModelSource::File(path), 1024).await;
    let body =
        json!({"home": "Arsenal", "away": "Chelsea", "markets": {"over_under": vec![2.5; 400]}});
    let (status, response) = post(&server, "/v1/predict", body).await;
    assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE);
    let e = error(&response);
    assert_eq!(e.error, "body_too_large");
    assert!(e.message.contains("limit"), "{}", e.message);
    let (status, _) = post(
        &server,
        "/v1/predict",
        json!({"home": "Arsenal", "away": "Chelsea"}),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "small bodies still pass");
}

#[tokio::test]
async fn batch_predicts_in_order_and_caps_the_size() {
    let (server, _dir) = server().await;
    let fixtures: Vec<Value> = TEAMS
        .iter()
        .zip(TEAMS.iter().cycle().skip(1))
        .map(|(h, a)| json!({"home": h, "away": a}))
        .collect();
    let (status, body) = post(&server, "/v1/predict/batch", json!({"fixtures": fixtures})).await;
    assert_eq!(status, StatusCode::OK);
    let predictions = body["predictions"].as_array().unwrap();
    assert_eq!(predictions.len(), TEAMS.len());
    for (p, f) in predictions.iter().zip(&fixtures) {
        assert_eq!(p["home"], f["home"]);
        let (_, single) = post(&server, "/v1/predict", f.clone()).await;
        assert_eq!(p, &single, "a batch row equals the single prediction");
    }

    let (status, body) = post(&server, "/v1/predict/batch", json!({"fixtures": [{"home": "Arsenal", "away": "Chelsea"}, {"home": "Nobody", "away": "Chelsea"}]})).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(error(&body).field.as_deref(), Some("fixtures[1].home"));
    let (status, body) = post(
        &server,
        "/v1/predict/batch",
        json!({"fixtures": [{"home": "Arsenal", "away": "Chelsea", "max_goals": "ten"}]}),
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(error(&body).field.as_deref(), Some("fixtures[0].max_goals"));

    let full = vec![json!({"home": "Arsenal", "away": "Chelsea"}); MAX_BATCH];
    let (status, body) = post(&server, "/v1/predict/batch", json!({"fixtures": full})).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body["predictions"].as_array().unwrap().len(), MAX_BATCH);
    let over = vec![json!({"home": "Arsenal", "away": "Chelsea"}); MAX_BATCH + 1];
    let (status, body) = post(&server, "/v1/predict/batch", json!({"fixtures": over})).await;
    assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE);
    let e = error(&body);
    assert_eq!(e.error, "batch_too_large");
    assert!(
        e.message.contains("10001") && e.message.contains("10000"),
        "{}",
        e.message
    );
}

/// The ranked probability score of a 1X2 forecast for outcome `o`.
fn rps(p: [f64; 3], o: usize) -> f64 {
    let c1 = p[0] - f64::from(u8::from(o == 0));
    let c2 = p[0] + p[1] - f64::from(u8::from(o <= 1));
    (c1 * c1 + c2 * c2) / 2.0
}

/// Draws results from the model's own 1X2 forecasts (`honest`), or takes
/// the outcome each forecast scores worst on (`!honest`).
async fn results(server: &TestServer, n: usize, honest: bool) -> Vec<Value> {
    let mut rng = ChaCha8Rng::seed_from_u64(7);
    let mut out = Vec::new();
    for i in 0..n {
        let home = TEAMS[i % 6];
        let away = TEAMS[(i / 6 + i + 1) % 6];
        if home == away {
            continue;
        }
        let (_, p) = post(server, "/v1/predict", json!({"home": home, "away": away})).await;
        let probs = [
            p["outcomes"]["home"].as_f64().unwrap(),
            p["outcomes"]["draw"].as_f64().unwrap(),
            p["outcomes"]["away"].as_f64().unwrap(),
        ];
        let outcome = if honest {
            let u: f64 = rng.random();
            if u < probs[0] {
                0
            } else if u < probs[0] + probs[1] {
                1
            } else {
                2
            }
        } else {
            (0..3)
                .max_by(|&a, &b| rps(probs, a).total_cmp(&rps(probs, b)))
                .unwrap()
        };
        let (hg, ag) = [(2, 0), (1, 1), (0, 1)][outcome];
        out.push(json!({"home": home, "away": away, "home_goals": hg, "away_goals": ag}));
    }
    out
}

#[tokio::test]
async fn evaluate_scores_and_detects_drift() {
    let (server, _dir) = server().await;
    let matches = vec![
        json!({"home": "Arsenal", "away": "Chelsea", "home_goals": 3, "away_goals": 1}),
        json!({"home": "Everton", "away": "Wolves", "home_goals": 0, "away_goals": 0}),
        json!({"home": "Fulham", "away": "Liverpool", "home_goals": 0, "away_goals": 2, "neutral": true}),
    ];
    let (status, e) = post(&server, "/v1/evaluate", json!({"matches": matches})).await;
    assert_eq!(status, StatusCode::OK, "{e}");
    let mut probs = Vec::new();
    for m in &matches {
        let (_, p) = post(&server, "/v1/predict", json!({"home": m["home"], "away": m["away"], "neutral": m.get("neutral").unwrap_or(&json!(false))})).await;
        let o = &p["outcomes"];
        let row = [
            o["home"].as_f64().unwrap(),
            o["draw"].as_f64().unwrap(),
            o["away"].as_f64().unwrap(),
        ];
        let s: f64 = row.iter().sum();
        probs.extend(row.map(|v| v / s));
    }
    let outcomes = [0u32, 1, 2];
    let expect = |name: &str, value: f64| {
        let got = e["scores"][name].as_f64().unwrap();
        assert!((got - value).abs() < 1e-12, "{name}: {got} vs {value}");
    };
    expect(
        "rps",
        scoreline_metrics::rps(&probs, 3, &outcomes, None).unwrap(),
    );
    expect(
        "brier",
        scoreline_metrics::brier(&probs, 3, &outcomes, None).unwrap(),
    );
    expect(
        "log_loss",
        scoreline_metrics::log_loss(&probs, 3, &outcomes, None).unwrap(),
    );
    expect(
        "accuracy",
        scoreline_metrics::accuracy(&probs, 3, &outcomes, None).unwrap(),
    );
    assert_eq!(e["matches"], 3);

    let honest = results(&server, 600, true).await;
    let (_, fine) = post(&server, "/v1/evaluate", json!({"matches": honest})).await;
    assert_eq!(fine["drift"]["drifting"], false, "{fine}");
    assert!(fine["drift"]["z"].as_f64().unwrap().abs() < 3.0);
    let contrary = results(&server, 60, false).await;
    let (_, bad) = post(&server, "/v1/evaluate", json!({"matches": contrary})).await;
    assert_eq!(bad["drift"]["drifting"], true, "{bad}");
    assert!(
        bad["drift"]["observed_rps"].as_f64().unwrap()
            > bad["drift"]["expected_rps"].as_f64().unwrap()
    );
    let (_, lenient) = post(
        &server,
        "/v1/evaluate",
        json!({"matches": contrary, "drift_threshold": 1e9}),
    )
    .await;
    assert_eq!(lenient["drift"]["drifting"], false);

    for (body, status, field) in [
        (
            json!({"matches": []}),
            StatusCode::UNPROCESSABLE_ENTITY,
            Some("matches"),
        ),
        (
            json!({"matches": [{"home": "Arsenal", "away": "Chelsea", "home_goals": 1}]}),
            StatusCode::UNPROCESSABLE_ENTITY,
            Some("matches[0]"),
        ),
        (
            json!({"matches": [{"home": "Arsenal", "away": "Chelsea", "home_goals": 1, "away_goals": -2}]}),
            StatusCode::UNPROCESSABLE_ENTITY,
            Some("matches[0].away_goals"),
        ),
        (
            json!({"matches": [{"home": "Arsenal", "away": "Chelsa", "home_goals": 1, "away_goals": 2}]}),
            StatusCode::UNPROCESSABLE_ENTITY,
            Some("matches[0].away"),
        ),
        (
            json!({"matches": matches, "drift_threshold": -1.0}),
            StatusCode::UNPROCESSABLE_ENTITY,
            Some("drift_threshold"),
        ),
        (
            json!({"matches": vec![matches[0].clone(); MAX_BATCH + 1]}),
            StatusCode::PAYLOAD_TOO_LARGE,
            Some("matches"),
        ),
    ] {
        let (got, response) = post(&server, "/v1/evaluate", body).await;
        assert_eq!(got, status, "{response}");
        assert_eq!(error(&response).field.as_deref(), field, "{response}");
    }
}

async fn fingerprint(server: &TestServer) -> String {
    let model: Value = client()
        .get(server.url("/v1/model"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    model["fingerprint"]["sha256"].as_str().unwrap().to_owned()
}

#[tokio::test]
async fn reload_swaps_good_models_and_keeps_serving_after_a_bad_one() {
    let dir = tempfile::tempdir().unwrap();
    let path = model_file(dir.path(), "model.json", 1);
    let server = TestServer::start(ModelSource::File(path.clone()), LIMIT).await;
    let first = fingerprint(&server).await;

    common::model(2, 4).save(&path).unwrap();
    let (status, body) = post(&server, "/v1/model/reload", json!({})).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["reloaded"], true);
    let second = fingerprint(&server).await;
    assert_ne!(first, second, "the new model is serving");
    assert_eq!(body["model"]["fingerprint"]["sha256"], second.as_str());

    for (content, reason) in [
        ("{ not json", "not a valid scoreline model file"),
        ("{\"format\": \"something-else\"}", "format"),
    ] {
        std::fs::write(&path, content).unwrap();
        let (status, body) = post(&server, "/v1/model/reload", json!({})).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        let e = error(&body);
        assert_eq!(e.error, "reload_failed");
        assert!(
            e.message.contains("the previous model is still serving")
                && !e.message.contains(reason),
            "the reason is logged, not returned: {}",
            e.message
        );
        let logged = ModelSource::File(path.clone()).load().unwrap_err();
        assert!(logged.contains(reason), "{logged}");
        assert_eq!(
            fingerprint(&server).await,
            second,
            "the old model keeps serving"
        );
        let (status, _) = post(
            &server,
            "/v1/predict",
            json!({"home": "Arsenal", "away": "Chelsea"}),
        )
        .await;
        assert_eq!(status, StatusCode::OK);
    }
    std::fs::remove_file(&path).unwrap();
    let (status, body) = post(&server, "/v1/model/reload", json!({})).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    let message = error(&body).message;
    assert!(
        !message.contains(dir.path().to_str().unwrap()) && !message.contains("os error"),
        "{message}"
    );

    let metrics = client()
        .get(server.url("/metrics"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        metrics.contains("scoreline_model_reloads_total{result=\"success\"} 2"),
        "{metrics}"
    );
    assert!(
        metrics.contains("scoreline_model_reloads_total{result=\"failure\"} 3"),
        "{metrics}"
    );
    assert!(
        metrics.contains(&format!("scoreline_model_info{{fingerprint=\"{second}\"")),
        "{metrics}"
    );
    assert!(
        !metrics.contains(&format!("fingerprint=\"{first}\"")),
        "the old model's gauge is gone"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn requests_during_reloads_all_succeed() {
    let dir = tempfile::tempdir().unwrap();
    let path = model_file(dir.path(), "model.json", 1);
    let server = TestServer::start(ModelSource::File(path.clone()), LIMIT).await;
    let base = server.base.clone();
    let workers: Vec<_> = (0..4)
        .map(|w| {
            let base = base.clone();
            tokio::spawn(async move {
                let c = client();
                let mut ok = 0;
                for i in 0..150 {
                    let body = json!({"home": TEAMS[(w + i) % 6], "away": TEAMS[(w + i + 1) % 6]});
                    let r = c
                        .post(format!("{base}/v1/predict"))
                        .json(&body)
                        .send()
                        .await
                        .unwrap();
                    assert_eq!(r.status(), StatusCode::OK);
                    let p: Value = r.json().await.unwrap();
                    assert!(p["outcomes"]["home"].as_f64().unwrap() > 0.0);
                    ok += 1;
                }
                ok
            })
        })
        .collect();
    for seed in 0..20 {
        common::model(seed % 3 + 1, 4).save(&path).unwrap();
        let (status, body) = post(&server, "/v1/model/reload", json!({})).await;
        assert_eq!(status, StatusCode::OK, "{body}");
    }
    let mut total = 0;
    for w in workers {
        total += w.await.unwrap();
    }
    assert_eq!(total, 600);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn shutdown_finishes_requests_in_flight_then_stops() {
    let (mut server, _dir) = server().await;
    let url = server.url("/v1/predict/batch");
    let health = server.url("/health");
    // 10,000 8×8 grids: 860,000 numbers, within the default batch budget.
    let body = json!({"fixtures": vec![json!({"home": "Arsenal", "away": "Chelsea", "max_goals": 7, "truncate": true, "markets": {"grid": true}}); MAX_BATCH]});
    let in_flight = tokio::spawn(async move { client().post(url).json(&body).send().await });
    // Shut down once the batch is being handled (it holds a heavy-route permit).
    let heavy = server.state.heavy_in_flight();
    let all = server.state.options().max_heavy_in_flight;
    let waiting = std::time::Instant::now();
    while heavy.available_permits() == all {
        assert!(waiting.elapsed() < std::time::Duration::from_secs(10));
        tokio::time::sleep(std::time::Duration::from_millis(1)).await;
    }
    let serving = server.begin_shutdown();
    let response = in_flight
        .await
        .unwrap()
        .expect("the request in flight completes");
    assert_eq!(response.status(), StatusCode::OK);
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["predictions"].as_array().unwrap().len(), MAX_BATCH);
    serving.await.unwrap().unwrap();
    assert!(
        client().get(health).send().await.is_err(),
        "no longer accepting connections"
    );
}

#[tokio::test]
async fn metrics_count_requests_by_route_and_status() {
    let (server, _dir) = server().await;
    for _ in 0..3 {
        post(
            &server,
            "/v1/predict",
            json!({"home": "Arsenal", "away": "Chelsea"}),
        )
        .await;
    }
    post(
        &server,
        "/v1/predict",
        json!({"home": "Nobody", "away": "Chelsea"}),
    )
    .await;
    client()
        .get(server.url("/no/such/route"))
        .send()
        .await
        .unwrap();
    let response = client().get(server.url("/metrics")).send().await.unwrap();
    assert!(response.headers()["content-type"]
        .to_str()
        .unwrap()
        .starts_with("text/plain"));
    let text = response.text().await.unwrap();
    for line in [
        "scoreline_http_requests_total{method=\"POST\",route=\"/v1/predict\",status=\"200\"} 3",
        "scoreline_http_requests_total{method=\"POST\",route=\"/v1/predict\",status=\"422\"} 1",
        "scoreline_http_requests_total{method=\"GET\",route=\"unmatched\",status=\"404\"} 1",
        "scoreline_http_request_duration_seconds_count{method=\"POST\",route=\"/v1/predict\",status=\"200\"} 3",
        "scoreline_fixtures_predicted_total 3",
        "scoreline_model_reloads_total{result=\"success\"} 1",
    ] {
        assert!(text.contains(line), "missing {line:?} in\n{text}");
    }
    let version = scoreline_dixon_coles::model::file::FORMAT_VERSION;
    assert!(text.contains(&format!("format_version=\"{version}\"")));
}

#[tokio::test]
async fn openapi_document_covers_every_route() {
    let (server, _dir) = server().await;
    let doc: Value = client()
        .get(server.url("/openapi.json"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert!(doc["openapi"].as_str().unwrap().starts_with("3."));
    for (path, method) in [
        ("/health", "get"),
        ("/ready", "get"),
        ("/v1/model", "get"),
        ("/v1/teams", "get"),
        ("/v1/model/reload", "post"),
        ("/v1/predict", "post"),
        ("/v1/predict/batch", "post"),
        ("/v1/evaluate", "post"),
        ("/metrics", "get"),
        ("/openapi.json", "get"),
    ] {
        assert!(
            doc["paths"][path][method].is_object(),
            "{method} {path} is documented"
        );
    }
    let request = &doc["components"]["schemas"]["PredictRequest"];
    assert_eq!(request["additionalProperties"], false);
    assert!(request["required"]
        .as_array()
        .unwrap()
        .contains(&json!("home")));
}

#[tokio::test]
async fn slates_and_explanations() {
    let (server, _dir) = server().await;
    let fixtures = json!([
        {"home": "Arsenal", "away": "Chelsea"},
        {"home": "Everton", "away": "Wolves", "odds": [2.4, 3.2, 3.1]},
        {"home": "Fulham", "away": "Liverpool", "neutral": true},
    ]);
    let (status, body) = post(&server, "/v1/slate", json!({"fixtures": fixtures})).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let evaluations = body["evaluations"].as_array().unwrap();
    assert_eq!(evaluations.len(), 3);
    assert!(body["covering"].is_null());
    assert!(evaluations[1]["market"].is_array() && evaluations[0]["market"].is_null());
    let (_, single) = post(
        &server,
        "/v1/predict",
        json!({"home": "Arsenal", "away": "Chelsea"}),
    )
    .await;
    assert!(
        (evaluations[0]["probabilities"][0].as_f64().unwrap()
            - single["outcomes"]["home"].as_f64().unwrap())
        .abs()
            < 1e-12
    );
    let (status, body) = post(
        &server,
        "/v1/slate",
        json!({"fixtures": fixtures, "budget": 4}),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert!(body["covering"]["combinations"].as_u64().unwrap() <= 4);
    let (status, body) = post(
        &server,
        "/v1/slate",
        json!({"fixtures": fixtures, "budget": u64::MAX}),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert!(
        (body["covering"]["probability_all"].as_f64().unwrap() - 1.0).abs() < 1e-12,
        "everything covered"
    );

    for (request, code, field) in [
        (json!({"fixtures": []}), "empty", "fixtures"),
        (
            json!({"fixtures": [{"home": "Arsenal", "away": "Chelsa"}]}),
            "unknown_team",
            "fixtures[0].away",
        ),
        (
            json!({"fixtures": [{"home": "Arsenal", "away": "Arsenal"}]}),
            "same_team",
            "fixtures[0].away",
        ),
        (
            json!({"fixtures": fixtures, "budget": 0}),
            "invalid_budget",
            "budget",
        ),
        (
            json!({"fixtures": [{"home": "Arsenal", "away": "Chelsea", "odds": [0.5, 3.0, 3.0]}]}),
            "invalid_slate",
            "fixtures",
        ),
        (
            json!({"fixtures": vec![json!({"home": "Arsenal", "away": "Chelsea"}); 101]}),
            "slate_too_large",
            "fixtures",
        ),
    ] {
        let (status, body) = post(&server, "/v1/slate", request).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
        let e = error(&body);
        assert_eq!(
            (e.error.as_str(), e.field.as_deref()),
            (code, Some(field)),
            "{body}"
        );
    }

    let (status, body) = post(
        &server,
        "/v1/explain",
        json!({"home": "Arsenal", "away": "Chelsea"}),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let steps = body["steps"].as_array().unwrap();
    assert_eq!(steps.len(), 5);
    let last = &steps[4]["probabilities"];
    assert!(
        (last["home"].as_f64().unwrap() - body["prediction"]["home"].as_f64().unwrap()).abs()
            < 1e-12
    );
    let (status, body) = post(
        &server,
        "/v1/explain",
        json!({"home": "Arsenal", "away": "Nobody"}),
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(error(&body).field.as_deref(), Some("away"));
}
