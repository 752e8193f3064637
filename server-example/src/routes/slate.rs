//! Jackpot slates and explanations: `POST /v1/slate` and `POST /v1/explain`.

use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use scoreline_dixon_coles::wagering::slate::{
    evaluate, explain, optimise, SlateError, SlateFixture,
};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::error::{ApiError, ErrorBody};
use crate::extract::ApiJson;
use crate::state::AppState;

/// The most fixtures one slate may hold.
pub const MAX_SLATE: usize = 100;

/// A fixture on a slate.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SlateFixtureRequest {
    /// The home team.
    #[schema(max_length = 200)]
    pub home: String,
    /// The away team.
    #[schema(max_length = 200)]
    pub away: String,
    /// True at a neutral venue; default false.
    #[serde(default)]
    pub neutral: bool,
    /// Decimal 1X2 odds, when known (each > 1).
    pub odds: Option<[f64; 3]>,
}

/// `POST /v1/slate`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SlateRequest {
    /// The fixtures, 1 to 100.
    #[schema(min_items = 1, max_items = 100)]
    pub fixtures: Vec<SlateFixtureRequest>,
    /// The most combinations to cover (doubles and trebles); omit to only evaluate.
    #[schema(minimum = 1)]
    pub budget: Option<u64>,
}

/// `POST /v1/explain`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ExplainRequest {
    /// The home team.
    #[schema(max_length = 200)]
    pub home: String,
    /// The away team.
    #[schema(max_length = 200)]
    pub away: String,
    /// True at a neutral venue; default false.
    #[serde(default)]
    pub neutral: bool,
}

fn slate_error(error: SlateError) -> ApiError {
    match error {
        SlateError::Fixture { index, source } => {
            ApiError::from_predict(source, &format!("fixtures[{index}]."), "home")
        }
        SlateError::Empty => {
            ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, "empty", error.to_string())
                .at("fixtures")
        }
        SlateError::Budget(_) => ApiError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid_budget",
            error.to_string(),
        )
        .at("budget"),
        other => ApiError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid_slate",
            other.to_string(),
        )
        .at("fixtures"),
    }
}

/// Evaluates a slate (1X2, most likely outcome, entropy, the market's
/// probabilities when odds are given) and, with a budget, finds the
/// covering (doubles and trebles) that maximises P(all results covered).
#[utoipa::path(post, path = "/v1/slate", tag = "predict", request_body = SlateRequest,
    responses(
        (status = 200, description = "`evaluations`, and `covering` when a budget is given", body = Object),
        (status = 400, description = "The body is not valid JSON", body = ErrorBody),
        (status = 413, description = "The body is over the size limit", body = ErrorBody),
        (status = 415, description = "The body is not sent as JSON", body = ErrorBody),
        (status = 422, description = "More than 100 fixtures, a bad field, an unknown team or bad odds", body = ErrorBody),
        (status = 503, description = "No model is loaded yet", body = ErrorBody),
    ))]
pub async fn slate(
    State(state): State<AppState>,
    ApiJson(request): ApiJson<SlateRequest>,
) -> Result<Json<serde_json::Value>, ApiError> {
    if request.fixtures.len() > MAX_SLATE {
        return Err(ApiError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "slate_too_large",
            format!(
                "{} fixtures; a slate holds at most {MAX_SLATE}",
                request.fixtures.len()
            ),
        )
        .at("fixtures"));
    }
    let loaded = state.model()?;
    for (i, f) in request.fixtures.iter().enumerate() {
        let prefix = format!("fixtures[{i}].");
        crate::routes::predict::team(&loaded.model, &f.home, &prefix, "home")?;
        crate::routes::predict::team(&loaded.model, &f.away, &prefix, "away")?;
    }
    let fixtures: Vec<SlateFixture> = request
        .fixtures
        .iter()
        .map(|f| SlateFixture {
            home: f.home.clone(),
            away: f.away.clone(),
            neutral: f.neutral,
            odds: f.odds,
        })
        .collect();
    let body = match request.budget {
        Some(budget) => {
            let (evaluations, covering) =
                optimise(&loaded.model, &fixtures, budget).map_err(slate_error)?;
            serde_json::json!({"evaluations": evaluations, "covering": covering})
        }
        None => {
            let evaluations = evaluate(&loaded.model, &fixtures).map_err(slate_error)?;
            serde_json::json!({"evaluations": evaluations, "covering": null})
        }
    };
    state.telemetry().record_fixtures(fixtures.len());
    Ok(Json(body))
}

/// Explains a prediction term by term: from two average teams at a neutral
/// venue, adding home advantage, home attack, away defence, away attack and
/// home defence in turn, with the 1X2 after each step.
#[utoipa::path(post, path = "/v1/explain", tag = "predict", request_body = ExplainRequest,
    responses(
        (status = 200, description = "`baseline`, `steps` and `prediction`", body = Object),
        (status = 400, description = "The body is not valid JSON", body = ErrorBody),
        (status = 413, description = "The body is over the size limit", body = ErrorBody),
        (status = 415, description = "The body is not sent as JSON", body = ErrorBody),
        (status = 422, description = "A bad field or an unknown team", body = ErrorBody),
        (status = 503, description = "No model is loaded yet", body = ErrorBody),
    ))]
pub async fn explanation(
    State(state): State<AppState>,
    ApiJson(request): ApiJson<ExplainRequest>,
) -> Result<Json<serde_json::Value>, ApiError> {
    let loaded = state.model()?;
    crate::routes::predict::team(&loaded.model, &request.home, "", "home")?;
    crate::routes::predict::team(&loaded.model, &request.away, "", "away")?;
    let explained = explain(&loaded.model, &request.home, &request.away, request.neutral).map_err(
        |e| match e {
            SlateError::Fixture { source, .. } => ApiError::from_predict(source, "", "home"),
            other => slate_error(other),
        },
    )?;
    Ok(Json(serde_json::to_value(explained).unwrap_or_default()))
}
