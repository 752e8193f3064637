//! `make chaos` / `make chaos-short`: the server under steady load while
//! attackers try what issue 14 found, all on 127.0.0.1 and bounded in
//! count and time.
//!
//! Starts the `scoreline-server` binary given by `--server` on a model
//! file of a small synthetic league, with an admin token, then for
//! `--seconds`:
//!
//! - `--connections` keep-alive clients send `POST /v1/predict` in a closed
//!   loop (the normal traffic, every latency recorded);
//! - amplification: batches of 10,000 full 51×51 grids (413) and batches
//!   just within the budget, one at a time;
//! - slow heads: up to `--slow` connections holding half a request head,
//!   reopened as the server closes them;
//! - cancelled reloads: reload requests abandoned after 5 ms;
//! - corrupt model files: junk written over the model file and reloaded,
//!   then the good file put back;
//! - junk methods over raw TCP.
//!
//! Then SIGTERM. It prints one JSON line and exits non-zero unless: no
//! normal request failed, the p99 of normal predicts is under `--p99-ms`,
//! the server's peak RSS (VmHWM) is under `--max-rss-mb`, and the server
//! exited cleanly within its shutdown deadline plus one second.

use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use chrono::{Days, NaiveDate};
use scoreline_dixon_coles::data::{Dataset, Match, ValidationOptions};
use scoreline_dixon_coles::model::fit::fit;
use scoreline_dixon_coles::model::options::FitOptions;
use serde_json::json;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

const TEAMS: [&str; 8] = [
    "Arsenal",
    "Chelsea",
    "Everton",
    "Fulham",
    "Leeds",
    "Liverpool",
    "Spurs",
    "Wolves",
];
const TOKEN: &str = "chaos-admin-token-0123456789";
const SHUTDOWN_TIMEOUT_S: u64 = 5;

struct Args {
    server: PathBuf,
    seconds: u64,
    connections: usize,
    slow: usize,
    p99_ms: f64,
    max_rss_mb: f64,
}

fn args() -> Args {
    let mut args = Args {
        server: PathBuf::from("target/release/scoreline-server"),
        seconds: 30,
        connections: 16,
        slow: 100,
        p99_ms: 10.0,
        max_rss_mb: 512.0,
    };
    let mut it = std::env::args().skip(1);
    while let Some(flag) = it.next() {
        let value = it.next().unwrap_or_else(|| panic!("{flag} needs a value"));
        match flag.as_str() {
            "--server" => args.server = PathBuf::from(&value),
            "--seconds" => args.seconds = parse(&flag, &value),
            "--connections" => args.connections = parse(&flag, &value),
            "--slow" => args.slow = parse(&flag, &value),
            "--p99-ms" => args.p99_ms = parse(&flag, &value),
            "--max-rss-mb" => args.max_rss_mb = parse(&flag, &value),
            _ => panic!("unknown flag {flag} (--server, --seconds, --connections, --slow, --p99-ms, --max-rss-mb)"),
        }
    }
    args
}

fn parse<T: std::str::FromStr>(flag: &str, value: &str) -> T {
    value
        .parse()
        .unwrap_or_else(|_| panic!("bad value for {flag}: {value:?}"))
}

/// A double round robin of [`TEAMS`] played four times, fitted and saved.
fn write_model(path: &Path) {
    let day = NaiveDate::from_ymd_opt(2024, 8, 1).unwrap();
    let mut state = 0x9e3779b97f4a7c15u64;
    let mut goals = |extra: u64| {
        state = state
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        ((state >> 33) % (3 + extra)) as u32
    };
    let mut matches = Vec::new();
    let mut d = 0;
    for _ in 0..4 {
        for (h, home) in TEAMS.iter().enumerate() {
            for (a, away) in TEAMS.iter().enumerate() {
                if h != a {
                    let hg = goals(if h < 2 { 2 } else { 1 });
                    let ag = goals(0);
                    matches.push(Match::new(day + Days::new(d), *home, *away, hg, ag));
                    d += 1;
                }
            }
        }
    }
    let data = Dataset::from_matches(&matches, &ValidationOptions::default()).unwrap();
    fit(&data, &FitOptions::default())
        .unwrap()
        .save(path)
        .unwrap();
}

/// The peak resident set (VmHWM) of process `pid`, in MB.
fn peak_rss_mb(pid: u32) -> f64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
    status
        .lines()
        .find(|l| l.starts_with("VmHWM:"))
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|kb| kb.parse::<f64>().ok())
        .map_or(f64::NAN, |kb| kb / 1024.0)
}

