//! `scoreline-server`: serve a fitted Dixon–Coles model over REST.
//!
//! ```text
//! scoreline-server --model model.json --bind 127.0.0.1:8000
//! scoreline-server --data ../shared/data --league E0 --seasons 3
//! ```
//!
//! SIGHUP reloads the model (as `POST /v1/model/reload`); SIGTERM or
//! ctrl-c stops accepting connections and finishes requests in flight.

use std::process::ExitCode;

use clap::Parser;
use scoreline_server::config::Config;
use scoreline_server::routes::shutdown_signal;
use scoreline_server::{serve, AppState};
use tracing_subscriber::EnvFilter;

fn init_logging(config: &Config) -> Result<(), String> {
    let filter = EnvFilter::try_new(&config.log_level)
        .map_err(|e| format!("--log-level {:?}: {e}", config.log_level))?;
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr);
    if config.log_json {
        builder.json().init();
    } else {
        builder.init();
    }
    Ok(())
}

#[cfg(unix)]
fn reload_on_sighup(state: AppState) {
    use tokio::signal::unix::{signal, SignalKind};
    tokio::spawn(async move {
        let Ok(mut hangups) = signal(SignalKind::hangup()) else {
            tracing::warn!("cannot listen for SIGHUP; reload with POST /v1/model/reload");
            return;
        };
        while hangups.recv().await.is_some() {
            tracing::info!("SIGHUP: reloading the model");
            // The outcome is logged and counted by the reload itself.
            let _ = state.reload().await;
        }
    });
}

#[cfg(not(unix))]
fn reload_on_sighup(_state: AppState) {}

async fn run(config: Config) -> Result<(), String> {
    let state = AppState::new(config.source(), config.body_limit);
    state
        .reload()
        .await
        .map_err(|e| format!("cannot load the model: {}", e.body.message))?;
    let listener = tokio::net::TcpListener::bind(config.bind)
        .await
        .map_err(|e| format!("cannot listen on {}: {e}", config.bind))?;
    let address = listener.local_addr().map_err(|e| e.to_string())?;
    // Tests and scripts read this line to learn the port when binding to port 0.
    println!("scoreline-server listening on http://{address}");
    tracing::info!(%address, "listening");
    reload_on_sighup(state.clone());
    serve(listener, state, shutdown_signal())
        .await
        .map_err(|e| format!("server error: {e}"))?;
    tracing::info!("stopped");
    Ok(())
}

fn main() -> ExitCode {
    let config = Config::parse();
    if let Err(e) = init_logging(&config) {
        eprintln!("scoreline-server: {e}");
        return ExitCode::from(2);
    }
    let runtime = match tokio::runtime::Runtime::new() {
        Ok(r) => r,
        Err(e) => {
            eprintln!("scoreline-server: cannot start the runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(run(config)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("scoreline-server: {e}");
            ExitCode::FAILURE
        }
    }
}
