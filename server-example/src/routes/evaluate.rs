//! `POST /v1/evaluate`: observed results of predicted fixtures → scores and drift.

use axum::extract::State;
use axum::Json;

use crate::api::{EvaluateRequest, Evaluation};
use crate::error::{ApiError, ErrorBody};
use crate::evaluate::evaluate_matches;
use crate::extract::ApiJson;
use crate::state::AppState;

/// Scores the model's 1X2 forecasts of up to 10,000 played matches (RPS,
/// Brier, log loss, accuracy) and checks whether they drift: whether the
/// observed RPS is worse than the model's own forecasts imply (see
/// [`crate::evaluate::score`]).
#[utoipa::path(post, path = "/v1/evaluate", tag = "predict", request_body = EvaluateRequest,
    responses(
        (status = 200, description = "Scores and the drift check", body = Evaluation),
        (status = 400, description = "The body is not valid JSON", body = ErrorBody),
        (status = 413, description = "More than 10,000 matches, or the body is over the size limit", body = ErrorBody),
        (status = 415, description = "The body is not sent as JSON", body = ErrorBody),
        (status = 422, description = "No matches, a bad field, or an unknown team", body = ErrorBody),
        (status = 503, description = "No model is loaded yet", body = ErrorBody),
    ))]
pub async fn evaluate(
    State(state): State<AppState>,
    ApiJson(request): ApiJson<EvaluateRequest>,
) -> Result<Json<Evaluation>, ApiError> {
    let loaded = state.model()?;
    let evaluation = tokio::task::spawn_blocking(move || evaluate_matches(&loaded.model, &request))
        .await
        .map_err(ApiError::internal)??;
    Ok(Json(evaluation))
}
