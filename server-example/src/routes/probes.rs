//! Liveness and readiness.

use axum::extract::State;
use axum::Json;

use crate::api::{Health, Ready};
use crate::error::{ApiError, ErrorBody};
use crate::state::AppState;

/// Liveness: the process answers.
#[utoipa::path(get, path = "/health", tag = "operations",
    responses((status = 200, description = "The server is alive", body = Health)))]
pub async fn health() -> Json<Health> {
    Json(Health {
        status: "ok".to_owned(),
    })
}

/// Readiness: a model is loaded.
#[utoipa::path(get, path = "/ready", tag = "operations",
    responses(
        (status = 200, description = "A model is loaded", body = Ready),
        (status = 503, description = "No model is loaded yet", body = ErrorBody),
    ))]
pub async fn ready(State(state): State<AppState>) -> Result<Json<Ready>, ApiError> {
    let loaded = state.model()?;
    Ok(Json(Ready {
        ready: true,
        fingerprint: loaded.model.fingerprint().map(|f| f.sha256.clone()),
    }))
}
