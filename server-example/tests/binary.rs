//! The `scoreline-server` binary itself: flags, start-up errors, SIGHUP
//! reloads and a clean exit on SIGTERM.

mod common;

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::Value;

fn start(args: &[&str]) -> (Child, String) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_scoreline-server"))
        .args(args)
        .args(["--bind", "127.0.0.1:0", "--log-level", "warn"])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    assert!(line.contains("listening on http://127.0.0.1:"), "{line:?}");
    let base = line.trim().rsplit(' ').next().unwrap().to_owned();
    (child, base)
}

fn signal(child: &Child, name: &str) {
    let status = Command::new("kill")
        .args([&format!("-{name}"), &child.id().to_string()])
        .status()
        .unwrap();
    assert!(status.success());
}

fn get(url: &str) -> Value {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(async {
        common::client()
            .get(url)
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap()
    })
}

fn metrics(base: &str) -> String {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(async {
        common::client()
            .get(format!("{base}/metrics"))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap()
    })
}

fn wait_for_exit(child: &mut Child) -> std::process::ExitStatus {
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        if let Some(status) = child.try_wait().unwrap() {
            return status;
        }
        assert!(Instant::now() < deadline, "the server did not stop");
        std::thread::sleep(Duration::from_millis(20));
    }
}

#[test]
fn serves_a_model_file_reloads_on_sighup_and_exits_on_sigterm() {
    let dir = tempfile::tempdir().unwrap();
    let path = common::model_file(dir.path(), "model.json", 1);
    let (mut child, base) = start(&["--model", path.to_str().unwrap()]);
    let first = get(&format!("{base}/v1/model"))["fingerprint"]["sha256"].clone();
    assert!(first.is_string());

    common::model(2, 4).save(&path).unwrap();
    signal(&child, "HUP");
    let deadline = Instant::now() + Duration::from_secs(10);
    while !metrics(&base).contains("scoreline_model_reloads_total{result=\"success\"} 2") {
        assert!(Instant::now() < deadline, "SIGHUP did not reload");
        std::thread::sleep(Duration::from_millis(20));
    }
    let second = get(&format!("{base}/v1/model"))["fingerprint"]["sha256"].clone();
    assert_ne!(first, second);

    signal(&child, "TERM");
    let status = wait_for_exit(&mut child);
    assert!(status.success(), "{status:?}");
}

#[test]
fn fits_from_data_when_no_model_is_given() {
    let data = std::env::var("SCORELINE_DATA_DIR")
        .unwrap_or_else(|_| concat!(env!("CARGO_MANIFEST_DIR"), "/../../shared/data").to_owned());
    let (mut child, base) = start(&["--data", &data, "--league", "E0", "--seasons", "2"]);
    let model = get(&format!("{base}/v1/model"));
    assert!(
        model["origin"].as_str().unwrap().starts_with("fit E0 "),
        "{model}"
    );
    assert_eq!(model["fit"]["converged"], true);
    assert!(model["teams"].as_u64().unwrap() >= 20);
    signal(&child, "TERM");
    assert!(wait_for_exit(&mut child).success());
}

#[test]
fn start_up_errors_are_clear_and_exit_non_zero() {
    let dir = tempfile::tempdir().unwrap();
    for (args, expected) in [
        (
            vec!["--model", "/nonexistent/model.json"],
            "cannot load the model: reload failed (no model is serving): /nonexistent/model.json",
        ),
        (
            vec!["--data", dir.path().to_str().unwrap()],
            "no E0 files under",
        ),
        (
            vec!["--model", "x.json", "--bind", "not-an-address"],
            "invalid value 'not-an-address' for '--bind",
        ),
        (vec!["--seasons", "0"], "--seasons"),
    ] {
        let output = Command::new(env!("CARGO_BIN_EXE_scoreline-server"))
            .args(&args)
            .output()
            .unwrap();
        assert!(!output.status.success(), "{args:?}");
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(stderr.contains(expected), "{args:?}: {stderr}");
    }
}

/// Opens a connection to `base` and sends half a request head.
fn half_sent_head(base: &str) -> std::net::TcpStream {
    use std::io::Write;
    let mut stream = std::net::TcpStream::connect(base.trim_start_matches("http://")).unwrap();
    stream
        .write_all(b"GET /health HTTP/1.1\r\nHost: 127.")
        .unwrap();
    stream
}

