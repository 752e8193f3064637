//! Command-line flags and environment variables, and the limits they set.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

use clap::Parser;

use crate::admin::AdminToken;
use crate::hosts::AllowedHosts;
use crate::source::{FitSource, ModelSource};

/// How the server is started. Every flag can also be set by the
/// environment variable named in its help.
#[derive(Debug, Clone, Parser)]
#[command(
    name = "scoreline-server",
    version,
    about = "Serve a fitted scoreline goal model (any family) over REST"
)]
pub struct Config {
    /// A saved model file (`FittedModel::save`); when given, `--data` is not used.
    #[arg(long, env = "SCORELINE_MODEL")]
    pub model: Option<PathBuf>,
    /// The data folder to fit from at start-up (holding `football-data/mmz4281/<season>/<div>.csv`).
    #[arg(long, env = "SCORELINE_DATA_DIR", default_value = "../shared/data")]
    pub data: PathBuf,
    /// The division to fit when fitting from data.
    #[arg(long, env = "SCORELINE_LEAGUE", default_value = "E0")]
    pub league: String,
    /// How many of the latest seasons to fit on.
    #[arg(long, env = "SCORELINE_SEASONS", default_value_t = 3, value_parser = clap::value_parser!(u32).range(1..=40))]
    pub seasons: u32,
    /// The time-decay rate ξ per day of the fit.
    #[arg(long, env = "SCORELINE_XI", default_value_t = 0.0018)]
    pub xi: f64,
    /// The address to listen on.
    #[arg(long, env = "SCORELINE_BIND", default_value = "127.0.0.1:8000")]
    pub bind: SocketAddr,
    /// The largest request body accepted, in bytes (larger is a 413).
    #[arg(long, env = "SCORELINE_BODY_LIMIT", default_value_t = ServerOptions::default().body_limit)]
    pub body_limit: usize,
    /// The most numbers one batch response may hold (grid cells, 12 per
    /// market line, 3 per correct score, 10 per fixture; more is a 413).
    #[arg(long, env = "SCORELINE_BATCH_CELLS", default_value_t = ServerOptions::default().batch_cells)]
    pub batch_cells: u64,
    /// The most open connections; more wait in the kernel's queue (lowered
    /// to the open-file limit less 64 at start-up).
    #[arg(long, env = "SCORELINE_MAX_CONNECTIONS", default_value_t = ServerOptions::default().max_connections)]
    pub max_connections: usize,
    /// The most requests handled at once; more are shed with a 503 and `Retry-After`.
    #[arg(long, env = "SCORELINE_MAX_IN_FLIGHT", default_value_t = ServerOptions::default().max_in_flight)]
    pub max_in_flight: usize,
    /// The most batch, evaluate and slate requests handled at once (default:
    /// the number of cores, at least 2); more are shed with a 503.
    #[arg(long, env = "SCORELINE_MAX_HEAVY_IN_FLIGHT")]
    pub max_heavy_in_flight: Option<usize>,
    /// Seconds a client has to send a whole request head, counted from when
    /// the server starts waiting for it (so also the keep-alive idle time).
    #[arg(long, env = "SCORELINE_HEADER_TIMEOUT", default_value = "10", value_parser = seconds)]
    pub header_timeout: Duration,
    /// Seconds a request body may stall without sending data (a 408); the
    /// whole request is bounded by `--request-timeout`.
    #[arg(long, env = "SCORELINE_BODY_TIMEOUT", default_value = "10", value_parser = seconds)]
    pub body_timeout: Duration,
    /// Seconds a request may take from its head to its response (a 503 after).
    #[arg(long, env = "SCORELINE_REQUEST_TIMEOUT", default_value = "30", value_parser = seconds)]
    pub request_timeout: Duration,
    /// Seconds SIGTERM waits for connections and reloads to finish before
    /// dropping them and exiting.
    #[arg(long, env = "SCORELINE_SHUTDOWN_TIMEOUT", default_value = "30", value_parser = seconds)]
    pub shutdown_timeout: Duration,
    /// Seconds between the starts of two reloads over HTTP (sooner is a 429;
    /// callers during a reload wait for it instead).
    #[arg(long, env = "SCORELINE_RELOAD_INTERVAL", default_value = "10", value_parser = seconds)]
    pub reload_interval: Duration,
    /// A file holding the admin token that `POST /v1/model/reload` requires
    /// (`Authorization: Bearer TOKEN`); or set SCORELINE_ADMIN_TOKEN. With
    /// neither, reloading over HTTP is disabled (403) and only SIGHUP reloads.
    #[arg(long, env = "SCORELINE_ADMIN_TOKEN_FILE")]
    pub admin_token_file: Option<PathBuf>,
    /// Host names clients may address the server by, comma-separated
    /// (`api.example.com,localhost`), or `*` for any. IP addresses and
    /// `localhost` are always allowed; other names are a 421 (against DNS
    /// rebinding).
    #[arg(long, env = "SCORELINE_ALLOWED_HOSTS", value_delimiter = ',')]
    pub allowed_hosts: Vec<String>,
    /// The log filter (`error`, `warn`, `info`, `debug`, or a tracing directive).
    #[arg(long, env = "SCORELINE_LOG", default_value = "info")]
    pub log_level: String,
    /// Log as JSON lines instead of text.
    #[arg(long, env = "SCORELINE_LOG_JSON")]
    pub log_json: bool,
}

