//! Serving: the accept loop, its connection cap and timeouts, and a
//! graceful shutdown with a deadline.
//!
//! `axum::serve` cannot bound the time to receive a request head, so this
//! loop drives hyper's HTTP/1 connections itself (as axum's own
//! `serve-with-hyper` example does):
//!
//! - at most `--max-connections` connections are open; past that the loop
//!   stops accepting and new clients wait in the kernel's queue until one
//!   closes;
//! - a connection must deliver each request head within `--header-timeout`
//!   (hyper's `header_read_timeout`), counted from when the server starts
//!   waiting for it, so a half-sent head and an idle keep-alive connection
//!   are both closed after it; bodies and handlers have their own timeouts
//!   in the router ([`crate::routes::router`]);
//! - the errors hyper answers without asking the router (requests it
//!   cannot parse) get a JSON body too ([`crate::parse_errors`]);
//! - on shutdown the loop stops accepting, asks every connection to finish
//!   its request and close ([`hyper_util::server::graceful`]), and after
//!   `--shutdown-timeout` drops whatever is still open.

use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use hyper::server::conn::http1;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::server::graceful::GracefulShutdown;
use hyper_util::service::TowerToHyperService;
use tokio::net::TcpListener;
use tokio::sync::Semaphore;
use tokio::task::JoinSet;

use crate::parse_errors::JsonParseErrors;
use crate::routes::router;
use crate::state::AppState;

/// How long the loop pauses after an accept error such as running out of
/// file descriptors, instead of spinning.
const ACCEPT_ERROR_PAUSE: Duration = Duration::from_millis(50);

/// Serves `router(state)` on `listener` until `shutdown` completes, then
/// stops accepting, lets requests in flight finish for at most the state's
/// `shutdown_timeout`, drops the connections still open and returns.
pub async fn serve(
    listener: TcpListener,
    state: AppState,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let options = state.options().clone();
    let app = router(state);
    let slots = Arc::new(Semaphore::new(options.max_connections));
    let mut builder = http1::Builder::new();
    builder
        .timer(TokioTimer::new())
        .header_read_timeout(options.header_timeout);
    let graceful = GracefulShutdown::new();
    let mut connections = JoinSet::new();
    tokio::pin!(shutdown);
    loop {
        while connections.try_join_next().is_some() {}
        let slot = tokio::select! {
            slot = slots.clone().acquire_owned() => slot.expect("the semaphore is never closed"),
            () = &mut shutdown => break,
        };
        let (stream, peer) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(accepted) => accepted,
                Err(error) => {
                    tracing::warn!(%error, "accept failed");
                    tokio::time::sleep(ACCEPT_ERROR_PAUSE).await;
                    continue;
                }
            },
            () = &mut shutdown => break,
        };
        let _ = stream.set_nodelay(true);
        let connection = builder.serve_connection(
            JsonParseErrors::new(TokioIo::new(stream)),
            TowerToHyperService::new(app.clone()),
        );
        let connection = graceful.watch(connection);
        connections.spawn(async move {
            if let Err(error) = connection.await {
                tracing::debug!(%peer, %error, "connection closed with an error");
            }
            drop(slot);
        });
    }
    drop(listener);
    let open = connections.len();
    tracing::info!(
        open,
        deadline_s = options.shutdown_timeout.as_secs_f64(),
        "shutting down: finishing requests in flight"
    );
    if tokio::time::timeout(options.shutdown_timeout, graceful.shutdown())
        .await
        .is_err()
    {
        tracing::warn!(
            open = connections.len(),
            "shutdown deadline reached: dropping the connections still open"
        );
    }
    connections.shutdown().await;
    Ok(())
}

/// `max_connections`, lowered so that the connections, the listener and
/// the files the server opens fit under the process's open-file limit
/// (`RLIMIT_NOFILE`, soft) with 64 descriptors to spare.
#[cfg(unix)]
pub fn fit_open_file_limit(max_connections: usize) -> usize {
    let mut limit = libc::rlimit {
        rlim_cur: 0,
        rlim_max: 0,
    };
    // SAFETY: getrlimit writes one rlimit to the pointer it is given, which
    // points at a live, properly aligned local.
    let ok = unsafe { libc::getrlimit(libc::RLIMIT_NOFILE, &mut limit) } == 0;
    if !ok || limit.rlim_cur == libc::RLIM_INFINITY {
        return max_connections;
    }
    let usable = usize::try_from(limit.rlim_cur)
        .unwrap_or(usize::MAX)
        .saturating_sub(64)
        .max(1);
    max_connections.min(usable)
}

/// `max_connections` as given (no open-file limit to fit under).
#[cfg(not(unix))]
pub fn fit_open_file_limit(max_connections: usize) -> usize {
    max_connections
}