#[test]
fn sigterm_exits_within_the_deadline_despite_a_half_sent_head() {
    let dir = tempfile::tempdir().unwrap();
    let path = common::model_file(dir.path(), "model.json", 1);
    let (mut child, base) = start(&[
        "--model",
        path.to_str().unwrap(),
        "--header-timeout",
        "120",
        "--shutdown-timeout",
        "1",
    ]);
    let _stream = half_sent_head(&base);
    std::thread::sleep(Duration::from_millis(200));
    let started = Instant::now();
    signal(&child, "TERM");
    let status = wait_for_exit(&mut child);
    assert!(status.success(), "{status:?}");
    assert!(
        started.elapsed() < Duration::from_secs(4),
        "exited after {:?}",
        started.elapsed()
    );
}

#[cfg(unix)]
#[test]
fn sigterm_exits_within_the_deadline_despite_a_reload_stuck_on_a_fifo() {
    let dir = tempfile::tempdir().unwrap();
    let path = common::model_file(dir.path(), "model.json", 1);
    let (mut child, base) = start(&["--model", path.to_str().unwrap(), "--shutdown-timeout", "1"]);
    std::fs::remove_file(&path).unwrap();
    let status = Command::new("mkfifo").arg(&path).status().unwrap();
    assert!(status.success());
    signal(&child, "HUP");
    std::thread::sleep(Duration::from_millis(300));
    // The server still answers while the reload waits on the FIFO.
    assert_eq!(get(&format!("{base}/health"))["status"], "ok");
    let started = Instant::now();
    signal(&child, "TERM");
    let status = wait_for_exit(&mut child);
    assert!(status.success(), "{status:?}");
    assert!(
        started.elapsed() < Duration::from_secs(4),
        "exited after {:?}",
        started.elapsed()
    );
}

/// A committed model file written by an earlier version or by Python.
fn fixture(name: &str) -> String {
    format!(
        "{}/../dixon-coles/tests/fixtures/model-files/{name}",
        env!("CARGO_MANIFEST_DIR")
    )
}

#[test]
fn serves_model_files_written_by_python_and_by_earlier_versions() {
    for (name, format_version) in [
        ("python-v2.json", 2),
        ("python-wrapped-v1.json", 1),
        ("rust-v1.json", 1),
    ] {
        let path = fixture(name);
        let (mut child, base) = start(&["--model", &path]);
        let model = get(&format!("{base}/v1/model"));
        assert_eq!(model["format_version"], format_version, "{name}: {model}");
        assert_eq!(model["teams"], 8, "{name}: {model}");
        // Only the file name: public responses show no absolute paths.
        assert_eq!(model["origin"], name, "{name}: {model}");
        signal(&child, "TERM");
        assert!(wait_for_exit(&mut child).success(), "{name}");
    }
}

#[test]
fn refuses_a_model_file_with_an_absurd_rho() {
    // What an all-draw league used to fit: ρ far outside the region where τ
    // is valid and a positive log-likelihood (save writes it unchecked).
    let m = common::model(1, 4);
    let mut params = m.parameters().clone();
    params.rho = -536_870_911.0;
    let mut summary = m.summary().clone();
    summary.log_likelihood = 529.0;
    let absurd = scoreline_dixon_coles::model::FittedModel::new(
        m.teams().clone(),
        params,
        *m.options(),
        summary,
        m.fingerprint().cloned(),
        m.standard_errors().cloned(),
    );
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("absurd.json");
    absurd.save(&path).unwrap();
    let mut child = Command::new(env!("CARGO_BIN_EXE_scoreline-server"))
        .args(["--model", path.to_str().unwrap(), "--bind", "127.0.0.1:0"])
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let deadline = Instant::now() + Duration::from_secs(20);
    while child.try_wait().unwrap().is_none() {
        if Instant::now() > deadline {
            child.kill().unwrap();
            child.wait().unwrap();
            panic!("the server started with an absurd model");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    let output = child.wait_with_output().unwrap();
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("model.parameters.rho"), "{stderr}");
}
