//! Helpers for the HTTP tests: a small fitted model saved to a file, and
//! a real server on 127.0.0.1 with an ephemeral port.

#![allow(dead_code)]

use std::path::{Path, PathBuf};

use chrono::{Days, NaiveDate};
use scoreline_dixon_coles::data::{Dataset, Match, ValidationOptions};
use scoreline_dixon_coles::model::fit::fit;
use scoreline_dixon_coles::model::options::{Family, FitOptions};
use scoreline_dixon_coles::model::FittedModel;
use scoreline_server::admin::AdminToken;
use scoreline_server::{serve, AppState, ModelSource, ServerOptions};
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

/// The teams of the test league.
pub const TEAMS: [&str; 6] = [
    "Arsenal",
    "Chelsea",
    "Everton",
    "Fulham",
    "Liverpool",
    "Wolves",
];

/// A Dixon–Coles model fitted to a double round robin of [`TEAMS`]
/// played `rounds` times, with goals from a fixed pseudo-random sequence
/// seeded by `seed`.
pub fn model(seed: u64, rounds: usize) -> FittedModel {
    family_model(Family::DixonColes, seed, rounds)
}

/// [`model`] with the goal-model family `family`.
pub fn family_model(family: Family, seed: u64, rounds: usize) -> FittedModel {
    let day = NaiveDate::from_ymd_opt(2024, 8, 1).unwrap();
    let mut state = seed
        .wrapping_mul(6364136223846793005)
        .wrapping_add(1442695040888963407);
    let mut goals = move |mean_shift: u64| {
        state = state
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        ((state >> 33) % (4 + mean_shift)) as u32
    };
    let mut matches = Vec::new();
    let mut d = 0;
    for _ in 0..rounds {
        for (h, home) in TEAMS.iter().enumerate() {
            for (a, away) in TEAMS.iter().enumerate() {
                if h != a {
                    let hg = goals(if h == 0 { 3 } else { 1 });
                    let ag = goals(0);
                    matches.push(Match::new(day + Days::new(d), *home, *away, hg, ag));
                    d += 1;
                }
            }
        }
    }
    let data = Dataset::from_matches(&matches, &ValidationOptions::default()).unwrap();
    let options = FitOptions {
        family,
        ..FitOptions::default()
    };
    fit(&data, &options).unwrap()
}

/// Saves [`model`]`(seed, 4)` to `dir/name` and returns the path.
pub fn model_file(dir: &Path, name: &str, seed: u64) -> PathBuf {
    let path = dir.join(name);
    model(seed, 4).save(&path).unwrap();
    path
}

/// The admin token of test servers.
pub const ADMIN_TOKEN: &str = "test-admin-token-0123456789";

/// The options of test servers: the defaults with a body limit of
/// `body_limit` bytes, [`ADMIN_TOKEN`], and no reload rate limit.
pub fn options(body_limit: usize) -> ServerOptions {
    ServerOptions {
        body_limit,
        admin_token: Some(AdminToken::new(ADMIN_TOKEN).unwrap()),
        reload_interval: std::time::Duration::ZERO,
        ..ServerOptions::default()
    }
}

/// A server running in this process.
pub struct TestServer {
    /// `http://127.0.0.1:PORT`.
    pub base: String,
    /// The shared state (to inspect the model slot).
    pub state: AppState,
    shutdown: Option<oneshot::Sender<()>>,
    handle: Option<JoinHandle<std::io::Result<()>>>,
}

impl TestServer {
    /// Starts a server with `source` loaded and a body limit of `body_limit` bytes.
    pub async fn start(source: ModelSource, body_limit: usize) -> Self {
        Self::start_with_options(source, options(body_limit)).await
    }

    /// Starts a server with `source` loaded and `options`.
    pub async fn start_with_options(source: ModelSource, options: ServerOptions) -> Self {
        let state = AppState::new(source, options);
        state.reload().await.expect("the test model loads");
        Self::start_with(state).await
    }

    /// Starts a server on `state` as it is (loaded or not).
    pub async fn start_with(state: AppState) -> Self {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let base = format!("http://{}", listener.local_addr().unwrap());
        let (tx, rx) = oneshot::channel::<()>();
        let handle = tokio::spawn(serve(listener, state.clone(), async {
            let _ = rx.await;
        }));
        Self {
            base,
            state,
            shutdown: Some(tx),
            handle: Some(handle),
        }
    }

    /// The URL of `path`.
    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.base, path)
    }

    /// Asks the server to stop and returns the task serving it.
    pub fn begin_shutdown(&mut self) -> JoinHandle<std::io::Result<()>> {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
        self.handle.take().expect("not yet shut down")
    }

    /// Stops the server and waits for it.
    pub async fn stop(mut self) {
        self.begin_shutdown().await.unwrap().unwrap();
    }
}

impl Drop for TestServer {
    fn drop(&mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
    }
}

/// A client that never reuses a dead connection across tests.
pub fn client() -> reqwest::Client {
    reqwest::Client::builder().no_proxy().build().unwrap()
}
