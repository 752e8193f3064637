//! Command-line flags and environment variables.

use std::net::SocketAddr;
use std::path::PathBuf;

use clap::Parser;

use crate::source::{FitSource, ModelSource};

/// How the server is started. Every flag can also be set by the
/// environment variable named in its help.
#[derive(Debug, Clone, Parser)]
#[command(
    name = "scoreline-server",
    version,
    about = "Serve a fitted scoreline Dixon–Coles model over REST"
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
    #[arg(long, env = "SCORELINE_BODY_LIMIT", default_value_t = 4 * 1024 * 1024)]
    pub body_limit: usize,
    /// The log filter (`error`, `warn`, `info`, `debug`, or a tracing directive).
    #[arg(long, env = "SCORELINE_LOG", default_value = "info")]
    pub log_level: String,
    /// Log as JSON lines instead of text.
    #[arg(long, env = "SCORELINE_LOG_JSON")]
    pub log_json: bool,
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
}
