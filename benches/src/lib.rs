//! Side-by-side benchmarks of scoreline against its peers.
//!
//! `make bench` runs the `compare` binary: each area of the product
//! contributes rows (one module per area), each row times our code in this
//! process and the peer's code in a Python subprocess (`benches/peers/*.py`,
//! run with the project's virtual environment) on the same data, in the same
//! run. The rows are printed as a table and written to
//! `target/bench/report.json`.

pub mod dynamic;
pub mod engine;
pub mod families;
pub mod leaderboard;
pub mod python;
pub mod scoring;
pub mod spark;

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

use serde::Serialize;

/// One line of the report: our median time, the peer's, and their ratio.
#[derive(Debug, Clone, Serialize)]
pub struct Row {
    /// What was measured.
    pub name: String,
    /// Our median time in seconds.
    pub ours_s: f64,
    /// The peer measured (e.g. `penaltyblog 1.13.1`), or `null`.
    pub peer: Option<String>,
    /// The peer's median time in seconds, or `null` when there is no peer.
    pub peer_s: Option<f64>,
    /// `peer_s / ours_s` (how many times faster we are), or `null`.
    pub ratio: Option<f64>,
    /// What a row measured besides its time (e.g. a leaderboard model's
    /// RPS), left out of the report when there is nothing.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub details: Option<serde_json::Value>,
}

impl Row {
    /// A row with a peer time; the ratio is computed here.
    pub fn versus(
        name: impl Into<String>,
        ours_s: f64,
        peer: impl Into<String>,
        peer_s: f64,
    ) -> Self {
        Self {
            name: name.into(),
            ours_s,
            peer: Some(peer.into()),
            peer_s: Some(peer_s),
            ratio: Some(peer_s / ours_s),
            details: None,
        }
    }

    /// A row against a time budget instead of a peer: `peer` is
    /// `target: <label>`, `peer_s` the budget and `ratio` how many times
    /// under it we are (at least 1 passes).
    pub fn target(name: impl Into<String>, ours_s: f64, label: &str, target_s: f64) -> Self {
        Self::versus(name, ours_s, format!("target: {label}"), target_s)
    }

    /// The row with `details` attached.
    pub fn with_details(mut self, details: serde_json::Value) -> Self {
        self.details = Some(details);
        self
    }

    /// `PASS` or `FAIL` for a [`Row::target`] row (`-` for others).
    pub fn verdict(&self) -> &'static str {
        match (&self.peer, self.ratio) {
            (Some(p), Some(r)) if p.starts_with("target:") => {
                if r >= 1.0 {
                    "PASS"
                } else {
                    "FAIL"
                }
            }
            _ => "-",
        }
    }

    /// A row without a peer.
    pub fn alone(name: impl Into<String>, ours_s: f64) -> Self {
        Self {
            name: name.into(),
            ours_s,
            peer: None,
            peer_s: None,
            ratio: None,
            details: None,
        }
    }
}

/// Warm-up before timing, the same rule as the peer scripts'
/// `common.warm_up`: at least this many untimed calls…
pub const WARMUP_CALLS: usize = 3;
/// …and at least this many seconds of them…
pub const WARMUP_S: f64 = 1.0;
/// …but no more than this many seconds (one slow call may exceed it).
pub const WARMUP_MAX_S: f64 = 20.0;

/// Calls `f` untimed until it is warm: at least [`WARMUP_CALLS`] calls and
/// [`WARMUP_S`] seconds, stopping after [`WARMUP_MAX_S`] seconds. Returns
/// the number of calls.
pub fn warm_up<F: FnMut()>(mut f: F) -> usize {
    let start = Instant::now();
    let mut calls = 0;
    loop {
        f();
        calls += 1;
        let elapsed = start.elapsed().as_secs_f64();
        if (calls >= WARMUP_CALLS && elapsed >= WARMUP_S) || elapsed >= WARMUP_MAX_S {
            return calls;
        }
    }
}