fn percentile(sorted: &[u32], p: f64) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    let i = ((p / 100.0) * (sorted.len() - 1) as f64).round() as usize;
    f64::from(sorted[i]) / 1000.0
}

#[derive(Default)]
struct Counts {
    amplification: AtomicU64,
    amplification_413: AtomicU64,
    slow_heads: AtomicU64,
    slow_heads_closed: AtomicU64,
    cancelled_reloads: AtomicU64,
    corrupt_reloads: AtomicU64,
    corrupt_reloads_kept_serving: AtomicU64,
    junk_methods: AtomicU64,
}

async fn normal(
    base: String,
    stop: Arc<AtomicBool>,
    worker: usize,
) -> (Vec<u32>, u64, Vec<String>) {
    let client = reqwest::Client::builder().no_proxy().build().unwrap();
    let mut latencies = Vec::new();
    let mut failures = 0;
    let mut examples = Vec::new();
    let mut i = worker;
    while !stop.load(Ordering::Relaxed) {
        let body = json!({"home": TEAMS[i % 8], "away": TEAMS[(i + 1 + i / 8) % 8]});
        let body = if TEAMS[i % 8] == body["away"] {
            json!({"home": TEAMS[i % 8], "away": TEAMS[(i + 1) % 8]})
        } else {
            body
        };
        i += 1;
        let started = Instant::now();
        let result = client
            .post(format!("{base}/v1/predict"))
            .json(&body)
            .timeout(Duration::from_secs(5))
            .send()
            .await;
        let ok = match result {
            Ok(r) if r.status() == 200 => r.bytes().await.is_ok(),
            Ok(r) => {
                if examples.len() < 3 {
                    examples.push(format!("status {}", r.status()));
                }
                false
            }
            Err(e) => {
                if examples.len() < 3 {
                    examples.push(e.to_string());
                }
                false
            }
        };
        if ok {
            latencies.push(started.elapsed().as_micros().min(u128::from(u32::MAX)) as u32);
        } else {
            failures += 1;
        }
    }
    (latencies, failures, examples)
}

