//! The shared state: the served model behind an atomic swap, where it comes
//! from, and the metrics.

use std::sync::Arc;

use arc_swap::ArcSwapOption;
use axum::http::StatusCode;

use crate::error::ApiError;
use crate::source::{LoadedModel, ModelSource};
use crate::telemetry::Telemetry;

/// Cheap to clone: every clone shares one model slot and one set of metrics.
#[derive(Clone)]
pub struct AppState {
    inner: Arc<Inner>,
}

struct Inner {
    model: ArcSwapOption<LoadedModel>,
    source: ModelSource,
    telemetry: Telemetry,
    reload_lock: tokio::sync::Mutex<()>,
    body_limit: usize,
}

impl AppState {
    /// A state with no model loaded yet (call [`AppState::reload`]).
    pub fn new(source: ModelSource, body_limit: usize) -> Self {
        Self {
            inner: Arc::new(Inner {
                model: ArcSwapOption::empty(),
                source,
                telemetry: Telemetry::new(),
                reload_lock: tokio::sync::Mutex::new(()),
                body_limit,
            }),
        }
    }

    /// The model serving now, or a 503 before the first load. A request
    /// keeps the `Arc` it got, so a reload never changes a model mid-request.
    pub fn model(&self) -> Result<Arc<LoadedModel>, ApiError> {
        self.inner.model.load_full().ok_or_else(ApiError::not_ready)
    }

    /// True once a model is loaded.
    pub fn is_ready(&self) -> bool {
        self.inner.model.load().is_some()
    }

    /// The metrics.
    pub fn telemetry(&self) -> &Telemetry {
        &self.inner.telemetry
    }

    /// The request body limit in bytes.
    pub fn body_limit(&self) -> usize {
        self.inner.body_limit
    }

    /// Loads the model again from its source (on a blocking thread), and
    /// swaps it in only if it loads and passes the checks. Reloads run one
    /// at a time. On failure the old model keeps serving and the error says
    /// why (422 `reload_failed`).
    pub async fn reload(&self) -> Result<Arc<LoadedModel>, ApiError> {
        let _one_at_a_time = self.inner.reload_lock.lock().await;
        let source = self.inner.source.clone();
        let loaded = tokio::task::spawn_blocking(move || source.load())
            .await
            .unwrap_or_else(|e| Err(format!("the load task failed: {e}")));
        match loaded {
            Ok(model) => {
                let model = Arc::new(model);
                self.inner.model.store(Some(model.clone()));
                self.inner.telemetry.record_reload(true, Some(&model));
                tracing::info!(origin = %model.origin, "model swapped in");
                Ok(model)
            }
            Err(reason) => {
                self.inner.telemetry.record_reload(false, None);
                let serving = if self.is_ready() {
                    "the previous model is still serving"
                } else {
                    "no model is serving"
                };
                tracing::warn!(%reason, "model reload failed");
                Err(ApiError::new(
                    StatusCode::UNPROCESSABLE_ENTITY,
                    "reload_failed",
                    format!("reload failed ({serving}): {reason}"),
                ))
            }
        }
    }
}
