//! Request extractors whose failures are [`ApiError`]s: malformed JSON is a
//! 400, JSON of the wrong shape a 422 naming the field, a body over the
//! limit a 413, a body that stalls past `--body-timeout` a 408, a missing
//! JSON content type a 415, a bad query a 400.

use axum::body::Bytes;
use axum::extract::rejection::{BytesRejection, QueryRejection};
use axum::extract::{FromRequest, FromRequestParts, Query, Request};
use axum::http::header::CONTENT_TYPE;
use axum::http::request::Parts;
use axum::http::{HeaderMap, StatusCode};
use serde::de::DeserializeOwned;

use crate::error::ApiError;

/// A JSON body of type `T`, parsed with the path of the first bad field.
#[derive(Debug, Clone)]
pub struct ApiJson<T>(pub T);

/// Parses `bytes` as JSON of type `T`: a syntax error (or a body that
/// ends early) is 400 `malformed_json`; a value of the wrong shape is 422
/// `invalid_field` naming its JSON path (e.g. `fixtures[2].max_goals`).
pub fn parse_json<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, ApiError> {
    let malformed = |e: serde_json::Error| {
        ApiError::new(
            StatusCode::BAD_REQUEST,
            "malformed_json",
            format!("the body is not valid JSON: {e}"),
        )
    };
    let mut deserializer = serde_json::Deserializer::from_slice(bytes);
    let value: T = serde_path_to_error::deserialize(&mut deserializer).map_err(|e| {
        let path = e.path().to_string();
        let inner = e.into_inner();
        if inner.classify() != serde_json::error::Category::Data {
            return malformed(inner);
        }
        let err = ApiError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid_field",
            inner.to_string(),
        );
        if path.is_empty() || path == "." {
            err
        } else {
            err.at(path)
        }
    })?;
    deserializer.end().map_err(malformed)?;
    Ok(value)
}

/// 415 `unsupported_media_type` unless the request says its body is JSON
/// (`application/json` or `application/*+json`). Every state-changing
/// route requires it: a cross-site HTML form cannot send it without a
/// CORS preflight, which this server never grants.
pub fn require_json(headers: &HeaderMap) -> Result<(), ApiError> {
    let is_json = headers
        .get(CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .map(|v| {
            let v = v.trim().to_ascii_lowercase();
            v == "application/json" || (v.starts_with("application/") && v.ends_with("+json"))
        })
        .unwrap_or(false);
    if is_json {
        Ok(())
    } else {
        Err(ApiError::new(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "unsupported_media_type",
            "the body must be JSON, sent with Content-Type: application/json",
        ))
    }
}

impl<S: Send + Sync, T: DeserializeOwned> FromRequest<S> for ApiJson<T> {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        require_json(req.headers())?;
        let bytes = Bytes::from_request(req, state).await.map_err(body_error)?;
        parse_json(&bytes).map(ApiJson)
    }
}

/// The [`ApiError`] of a body that could not be read: 408 `body_timeout`
/// when it stalled, 413 `body_too_large`, else 400 `unreadable_body`.
pub fn body_error(rejection: BytesRejection) -> ApiError {
    let mut source: Option<&(dyn std::error::Error + 'static)> = Some(&rejection);
    while let Some(error) = source {
        if error.is::<tower_http::timeout::TimeoutError>() {
            return ApiError::new(
                StatusCode::REQUEST_TIMEOUT,
                "body_timeout",
                "the request body stalled for longer than the server waits (--body-timeout)",
            );
        }
        source = error.source();
    }
    if rejection.status() == StatusCode::PAYLOAD_TOO_LARGE {
        ApiError::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            "body_too_large",
            format!(
                "the request body is larger than the server's limit: {}",
                rejection.body_text()
            ),
        )
    } else {
        ApiError::new(
            StatusCode::BAD_REQUEST,
            "unreadable_body",
            rejection.body_text(),
        )
    }
}

/// Query parameters of type `T`; a bad one is 400 `invalid_query`.
#[derive(Debug, Clone)]
pub struct ApiQuery<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequestParts<S> for ApiQuery<T> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        Query::<T>::from_request_parts(parts, state)
            .await
            .map(|Query(v)| ApiQuery(v))
            .map_err(|e: QueryRejection| {
                ApiError::new(StatusCode::BAD_REQUEST, "invalid_query", e.body_text())
            })
    }
}
