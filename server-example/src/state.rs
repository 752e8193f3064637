//! The shared state: the served model behind an atomic swap, where it comes
//! from, the limits, the metrics, and single-flight reloads.

use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

use arc_swap::ArcSwapOption;
use axum::http::StatusCode;
use tokio::sync::{watch, Semaphore};

use crate::config::ServerOptions;
use crate::error::ApiError;
use crate::source::{LoadedModel, ModelSource};
use crate::telemetry::Telemetry;

/// Cheap to clone: every clone shares one model slot and one set of metrics.
#[derive(Clone)]
pub struct AppState {
    inner: Arc<Inner>,
}

/// The result of one load: the model swapped in, or why it was not.
type ReloadOutcome = Result<Arc<LoadedModel>, ReloadError>;

struct Inner {
    model: ArcSwapOption<LoadedModel>,
    source: ModelSource,
    telemetry: Telemetry,
    options: ServerOptions,
    reload: Mutex<ReloadSlot>,
    in_flight: Arc<Semaphore>,
    heavy_in_flight: Arc<Semaphore>,
}

/// The reload running now (its result, once known, goes to every caller
/// waiting on it) and when the last one started.
#[derive(Default)]
struct ReloadSlot {
    running: Option<watch::Receiver<Option<ReloadOutcome>>>,
    /// When the last reload asked for over HTTP started.
    last_started: Option<Instant>,
}

/// A failed reload. `reason` names files and OS errors: it goes to the log
/// and to the operator's terminal, never to HTTP clients.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("reload failed ({}): {reason}", if *.serving { "the previous model is still serving" } else { "no model is serving" })]
pub struct ReloadError {
    /// Why, in detail.
    pub reason: String,
    /// Whether a model is still serving.
    pub serving: bool,
}

impl From<ReloadError> for ApiError {
    /// 422 `reload_failed`, without the detail (which is logged).
    fn from(e: ReloadError) -> Self {
        let serving = if e.serving {
            "the previous model is still serving"
        } else {
            "no model is serving"
        };
        ApiError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "reload_failed",
            format!(
                "reload failed ({serving}): the model source could not be read or failed its checks; the reason is in the server log"
            ),
        )
    }
}

/// Clears the reload slot when the reload task ends, however it ends.
struct ClearSlot(AppState);

impl Drop for ClearSlot {
    fn drop(&mut self) {
        self.0.slot().running = None;
    }
}

impl AppState {
    /// A state with no model loaded yet (call [`AppState::reload`]).
    pub fn new(source: ModelSource, options: ServerOptions) -> Self {
        Self {
            inner: Arc::new(Inner {
                model: ArcSwapOption::empty(),
                source,
                telemetry: Telemetry::new(),
                in_flight: Arc::new(Semaphore::new(options.max_in_flight)),
                heavy_in_flight: Arc::new(Semaphore::new(options.max_heavy_in_flight)),
                options,
                reload: Mutex::new(ReloadSlot::default()),
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

    /// The limits, timeouts and access rules.
    pub fn options(&self) -> &ServerOptions {
        &self.inner.options
    }

    /// The request body limit in bytes.
    pub fn body_limit(&self) -> usize {
        self.inner.options.body_limit
    }

    /// The permits of requests handled at once (all limited routes).
    pub fn in_flight(&self) -> Arc<Semaphore> {
        self.inner.in_flight.clone()
    }

    /// The permits of batch, evaluate and slate requests handled at once.
    pub fn heavy_in_flight(&self) -> Arc<Semaphore> {
        self.inner.heavy_in_flight.clone()
    }

    fn slot(&self) -> std::sync::MutexGuard<'_, ReloadSlot> {
        self.inner
            .reload
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
    }

    /// Loads the model again from its source and swaps it in only if it
    /// loads and passes the checks; on failure the old model keeps serving.
    ///
    /// Single-flight and cancel-safe: the load runs in its own task, so a
    /// caller that goes away (a client that disconnects) does not stop it,
    /// and a caller that comes while a load runs waits for that load's
    /// result instead of starting another. Used by start-up and SIGHUP.
    pub async fn reload(&self) -> Result<Arc<LoadedModel>, ReloadError> {
        let Ok(running) = self.start_or_join(None) else {
            unreachable!("without an interval a reload always starts or joins");
        };
        wait(running).await
    }

    /// [`AppState::reload`] for `POST /v1/model/reload`: joins a load that
    /// is running; otherwise starts one only if the last one started at
    /// least `--reload-interval` ago, else 429 `reload_rate_limited` with
    /// `Retry-After`. A failure is 422 `reload_failed` without the detail.
    pub async fn reload_from_client(&self) -> Result<Arc<LoadedModel>, ApiError> {
        let running = self
            .start_or_join(Some(self.inner.options.reload_interval))
            .map_err(|wait| {
                let seconds = wait.as_secs_f64().ceil().max(1.0) as u64;
                let mut e = ApiError::new(
                    StatusCode::TOO_MANY_REQUESTS,
                    "reload_rate_limited",
                    format!(
                        "a reload started less than {:?} ago; try again in {seconds} s",
                        self.inner.options.reload_interval
                    ),
                );
                e.retry_after = Some(seconds);
                e
            })?;
        Ok(wait(running).await?)
    }

    /// The reload running now, or a new one. With `min_interval`, a new one
    /// starts only that long after the last rate-limited start (else
    /// `Err(time to wait)`); start-up and SIGHUP loads are not limited and
    /// do not count.
    fn start_or_join(
        &self,
        min_interval: Option<Duration>,
    ) -> Result<watch::Receiver<Option<ReloadOutcome>>, Duration> {
        let mut slot = self.slot();
        if let Some(running) = &slot.running {
            return Ok(running.clone());
        }
        if let (Some(interval), Some(last)) = (min_interval, slot.last_started) {
            let since = last.elapsed();
            if since < interval {
                return Err(interval - since);
            }
        }
        let (sender, receiver) = watch::channel(None);
        slot.running = Some(receiver.clone());
        if min_interval.is_some() {
            slot.last_started = Some(Instant::now());
        }
        drop(slot);
        let state = self.clone();
        tokio::spawn(async move {
            let clear = ClearSlot(state.clone());
            let outcome = state.load_and_swap().await;
            drop(clear);
            let _ = sender.send(Some(outcome));
        });
        Ok(receiver)
    }

    /// One load on a blocking thread, then the swap (or not) and the metrics.
    async fn load_and_swap(&self) -> ReloadOutcome {
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
                tracing::warn!(%reason, "model reload failed");
                Err(ReloadError {
                    reason,
                    serving: self.is_ready(),
                })
            }
        }
    }
}

/// Waits for a reload's result.
async fn wait(mut running: watch::Receiver<Option<ReloadOutcome>>) -> ReloadOutcome {
    match running.wait_for(Option::is_some).await {
        Ok(outcome) => outcome.clone().expect("wait_for returns a Some"),
        Err(_) => Err(ReloadError {
            reason: "the reload task stopped before it finished (shutting down)".to_owned(),
            serving: false,
        }),
    }
}