/// Parses a non-negative, finite number of seconds (`0.5`, `30`).
fn seconds(text: &str) -> Result<Duration, String> {
    let value: f64 = text
        .parse()
        .map_err(|_| format!("{text:?} is not a number of seconds"))?;
    Duration::try_from_secs_f64(value)
        .map_err(|_| format!("{text:?} is not a finite number of seconds ≥ 0"))
}

impl Config {
    /// Where the model comes from: the model file if one is given, else a
    /// fit of the latest `seasons` of `league` under `data`.
    pub fn source(&self) -> ModelSource {
        match &self.model {
            Some(path) => ModelSource::File(path.clone()),
            None => ModelSource::Fit(FitSource {
                data_dir: self.data.clone(),
                league: self.league.clone(),
                seasons: self.seasons as usize,
                xi: self.xi,
            }),
        }
    }

    /// The limits, timeouts and access rules the flags set. Reads the admin
    /// token from `--admin-token-file`, else from `SCORELINE_ADMIN_TOKEN`;
    /// an unreadable or empty token file is an error (never a silent "no
    /// token").
    pub fn options(&self) -> Result<ServerOptions, String> {
        let admin_token = match &self.admin_token_file {
            Some(path) => {
                let text = std::fs::read_to_string(path)
                    .map_err(|e| format!("--admin-token-file {}: {e}", path.display()))?;
                Some(
                    AdminToken::new(text.trim())
                        .map_err(|e| format!("--admin-token-file {}: {e}", path.display()))?,
                )
            }
            None => match std::env::var("SCORELINE_ADMIN_TOKEN") {
                Ok(text) => Some(
                    AdminToken::new(text.trim())
                        .map_err(|e| format!("SCORELINE_ADMIN_TOKEN: {e}"))?,
                ),
                Err(_) => None,
            },
        };
        let defaults = ServerOptions::default();
        Ok(ServerOptions {
            body_limit: self.body_limit,
            batch_cells: self.batch_cells,
            max_connections: self.max_connections.max(1),
            max_in_flight: self.max_in_flight.max(1),
            max_heavy_in_flight: self
                .max_heavy_in_flight
                .unwrap_or(defaults.max_heavy_in_flight)
                .max(1),
            header_timeout: self.header_timeout,
            body_timeout: self.body_timeout,
            request_timeout: self.request_timeout,
            shutdown_timeout: self.shutdown_timeout,
            reload_interval: self.reload_interval,
            admin_token,
            allowed_hosts: AllowedHosts::new(&self.allowed_hosts),
        })
    }
}

/// What one client may cost and who may change the server: the limits,
/// timeouts and access rules (set by [`Config`]'s flags; the defaults are
/// the flags' defaults).
#[derive(Debug, Clone)]
pub struct ServerOptions {
    /// The largest request body, in bytes (larger is a 413).
    pub body_limit: usize,
    /// The most numbers one batch response may hold (see
    /// [`crate::routes::predict::response_cells`]).
    pub batch_cells: u64,
    /// The most open connections.
    pub max_connections: usize,
    /// The most requests handled at once (more are shed: 503).
    pub max_in_flight: usize,
    /// The most batch, evaluate and slate requests handled at once.
    pub max_heavy_in_flight: usize,
    /// The time to receive a whole request head (and the keep-alive idle time).
    pub header_timeout: Duration,
    /// The longest a request body may stall without data.
    pub body_timeout: Duration,
    /// The time from a request's head to its response.
    pub request_timeout: Duration,
    /// How long shutdown waits for connections and reloads.
    pub shutdown_timeout: Duration,
    /// The least time between the starts of two reloads over HTTP.
    pub reload_interval: Duration,
    /// The token `POST /v1/model/reload` requires; `None` disables the route.
    pub admin_token: Option<AdminToken>,
    /// The `Host` names accepted.
    pub allowed_hosts: AllowedHosts,
}

impl Default for ServerOptions {
    fn default() -> Self {
        let cores = std::thread::available_parallelism().map_or(2, usize::from);
        Self {
            body_limit: 4 * 1024 * 1024,
            batch_cells: 1_000_000,
            max_connections: 1024,
            max_in_flight: 256,
            max_heavy_in_flight: cores.max(2),
            header_timeout: Duration::from_secs(10),
            body_timeout: Duration::from_secs(10),
            request_timeout: Duration::from_secs(30),
            shutdown_timeout: Duration::from_secs(30),
            reload_interval: Duration::from_secs(10),
            admin_token: None,
            allowed_hosts: AllowedHosts::default(),
        }
    }
}
