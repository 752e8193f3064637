//! The model: what is serving, its ratings table, and reloading it.

use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::State;
use axum::http::header::{AUTHORIZATION, WWW_AUTHENTICATE};
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;

use crate::api::{
    Fingerprint, FitInfo, ModelInfo, Reloaded, SortKey, SortOrder, TeamRow, Teams, TeamsQuery,
};
use crate::error::{ApiError, ErrorBody};
use crate::extract::{body_error, parse_json, require_json, ApiQuery};
use crate::source::LoadedModel;
use crate::state::AppState;

/// What [`info`] reports about a loaded model.
pub fn model_info(loaded: &LoadedModel) -> ModelInfo {
    let model = &loaded.model;
    let summary = model.summary();
    let parameters = model.parameters();
    let family = model.family();
    ModelInfo {
        format: scoreline_dixon_coles::model::file::FORMAT_NAME.to_owned(),
        format_version: loaded.format_version,
        scoreline_version: env!("CARGO_PKG_VERSION").to_owned(),
        origin: loaded.origin.clone(),
        loaded_at: loaded.loaded_at.clone(),
        teams: model.teams().len(),
        home_advantage: parameters.home_advantage,
        family: family.name().to_owned(),
        extra_parameters: family
            .extra_parameters()
            .iter()
            .map(|p| p.name.to_owned())
            .zip(family.extra_values(parameters))
            .collect(),
        rho: family.is_dixon_coles().then_some(parameters.rho),
        fingerprint: model.fingerprint().map(|f| Fingerprint {
            matches: f.matches,
            first_date: f.first_date.to_string(),
            last_date: f.last_date.to_string(),
            sha256: f.sha256.clone(),
        }),
        fit: FitInfo {
            log_likelihood: summary.log_likelihood,
            iterations: summary.iterations,
            converged: summary.converged,
            solver: summary.solver.clone(),
            matches_used: summary.matches_used,
            reference_date: summary.reference_date.to_string(),
            fitted_at: summary.fitted_at.clone(),
            at_boundary: summary.at_boundary.clone(),
        },
        options: serde_json::to_value(model.options()).unwrap_or(serde_json::Value::Null),
    }
}

/// The model serving: format version, family and its extra parameters by
/// name (`rho` stays a top-level field for Dixon–Coles models),
/// training-data fingerprint, fit summary and options.
#[utoipa::path(get, path = "/v1/model", tag = "model",
    responses(
        (status = 200, description = "The model serving", body = ModelInfo),
        (status = 503, description = "No model is loaded yet", body = ErrorBody),
    ))]
pub async fn info(State(state): State<AppState>) -> Result<Json<ModelInfo>, ApiError> {
    let loaded = state.model()?;
    Ok(Json(model_info(&loaded)))
}

/// The ratings table: attack, defence, their sum and standard errors.
/// `sort` picks the column (`name`, `attack`, `defence`, `strength`);
/// `order` defaults to ascending for names and descending for ratings.
#[utoipa::path(get, path = "/v1/teams", tag = "model", params(TeamsQuery),
    responses(
        (status = 200, description = "The ratings table", body = Teams),
        (status = 400, description = "An unknown sort column or order", body = ErrorBody),
        (status = 503, description = "No model is loaded yet", body = ErrorBody),
    ))]
pub async fn teams(
    State(state): State<AppState>,
    ApiQuery(query): ApiQuery<TeamsQuery>,
) -> Result<Json<Teams>, ApiError> {
    let loaded = state.model()?;
    let mut rows: Vec<TeamRow> = loaded
        .model
        .ratings()
        .into_iter()
        .map(|r| TeamRow {
            strength: r.attack + r.defence,
            team: r.team,
            attack: r.attack,
            defence: r.defence,
            attack_se: r.attack_se,
            defence_se: r.defence_se,
        })
        .collect();
    let key = query.sort.unwrap_or_default();
    let order = query.order.unwrap_or(if key == SortKey::Name {
        SortOrder::Asc
    } else {
        SortOrder::Desc
    });
    rows.sort_by(|a, b| {
        let by = match key {
            SortKey::Name => a.team.cmp(&b.team),
            SortKey::Attack => a.attack.total_cmp(&b.attack),
            SortKey::Defence => a.defence.total_cmp(&b.defence),
            SortKey::Strength => a.strength.total_cmp(&b.strength),
        };
        let by = if order == SortOrder::Desc {
            by.reverse()
        } else {
            by
        };
        by.then_with(|| a.team.cmp(&b.team))
    });
    Ok(Json(Teams { teams: rows }))
}

/// Loads the model file again (or refits), checks it, and swaps it in;
/// requests in flight finish on the old model. On failure the old model
/// keeps serving (the reason is logged, not returned).
///
/// Admin only: the request needs `Authorization: Bearer TOKEN` with the
/// server's admin token (`--admin-token-file` or `SCORELINE_ADMIN_TOKEN`;
/// without one this route is a 403 and only SIGHUP reloads) and
/// `Content-Type: application/json`. One reload runs at a time: callers
/// during a reload get its result; a new one starts at most once per
/// `--reload-interval` (sooner is a 429 with `Retry-After`).
#[utoipa::path(post, path = "/v1/model/reload", tag = "model",
    security(("admin_token" = [])),
    request_body(content = Object, content_type = "application/json", description = "A JSON object, ignored; send `{}`"),
    responses(
        (status = 200, description = "The new model is serving", body = Reloaded),
        (status = 400, description = "The body is not valid JSON", body = ErrorBody),
        (status = 401, description = "No or a wrong admin token", body = ErrorBody),
        (status = 403, description = "Reloading over HTTP is disabled (no admin token configured)", body = ErrorBody),
        (status = 415, description = "The request is not sent as JSON", body = ErrorBody),
        (status = 422, description = "The body is not a JSON object, or the reload failed (the previous model is still serving)", body = ErrorBody),
        (status = 429, description = "A reload started less than --reload-interval ago", body = ErrorBody),
    ))]
pub async fn reload(
    State(state): State<AppState>,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Result<Json<Reloaded>, Response> {
    let Some(token) = &state.options().admin_token else {
        return Err(ApiError::new(
            StatusCode::FORBIDDEN,
            "admin_disabled",
            "reloading over HTTP is disabled: no admin token is configured; send the server SIGHUP",
        )
        .into_response());
    };
    require_json(&headers).map_err(IntoResponse::into_response)?;
    if !token.verify_header(headers.get(AUTHORIZATION).map(HeaderValue::as_bytes)) {
        let mut response = ApiError::new(
            StatusCode::UNAUTHORIZED,
            "unauthorized",
            "this route needs the admin token: Authorization: Bearer TOKEN",
        )
        .into_response();
        response
            .headers_mut()
            .insert(WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
        return Err(response);
    }
    let body = body.map_err(|e| body_error(e).into_response())?;
    parse_json::<serde_json::Map<String, serde_json::Value>>(&body)
        .map_err(IntoResponse::into_response)?;
    let loaded = state
        .reload_from_client()
        .await
        .map_err(IntoResponse::into_response)?;
    Ok(Json(Reloaded {
        reloaded: true,
        model: model_info(&loaded),
    }))
}
