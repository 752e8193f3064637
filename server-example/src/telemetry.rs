//! Prometheus metrics and request logs.
//!
//! - `scoreline_http_requests_total{route, method, status}`: requests served
//!   (every label bounded: `route` is a route template or `unmatched`, `method`
//!   a known method or `other`, `status` a registered status code or `other`);
//! - `scoreline_http_request_duration_seconds{route, method, status}`: latency histogram;
//! - `scoreline_model_info{fingerprint, format_version, fitted_at, origin}`: 1 for the model serving;
//! - `scoreline_model_reloads_total{result}`: reloads, `success` or `failure`;
//! - `scoreline_fixtures_predicted_total`: fixtures priced by the predict routes.

use std::time::Instant;

use axum::extract::{MatchedPath, Request, State};
use axum::http::{Method, StatusCode};
use axum::middleware::Next;
use axum::response::Response;
use prometheus::{
    Encoder, GaugeVec, HistogramOpts, HistogramVec, IntCounter, IntCounterVec, Opts, Registry,
    TextEncoder,
};

use crate::source::LoadedModel;
use crate::state::AppState;

/// The server's metrics, in their own registry.
#[derive(Clone)]
pub struct Telemetry {
    registry: Registry,
    requests: IntCounterVec,
    latency: HistogramVec,
    model_info: GaugeVec,
    reloads: IntCounterVec,
    fixtures: IntCounter,
}

/// Latency buckets in seconds, from 50 µs to 2.5 s.
const LATENCY_BUCKETS: [f64; 16] = [
    0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0,
    2.5, 5.0,
];

impl Default for Telemetry {
    fn default() -> Self {
        Self::new()
    }
}

impl Telemetry {
    /// Registers every metric in a fresh registry.
    pub fn new() -> Self {
        let labels = ["route", "method", "status"];
        let requests = IntCounterVec::new(
            Opts::new(
                "scoreline_http_requests_total",
                "HTTP requests served, by route, method and status",
            ),
            &labels,
        )
        .expect("valid metric");
        let latency = HistogramVec::new(
            HistogramOpts::new(
                "scoreline_http_request_duration_seconds",
                "HTTP request latency in seconds, by route, method and status",
            )
            .buckets(LATENCY_BUCKETS.to_vec()),
            &labels,
        )
        .expect("valid metric");
        let model_info = GaugeVec::new(
            Opts::new(
                "scoreline_model_info",
                "1 for the model serving, labelled by its identity",
            ),
            &["fingerprint", "format_version", "fitted_at", "origin"],
        )
        .expect("valid metric");
        let reloads = IntCounterVec::new(
            Opts::new(
                "scoreline_model_reloads_total",
                "Model loads and reloads, by result",
            ),
            &["result"],
        )
        .expect("valid metric");
        let fixtures = IntCounter::new(
            "scoreline_fixtures_predicted_total",
            "Fixtures priced by the predict routes",
        )
        .expect("valid metric");
        let registry = Registry::new();
        for collector in [
            Box::new(requests.clone()) as Box<dyn prometheus::core::Collector>,
            Box::new(latency.clone()),
            Box::new(model_info.clone()),
            Box::new(reloads.clone()),
            Box::new(fixtures.clone()),
        ] {
            registry
                .register(collector)
                .expect("metric names are unique");
        }
        for result in ["success", "failure"] {
            reloads.with_label_values(&[result]);
        }
        Self {
            registry,
            requests,
            latency,
            model_info,
            reloads,
            fixtures,
        }
    }

    /// Counts a reload and, on success, relabels the model gauge.
    pub fn record_reload(&self, success: bool, model: Option<&LoadedModel>) {
        self.reloads
            .with_label_values(&[if success { "success" } else { "failure" }])
            .inc();
        if let Some(loaded) = model {
            self.model_info.reset();
            let fingerprint = loaded
                .model
                .fingerprint()
                .map(|f| f.sha256.clone())
                .unwrap_or_default();
            let version = loaded.format_version.to_string();
            self.model_info
                .with_label_values(&[
                    fingerprint.as_str(),
                    version.as_str(),
                    loaded.model.summary().fitted_at.as_str(),
                    loaded.origin.as_str(),
                ])
                .set(1.0);
        }
    }

    /// Counts fixtures priced.
    pub fn record_fixtures(&self, count: usize) {
        self.fixtures.inc_by(count as u64);
    }

    /// Everything in the Prometheus text format (version 0.0.4).
    pub fn render(&self) -> String {
        let mut buffer = Vec::new();
        TextEncoder::new()
            .encode(&self.registry.gather(), &mut buffer)
            .expect("text encoding to memory cannot fail");
        String::from_utf8(buffer).expect("the text format is UTF-8")
    }
}

/// The `method` label: one of the methods this server knows, else `other`,
/// so that a client sending made-up methods cannot grow the metrics.
pub fn method_label(method: &Method) -> &'static str {
    match *method {
        Method::GET => "GET",
        Method::POST => "POST",
        Method::HEAD => "HEAD",
        Method::OPTIONS => "OPTIONS",
        Method::PUT => "PUT",
        Method::DELETE => "DELETE",
        Method::PATCH => "PATCH",
        Method::TRACE => "TRACE",
        Method::CONNECT => "CONNECT",
        _ => "other",
    }
}

/// The `status` label: the status code (at most the 500 three-digit codes
/// `http` accepts, and in practice the dozen this server sends).
fn status_label(status: &StatusCode) -> &str {
    status
        .canonical_reason()
        .map_or("other", |_| status.as_str())
}

/// The one per-request middleware (one boxed future a request instead of
/// three): refuses a request that breaks the head limits
/// ([`crate::layers::head_error`]), gives every error response a JSON body
/// ([`crate::layers::json_errors`]), times every request, counts it by
/// route template, method and status, and logs it (`tracing` at info
/// level, with the latency and the request id).
pub async fn track(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let started = Instant::now();
    let route = request
        .extensions()
        .get::<MatchedPath>()
        .map_or("unmatched", |p| p.as_str())
        .to_owned();
    let method = request.method().clone();
    let request_id = if tracing::enabled!(tracing::Level::INFO) {
        request
            .headers()
            .get("x-request-id")
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
            .to_owned()
    } else {
        String::new()
    };
    let response = match crate::layers::head_error(&state, &request) {
        Some(refused) => refused,
        None => next.run(request).await,
    };
    let response = crate::layers::json_errors(response);
    let elapsed = started.elapsed();
    let status = response.status();
    let telemetry = state.telemetry();
    let labels = [route.as_str(), method_label(&method), status_label(&status)];
    telemetry.requests.with_label_values(&labels).inc();
    telemetry
        .latency
        .with_label_values(&labels)
        .observe(elapsed.as_secs_f64());
    tracing::info!(
        method = %method,
        route = %route,
        status = status.as_u16(),
        request_id,
        latency_us = elapsed.as_micros() as u64,
        "request"
    );
    response
}
