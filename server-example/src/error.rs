//! JSON errors: every failure a client can cause is a 4xx with a code, a
//! message and, where one is at fault, the field.

use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use scoreline_dixon_coles::PredictError;
use serde::Serialize;
use utoipa::ToSchema;

/// The body of every error response.
#[derive(Debug, Clone, PartialEq, Serialize, serde::Deserialize, ToSchema)]
pub struct ErrorBody {
    /// A stable, machine-readable code, e.g. `unknown_team`.
    pub error: String,
    /// What went wrong, for people.
    pub message: String,
    /// The request field at fault (a JSON path such as `fixtures[3].home`), when there is one.
    pub field: Option<String>,
    /// For `unknown_team`: the closest known team names, best first.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub closest: Vec<String>,
}

/// An error response: a status and an [`ErrorBody`].
#[derive(Debug, Clone, PartialEq)]
pub struct ApiError {
    /// The HTTP status.
    pub status: StatusCode,
    /// The body.
    pub body: ErrorBody,
    /// Seconds to send in `Retry-After` (429, 503), when known.
    pub retry_after: Option<u64>,
}

impl ApiError {
    /// An error with no field.
    pub fn new(status: StatusCode, code: &str, message: impl Into<String>) -> Self {
        Self {
            status,
            body: ErrorBody {
                error: code.to_owned(),
                message: message.into(),
                field: None,
                closest: Vec::new(),
            },
            retry_after: None,
        }
    }

    /// The same error, naming the field at fault.
    pub fn at(mut self, field: impl Into<String>) -> Self {
        self.body.field = Some(field.into());
        self
    }

    /// 422 for a well-formed request the model cannot answer (unknown team,
    /// same team twice, a grid above the cap, a line that is not a quarter),
    /// naming `field` (the JSON path of the fixture's field, e.g. `home`).
    /// `prefix` is the path of the fixture (`""` or `fixtures[3].`).
    pub fn from_predict(error: PredictError, prefix: &str, field: &str) -> Self {
        let message = error.to_string();
        let (code, field, closest) = match error {
            PredictError::UnknownTeam { closest, .. } => {
                ("unknown_team", field.to_owned(), closest)
            }
            PredictError::SameTeam { .. } => ("same_team", "away".to_owned(), Vec::new()),
            PredictError::MaxGoalsTooLarge { .. } => {
                ("max_goals_too_large", "max_goals".to_owned(), Vec::new())
            }
            PredictError::MassOutsideGrid { .. } => {
                ("mass_outside_grid", "max_goals".to_owned(), Vec::new())
            }
            PredictError::InvalidLine { .. } => ("invalid_line", field.to_owned(), Vec::new()),
            _ => ("invalid_prediction", field.to_owned(), Vec::new()),
        };
        let mut e = ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, code, message)
            .at(format!("{prefix}{field}"));
        e.body.closest = closest;
        e
    }

    /// 500 for a failure inside the server; the detail goes to the log only.
    pub fn internal(detail: impl std::fmt::Display) -> Self {
        tracing::error!(%detail, "internal error");
        ApiError::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "internal",
            "the server failed to answer this request; the reason is in the server log",
        )
    }

    /// 503 before a model is loaded.
    pub fn not_ready() -> Self {
        ApiError::new(
            StatusCode::SERVICE_UNAVAILABLE,
            "not_ready",
            "no model is loaded yet",
        )
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let mut response = (self.status, Json(self.body)).into_response();
        if let Some(seconds) = self.retry_after {
            response
                .headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from(seconds));
        }
        response
    }
}

impl std::fmt::Display for ApiError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} {}: {}",
            self.status.as_u16(),
            self.body.error,
            self.body.message
        )
    }
}

impl std::error::Error for ApiError {}
