//! The router and the handlers (one module per resource).

pub mod evaluate;
pub mod model;
pub mod predict;
pub mod probes;
pub mod slate;

use axum::extract::{DefaultBodyLimit, State};
use axum::http::{header, StatusCode};
use axum::response::IntoResponse;
use axum::routing::{get, post};
use axum::{middleware, Json, Router};
use tower_http::request_id::{
    MakeRequestId, PropagateRequestIdLayer, RequestId, SetRequestIdLayer,
};
use tower_http::timeout::{RequestBodyTimeoutLayer, TimeoutLayer};
use utoipa::OpenApi;

use crate::error::ApiError;
use crate::layers;
use crate::openapi::ApiDoc;
use crate::state::AppState;
use crate::telemetry::track;

/// Every route with its middleware, outermost first: request ids
/// (`x-request-id`, generated when absent, echoed back), then one
/// middleware ([`track`]) for metrics, request logs, JSON bodies for every
/// error ([`layers::json_errors`]) and the request-head limits and `Host`
/// check ([`layers::head_error`]), then the request timeout (503), the body
/// timeout (408) and the body limit (413).
/// The `/v1` routes shed load past `--max-in-flight` requests, and batch,
/// evaluate and slate past `--max-heavy-in-flight` (503 with
/// `Retry-After`); probes, metrics and the OpenAPI document are never shed.
///
/// CORS: none, on purpose. No route sends `Access-Control-Allow-*`, so a
/// browser page from another origin cannot read any response, and its
/// preflight (`OPTIONS`) gets a 405; the state-changing routes also need
/// `Content-Type: application/json`, which a cross-site form cannot send.
pub fn router(state: AppState) -> Router<()> {
    let options = state.options().clone();
    let heavy = layers::shed(
        Router::new()
            .route("/v1/predict/batch", post(predict::batch))
            .route("/v1/evaluate", post(evaluate::evaluate))
            .route("/v1/slate", post(slate::slate)),
        state.heavy_in_flight(),
    );
    let limited = layers::shed(
        Router::new()
            .route("/v1/model", get(model::info))
            .route("/v1/model/reload", post(model::reload))
            .route("/v1/teams", get(model::teams))
            .route("/v1/predict", post(predict::predict))
            .route("/v1/explain", post(slate::explanation))
            .merge(heavy),
        state.in_flight(),
    );
    Router::new()
        .route("/health", get(probes::health))
        .route("/ready", get(probes::ready))
        .route("/metrics", get(metrics))
        .route("/openapi.json", get(openapi))
        .merge(limited)
        .fallback(not_found)
        .method_not_allowed_fallback(method_not_allowed)
        .layer(DefaultBodyLimit::max(options.body_limit))
        .layer(RequestBodyTimeoutLayer::new(options.body_timeout))
        .layer(TimeoutLayer::with_status_code(
            StatusCode::SERVICE_UNAVAILABLE,
            options.request_timeout,
        ))
        .layer(middleware::from_fn_with_state(state.clone(), track))
        .layer(PropagateRequestIdLayer::x_request_id())
        .layer(SetRequestIdLayer::x_request_id(SequentialRequestId::new()))
        .with_state(state)
}

/// Prometheus metrics.
#[utoipa::path(
    get,
    path = "/metrics",
    tag = "operations",
    responses((status = 200, description = "Metrics in the Prometheus text format", body = String, content_type = "text/plain"))
)]
pub async fn metrics(State(state): State<AppState>) -> impl IntoResponse {
    (
        [(
            header::CONTENT_TYPE,
            "text/plain; version=0.0.4; charset=utf-8",
        )],
        state.telemetry().render(),
    )
}

/// The OpenAPI document of this server. While a model is loaded, the team
/// fields (`home`, `away`) list the teams it knows as an `enum`, so clients
/// and API fuzzers see which names are valid.
#[utoipa::path(
    get,
    path = "/openapi.json",
    tag = "operations",
    responses((status = 200, description = "The OpenAPI 3.1 document", body = Object))
)]
pub async fn openapi(State(state): State<AppState>) -> impl IntoResponse {
    let mut doc = serde_json::to_value(ApiDoc::openapi()).unwrap_or_default();
    if let Ok(loaded) = state.model() {
        let teams: Vec<&str> = (0..loaded.model.teams().len() as u32)
            .map(|id| loaded.model.teams().name(id))
            .collect();
        for schema in [
            "PredictRequest",
            "ObservedMatch",
            "SlateFixtureRequest",
            "ExplainRequest",
        ] {
            for field in ["home", "away"] {
                if let Some(property) = doc
                    .pointer_mut(&format!("/components/schemas/{schema}/properties/{field}"))
                    .and_then(serde_json::Value::as_object_mut)
                {
                    property.insert("enum".to_owned(), serde_json::json!(teams));
                }
            }
        }
    }
    Json(doc)
}

async fn not_found() -> ApiError {
    ApiError::new(
        StatusCode::NOT_FOUND,
        "not_found",
        "no such route; see /openapi.json",
    )
}

async fn method_not_allowed() -> ApiError {
    ApiError::new(
        StatusCode::METHOD_NOT_ALLOWED,
        "method_not_allowed",
        "this route does not accept that method; see /openapi.json",
    )
}

/// Resolves on ctrl-c or SIGTERM.
pub async fn shutdown_signal() {
    let ctrl_c = async {
        if tokio::signal::ctrl_c().await.is_err() {
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {}
        () = terminate => {}
    }
    tracing::info!("shutting down: finishing requests in flight");
}

/// Request ids without a system call per request: a random prefix drawn
/// once per process (so ids from two runs do not collide) and a counter,
/// `"<16 hex digits>-<n>"`. A client's own `x-request-id` is kept as it is.
#[derive(Clone)]
pub struct SequentialRequestId {
    prefix: u64,
    next: std::sync::Arc<std::sync::atomic::AtomicU64>,
}

impl SequentialRequestId {
    /// A new sequence, starting at 1, with a fresh random prefix.
    pub fn new() -> Self {
        use std::hash::{BuildHasher, Hasher};
        // RandomState is seeded from the OS once per process.
        let mut hasher = std::collections::hash_map::RandomState::new().build_hasher();
        hasher.write_u128(
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map_or(0, |d| d.as_nanos()),
        );
        Self {
            prefix: hasher.finish(),
            next: std::sync::Arc::new(std::sync::atomic::AtomicU64::new(1)),
        }
    }
}

impl Default for SequentialRequestId {
    fn default() -> Self {
        Self::new()
    }
}

impl MakeRequestId for SequentialRequestId {
    fn make_request_id<B>(&mut self, _request: &axum::http::Request<B>) -> Option<RequestId> {
        let n = self.next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        axum::http::HeaderValue::from_str(&format!("{:016x}-{n}", self.prefix))
            .ok()
            .map(RequestId::new)
    }
}
