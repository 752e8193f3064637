//! `scoreline-server`: a small REST server for a fitted scoreline goal model
//! of any family (Dixon–Coles by default).
//!
//! The data flow is the engine's, one way: a model source (a saved model
//! file, or match data fitted at start-up) → a validated [`LoadedModel`]
//! behind an atomic swap → handlers that turn JSON requests into score grids,
//! markets and scores → JSON responses, with every request counted in
//! Prometheus metrics.
//!
//! | route | what it does |
//! |---|---|
//! | `GET /health` | liveness |
//! | `GET /ready` | 200 once a model is loaded, 503 before |
//! | `GET /v1/model` | format version, data fingerprint, fit summary, options |
//! | `GET /v1/teams` | the ratings table, sortable |
//! | `POST /v1/predict` | one fixture: 1X2, expected goals, over/under, BTTS, Asian handicaps, the grid |
//! | `POST /v1/predict/batch` | up to [`MAX_BATCH`] fixtures |
//! | `POST /v1/evaluate` | results of predicted fixtures → RPS, Brier, log loss, accuracy, drift |
//! | `POST /v1/slate` | a jackpot slate: 1X2 per fixture and, with a budget, the best covering |
//! | `POST /v1/explain` | a prediction explained term by term |
//! | `POST /v1/model/reload` | admin only: load the model file again (or refit), swap only if good |
//! | `GET /metrics` | Prometheus text format |
//! | `GET /openapi.json` | the OpenAPI 3.1 document |
//!
//! Errors are JSON `{"error": code, "message": …, "field": …}` with a 4xx
//! or 5xx status (see [`ApiError`]), whichever layer sends them. What one
//! client may cost is bounded by [`ServerOptions`]: connections, requests
//! in flight, time to send a head or a body, a budget of numbers per batch
//! response; see [`server`] and [`layers`].
//!
//! ```no_run
//! use scoreline_server::{serve, AppState, ModelSource, ServerOptions};
//! # async fn run() -> Result<(), Box<dyn std::error::Error>> {
//! let state = AppState::new(ModelSource::File("model.json".into()), ServerOptions::default());
//! state.reload().await?;
//! let listener = tokio::net::TcpListener::bind("127.0.0.1:8000").await?;
//! serve(listener, state, std::future::pending()).await?;
//! # Ok(()) }
//! ```

#![warn(missing_docs)]

pub mod admin;
pub mod api;
pub mod config;
pub mod error;
pub mod evaluate;
pub mod extract;
pub mod fuzzing;
pub mod hosts;
pub mod layers;
pub mod openapi;
pub mod parse_errors;
pub mod routes;
pub mod server;
pub mod source;
pub mod state;
pub mod telemetry;

pub use config::ServerOptions;
pub use error::ApiError;
pub use routes::router;
pub use server::serve;
pub use source::{LoadedModel, ModelSource};
pub use state::{AppState, ReloadError};

/// The most fixtures (or matches) one batch or evaluation request may hold.
pub const MAX_BATCH: usize = 10_000;
