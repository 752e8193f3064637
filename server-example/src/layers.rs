//! Middleware of the router: the request-head limits and the `Host` check,
//! load shedding, and JSON bodies for every error response.
//!
//! The limits below sit under hyper's own (100 headers, 64 KiB URIs,
//! ~400 KiB heads), so a request that breaks them gets this server's JSON
//! error rather than hyper's bare status line.

use std::sync::Arc;

use axum::error_handling::HandleErrorLayer;
use axum::extract::Request;
use axum::http::header::{CONTENT_TYPE, HOST};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use tokio::sync::Semaphore;
use tower::limit::GlobalConcurrencyLimitLayer;
use tower::load_shed::LoadShedLayer;
use tower::{BoxError, ServiceBuilder};

use crate::error::ApiError;
use crate::state::AppState;

/// The longest request target (path and query) accepted, in bytes (longer is a 414).
pub const MAX_URI_BYTES: usize = 8 * 1024;
/// The most request header fields accepted (more is a 431).
pub const MAX_HEADERS: usize = 64;
/// The most bytes of request header names and values accepted (more is a 431).
pub const MAX_HEADER_BYTES: usize = 16 * 1024;
/// The `Retry-After` of a shed request, in seconds.
pub const SHED_RETRY_AFTER: u64 = 1;

/// 414 `uri_too_long`, 431 `headers_too_large` or 421 `host_not_allowed`
/// (see [`crate::hosts`]) for a request that breaks the head limits, before
/// any handler runs; `None` for a request that may go on. Called by the one
/// per-request middleware, [`crate::telemetry::track`].
pub fn head_error(state: &AppState, request: &Request) -> Option<Response> {
    let uri = request.uri();
    let target = uri.path_and_query().map_or(0, |pq| pq.as_str().len());
    if target > MAX_URI_BYTES {
        return Some(
            ApiError::new(
                StatusCode::URI_TOO_LONG,
                "uri_too_long",
                format!(
                    "the request target is {target} bytes; at most {MAX_URI_BYTES} are accepted"
                ),
            )
            .into_response(),
        );
    }
    let headers = request.headers();
    let bytes: usize = headers
        .iter()
        .map(|(name, value)| name.as_str().len() + value.len())
        .sum();
    if headers.len() > MAX_HEADERS || bytes > MAX_HEADER_BYTES {
        return Some(ApiError::new(
            StatusCode::REQUEST_HEADER_FIELDS_TOO_LARGE,
            "headers_too_large",
            format!(
                "{} header fields of {bytes} bytes; at most {MAX_HEADERS} fields and {MAX_HEADER_BYTES} bytes are accepted",
                headers.len()
            ),
        )
        .into_response());
    }
    let host = headers
        .get(HOST)
        .map(|h| h.to_str().unwrap_or("\u{fffd}"))
        .or_else(|| uri.authority().map(|a| a.as_str()));
    if let Some(host) = host {
        if !state.options().allowed_hosts.allows(host) {
            return Some(
                ApiError::new(
                    StatusCode::MISDIRECTED_REQUEST,
                    "host_not_allowed",
                    "this server does not answer to that Host name (see --allowed-hosts)",
                )
                .at("Host")
                .into_response(),
            );
        }
    }
    None
}

/// Gives an error response that is not JSON (the empty ones of tower and
/// tower-http layers: timeouts, limits; axum's plain-text extractor
/// rejections) a JSON [`ApiError`] body whose code is the status's reason
/// in snake case (`request_timeout`), keeping its headers (`Retry-After`,
/// `Allow`, `x-request-id`); any other response is returned as it is.
/// Called on every response by [`crate::telemetry::track`].
pub fn json_errors(response: Response) -> Response {
    let status = response.status();
    let is_json = response
        .headers()
        .get(CONTENT_TYPE)
        .is_some_and(|v| v.as_bytes().starts_with(b"application/json"));
    if !(status.is_client_error() || status.is_server_error()) || is_json {
        return response;
    }
    let (parts, _) = response.into_parts();
    let reason = status.canonical_reason().unwrap_or("error");
    let code = reason.to_ascii_lowercase().replace([' ', '-'], "_");
    let mut json = ApiError::new(status, &code, reason.to_owned()).into_response();
    for (name, value) in &parts.headers {
        if name != axum::http::header::CONTENT_LENGTH && name != CONTENT_TYPE {
            json.headers_mut().insert(name.clone(), value.clone());
        }
    }
    json
}

/// `router`'s routes, shedding requests (503 `overloaded` with
/// `Retry-After`) while `permits` requests are being handled: tower's load
/// shedding over one concurrency limit shared by every route it wraps.
pub fn shed<S: Clone + Send + Sync + 'static>(
    router: axum::Router<S>,
    permits: Arc<Semaphore>,
) -> axum::Router<S> {
    router.route_layer(
        ServiceBuilder::new()
            .layer(HandleErrorLayer::new(overloaded))
            .layer(LoadShedLayer::new())
            .layer(GlobalConcurrencyLimitLayer::with_semaphore(permits)),
    )
}

/// The response of a shed request (or of any other layer error).
async fn overloaded(error: BoxError) -> ApiError {
    if error.is::<tower::load_shed::error::Overloaded>() {
        let mut e = ApiError::new(
            StatusCode::SERVICE_UNAVAILABLE,
            "overloaded",
            "the server is handling as many requests as it allows; retry shortly",
        );
        e.retry_after = Some(SHED_RETRY_AFTER);
        e
    } else {
        ApiError::internal(error)
    }
}