/// The median wall time of `f` in seconds, over at least `min_runs` runs
/// (and never fewer than 3) and at least `min_total_s` seconds in all,
/// after [`warm_up`]: every row compares warm medians on both sides.
pub fn median_seconds<F: FnMut()>(mut f: F, min_runs: usize, min_total_s: f64) -> f64 {
    warm_up(&mut f);
    let min_runs = min_runs.max(3);
    let mut times = Vec::new();
    let start = Instant::now();
    while times.len() < min_runs || start.elapsed().as_secs_f64() < min_total_s {
        let t = Instant::now();
        f();
        times.push(t.elapsed().as_secs_f64());
        if times.len() >= 100_000 {
            break;
        }
    }
    times.sort_by(f64::total_cmp);
    times[times.len() / 2]
}

/// The repository root (the parent of this crate's folder).
pub fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("benches/ has a parent")
        .to_path_buf()
}

/// `$SCORELINE_DATA_DIR`, or `../shared/data` beside the repository.
pub fn data_dir() -> PathBuf {
    std::env::var_os("SCORELINE_DATA_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| repo_root().join("../shared/data"))
}

/// Runs `benches/peers/<script>` with the project's Python and parses the
/// JSON object it prints as its last line of standard output.
pub fn run_peer(script: &str, args: &[&str]) -> Result<serde_json::Value, String> {
    let root = repo_root();
    let python = root.join(".venv/bin/python");
    if !python.exists() {
        return Err(format!(
            "{} not found: run `make venv` first",
            python.display()
        ));
    }
    let output = Command::new(&python)
        .arg(root.join("benches/peers").join(script))
        .args(args)
        .env("SCORELINE_DATA_DIR", data_dir())
        .output()
        .map_err(|e| format!("cannot run {script}: {e}"))?;
    if !output.status.success() {
        return Err(format!(
            "{script} failed: {}",
            String::from_utf8_lossy(&output.stderr)
        ));
    }
    let stdout = String::from_utf8_lossy(&output.stdout);
    let last = stdout.lines().last().unwrap_or("");
    serde_json::from_str(last).map_err(|e| format!("{script} printed no JSON ({e}): {last}"))
}

/// Prints the rows as an aligned table.
pub fn print_table(rows: &[Row]) {
    // As wide as the longest name (58 at least).
    let width = rows
        .iter()
        .map(|r| r.name.chars().count())
        .fold(58, usize::max);
    println!(
        "{:<width$} {:>12} {:>12} {:>10}  peer",
        "benchmark", "ours", "peer", "ratio"
    );
    for r in rows {
        let peer = match (r.peer.as_deref(), r.verdict()) {
            (Some(p), "-") => p.to_owned(),
            (Some(p), verdict) => format!("{p} ({verdict})"),
            (None, _) => "-".to_owned(),
        };
        let peer_s = r.peer_s.map(format_seconds).unwrap_or_else(|| "-".into());
        let ratio = r
            .ratio
            .map(|x| format!("{x:.1}x"))
            .unwrap_or_else(|| "-".into());
        println!(
            "{:<width$} {:>12} {:>12} {:>10}  {}",
            r.name,
            format_seconds(r.ours_s),
            peer_s,
            ratio,
            peer
        );
    }
}

/// Formats seconds with a unit that keeps three significant digits.
pub fn format_seconds(s: f64) -> String {
    if s >= 1.0 {
        format!("{s:.3} s")
    } else if s >= 1e-3 {
        format!("{:.3} ms", s * 1e3)
    } else {
        format!("{:.3} µs", s * 1e6)
    }
}

/// Writes the rows to `target/bench/report.json` and returns the path.
pub fn write_report(rows: &[Row]) -> std::io::Result<PathBuf> {
    let dir = repo_root().join("target/bench");
    std::fs::create_dir_all(&dir)?;
    let path = dir.join("report.json");
    let text = serde_json::to_string_pretty(rows).map_err(std::io::Error::other)?;
    std::fs::write(&path, text)?;
    Ok(path)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    /// A function whose first calls are slow (as penaltyblog's first fits
    /// are) is timed warm.
    #[test]
    fn median_seconds_skips_slow_first_calls() {
        let mut calls = 0;
        let median = median_seconds(
            || {
                calls += 1;
                let ms = if calls <= 3 { 80 } else { 2 };
                std::thread::sleep(Duration::from_millis(ms));
            },
            3,
            0.0,
        );
        assert!(median < 0.02, "timed cold: median {median} s");
        assert!(calls >= WARMUP_CALLS + 3);
    }
}
