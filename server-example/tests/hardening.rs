//! What one client can cost and who may change the server (issue 14): each
//! test reproduces one finding over real HTTP (or raw TCP) on 127.0.0.1.

mod common;

use std::time::{Duration, Instant};

use common::{client, model_file, TestServer, ADMIN_TOKEN};
use reqwest::{Method, StatusCode};
use scoreline_server::error::ErrorBody;
use scoreline_server::hosts::AllowedHosts;
use scoreline_server::{ModelSource, ServerOptions};
use serde_json::{json, Value};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

const LIMIT: usize = 4 * 1024 * 1024;

async fn start(options: ServerOptions) -> (TestServer, tempfile::TempDir) {
    let dir = tempfile::tempdir().unwrap();
    let path = model_file(dir.path(), "model.json", 1);
    (
        TestServer::start_with_options(ModelSource::File(path), options).await,
        dir,
    )
}

async fn json_error(response: reqwest::Response) -> ErrorBody {
    let content_type = response
        .headers()
        .get("content-type")
        .map(|v| v.to_str().unwrap().to_owned());
    assert_eq!(content_type.as_deref(), Some("application/json"));
    response.json().await.unwrap()
}

async fn metrics(server: &TestServer) -> String {
    client()
        .get(server.url("/metrics"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap()
}

fn address(server: &TestServer) -> String {
    server.base.trim_start_matches("http://").to_owned()
}

/// Reads from `stream` until it closes; true if it closed (EOF or reset)
/// before `deadline`.
async fn closes_within(stream: &mut TcpStream, deadline: Duration) -> bool {
    let mut buffer = [0u8; 4096];
    tokio::time::timeout(deadline, async {
        loop {
            match stream.read(&mut buffer).await {
                Ok(0) | Err(_) => return,
                Ok(_) => {}
            }
        }
    })
    .await
    .is_ok()
}

/// Sends `request` on a fresh connection and returns the raw response.
async fn raw(server: &TestServer, request: &[u8]) -> String {
    let mut stream = TcpStream::connect(address(server)).await.unwrap();
    stream.write_all(request).await.unwrap();
    let mut response = Vec::new();
    tokio::time::timeout(Duration::from_secs(10), stream.read_to_end(&mut response))
        .await
        .expect("the server answers")
        .ok();
    String::from_utf8_lossy(&response).into_owned()
}

#[tokio::test]
async fn metrics_labels_stay_bounded_under_made_up_methods() {
    let (server, _dir) = start(common::options(LIMIT)).await;
    let c = client();
    c.get(server.url("/health")).send().await.unwrap();
    let before = metrics(&server).await.len();
    for i in 0..300 {
        let method = Method::from_bytes(format!("JUNK{i:04}X").as_bytes()).unwrap();
        let status = c
            .request(method, server.url("/v1/predict"))
            .send()
            .await
            .unwrap()
            .status();
        assert!(status.is_client_error(), "{status}");
    }
    let after = metrics(&server).await;
    assert!(!after.contains("JUNK"), "a made-up method became a label");
    assert!(
        after.contains("method=\"other\""),
        "made-up methods count as `other`"
    );
    assert!(
        after.len() < before + 8 * 1024,
        "the metrics grew from {before} to {} bytes",
        after.len()
    );
}

#[tokio::test]
async fn evaluate_enforces_the_documented_goal_limits() {
    let (server, _dir) = start(common::options(LIMIT)).await;
    let evaluate = |home: u64, away: u64| {
        client()
            .post(server.url("/v1/evaluate"))
            .json(&json!({"matches": [{"home": "Arsenal", "away": "Chelsea", "home_goals": home, "away_goals": away}]}))
            .send()
    };
    for (home, away, field) in [
        (4_000_000_000, 1, "matches[0].home_goals"),
        (1, 100, "matches[0].away_goals"),
    ] {
        let response = evaluate(home, away).await.unwrap();
        assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
        let e = json_error(response).await;
        assert_eq!(e.field.as_deref(), Some(field));
        assert!(e.message.contains("99"), "{}", e.message);
    }
    assert_eq!(evaluate(99, 99).await.unwrap().status(), StatusCode::OK);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn batches_over_the_cell_budget_are_413_naming_the_limit() {
    let (server, _dir) = start(common::options(LIMIT)).await;
    let batch = |fixture: Value, n: usize| {
        client()
            .post(server.url("/v1/predict/batch"))
            .json(&json!({ "fixtures": vec![fixture; n] }))
            .send()
    };
    let budget = ServerOptions::default().batch_cells;
    // 500 full 51×51 grids with 20 scores: 500 × (2601 + 60 + 12 + 10) cells.
    let full = json!({"home": "Arsenal", "away": "Chelsea", "max_goals": 50, "markets": {"grid": true, "correct_scores": 20}});
    let response = batch(full, 500).await.unwrap();
    assert_eq!(response.status(), StatusCode::PAYLOAD_TOO_LARGE);
    let e = json_error(response).await;
    assert_eq!(e.error, "batch_budget_exceeded");
    assert_eq!(e.field.as_deref(), Some("fixtures"));
    assert!(
        e.message.contains(&budget.to_string()) && e.message.contains("--batch-cells"),
        "{}",
        e.message
    );
    // A grid without max_goals counts the cap, 51×51.
    let uncapped = json!({"home": "Arsenal", "away": "Chelsea", "markets": {"grid": true}});
    let response = batch(uncapped, 400).await.unwrap();
    assert_eq!(response.status(), StatusCode::PAYLOAD_TOO_LARGE);
    // Lines count too: 64 + 64 lines are 1,536 numbers a fixture.
    let lines: Vec<f64> = (0..64).map(|i| f64::from(i) * 0.25).collect();
    let many_lines = json!({"home": "Arsenal", "away": "Chelsea", "markets": {"over_under": lines, "asian_handicap": lines}});
    let response = batch(many_lines, 1000).await.unwrap();
    assert_eq!(response.status(), StatusCode::PAYLOAD_TOO_LARGE);
    // Within the budget: small grids, or 10,000 plain fixtures.
    let small = json!({"home": "Arsenal", "away": "Chelsea", "max_goals": 10, "truncate": true, "markets": {"grid": true}});
    let response = batch(small, 400).await.unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    let body: Value = response.json().await.unwrap();
    assert_eq!(
        body["predictions"][399]["grid"].as_array().unwrap().len(),
        11
    );
    let plain = json!({"home": "Arsenal", "away": "Chelsea"});
    assert_eq!(batch(plain, 10_000).await.unwrap().status(), StatusCode::OK);
}

#[tokio::test]
async fn every_error_from_the_head_limits_is_json() {
    let (server, _dir) = start(common::options(LIMIT)).await;
    let c = client();
    let long = format!("/v1/teams?sort=name&pad={}", "x".repeat(10_000));
    let response = c.get(server.url(&long)).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::URI_TOO_LONG);
    assert_eq!(json_error(response).await.error, "uri_too_long");

    let mut many = c.get(server.url("/health"));
    for i in 0..80 {
        many = many.header(format!("x-filler-{i}"), "1");
    }
    let response = many.send().await.unwrap();
    assert_eq!(
        response.status(),
        StatusCode::REQUEST_HEADER_FIELDS_TOO_LARGE
    );
    assert_eq!(json_error(response).await.error, "headers_too_large");

    let response = c
        .get(server.url("/health"))
        .header("x-filler", "y".repeat(20_000))
        .send()
        .await
        .unwrap();
    assert_eq!(
        response.status(),
        StatusCode::REQUEST_HEADER_FIELDS_TOO_LARGE
    );
    json_error(response).await;
}

#[tokio::test]
async fn requests_hyper_cannot_parse_get_json_errors_too() {
    let (server, _dir) = start(common::options(LIMIT)).await;
    let long_uri = format!(
        "GET /health?{} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n",
        "x".repeat(70_000)
    );
    let mut many_headers = String::from("GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\n");
    for i in 0..120 {
        many_headers.push_str(&format!("x-filler-{i}: 1\r\n"));
    }
    many_headers.push_str("\r\n");
    for (request, status, code) in [
        (long_uri.as_bytes(), "414", "uri_too_long"),
        (many_headers.as_bytes(), "431", "headers_too_large"),
        (
            &b"GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\nBad Header: 1\r\n\r\n"[..],
            "400",
            "bad_request",
        ),
        (&b"\x01\x02 / HTTP/1.1\r\n\r\n"[..], "400", "bad_request"),
    ] {
        let response = raw(&server, request).await;
        assert!(
            response.starts_with(&format!("HTTP/1.1 {status} ")),
            "{response}"
        );
        let (head, body) = response.split_once("\r\n\r\n").unwrap();
        assert!(head.contains("content-type: application/json"), "{head}");
        let body: ErrorBody = serde_json::from_str(body).unwrap();
        assert_eq!(body.error, code);
    }
}

#[tokio::test]
async fn unknown_host_names_are_421_against_dns_rebinding() {
    let (server, _dir) = start(common::options(LIMIT)).await;
    let response = raw(
        &server,
        b"GET /v1/model HTTP/1.1\r\nHost: evil.example:8000\r\nConnection: close\r\n\r\n",
    )
    .await;
    assert!(response.starts_with("HTTP/1.1 421"), "{response}");
    assert!(
        response.contains("\"error\":\"host_not_allowed\""),
        "{response}"
    );
    let response = raw(
        &server,
        b"GET /health HTTP/1.1\r\nHost: localhost:8000\r\nConnection: close\r\n\r\n",
    )
    .await;
    assert!(response.starts_with("HTTP/1.1 200"), "{response}");

    let listed = ServerOptions {
        allowed_hosts: AllowedHosts::new(&["api.example.com".to_owned()]),
        ..common::options(LIMIT)
    };
    let (server, _dir) = start(listed).await;
    let response = raw(
        &server,
        b"GET /health HTTP/1.1\r\nHost: api.example.com\r\nConnection: close\r\n\r\n",
    )
    .await;
    assert!(response.starts_with("HTTP/1.1 200"), "{response}");
}

#[tokio::test]
async fn no_cors_headers_are_sent() {
    let (server, _dir) = start(common::options(LIMIT)).await;
    let c = client();
    let preflight = c
        .request(Method::OPTIONS, server.url("/v1/predict"))
        .header("origin", "http://evil.example")
        .header("access-control-request-method", "POST")
        .send()
        .await
        .unwrap();
    assert_eq!(preflight.status(), StatusCode::METHOD_NOT_ALLOWED);
    assert!(preflight
        .headers()
        .keys()
        .all(|k| !k.as_str().starts_with("access-control-")));
    let response = c
        .get(server.url("/v1/teams"))
        .header("origin", "http://evil.example")
        .send()
        .await
        .unwrap();
    assert!(response
        .headers()
        .get("access-control-allow-origin")
        .is_none());
}

#[tokio::test]
async fn reload_needs_the_admin_token_and_json() {
    // No token configured: disabled.
    let open = ServerOptions {
        admin_token: None,
        ..common::options(LIMIT)
    };
    let (server, _dir) = start(open).await;
    let response = client()
        .post(server.url("/v1/model/reload"))
        .header("origin", "http://evil.example")
        .header("content-type", "application/x-www-form-urlencoded")
        .body("a=1")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::FORBIDDEN);
    assert_eq!(json_error(response).await.error, "admin_disabled");

    let (server, _dir) = start(common::options(LIMIT)).await;
    let reload = |token: Option<&str>, content_type: &str| {
        let mut request = client()
            .post(server.url("/v1/model/reload"))
            .header("content-type", content_type)
            .body("{}");
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        request.send()
    };
    // A cross-site form post carries no token and no JSON content type.
    let response = reload(None, "application/x-www-form-urlencoded")
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::UNSUPPORTED_MEDIA_TYPE);
    let response = reload(None, "application/json").await.unwrap();
    assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(response.headers()["www-authenticate"], "Bearer");
    assert_eq!(json_error(response).await.error, "unauthorized");
    let wrong = format!("{ADMIN_TOKEN}x");
    let response = reload(Some(&wrong), "application/json").await.unwrap();
    assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
    let response = reload(Some(ADMIN_TOKEN), "application/json").await.unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    let response = client()
        .post(server.url("/v1/model/reload"))
        .bearer_auth(ADMIN_TOKEN)
        .header("content-type", "application/json")
        .body("[null, null]")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    json_error(response).await;
}