async fn amplification(base: String, stop: Arc<AtomicBool>, counts: Arc<Counts>) {
    let client = reqwest::Client::builder().no_proxy().build().unwrap();
    let huge = json!({"fixtures": vec![json!({"home": "Arsenal", "away": "Chelsea", "max_goals": 50, "markets": {"grid": true, "correct_scores": 20}}); 10_000]}).to_string();
    let within = json!({"fixtures": vec![json!({"home": "Arsenal", "away": "Chelsea", "max_goals": 50, "markets": {"grid": true}}); 300]}).to_string();
    let mut n = 0u64;
    while !stop.load(Ordering::Relaxed) {
        let body = if n % 4 == 3 {
            within.clone()
        } else {
            huge.clone()
        };
        n += 1;
        if let Ok(r) = client
            .post(format!("{base}/v1/predict/batch"))
            .header("content-type", "application/json")
            .body(body)
            .send()
            .await
        {
            if r.status() == 413 {
                counts.amplification_413.fetch_add(1, Ordering::Relaxed);
            }
            let _ = r.bytes().await;
        }
        counts.amplification.fetch_add(1, Ordering::Relaxed);
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

async fn slow_heads(address: String, stop: Arc<AtomicBool>, counts: Arc<Counts>, slots: usize) {
    let mut tasks = tokio::task::JoinSet::new();
    for _ in 0..slots {
        let (address, stop, counts) = (address.clone(), stop.clone(), counts.clone());
        tasks.spawn(async move {
            while !stop.load(Ordering::Relaxed) {
                let Ok(mut stream) = TcpStream::connect(&address).await else {
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                };
                counts.slow_heads.fetch_add(1, Ordering::Relaxed);
                if stream
                    .write_all(b"POST /v1/predict HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-")
                    .await
                    .is_err()
                {
                    continue;
                }
                let mut buffer = [0u8; 512];
                loop {
                    tokio::select! {
                        read = stream.read(&mut buffer) => match read {
                            Ok(0) | Err(_) => {
                                counts.slow_heads_closed.fetch_add(1, Ordering::Relaxed);
                                break;
                            }
                            Ok(_) => {}
                        },
                        () = tokio::time::sleep(Duration::from_millis(100)) => {
                            if stop.load(Ordering::Relaxed) { return; }
                        }
                    }
                }
            }
        });
    }
    while tasks.join_next().await.is_some() {}
}

async fn cancelled_reloads(base: String, stop: Arc<AtomicBool>, counts: Arc<Counts>) {
    let client = reqwest::Client::builder().no_proxy().build().unwrap();
    for _ in 0..400 {
        if stop.load(Ordering::Relaxed) {
            break;
        }
        let _ = client
            .post(format!("{base}/v1/model/reload"))
            .bearer_auth(TOKEN)
            .json(&json!({}))
            .timeout(Duration::from_millis(5))
            .send()
            .await;
        counts.cancelled_reloads.fetch_add(1, Ordering::Relaxed);
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

async fn corrupt_models(base: String, model: PathBuf, stop: Arc<AtomicBool>, counts: Arc<Counts>) {
    let client = reqwest::Client::builder().no_proxy().build().unwrap();
    let good = std::fs::read(&model).unwrap();
    let junk: [&[u8]; 3] = [
        b"{ not json",
        b"{\"format\": \"something-else\"}",
        &[0xff; 4096],
    ];
    let mut n = 0;
    while !stop.load(Ordering::Relaxed) {
        std::fs::write(&model, junk[n % junk.len()]).unwrap();
        n += 1;
        let reload = |client: &reqwest::Client| {
            client
                .post(format!("{base}/v1/model/reload"))
                .bearer_auth(TOKEN)
                .json(&json!({}))
                .timeout(Duration::from_secs(5))
                .send()
        };
        if let Ok(r) = reload(&client).await {
            counts.corrupt_reloads.fetch_add(1, Ordering::Relaxed);
            let status = r.status();
            if status == 422 || status == 429 || status == 200 {
                // 200: it joined a reload that read the file before the junk.
                let ready = client.get(format!("{base}/ready")).send().await;
                if ready.is_ok_and(|r| r.status() == 200) {
                    counts
                        .corrupt_reloads_kept_serving
                        .fetch_add(1, Ordering::Relaxed);
                }
            }
        }
        std::fs::write(&model, &good).unwrap();
        tokio::time::sleep(Duration::from_millis(600)).await;
        let _ = reload(&client).await;
    }
    std::fs::write(&model, &good).unwrap();
}

async fn junk_methods(address: String, stop: Arc<AtomicBool>, counts: Arc<Counts>) {
    for i in 0..2000u32 {
        if stop.load(Ordering::Relaxed) {
            break;
        }
        if let Ok(mut stream) = TcpStream::connect(&address).await {
            let request = format!(
                "M{:08X} /v1/predict HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n",
                i.wrapping_mul(2654435761)
            );
            let _ = stream.write_all(request.as_bytes()).await;
            let mut sink = Vec::new();
            let _ =
                tokio::time::timeout(Duration::from_secs(2), stream.read_to_end(&mut sink)).await;
            counts.junk_methods.fetch_add(1, Ordering::Relaxed);
        }
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
}

fn main() {
    let args = args();
    let dir = tempfile::tempdir().unwrap();
    let model = dir.path().join("model.json");
    write_model(&model);
    let mut child = Command::new(&args.server)
        .args(["--model", model.to_str().unwrap(), "--bind", "127.0.0.1:0"])
        .args([
            "--log-level",
            "error",
            "--header-timeout",
            "2",
            "--body-timeout",
            "2",
        ])
        .args([
            "--reload-interval",
            "0.2",
            "--shutdown-timeout",
            &SHUTDOWN_TIMEOUT_S.to_string(),
        ])
        .env("SCORELINE_ADMIN_TOKEN", TOKEN)
        .stdout(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("cannot start {}: {e}", args.server.display()));
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    assert!(line.contains("listening on http://"), "{line:?}");
    let base = line.trim().rsplit(' ').next().unwrap().to_owned();
    let address = base.trim_start_matches("http://").to_owned();
    let pid = child.id();

    let runtime = tokio::runtime::Runtime::new().unwrap();
    let stop = Arc::new(AtomicBool::new(false));
    let counts = Arc::new(Counts::default());
    let (latencies, failures, examples, peak_sampled) = runtime.block_on(async {
        let attackers = vec![
            tokio::spawn(amplification(base.clone(), stop.clone(), counts.clone())),
            tokio::spawn(slow_heads(
                address.clone(),
                stop.clone(),
                counts.clone(),
                args.slow,
            )),
            tokio::spawn(cancelled_reloads(
                base.clone(),
                stop.clone(),
                counts.clone(),
            )),
            tokio::spawn(corrupt_models(
                base.clone(),
                model.clone(),
                stop.clone(),
                counts.clone(),
            )),
            tokio::spawn(junk_methods(address.clone(), stop.clone(), counts.clone())),
        ];
        let workers: Vec<_> = (0..args.connections)
            .map(|w| tokio::spawn(normal(base.clone(), stop.clone(), w)))
            .collect();
        let deadline = Instant::now() + Duration::from_secs(args.seconds);
        let mut peak: f64 = 0.0;
        while Instant::now() < deadline {
            tokio::time::sleep(Duration::from_millis(100)).await;
            peak = peak.max(peak_rss_mb(pid));
        }
        stop.store(true, Ordering::Relaxed);
        let (mut latencies, mut failures, mut examples) = (Vec::new(), 0, Vec::new());
        for w in workers {
            let (l, f, e) = w.await.unwrap();
            latencies.extend(l);
            failures += f;
            examples.extend(e);
        }
        for a in attackers {
            let _ = tokio::time::timeout(Duration::from_secs(5), a).await;
        }
        (latencies, failures, examples, peak)
    });
    let peak_rss = peak_rss_mb(pid).max(peak_sampled);
    let terminated = Instant::now();
    let _ = Command::new("kill")
        .args(["-TERM", &pid.to_string()])
        .status();
    let exit = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break Some(status);
        }
        if terminated.elapsed() > Duration::from_secs(SHUTDOWN_TIMEOUT_S + 5) {
            let _ = child.kill();
            let _ = child.wait();
            break None;
        }
        std::thread::sleep(Duration::from_millis(10));
    };
    let exit_seconds = terminated.elapsed().as_secs_f64();
    let mut sorted = latencies.clone();
    sorted.sort_unstable();
    let p50 = percentile(&sorted, 50.0);
    let p99 = percentile(&sorted, 99.0);
    let c = &counts;
    let load = |a: &AtomicU64| a.load(Ordering::Relaxed);
    let clean_exit =
        exit.is_some_and(|s| s.success()) && exit_seconds < (SHUTDOWN_TIMEOUT_S + 1) as f64;
    let report = json!({
        "seconds": args.seconds,
        "normal_requests": sorted.len() as u64 + failures,
        "normal_failed": failures,
        "normal_failures_seen": examples,
        "requests_per_second": sorted.len() as f64 / args.seconds as f64,
        "p50_ms": p50,
        "p99_ms": p99,
        "max_ms": sorted.last().map_or(f64::NAN, |&m| f64::from(m) / 1000.0),
        "peak_rss_mb": peak_rss,
        "exit_seconds": exit_seconds,
        "exit_status": exit.map(|s| s.to_string()),
        "amplification_batches": load(&c.amplification),
        "amplification_413": load(&c.amplification_413),
        "slow_heads_opened": load(&c.slow_heads),
        "slow_heads_closed_by_server": load(&c.slow_heads_closed),
        "cancelled_reloads": load(&c.cancelled_reloads),
        "corrupt_model_reloads": load(&c.corrupt_reloads),
        "corrupt_model_reloads_kept_serving": load(&c.corrupt_reloads_kept_serving),
        "junk_methods": load(&c.junk_methods),
    });
    println!("{report}");
    let mut problems = Vec::new();
    if failures > 0 {
        problems.push(format!("{failures} normal requests failed"));
    }
    if sorted.is_empty() || p99 >= args.p99_ms {
        problems.push(format!("p99 {p99:.2} ms ≥ {} ms", args.p99_ms));
    }
    // NaN (no /proc) fails too.
    if peak_rss.is_nan() || peak_rss >= args.max_rss_mb {
        problems.push(format!(
            "peak RSS {peak_rss:.0} MB ≥ {} MB",
            args.max_rss_mb
        ));
    }
    if !clean_exit {
        problems.push(format!(
            "no clean exit on SIGTERM ({exit:?} after {exit_seconds:.2} s)"
        ));
    }
    if load(&c.slow_heads_closed) == 0 || load(&c.amplification_413) == 0 {
        problems.push("the attacks did not run".to_owned());
    }
    let _ = std::io::stdout().flush();
    if problems.is_empty() {
        eprintln!("chaos: ok");
    } else {
        eprintln!("chaos: FAILED: {}", problems.join("; "));
        std::process::exit(1);
    }
}
