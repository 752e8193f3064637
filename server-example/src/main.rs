//! `scoreline-server`: serve a fitted scoreline goal model (any family) over REST.
//!
//! ```text
//! scoreline-server --model model.json --bind 127.0.0.1:8000
//! scoreline-server --data ../shared/data --league E0 --seasons 3
//! ```
//!
//! SIGHUP reloads the model (as `POST /v1/model/reload`); SIGTERM or
//! ctrl-c stops accepting connections and finishes requests in flight for
//! at most `--shutdown-timeout`, then drops what is left (a reload stuck on
//! a slow disk or a FIFO included) and exits.

use std::process::ExitCode;
use std::time::Duration;

use clap::Parser;
use scoreline_server::config::Config;
use scoreline_server::routes::shutdown_signal;
use scoreline_server::server::fit_open_file_limit;
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
    let mut options = config.options()?;
    let fitted = fit_open_file_limit(options.max_connections);
    if fitted < options.max_connections {
        tracing::warn!(
            requested = options.max_connections,
            max_connections = fitted,
            "--max-connections lowered to fit the open-file limit"
        );
        options.max_connections = fitted;
    }
    if options.admin_token.is_none() {
        tracing::info!("no admin token: POST /v1/model/reload is disabled, SIGHUP reloads");
    }
    let state = AppState::new(config.source(), options);
    state
        .reload()
        .await
        .map_err(|e| format!("cannot load the model: {e}"))?;
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
    let shutdown_timeout = config.shutdown_timeout;
    let result = runtime.block_on(run(config));
    // A reload blocked in a read (a FIFO, a hung disk) holds a blocking
    // thread that cannot be interrupted; the deadline has passed, so exit
    // without waiting for it.
    runtime.shutdown_timeout(shutdown_timeout.min(Duration::from_secs(1)));
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("scoreline-server: {e}");
            ExitCode::FAILURE
        }
    }
}