#[tokio::test]
async fn reloads_over_http_are_rate_limited() {
    let limited = ServerOptions {
        reload_interval: Duration::from_secs(60),
        ..common::options(LIMIT)
    };
    let (server, _dir) = start(limited).await;
    let reload = || {
        client()
            .post(server.url("/v1/model/reload"))
            .bearer_auth(ADMIN_TOKEN)
            .json(&json!({}))
            .send()
    };
    // Start-up's load does not count against clients; the first reload over HTTP does.
    assert_eq!(reload().await.unwrap().status(), StatusCode::OK);
    let response = reload().await.unwrap();
    assert_eq!(response.status(), StatusCode::TOO_MANY_REQUESTS);
    let retry: u64 = response.headers()["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!((55..=60).contains(&retry), "{retry}");
    assert_eq!(json_error(response).await.error, "reload_rate_limited");
}

/// Loads the model file is read by so far (successes and failures).
fn loads(metrics: &str) -> u64 {
    metrics
        .lines()
        .filter(|l| l.starts_with("scoreline_model_reloads_total{"))
        .map(|l| l.rsplit(' ').next().unwrap().parse::<u64>().unwrap())
        .sum()
}

/// Writes the model in `bytes` to each reader that opens the FIFO at
/// `path`, one at a time (leaving each time for it to read to the end),
/// until none has come for `quiet`; returns how many writes it made.
async fn feed_fifo(path: &std::path::Path, bytes: &[u8], quiet: Duration) -> usize {
    use std::io::Write;
    use std::os::unix::fs::OpenOptionsExt;
    let mut served = 0;
    let mut last = Instant::now();
    while last.elapsed() < quiet {
        // Opening for writing without blocking fails while no reader waits.
        match std::fs::OpenOptions::new()
            .write(true)
            .custom_flags(libc::O_NONBLOCK)
            .open(path)
        {
            Ok(mut fifo) => {
                let mut rest = bytes;
                while !rest.is_empty() {
                    match fifo.write(rest) {
                        Ok(n) => rest = &rest[n..],
                        Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => {
                            tokio::time::sleep(Duration::from_millis(1)).await;
                        }
                        Err(_) => break,
                    }
                }
                drop(fifo);
                served += 1;
                tokio::time::sleep(Duration::from_millis(300)).await;
                last = Instant::now();
            }
            Err(_) => tokio::time::sleep(Duration::from_millis(20)).await,
        }
    }
    served
}

#[cfg(unix)]
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cancelled_reloads_run_one_load_and_waiters_share_it() {
    let (server, dir) = start(common::options(LIMIT)).await;
    let path = dir.path().join("model.json");
    let model = std::fs::read(&path).unwrap();
    assert_eq!(loads(&metrics(&server).await), 1, "the start-up load");
    // A model file that blocks its reader until this test writes to it.
    std::fs::remove_file(&path).unwrap();
    let fifo = std::ffi::CString::new(path.to_str().unwrap()).unwrap();
    // SAFETY: mkfifo reads a NUL-terminated path that outlives the call.
    assert_eq!(unsafe { libc::mkfifo(fifo.as_ptr(), 0o600) }, 0);

    // 20 clients that give up after 100 ms each.
    for _ in 0..20 {
        let cancelled = client()
            .post(server.url("/v1/model/reload"))
            .bearer_auth(ADMIN_TOKEN)
            .json(&json!({}))
            .timeout(Duration::from_millis(100))
            .send()
            .await;
        assert!(cancelled.unwrap_err().is_timeout());
    }
    // Two that wait join the same load.
    let waiters: Vec<_> = (0..2)
        .map(|_| {
            let url = server.url("/v1/model/reload");
            tokio::spawn(async move {
                client()
                    .post(url)
                    .bearer_auth(ADMIN_TOKEN)
                    .json(&json!({}))
                    .timeout(Duration::from_secs(20))
                    .send()
                    .await
            })
        })
        .collect();
    tokio::time::sleep(Duration::from_millis(200)).await;
    let served = feed_fifo(&path, &model, Duration::from_secs(1)).await;
    assert_eq!(
        loads(&metrics(&server).await),
        2,
        "start-up and one reload ({served} writes to the FIFO)"
    );
    for waiter in waiters {
        let response = waiter.await.unwrap().unwrap();
        assert_eq!(response.status(), StatusCode::OK);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn slow_connections_are_closed_and_normal_requests_keep_succeeding() {
    let options = ServerOptions {
        header_timeout: Duration::from_secs(1),
        max_connections: 64,
        ..common::options(LIMIT)
    };
    let (server, _dir) = start(options).await;
    let opened = Instant::now();
    let mut slow = Vec::new();
    for _ in 0..40 {
        let mut stream = TcpStream::connect(address(&server)).await.unwrap();
        stream
            .write_all(b"POST /v1/predict HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-")
            .await
            .unwrap();
        slow.push(stream);
    }
    // An idle keep-alive connection, after one full request.
    let mut idle = TcpStream::connect(address(&server)).await.unwrap();
    idle.write_all(b"GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
        .await
        .unwrap();
    let mut first = [0u8; 17];
    idle.read_exact(&mut first).await.unwrap();
    assert_eq!(&first, b"HTTP/1.1 200 OK\r\n");

    let c = client();
    let mut ok = 0;
    while opened.elapsed() < Duration::from_millis(1500) {
        let response = c
            .post(server.url("/v1/predict"))
            .json(&json!({"home": "Arsenal", "away": "Chelsea"}))
            .timeout(Duration::from_secs(2))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::OK);
        ok += 1;
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    assert!(ok > 10, "{ok} normal requests");
    for stream in &mut slow {
        let left = Duration::from_millis(2500).saturating_sub(opened.elapsed());
        assert!(
            closes_within(stream, left).await,
            "a half-sent head is still held after {:?}",
            opened.elapsed()
        );
    }
    assert!(
        closes_within(&mut idle, Duration::from_secs(2)).await,
        "an idle keep-alive connection is held"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_body_that_never_ends_is_408_json() {
    let options = ServerOptions {
        body_timeout: Duration::from_millis(500),
        ..common::options(LIMIT)
    };
    let (server, _dir) = start(options).await;
    let mut stream = TcpStream::connect(address(&server)).await.unwrap();
    stream
        .write_all(b"POST /v1/predict HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n5\r\n{\"hom\r\n")
        .await
        .unwrap();
    let started = Instant::now();
    let mut response = vec![0u8; 4096];
    let n = tokio::time::timeout(Duration::from_secs(5), stream.read(&mut response))
        .await
        .expect("answered within the body timeout")
        .unwrap();
    let response = String::from_utf8_lossy(&response[..n]);
    assert!(started.elapsed() < Duration::from_secs(3));
    assert!(response.starts_with("HTTP/1.1 408"), "{response}");
    assert!(
        response.contains("\"error\":\"body_timeout\""),
        "{response}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_connection_cap_queues_new_clients_until_slots_free() {
    let options = ServerOptions {
        header_timeout: Duration::from_millis(800),
        max_connections: 4,
        ..common::options(LIMIT)
    };
    let (server, _dir) = start(options).await;
    let mut held = Vec::new();
    for _ in 0..4 {
        held.push(TcpStream::connect(address(&server)).await.unwrap());
    }
    tokio::time::sleep(Duration::from_millis(100)).await;
    let started = Instant::now();
    let response = client()
        .get(server.url("/health"))
        .timeout(Duration::from_secs(5))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    assert!(
        started.elapsed() >= Duration::from_millis(500),
        "served at once: no cap ({:?})",
        started.elapsed()
    );
}

/// Sends a request head with a chunked body that never ends, so that its
/// handler holds an in-flight slot while it waits for the body.
async fn hold(server: &TestServer, path: &str) -> TcpStream {
    let mut stream = TcpStream::connect(address(server)).await.unwrap();
    stream
        .write_all(format!("POST {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n1\r\n{{\r\n").as_bytes())
        .await
        .unwrap();
    stream
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn past_the_concurrency_limits_requests_are_shed_with_503() {
    let options = ServerOptions {
        max_in_flight: 2,
        max_heavy_in_flight: 1,
        body_timeout: Duration::from_secs(30),
        ..common::options(LIMIT)
    };
    let (server, _dir) = start(options).await;
    let c = client();
    let predict = || {
        c.post(server.url("/v1/predict"))
            .json(&json!({"home": "Arsenal", "away": "Chelsea"}))
            .send()
    };
    let batch = || {
        c.post(server.url("/v1/predict/batch"))
            .json(&json!({"fixtures": [{"home": "Arsenal", "away": "Chelsea"}]}))
            .send()
    };
    let _heavy = hold(&server, "/v1/predict/batch").await;
    tokio::time::sleep(Duration::from_millis(100)).await;
    let response = batch().await.unwrap();
    assert_eq!(response.status(), StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(response.headers()["retry-after"], "1");
    assert_eq!(json_error(response).await.error, "overloaded");
    assert_eq!(predict().await.unwrap().status(), StatusCode::OK);

    let _light = hold(&server, "/v1/predict").await;
    tokio::time::sleep(Duration::from_millis(100)).await;
    let response = predict().await.unwrap();
    assert_eq!(response.status(), StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(json_error(response).await.error, "overloaded");
    for probe in ["/health", "/ready", "/metrics"] {
        let status = c.get(server.url(probe)).send().await.unwrap().status();
        assert_eq!(status, StatusCode::OK, "{probe} is never shed");
    }
    assert!(metrics(&server).await.contains("status=\"503\""));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn shutdown_drops_a_half_sent_head_after_the_deadline() {
    let options = ServerOptions {
        header_timeout: Duration::from_secs(60),
        shutdown_timeout: Duration::from_millis(500),
        ..common::options(LIMIT)
    };
    let (mut server, _dir) = start(options).await;
    let mut stream = TcpStream::connect(address(&server)).await.unwrap();
    stream
        .write_all(b"GET /health HTTP/1.1\r\nHost: 127.")
        .await
        .unwrap();
    tokio::time::sleep(Duration::from_millis(100)).await;
    let started = Instant::now();
    let serving = server.begin_shutdown();
    tokio::time::timeout(Duration::from_secs(5), serving)
        .await
        .expect("shutdown ends after its deadline")
        .unwrap()
        .unwrap();
    assert!(started.elapsed() < Duration::from_secs(2));
    assert!(closes_within(&mut stream, Duration::from_secs(1)).await);
}

#[tokio::test]
async fn public_responses_show_no_paths() {
    let (server, dir) = start(common::options(LIMIT)).await;
    let dir = dir.path().to_str().unwrap().to_owned();
    let model: Value = client()
        .get(server.url("/v1/model"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(model["origin"], "model.json");
    assert!(!model.to_string().contains(&dir), "{model}");
    assert!(!metrics(&server).await.contains(&dir));
    std::fs::write(format!("{dir}/model.json"), "{ not json").unwrap();
    let response = client()
        .post(server.url("/v1/model/reload"))
        .bearer_auth(ADMIN_TOKEN)
        .json(&json!({}))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let e = json_error(response).await;
    assert!(
        !e.message.contains(&dir) && !e.message.contains("expected"),
        "{}",
        e.message
    );
}

#[tokio::test]
async fn responses_carry_a_request_id() {
    let (server, _dir) = start(common::options(LIMIT)).await;
    let c = client();
    let generated = c.get(server.url("/health")).send().await.unwrap();
    let id = generated.headers()["x-request-id"]
        .to_str()
        .unwrap()
        .to_owned();
    // "<16 hex digits of a per-process prefix>-<counter>", distinct per request.
    let (prefix, n) = id.split_once('-').expect("prefix-counter");
    assert!(
        prefix.len() == 16 && prefix.bytes().all(|b| b.is_ascii_hexdigit()),
        "{id}"
    );
    assert!(n.parse::<u64>().is_ok(), "{id}");
    let again = c.get(server.url("/health")).send().await.unwrap();
    assert_ne!(again.headers()["x-request-id"].to_str().unwrap(), id);
    let given = c
        .get(server.url("/no/such/route"))
        .header("x-request-id", "abc-123")
        .send()
        .await
        .unwrap();
    assert_eq!(given.headers()["x-request-id"], "abc-123");
}

#[cfg(unix)]
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_request_past_the_request_timeout_is_503_and_its_reload_carries_on() {
    let options = ServerOptions {
        request_timeout: Duration::from_millis(300),
        ..common::options(LIMIT)
    };
    let (server, dir) = start(options).await;
    let path = dir.path().join("model.json");
    let model = std::fs::read(&path).unwrap();
    std::fs::remove_file(&path).unwrap();
    let fifo = std::ffi::CString::new(path.to_str().unwrap()).unwrap();
    // SAFETY: mkfifo reads a NUL-terminated path that outlives the call.
    assert_eq!(unsafe { libc::mkfifo(fifo.as_ptr(), 0o600) }, 0);
    let started = Instant::now();
    let response = client()
        .post(server.url("/v1/model/reload"))
        .bearer_auth(ADMIN_TOKEN)
        .json(&json!({}))
        .timeout(Duration::from_secs(5))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::SERVICE_UNAVAILABLE);
    assert!(started.elapsed() < Duration::from_secs(2));
    json_error(response).await;
    // The load goes on in its own task and swaps the model in once fed.
    feed_fifo(&path, &model, Duration::from_millis(500)).await;
    let deadline = Instant::now() + Duration::from_secs(5);
    while loads(&metrics(&server).await) < 2 {
        assert!(Instant::now() < deadline, "the reload did not finish");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    assert!(metrics(&server)
        .await
        .contains("scoreline_model_reloads_total{result=\"success\"} 2"));
}
